"""Agent 4, the DevOps Engineer: the deployment files and their checks."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from core.contracts.base import CloudProvider, Contract, LLMTrace
from core.contracts.review import Finding


class DeploymentFile(Contract):
    path: str = Field(max_length=300)
    kind: Literal[
        "dockerfile", "dockerignore", "compose", "k8s", "ci", "terraform", "helm", "other"
    ]
    findings: list[Finding] = Field(default_factory=list, max_length=50)


class DeploymentBundle(Contract):
    deployment_files: list[DeploymentFile] = Field(max_length=100)
    cloud_provider: CloudProvider
    infrastructure_as_code: dict[str, list[str]] = Field(
        default_factory=dict, description="terraform / helm file lists."
    )
    ci_cd_config: list[str] = Field(default_factory=list, max_length=20)
    k8s_manifests: list[str] = Field(default_factory=list, max_length=50)
    container_port: int = Field(8000, ge=1024, le=65535)
    health_path: str = Field("/health", pattern=r"^/[a-z0-9/_-]*$")
    llm: LLMTrace | None = None
