"""Agent 4, the DevOps Engineer: the deployment kit, each file with every validator's verdict."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from core.contracts.base import CloudProvider, Contract, LLMTrace, ProjectKind, ShortText, Text
from core.contracts.review import Finding

FileKind = Literal[
    "dockerfile", "dockerignore", "compose", "k8s", "helm", "argocd", "ci", "terraform", "other"
]
VerdictStatus = Literal["passed", "findings", "not_checked"]


class Verdict(Contract):
    """One validator's verdict on one file: an absent tool is "not_checked", never "passed"."""

    validator: ShortText = Field(description="hadolint, yamllint, kubernetes-validate, ...")
    status: VerdictStatus
    reason: Text = Field("", description="Why the file was not checked (tool missing, ...).")
    findings: list[Finding] = Field(default_factory=list, max_length=50)


class DeploymentFile(Contract):
    path: str = Field(max_length=300)
    kind: FileKind
    verdicts: list[Verdict] = Field(default_factory=list, max_length=20)

    @property
    def findings(self) -> list[Finding]:
        """Every validator's findings on this file."""
        return [finding for verdict in self.verdicts for finding in verdict.findings]

    @property
    def not_checked(self) -> list[Verdict]:
        return [verdict for verdict in self.verdicts if verdict.status == "not_checked"]


class Suppression(Contract):
    """A checkov check the kit does not satisfy on purpose, and why."""

    check_id: ShortText
    reason: Text
    paths: list[str] = Field(default_factory=list, max_length=100)


class DeploymentBundle(Contract):
    deployment_files: list[DeploymentFile] = Field(max_length=200)
    cloud_provider: CloudProvider
    project_kind: ProjectKind = "rest_api"
    image: str = Field("", max_length=300, description="The image the kit builds and runs.")
    infrastructure_as_code: dict[str, list[str]] = Field(
        default_factory=dict, description="terraform / helm file lists."
    )
    ci_cd_config: list[str] = Field(default_factory=list, max_length=20)
    k8s_manifests: list[str] = Field(default_factory=list, max_length=50)
    container_port: int = Field(8000, ge=1024, le=65535)
    health_path: str = Field("/health", pattern=r"^/[a-z0-9/_-]*$")
    secret_names: list[ShortText] = Field(
        default_factory=list, max_length=20, description="Secret entries, by name only."
    )
    suppressions: list[Suppression] = Field(default_factory=list, max_length=50)
    llm: LLMTrace | None = None

    @property
    def findings(self) -> list[Finding]:
        return [finding for file in self.deployment_files for finding in file.findings]
