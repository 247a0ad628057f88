"""The DevOps Engineer agent: the whole deployment kit for a project, checked file by file.

The model designs replicas, resources and the base image (one AG2 call, schema-bounded); facts
read from the project win over its guesses. The kit is then rendered from ``templates/infra``
and every file goes to the validators made for it.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from agents.devops.checks import Scanner, check_kit
from agents.devops.consistency import consistency_problems, files_read
from agents.devops.design import DeploymentDesign, DevOpsInput, settle_design
from agents.devops.facts import inspect_project
from agents.devops.kit import write_kit
from agents.devops.layouts import build_spec
from agents.devops.spec import KitSpec
from agents.llm import BackendSpec, consult_sync
from agents.rendering import Renderer, default_renderer
from core.contracts import (
    PROJECT_NAME_PATTERN,
    CloudProvider,
    DeploymentBundle,
    DeploymentFile,
    FileKind,
    Finding,
    ProjectKind,
    Suppression,
    Verdict,
)
from core.errors import InvalidRequest

logger = logging.getLogger(__name__)

DEFAULT_REPOSITORY = "https://github.com/example/{name}.git"


def kit_name(project_name: str) -> str:
    """The Kubernetes name of a project: a DNS label short enough for the suffixes added to it."""
    return project_name.rstrip("-")[:40].rstrip("-")


def _missing_requirements() -> Verdict:
    finding = Finding(
        tool="devops",
        path="Dockerfile",
        code="no-requirements",
        severity="high",
        blocking=True,
        message="The project has no requirements.txt; the image build copies and installs it.",
    )
    return Verdict(validator="devops", status="findings", findings=[finding])


def plan_kit(
    project_dir: Path,
    *,
    project_name: str,
    cloud: CloudProvider,
    spec: BackendSpec,
    kind: ProjectKind | None = None,
    repository_url: str | None = None,
) -> tuple[KitSpec, DevOpsInput, DeploymentDesign, object]:
    """The facts, the settled design and the kit's specification, before anything is written."""
    if not re.fullmatch(PROJECT_NAME_PATTERN, project_name):
        raise InvalidRequest(f"Invalid project name {project_name!r} for a deployment.")
    if not project_dir.is_dir():
        raise InvalidRequest(f"The project directory {project_dir} does not exist.")
    facts = inspect_project(project_dir, project_name=project_name, cloud=cloud, kind=kind)
    proposed, trace = consult_sync(role="devops", payload=facts, schema=DeploymentDesign, spec=spec)
    design = settle_design(proposed, facts)
    name = kit_name(project_name)
    url = repository_url or DEFAULT_REPOSITORY.format(name=name)
    return build_spec(facts, design, name=name, repository_url=url), facts, design, trace


def _bundle(
    spec: KitSpec, files: list[DeploymentFile], suppressions: list[Suppression], trace: object
) -> DeploymentBundle:
    def of(*kinds: FileKind) -> list[str]:
        return [f.path for f in files if f.kind in kinds]

    return DeploymentBundle(
        deployment_files=files,
        cloud_provider=spec.cloud,
        project_kind=spec.kind,
        image=spec.image,
        infrastructure_as_code={"terraform": of("terraform"), "helm": of("helm")},
        ci_cd_config=of("ci", "argocd"),
        k8s_manifests=of("k8s"),
        container_port=spec.port,
        health_path=spec.health_path,
        secret_names=[s.remote for s in spec.secrets],
        suppressions=suppressions,
        llm=trace,
    )  # type: ignore[arg-type]


def build_deployment(
    project_dir: Path,
    *,
    project_name: str,
    cloud: CloudProvider,
    spec: BackendSpec,
    renderer: Renderer | None = None,
    out_dir: Path | None = None,
    kind: ProjectKind | None = None,
    repository_url: str | None = None,
    checkov_scan: Scanner | None = None,
) -> DeploymentBundle:
    """Write the deployment kit for a project, then check every file with its validators.

    Args:
        project_dir: Root of the generated project (the image's build context).
        project_name: Name for the image, workloads and cloud resources (``PROJECT_NAME_PATTERN``).
        cloud: aws, gcp, azure (Terraform, deploy workflow, secret store) or local.
        spec: The LLM backend that designs replicas and resources.
        renderer: Renders ``templates/infra``; the default renderer when ``None``.
        out_dir: Where to write the kit; ``project_dir`` when ``None``.
        kind: The project's kind; read from its files when ``None``.
        repository_url: The git repository Argo CD follows (the one the release pushes to).
        checkov_scan: Runs checkov over the written kit; one run of its own when ``None``.

    Returns:
        The bundle: every file with its kind and each validator's verdict on it.

    Raises:
        InvalidRequest: The project name is invalid or ``project_dir`` is not a directory.
    """
    kit, _, _, trace = plan_kit(
        project_dir,
        project_name=project_name,
        cloud=cloud,
        spec=spec,
        kind=kind,
        repository_url=repository_url,
    )
    out = out_dir or project_dir
    written = write_kit(kit, out, renderer or default_renderer())
    verdicts, suppressions = check_kit(out, written, kit, scan=checkov_scan)
    if not (project_dir / "requirements.txt").is_file():
        verdicts["Dockerfile"].append(_missing_requirements())
    problems = consistency_problems(out, kit)
    for path in files_read(kit, [p for p, _ in written]):
        found = [f for f in problems if f.path == path]
        status = "findings" if found else "passed"
        verdicts[path].append(Verdict(validator="consistency", status=status, findings=found[:50]))
    files = [DeploymentFile(path=p, kind=k, verdicts=verdicts[p]) for p, k in written]
    logger.info(
        "devops: %s %s kit for %s, %d files, %d findings, %d not checked",
        kit.kind,
        cloud,
        kit.name,
        len(files),
        sum(len(f.findings) for f in files),
        sum(len(f.not_checked) for f in files),
    )
    return _bundle(kit, files, suppressions, trace)
