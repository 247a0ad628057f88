"""Per-cloud facts of the kit: region, registry, secret manager, storage class, identity.

Account ids, projects and vault names are placeholders the Terraform outputs replace; each is
written once here so every file of the kit spells it the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.contracts import CloudProvider


@dataclass(frozen=True)
class CloudProfile:
    """How one cloud hosts the kit."""

    cloud: CloudProvider
    region: str
    registry_host: str  # the image is {registry_host}/{image_path}{name}
    image_path: str
    store_service: str
    rwx_storage_class: str
    database: str
    cluster: str
    login_action: str
    oidc_note: str


AWS_ACCOUNT = "123456789012"  # placeholder (AWS's documentation account); see terraform output
GCP_PROJECT = "my-gcp-project"  # placeholder; terraform variable project_id

PROFILES: dict[str, CloudProfile] = {
    "aws": CloudProfile(
        cloud="aws",
        region="eu-west-1",
        registry_host=f"{AWS_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com",
        image_path="",
        store_service="AWS Secrets Manager",
        rwx_storage_class="efs-sc",
        database="Amazon RDS for PostgreSQL",
        cluster="Amazon EKS",
        login_action="aws-actions/amazon-ecr-login",
        oidc_note="aws-actions/configure-aws-credentials assumes the deploy role by OIDC",
    ),
    "gcp": CloudProfile(
        cloud="gcp",
        region="europe-west1",
        registry_host="europe-west1-docker.pkg.dev",
        image_path=f"{GCP_PROJECT}/apps/",
        store_service="GCP Secret Manager",
        rwx_storage_class="standard-rwx",
        database="Cloud SQL for PostgreSQL",
        cluster="Google Kubernetes Engine",
        login_action="docker/login-action",
        oidc_note="google-github-actions/auth uses Workload Identity Federation",
    ),
    "azure": CloudProfile(
        cloud="azure",
        region="westeurope",
        registry_host="",
        image_path="",
        store_service="Azure Key Vault",
        rwx_storage_class="azurefile-csi",
        database="Azure Database for PostgreSQL",
        cluster="Azure Kubernetes Service",
        login_action="azure/login",
        oidc_note="azure/login uses a federated credential of the deploy identity",
    ),
    "local": CloudProfile(
        cloud="local",
        region="local",
        registry_host="",
        image_path="",
        store_service="a Kubernetes Secret created by the operator",
        rwx_storage_class="",
        database="SQLite on a volume",
        cluster="a local cluster (kind, minikube, k3d)",
        login_action="",
        oidc_note="",
    ),
}


def compact(name: str) -> str:
    """``name`` without dashes: Azure registry and vault names allow letters and digits only."""
    return name.replace("-", "")[:20]


def image_repository(cloud: CloudProvider, name: str) -> str:
    """Where the deploy workflow pushes the image (the local target builds ``name`` locally)."""
    profile = PROFILES[cloud]
    if cloud == "azure":
        return f"{compact(name)}acr.azurecr.io/{name}"
    if cloud == "gcp":  # one Artifact Registry repository per app, named like it
        return f"{profile.registry_host}/{GCP_PROJECT}/{name}/{name}"
    if not profile.registry_host:
        return name
    return f"{profile.registry_host}/{profile.image_path}{name}"
