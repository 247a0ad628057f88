"""Terraform checked by python-hcl2 (parse) and the terraform binary (fmt, validate, plan).

``validate`` needs the providers: it runs where a ``terraform`` binary and a local provider
mirror holding every required provider are present (``AG2_SDLC_TF_PLUGIN_DIR``, default
``/opt/tf-plugins``); ``plan`` also needs moto, which stands in for the AWS APIs. Anything
missing makes the check "not checked" with the reason, never a pass.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import hcl2
from lark.exceptions import LarkError

from core.contracts import Finding
from core.errors import ToolFailed, ToolUnavailable
from services.linters.tools import bounded, finding, relative_to

PLUGIN_DIR_ENV = "AG2_SDLC_TF_PLUGIN_DIR"
DEFAULT_PLUGIN_DIR = "/opt/tf-plugins"
_LINE = re.compile(r"line (\d+)")
_SOURCE = re.compile(r'source\s*=\s*"(?:registry\.terraform\.io/)?([a-z0-9-]+)/([a-z0-9-]+)"')


def terraform_binary() -> str:
    found = shutil.which("terraform")
    if found is None:
        raise ToolUnavailable("no terraform binary is installed here.")
    return found


def plugin_dir() -> Path:
    return Path(os.environ.get(PLUGIN_DIR_ENV) or DEFAULT_PLUGIN_DIR)


def _run(
    args: list[str], cwd: Path, *, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(  # noqa: S603 - fixed argv of our own tools, no shell
            args,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            env={**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1", **(env or {})},
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolFailed(f"terraform {args[1]} could not run: {exc}") from exc


def hcl_check(path: Path, *, root: Path | None = None) -> list[Finding]:
    """Parse one ``.tf`` file with python-hcl2; a syntax error is a finding at its line."""
    relative = relative_to(path, root)
    try:
        with path.open(encoding="utf-8") as handle:
            hcl2.load(handle)
    except (LarkError, UnicodeDecodeError, ValueError) as exc:
        match = _LINE.search(str(exc))
        line = int(match.group(1)) if match else int(getattr(exc, "line", 0) or 0)
        message = " ".join(str(exc).split())
        return [finding("python-hcl2", relative, line, "syntax", message, "high", True)]
    return []


def fmt_check(directory: Path, *, root: Path | None = None) -> dict[str, list[Finding]]:
    """``terraform fmt -check``: each file not in canonical style, or that does not parse."""
    done = _run([terraform_binary(), "fmt", "-check", "-list=true", "-no-color", "."], directory)
    findings: dict[str, list[Finding]] = {}
    if done.returncode != 0 and not done.stdout.strip():
        match = _LINE.search(done.stderr)
        named = re.search(r"on (\S+\.tf) line", done.stderr)
        where = directory / named.group(1) if named else directory
        path = relative_to(where, root)
        text = " ".join(done.stderr.split())[:400]
        line = int(match.group(1)) if match else 0
        return {path: [finding("terraform-fmt", path, line, "syntax", text, "high", True)]}
    for name in done.stdout.split():
        path = relative_to(directory / name, root)
        message = "Not in terraform fmt's canonical style (run terraform fmt)."
        findings[path] = [finding("terraform-fmt", path, 0, "fmt", message, "low", False)]
    return findings


def required_providers(directory: Path) -> list[str]:
    """``namespace/name`` of every provider the configuration requires."""
    sources = {
        f"{m.group(1)}/{m.group(2)}"
        for p in directory.glob("*.tf")
        for m in _SOURCE.finditer(p.read_text(encoding="utf-8"))
    }
    return sorted(sources)


def missing_providers(directory: Path) -> list[str]:
    mirror = plugin_dir() / "registry.terraform.io"
    return [name for name in required_providers(directory) if not (mirror / name).is_dir()]


def diagnostics_findings(
    payload: str, workdir: Path, directory: Path, root: Path | None, tool: str
) -> dict[str, list[Finding]]:
    """terraform's JSON diagnostics as findings per original file."""
    try:
        diagnostics = json.loads(payload or "{}").get("diagnostics", [])
    except json.JSONDecodeError:
        return {}
    findings: dict[str, list[Finding]] = {}
    for item in diagnostics:
        where = item.get("range") or {}
        name = str(where.get("filename") or "")
        path = relative_to(directory / name, root) if name else relative_to(directory, root)
        line = int((where.get("start") or {}).get("line") or 0)
        error = item.get("severity") == "error"
        text = f"{item.get('summary', '')}: {item.get('detail', '')}".strip(": ")
        found = finding(tool, path, line, "validate", text, "high" if error else "low", error)
        findings.setdefault(path, []).append(found)
    return {path: bounded(found) for path, found in findings.items()}


