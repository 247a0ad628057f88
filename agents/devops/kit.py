"""Writing the kit: which template becomes which file, for which kind and cloud.

Every file comes from a Jinja2 template under ``templates/infra`` rendered with one context
built from the ``KitSpec``; the Helm chart's own templates are Go templates, copied as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents.devops.clouds import GCP_PROJECT, PROFILES
from agents.devops.compose import compose_context
from agents.devops.spec import Batch, Component, KitSpec
from agents.rendering import TEMPLATES_ROOT, Renderer
from core.contracts import FileKind
from services.workspace import resolve_inside

# Actions pinned to full commit SHAs (the tag they were read from is kept beside each).
ACTION_PINS = {
    "checkout": {"sha": "11bd71901bbe5b1630ceea73d27597364c9af683", "version": "v4.2.2"},
    "setup_python": {"sha": "a26af69be951a213d495a4c3e4e4022e16d87065", "version": "v5.6.0"},
    "aws_credentials": {"sha": "e3dd6a429d7300a6a4c196c26e071d42e0343502", "version": "v4.0.2"},
    "gcp_auth": {"sha": "7c6bc770dae815cd3e89ee6cdf493a5fab2cc093", "version": "v3.0.0"},
    "azure_login": {"sha": "a457da9ea143d694b1b9c7c869ebb04ebe844ef5", "version": "v2.3.0"},
}
DEPLOY_VARIABLES = {
    "aws": ["REGISTRY", "AWS_DEPLOY_ROLE_ARN"],
    "gcp": ["REGISTRY", "GCP_WORKLOAD_IDENTITY_PROVIDER", "GCP_DEPLOY_SERVICE_ACCOUNT"],
    "azure": ["REGISTRY", "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_SUBSCRIPTION_ID"],
}
REGISTRY_LABEL = {
    "aws": "Amazon ECR",
    "gcp": "Artifact Registry",
    "azure": "Azure Container Registry",
}


@dataclass(frozen=True)
class KitFile:
    template: str
    path: str
    kind: FileKind
    when: Callable[[KitSpec], bool] = lambda spec: True


def _cloud(spec: KitSpec) -> bool:
    return spec.cloud != "local"


K8S_FILES = (
    KitFile("infra/k8s/namespace.yaml.j2", "k8s/namespace.yaml", "k8s"),
    KitFile("infra/k8s/serviceaccount.yaml.j2", "k8s/serviceaccount.yaml", "k8s"),
    KitFile("infra/k8s/configmap.yaml.j2", "k8s/configmap.yaml", "k8s"),
    KitFile(
        "infra/k8s/secretstore.yaml.j2",
        "k8s/secretstore.yaml",
        "k8s",
        lambda s: _cloud(s) and bool(s.secrets),
    ),
    KitFile(
        "infra/k8s/externalsecret.yaml.j2",
        "k8s/externalsecret.yaml",
        "k8s",
        lambda s: _cloud(s) and bool(s.secrets),
    ),
    KitFile("infra/k8s/pvc.yaml.j2", "k8s/pvc.yaml", "k8s", lambda s: bool(s.claims)),
    KitFile("infra/k8s/deployment.yaml.j2", "k8s/deployment.yaml", "k8s"),
    KitFile("infra/k8s/service.yaml.j2", "k8s/service.yaml", "k8s"),
    KitFile(
        "infra/k8s/hpa.yaml.j2",
        "k8s/hpa.yaml",
        "k8s",
        lambda s: any(c.autoscale for c in s.components),
    ),
    KitFile("infra/k8s/pdb.yaml.j2", "k8s/pdb.yaml", "k8s"),
    KitFile("infra/k8s/networkpolicy.yaml.j2", "k8s/networkpolicy.yaml", "k8s"),
    KitFile("infra/k8s/jobs.yaml.j2", "k8s/jobs.yaml", "k8s", lambda s: bool(s.batches)),
)


def kit_files(spec: KitSpec) -> list[KitFile]:
    """Every rendered file of the kit for ``spec`` (the Helm chart's templates excepted)."""
    chart = f"helm/{spec.name}"
    files = [
        KitFile("infra/docker/Dockerfile.j2", "Dockerfile", "dockerfile"),
        KitFile("infra/docker/.dockerignore", ".dockerignore", "dockerignore"),
        KitFile("infra/docker/docker-compose.yml.j2", "docker-compose.yml", "compose"),
        *(f for f in K8S_FILES if f.when(spec)),
        KitFile("infra/helm/Chart.yaml.j2", f"{chart}/Chart.yaml", "helm"),
        KitFile("infra/helm/values.yaml.j2", f"{chart}/values.yaml", "helm"),
        *(
            KitFile(f"infra/helm/values-{env}.yaml.j2", f"{chart}/values-{env}.yaml", "helm")
            for env in spec.environments
        ),
        KitFile("infra/argocd/application.yaml.j2", "argocd/application.yaml", "argocd"),
        KitFile("infra/github/ci.yml.j2", ".github/workflows/ci.yml", "ci"),
    ]
    if spec.cloud != "local":
        files.append(KitFile("infra/github/deploy.yml.j2", ".github/workflows/deploy.yml", "ci"))
        sources = sorted((TEMPLATES_ROOT / "infra" / "terraform" / spec.cloud).glob("*.tf.j2"))
        files += [
            KitFile(
                f"infra/terraform/{spec.cloud}/{source.name}",
                f"terraform/{spec.cloud}/{source.name.removesuffix('.j2')}",
                "terraform",
            )
            for source in sources
        ]
    return files


def _identity(spec: KitSpec) -> dict[str, str] | None:
    if spec.cloud == "aws":
        value = f"arn:aws:iam::{PROFILES['aws'].registry_host.split('.')[0]}:role/{spec.name}-app"
        return {
            "annotation": "eks.amazonaws.com/role-arn",
            "value": value,
            "pod_label": "",
            "note": "IRSA: terraform output app_role_arn",
        }
    if spec.cloud == "gcp":
        account = f"{spec.name[:24].rstrip('-')}-app@{GCP_PROJECT}.iam.gserviceaccount.com"
        return {
            "annotation": "iam.gke.io/gcp-service-account",
            "value": account,
            "pod_label": "",
            "note": "GKE Workload Identity: terraform output app_service_account",
        }
    if spec.cloud == "azure":
        return {
            "annotation": "azure.workload.identity/client-id",
            "value": "00000000-0000-0000-0000-000000000000",
            "pod_label": "azure.workload.identity/use",
            "note": "Azure Workload Identity: terraform output app_client_id",
        }
    return None


def github_expression(expression: str) -> str:
    """``expression`` as a GitHub Actions expression, ``${{ ... }}``."""
    return "${{ " + expression + " }}"


def template_context(spec: KitSpec) -> dict[str, Any]:
    """The one context every template of the kit renders with."""
    items: list[Component | Batch] = [*spec.components, *spec.batches]
    extra_dirs = sorted({m.path for item in items for m in item.mounts} - {"/app/data"})
    return {
        "spec": spec,
        "profile": PROFILES[spec.cloud],
        "identity": _identity(spec),
        "gcp_project": GCP_PROJECT,
        "pins": ACTION_PINS,
        "gh": github_expression,
        "extra_dirs": extra_dirs,
        "required_vars": DEPLOY_VARIABLES.get(spec.cloud, []),
        "registry_label": REGISTRY_LABEL.get(spec.cloud, ""),
        **compose_context(spec),
    }


def write_kit(spec: KitSpec, out: Path, renderer: Renderer) -> list[tuple[str, FileKind]]:
    """Render every file of the kit under ``out``; return each path with its kind."""
    context = template_context(spec)
    written: list[tuple[str, FileKind]] = []
    for item in kit_files(spec):
        target = resolve_inside(out, item.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(renderer.render(item.template, context), encoding="utf-8")
        written.append((item.path, item.kind))
    chart_templates = TEMPLATES_ROOT / "infra" / "helm" / "templates"
    for source in sorted(chart_templates.iterdir()):
        path = f"helm/{spec.name}/templates/{source.name}"
        target = resolve_inside(out, path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
        written.append((path, "helm"))
    return written
