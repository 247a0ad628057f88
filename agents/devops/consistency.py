"""Reads the kit back and checks that its files agree with each other.

Image name, port, health path, environment variable and secret names are read from the
Dockerfile, docker-compose.yml, the manifests, the chart's values, the workflows and the
Terraform, then compared: a value that differs from the rest is a blocking finding on the file
that says it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from agents.devops.spec import KitSpec
from core.contracts import Finding

_EXPOSE = re.compile(r"^EXPOSE (\d+)", re.MULTILINE)
_HEALTHCHECK = re.compile(r"http://127\.0\.0\.1:(\d+)(/[^'\"]*)")
_PORT_ARG = re.compile(r'"--port", "(\d+)"')
_ECR = re.compile(r'resource "aws_ecr_repository" "app" \{\s*name\s*=\s*"([^"]+)"')
_REPOSITORY_ID = re.compile(r'repository_id\s*=\s*"([^"]+)"')
_OUTPUT_IMAGE = re.compile(r'output "image_repository" \{[^}]*?value\s*=\s*"[^"]*/([a-z0-9-]+)"')
_SECRET_NAMES = re.compile(r"app_secrets\s*=\s*toset\(\[([^\]]*)\]\)")


@dataclass(frozen=True)
class Fact:
    path: str
    name: str
    value: str


def _documents(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if isinstance(d, dict)]


def _image_name(reference: str) -> str:
    return reference.rsplit("/", 1)[-1].split(":")[0]


def _dockerfile(out: Path) -> list[Fact]:
    text = (out / "Dockerfile").read_text(encoding="utf-8")
    facts = [Fact("Dockerfile", "port", port) for port in _EXPOSE.findall(text)]
    facts += [Fact("Dockerfile", "port", port) for port in _PORT_ARG.findall(text)]
    for port, path in _HEALTHCHECK.findall(text):
        facts += [Fact("Dockerfile", "port", port), Fact("Dockerfile", "health path", path)]
    return facts


def _compose(out: Path) -> list[Fact]:
    facts = []
    for document in _documents(out / "docker-compose.yml"):
        for name, service in (document.get("services") or {}).items():
            if name == "db":
                continue
            facts.append(
                Fact("docker-compose.yml", "image", _image_name(str(service.get("image"))))
            )
            command = " ".join(map(str, service.get("command") or []))
            facts += [
                Fact("docker-compose.yml", "port", p) for p in re.findall(r"--port (\d+)", command)
            ]
            env = service.get("environment") or {}
            facts += [
                Fact("docker-compose.yml", "setting", key)
                for key in env
                if not key.endswith("DATABASE_URL")
            ]
    return facts


def _pod_facts(path: str, pod: dict[str, Any]) -> list[Fact]:
    facts = []
    for container in pod.get("containers", []):
        facts.append(Fact(path, "image", _image_name(str(container.get("image")))))
        facts += [
            Fact(path, "port", str(p.get("containerPort"))) for p in container.get("ports", [])
        ]
        probe = (container.get("livenessProbe") or {}).get("httpGet") or {}
        if probe:
            facts += [
                Fact(path, "port", str(probe.get("port"))),
                Fact(path, "health path", str(probe.get("path"))),
            ]
        for env in container.get("env", []):
            ref = (env.get("valueFrom") or {}).get("secretKeyRef") or {}
            facts += [
                Fact(path, "secret", str(ref.get("name"))),
                Fact(path, "secret key", str(ref.get("key"))),
            ]
    return facts


def manifest_facts(path: str, documents: list[dict[str, Any]]) -> list[Fact]:
    """Image, ports, health path, settings and secret names of Kubernetes documents."""
    facts = []
    for document in documents:
        kind, spec = document.get("kind"), document.get("spec") or {}
        if kind == "Deployment":
            facts += _pod_facts(path, spec["template"]["spec"])
        elif kind == "Service":
            facts += [Fact(path, "port", str(p.get("targetPort"))) for p in spec.get("ports", [])]
        elif kind == "ConfigMap":
            facts += [Fact(path, "setting", key) for key in document.get("data") or {}]
        elif kind == "ExternalSecret":
            facts.append(Fact(path, "secret", str(spec.get("target", {}).get("name"))))
            for item in spec.get("data", []):
                facts.append(Fact(path, "secret key", str(item.get("secretKey"))))
                facts.append(Fact(path, "secret entry", str(item.get("remoteRef", {}).get("key"))))
    return facts


def _values(out: Path, spec: KitSpec) -> list[Fact]:
    path = f"helm/{spec.name}/values.yaml"
    values = (_documents(out / path) or [{}])[0]
    facts = [
        Fact(path, "image", _image_name(str(values.get("image", {}).get("repository")))),
        Fact(path, "port", str(values.get("port"))),
        Fact(path, "secret", str(values.get("secretName"))),
    ]
    facts += [Fact(path, "setting", key) for key in values.get("config") or {}]
    for item in values.get("externalSecret", {}).get("data") or []:
        facts += [
            Fact(path, "secret key", str(item["secretKey"])),
            Fact(path, "secret entry", str(item["remoteKey"])),
        ]
    for component in values.get("components", []):
        facts.append(Fact(path, "health path", str(component.get("healthPath"))))
    return facts


def _workflows(out: Path) -> list[Fact]:
    facts = []
    for path in ("ci.yml", "deploy.yml"):
        relative = f".github/workflows/{path}"
        for document in _documents(out / relative):
            image = (document.get("env") or {}).get("IMAGE")
            if image:
                facts.append(Fact(relative, "image", _image_name(str(image))))
            for job in (document.get("jobs") or {}).values():
                for step in job.get("steps", []):
                    found = re.search(r"--tag \"([^\":$]+):", str(step.get("run", "")))
                    if found:
                        facts.append(Fact(relative, "image", _image_name(found.group(1))))
    return facts


def _terraform(out: Path, spec: KitSpec) -> list[Fact]:
    facts = []
    for path in sorted((out / "terraform").glob("*/*.tf")):
        relative = path.relative_to(out).as_posix()
        text = path.read_text(encoding="utf-8")
        for pattern in (_ECR, _REPOSITORY_ID, _OUTPUT_IMAGE):
            facts += [
                Fact(relative, "image", name) for name in pattern.findall(text) if name != "apps"
            ]
        for names in _SECRET_NAMES.findall(text):
            facts += [
                Fact(relative, "secret entry", name) for name in re.findall(r'"([^"]+)"', names)
            ]
    return facts


def kit_facts(out: Path, spec: KitSpec) -> list[Fact]:
    """Every fact the consistency check compares, read from the files on disk."""
    facts = (
        _dockerfile(out)
        + _compose(out)
        + _values(out, spec)
        + _workflows(out)
        + _terraform(out, spec)
    )
    for path in sorted((out / "k8s").glob("*.yaml")):
        facts += manifest_facts(path.relative_to(out).as_posix(), _documents(path))
    return facts


def _line(out: Path, path: str, value: str) -> int:
    target = out / path
    lines = target.read_text(encoding="utf-8").splitlines() if target.is_file() else []
    return next((number for number, line in enumerate(lines, 1) if value in line), 0)


def consistency_problems(out: Path, spec: KitSpec) -> list[Finding]:
    """Blocking findings for every value that disagrees with the kit's other files."""
    facts = kit_facts(out, spec)
    expected = {
        "image": {spec.image_name},
        "port": {str(spec.port)},
        "health path": {c.health_path for c in spec.components},
        "secret": {spec.secret_name},
        "secret key": {s.key for s in spec.secrets},
        "secret entry": {s.remote for s in spec.secrets},
        "setting": set(spec.config) | {"POSTGRES_PASSWORD", *(s.key for s in spec.secrets)},
    }
    findings = []
    for fact in facts:
        allowed = expected.get(fact.name, set())
        if fact.name == "setting" and fact.path == "docker-compose.yml":
            allowed = allowed | {s.env for s in spec.secrets}
        if fact.value in allowed:
            continue
        seen = Counter(f.path for f in facts if f.name == fact.name and f.value in allowed)
        elsewhere = ", ".join(sorted(seen)) or "the kit's specification"
        message = (
            f"{fact.name} is {fact.value!r} here, but {' / '.join(sorted(allowed)) or 'absent'} "
            f"in {elsewhere}."
        )
        findings.append(
            Finding(
                tool="consistency",
                path=fact.path,
                line=_line(out, fact.path, fact.value),
                code=f"mismatch-{fact.name.replace(' ', '-')}",
                message=message[:500],
                severity="high",
                blocking=True,
            )
        )
    return findings


def files_read(spec: KitSpec, paths: list[str]) -> list[str]:
    """The kit's files the consistency check reads."""
    chosen = {
        "Dockerfile",
        "docker-compose.yml",
        f"helm/{spec.name}/values.yaml",
        ".github/workflows/ci.yml",
        ".github/workflows/deploy.yml",
    }
    return [p for p in paths if p in chosen or p.startswith(("k8s/", "terraform/"))]