def prepared_copy(directory: Path) -> Path:
    """A scratch copy of ``directory``: init writes .terraform and a lock file, not the kit."""
    scratch = Path(tempfile.mkdtemp(prefix="ag2-sdlc-tf-"))
    shutil.copytree(directory, scratch / "config", ignore=shutil.ignore_patterns(".terraform*"))
    return scratch / "config"


def init(workdir: Path) -> None:
    """``terraform init`` from the local mirror only (no registry is reachable)."""
    mirror = plugin_dir()
    done = _run(
        [terraform_binary(), "init", "-input=false", "-no-color", f"-plugin-dir={mirror}"], workdir
    )
    if done.returncode != 0:
        raise ToolUnavailable(f"terraform init failed: {' '.join(done.stderr.split())[-300:]}")


def _override(workdir: Path, endpoint: str | None) -> None:
    """A ``*_override.tf.json``: local state, and (for a plan) every AWS API on ``endpoint``."""
    settings: dict[str, object] = {"terraform": {"backend": {"local": {}}}}
    if endpoint is not None:
        services = [
            "sts",
            "iam",
            "ec2",
            "eks",
            "ecr",
            "rds",
            "s3",
            "kms",
            "logs",
            "cloudwatch",
            "secretsmanager",
        ]
        settings["provider"] = {
            "aws": {
                "access_key": "testing",
                "secret_key": "testing",
                "skip_credentials_validation": True,
                "skip_requesting_account_id": True,
                "skip_metadata_api_check": True,
                "s3_use_path_style": True,
                "endpoints": [dict.fromkeys(services, endpoint)],
            }
        }
    (workdir / "ag2_sdlc_override.tf.json").write_text(json.dumps(settings), encoding="utf-8")


def _plan_diagnostics(output: str, directory: Path, root: Path | None) -> dict[str, list[Finding]]:
    events = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    diagnostics = [e["diagnostic"] for e in events if e.get("type") == "diagnostic"]
    payload = json.dumps({"diagnostics": diagnostics})
    return diagnostics_findings(payload, directory, directory, root, "terraform-plan")


def _plan(
    terraform: str, workdir: Path, directory: Path, root: Path | None, variables: dict[str, str]
) -> dict[str, list[Finding]]:
    args = [terraform, "plan", "-input=false", "-no-color", "-lock=false", "-json"]
    args += [f"-var={name}={value}" for name, value in sorted(variables.items())]
    done = _run(args, workdir, env={"AWS_EC2_METADATA_DISABLED": "true"})
    found = _plan_diagnostics(done.stdout, directory, root)
    if done.returncode != 0 and not any(f.blocking for v in found.values() for f in v):
        text = " ".join((done.stderr or done.stdout).split())[-400:]
        path = relative_to(directory, root)
        found[path] = [finding("terraform-plan", path, 0, "plan", text, "high", True)]
    return found


def _moto() -> Any:
    try:
        from moto.server import ThreadedMotoServer  # only where moto is installed
    except ImportError as exc:
        raise ToolUnavailable("moto is not installed here, so no plan can run.") from exc
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    return ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)


def validate_and_plan(
    directory: Path, *, root: Path | None = None, plan_variables: dict[str, str] | None = None
) -> tuple[dict[str, list[Finding]], dict[str, list[Finding]] | ToolUnavailable | None]:
    """``terraform init`` (local mirror) + ``validate``, then (AWS) ``plan`` against moto.

    Both run in one scratch copy of ``directory`` (init writes .terraform and a lock file).

    Args:
        directory: The Terraform configuration.
        root: Directory that finding paths are made relative to.
        plan_variables: Values of the required variables; ``None``: no plan.

    Returns:
        The validate findings per file, and the plan's (``None`` when no plan was asked for, or
        the reason it could not run).

    Raises:
        ToolUnavailable: no terraform binary, or a required provider is not in the mirror.
    """
    terraform = terraform_binary()
    missing = missing_providers(directory)
    if missing:
        raise ToolUnavailable(
            f"the provider {', '.join(missing)} is not in the local mirror {plugin_dir()}."
        )
    server = None
    plan_result: dict[str, list[Finding]] | ToolUnavailable | None = None
    if plan_variables is not None:
        try:
            server = _moto()
        except ToolUnavailable as exc:
            plan_result = exc
    workdir = prepared_copy(directory)
    try:
        if server is not None:
            server.start()
            host, port = server.get_host_and_port()
        _override(workdir, f"http://{host}:{port}" if server is not None else None)
        init(workdir)
        done = _run([terraform, "validate", "-json", "-no-color"], workdir)
        validated = diagnostics_findings(
            done.stdout, workdir, directory, root, "terraform-validate"
        )
        if server is not None and plan_variables is not None:
            plan_result = _plan(terraform, workdir, directory, root, plan_variables)
        return validated, plan_result
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(workdir.parent, ignore_errors=True)
