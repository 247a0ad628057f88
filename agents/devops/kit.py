"""The DevOps Engineer agent: container image and Kubernetes manifests for a generated project.

The model designs (one AG2 call, schema-bounded): replicas, resources, base image. Facts found in
the project win over its design (port, health path, ASGI module); every value reaching a
template has passed a pattern or an allow-list. Each rendered file is then linted.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from agents.llm import BackendSpec, consult_sync, register
from agents.rendering import Renderer, TemplateContext, default_renderer
from core.contracts import (
    PROJECT_NAME_PATTERN,
    CloudProvider,
    Contract,
    DeploymentBundle,
    DeploymentFile,
    Finding,
    ShortText,
)
from core.errors import InvalidRequest
from services import linters

logger = logging.getLogger(__name__)

BaseImage = Literal["python:3.11-slim", "python:3.12-slim"]
CpuQuantity = Annotated[str, Field(pattern=r"^([1-9][0-9]{0,3}m|[1-4])$")]
MemoryQuantity = Annotated[str, Field(pattern=r"^([1-9][0-9]{1,4}Mi|[1-8]Gi)$")]
HealthPath = Annotated[str, Field(pattern=r"^/[a-z0-9/_-]{0,60}$")]
DEFAULT_PORT = 8000
IMAGE_TAG = "0.1.0"
RUNTIME_UID = 10001
K8S_MANIFESTS = ("k8s/deployment.yaml", "k8s/service.yaml")
# Libraries that hold data in memory: services using them get larger resource requests.
_HEAVY_PACKAGES = frozenset({"pandas", "numpy", "scipy", "scikit-learn", "torch", "polars"})
# `--port N`, `uvicorn.run(..., port=N)`, or a `PORT = N` / `port: int = N` setting.
_PORT = re.compile(
    r"(?:--port[= ]|uvicorn\.run\([^)]*\bport\s*=\s*|^\s*port\s*(?::\s*int)?\s*=\s*)(\d{4,5})\b",
    re.IGNORECASE | re.MULTILINE,
)
_HEALTH = re.compile(
    r"\.(?:get|api_route)\(\s*[\"'](/(?:health|healthz|livez|readyz|ready)\b[a-z0-9/_-]*)[\"']"
)
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


class DevOpsInput(Contract):
    """What the DevOps agent knows about the project: the input of the model call."""

    project_name: str = Field(pattern=PROJECT_NAME_PATTERN)
    cloud_provider: CloudProvider
    detected_port: int | None = Field(None, ge=1024, le=65535)
    detected_health_path: HealthPath | None = None
    app_module: ShortText
    dependencies: list[ShortText] = Field(default_factory=list, max_length=40)


class DeploymentDesign(Contract):
    """How the service runs: the model's design, checked against allow-lists and patterns."""

    replicas: int = Field(ge=1, le=10)
    cpu_request: CpuQuantity = Field(description='Kubernetes CPU quantity, e.g. "100m" or "1".')
    cpu_limit: CpuQuantity
    memory_request: MemoryQuantity = Field(description='Memory quantity, e.g. "128Mi" or "1Gi".')
    memory_limit: MemoryQuantity
    container_port: int = Field(ge=1024, le=65535)
    health_path: HealthPath
    base_image: BaseImage


def design_for(data: DevOpsInput) -> DeploymentDesign:
    """The offline design: small, safe defaults sized by the project's dependencies."""
    heavy = any(name.lower() in _HEAVY_PACKAGES for name in data.dependencies)
    return DeploymentDesign(
        replicas=1 if data.cloud_provider == "local" else 2,
        cpu_request="250m" if heavy else "100m",
        cpu_limit="1" if heavy else "500m",
        memory_request="512Mi" if heavy else "128Mi",
        memory_limit="1Gi" if heavy else "256Mi",
        container_port=data.detected_port or DEFAULT_PORT,
        health_path=data.detected_health_path or "/health",
        base_image="python:3.11-slim",
    )


register("devops", lambda data: design_for(DevOpsInput.model_validate(data)))


def _millicores(quantity: str) -> int:
    return int(quantity[:-1]) if quantity.endswith("m") else int(quantity) * 1000


def _mebibytes(quantity: str) -> int:
    return int(quantity[:-2]) * (1024 if quantity.endswith("Gi") else 1)


def _source_texts(project_dir: Path) -> list[str]:
    # Tests start fake servers on ports of their own: only the application's code counts.
    sources = [
        path
        for path in linters.python_files(project_dir)
        if "tests" not in path.relative_to(project_dir).parts and not path.name.startswith("test_")
    ]
    texts = [path.read_text(errors="replace") for path in sources]
    procfile = project_dir / "Procfile"
    return texts + ([procfile.read_text(errors="replace")] if procfile.is_file() else [])


