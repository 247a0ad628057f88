"""The kit's specification: every name, port, path, variable and secret the templates write.

One model, built once from the project's facts and the settled design, is the only source of
the values in every file of the kit; the consistency check reads the files back against it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from agents.devops.clouds import PROFILES
from agents.devops.design import DevOpsInput

IMAGE_TAG = "0.1.0"
RUNTIME_UID = 10001
ETL_SCHEDULE = "0 2 * * *"
DATABASE_KINDS = frozenset({"rest_api", "web_app", "microservices"})
ENVIRONMENTS = ("staging", "production")


class SecretEnv(BaseModel):
    """An environment variable read from the kit's Secret: the Secret's key and the remote entry."""

    env: str
    key: str
    remote: str


class Mount(BaseModel):
    name: str
    path: str
    claim: str = Field("", description="PersistentVolumeClaim name; empty: an emptyDir.")
    read_only: bool = False


class Claim(BaseModel):
    name: str
    size: str
    access_mode: Literal["ReadWriteOnce", "ReadWriteMany"]
    storage_class: str = ""


class Component(BaseModel):
    """One Deployment with its Service, probes and network policy."""

    name: str
    role: Literal["app", "gateway", "service"]
    args: list[str]
    health_path: str
    ready_path: str
    secret_env: list[SecretEnv] = Field(default_factory=list)
    mounts: list[Mount] = Field(default_factory=list)
    replicas: int
    autoscale: bool
    strategy: Literal["RollingUpdate", "Recreate"]
    database_env: str = Field("", description="The variable its database URL is read from.")
    ingress_from: list[str] = Field(default_factory=list, description="Empty: from anywhere.")
    egress_to: list[str] = Field(default_factory=list)


class Batch(BaseModel):
    """A Job (ml_pipeline's training) or a CronJob (etl_pipeline's flow)."""

    name: str
    kind: Literal["Job", "CronJob"]
    args: list[str]
    schedule: str = ""
    mounts: list[Mount] = Field(default_factory=list)
    secret_env: list[SecretEnv] = Field(default_factory=list)
    near: str = Field("", description="Component whose node it must share (a RWO volume).")


class KitSpec(BaseModel):
    project_name: str
    name: str
    kind: str
    cloud: str
    namespace: str
    port: int
    health_path: str
    base_image: str
    uid: int = RUNTIME_UID
    image_name: str
    image_repository: str
    image_tag: str = IMAGE_TAG
    app_module: str
    test_packages: list[str]
    cpu_request: str
    cpu_limit: str
    memory_request: str
    memory_limit: str
    min_replicas: int
    max_replicas: int = 10
    cpu_target: int = 70
    config: dict[str, str]
    secret_name: str
    secrets: list[SecretEnv]
    components: list[Component]
    batches: list[Batch]
    claims: list[Claim]
    uses_database: bool
    region: str
    registry_name: str
    vault_name: str
    repository_url: str
    environments: list[str] = Field(default_factory=lambda: list(ENVIRONMENTS))

    @property
    def image(self) -> str:
        return f"{self.image_repository}:{self.image_tag}"


def uvicorn_args(module: str, port: int) -> list[str]:
    return ["uvicorn", module, "--host", "0.0.0.0", "--port", str(port)]  # noqa: S104 - in a pod


def secrets_for(facts: DevOpsInput, name: str) -> list[SecretEnv]:
    keys = []
    if facts.cloud_provider != "local" and facts.project_kind in DATABASE_KINDS:
        keys.append("DATABASE_URL")
    if facts.project_kind == "web_app":
        keys.append("SECRET_KEY")
    return [
        SecretEnv(env=key, key=key, remote=f"{name}-{key.lower().replace('_', '-')}")
        for key in keys
    ]


def data_claim(name: str, cloud: str, *, size: str = "1Gi", rwx: bool = False) -> Claim:
    storage_class = PROFILES[cloud].rwx_storage_class if rwx else ""
    mode: Literal["ReadWriteOnce", "ReadWriteMany"] = "ReadWriteMany" if rwx else "ReadWriteOnce"
    return Claim(name=name, size=size, access_mode=mode, storage_class=storage_class)