def inspect_project(project_dir: Path, *, project_name: str, cloud: CloudProvider) -> DevOpsInput:
    """Read the facts a deployment needs from the project: port, health path, module, deps."""
    texts = _source_texts(project_dir)
    ports = [int(m) for text in texts for m in _PORT.findall(text) if 1024 <= int(m) <= 65535]
    health = [path for text in texts for path in _HEALTH.findall(text) if len(path) <= 61]
    requirements = project_dir / "requirements.txt"
    lines = requirements.read_text(errors="replace").splitlines() if requirements.is_file() else []
    names = [m.group(1)[:120] for line in lines if (m := _REQUIREMENT.match(line))]
    if (project_dir / "app" / "main.py").is_file() or not (project_dir / "main.py").is_file():
        module = "app.main:app"
    else:
        module = "main:app"
    return DevOpsInput(
        project_name=project_name,
        cloud_provider=cloud,
        detected_port=ports[0] if ports else None,
        detected_health_path=health[0] if health else None,
        app_module=module,
        dependencies=names[:40],
    )


def settle_design(design: DeploymentDesign, facts: DevOpsInput) -> DeploymentDesign:
    """The design with measured facts in place of the model's guesses and limits >= requests."""
    changes: dict[str, object] = {}
    if facts.detected_port not in (None, design.container_port):
        changes["container_port"] = facts.detected_port
    if facts.detected_health_path not in (None, design.health_path):
        changes["health_path"] = facts.detected_health_path
    if _millicores(design.cpu_limit) < _millicores(design.cpu_request):
        changes["cpu_limit"] = design.cpu_request
    if _mebibytes(design.memory_limit) < _mebibytes(design.memory_request):
        changes["memory_limit"] = design.memory_request
    if changes:
        logger.info("devops: design corrected from measured facts: %s", sorted(changes))
    return design.model_copy(update=changes)


def _missing_requirements(dockerfile: str) -> Finding:
    return Finding(
        tool="devops", path=dockerfile, code="no-requirements", severity="high", blocking=True,
        message="The project has no requirements.txt; the image build copies and installs it.",
    )  # fmt: skip - keyword arguments grouped as a finding reads them


def _template_context(design: DeploymentDesign, facts: DevOpsInput, name: str) -> TemplateContext:
    return {
        **design.model_dump(),
        "project_name": facts.project_name,
        "name": name,
        "image": f"{name}:{IMAGE_TAG}",
        "uid": RUNTIME_UID,
        "port": design.container_port,
        "app_module": facts.app_module,
    }


def _checked_files(project_dir: Path, out: Path) -> list[DeploymentFile]:
    """Each written file with the findings of the linters made for it."""
    dockerfile_findings = linters.hadolint(out / "Dockerfile", root=out)
    if not (project_dir / "requirements.txt").is_file():
        dockerfile_findings.append(_missing_requirements("Dockerfile"))
    files = [
        DeploymentFile(path="Dockerfile", kind="dockerfile", findings=dockerfile_findings[:50]),
        DeploymentFile(path=".dockerignore", kind="dockerignore"),
    ]
    for manifest in K8S_MANIFESTS:
        path = out / manifest
        found = linters.yaml_check(path, root=out) + linters.kubernetes_check(path, root=out)
        files.append(DeploymentFile(path=manifest, kind="k8s", findings=found[:50]))
    return files


def build_deployment(
    project_dir: Path,
    *,
    project_name: str,
    cloud: CloudProvider,
    spec: BackendSpec,
    renderer: Renderer | None = None,
    out_dir: Path | None = None,
) -> DeploymentBundle:
    """Write a Dockerfile, .dockerignore and Kubernetes manifests for a project, then lint them.

    Args:
        project_dir: Root of the generated project (the image's build context).
        project_name: Name for the image, Deployment and Service (``PROJECT_NAME_PATTERN``).
        cloud: The target cloud; the design sizes replicas for it.
        spec: The LLM backend that designs replicas and resources.
        renderer: Renders ``templates/infra``; a default ``Renderer`` when ``None``.
        out_dir: Where to write the files; ``project_dir`` when ``None``.

    Returns:
        The bundle: each file with its hadolint, YAML and Kubernetes-schema findings.

    Raises:
        InvalidRequest: The project name is invalid or ``project_dir`` is not a directory.
    """
    if not re.fullmatch(PROJECT_NAME_PATTERN, project_name):
        raise InvalidRequest(f"Invalid project name {project_name!r} for a deployment.")
    if not project_dir.is_dir():
        raise InvalidRequest(f"The project directory {project_dir} does not exist.")
    facts = inspect_project(project_dir, project_name=project_name, cloud=cloud)
    proposed, trace = consult_sync(role="devops", payload=facts, schema=DeploymentDesign, spec=spec)
    design = settle_design(proposed, facts)
    # Kubernetes names and label values must end with a letter or digit.
    name = project_name.rstrip("-")
    context = _template_context(design, facts, name)
    out = out_dir or project_dir
    renderer = renderer or default_renderer()
    renderer.render_tree("infra/docker", out, context)
    renderer.render_tree("infra/k8s", out / "k8s", context)
    files = _checked_files(project_dir, out)
    logger.info(
        "devops: %s on port %d, %d findings",
        name,
        design.container_port,
        sum(len(f.findings) for f in files),
    )
    return DeploymentBundle(
        deployment_files=files,
        cloud_provider=cloud,
        k8s_manifests=list(K8S_MANIFESTS),
        container_port=design.container_port,
        health_path=design.health_path,
        llm=trace,
    )
