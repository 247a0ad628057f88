"""Agent 5, the Validator & Release Manager: gates, the approval and what was published."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from core.contracts.base import Contract, LLMTrace, ShortText, Text


class GateResult(Contract):
    passed: bool
    summary: Text
    details: list[Text] = Field(default_factory=list, max_length=30)


class ValidationResults(Contract):
    code_quality: GateResult
    infrastructure: GateResult
    security: GateResult
    ready_for_deployment: bool


class ValidationReport(Contract):
    validation_results: ValidationResults
    summary_markdown: str = Field(max_length=20_000, description="Shown on the approval form.")
    release_notes: list[Text] = Field(default_factory=list, max_length=20)
    llm: LLMTrace | None = None


class Approval(Contract):
    approved: bool
    reviewer: ShortText | None = None
    comment: Text = ""
    decided_at: datetime
    override: bool = Field(False, description="Release although the gates did not pass.")
    requested_by: ShortText | None = Field(None, description="Who started the run.")


class DeploymentStatus(Contract):
    target: Literal["local", "kubernetes", "gitops", "none"]
    status: Literal["healthy", "unhealthy", "skipped", "not_deployed", "pushed"]
    url: str | None = Field(None, max_length=300)
    detail: Text = ""


StepStatus = Literal["done", "skipped", "failed"]


class ReleaseStep(Contract):
    """One step of a release, as the release artifact lists it."""

    name: ShortText = Field(description="commit, tag, push, repository, pull_request, ci, ...")
    status: StepStatus
    detail: Text = Field("", description="What was done, or why it was skipped or failed.")
    url: str | None = Field(None, max_length=500, description="Where to see the result.")


class ReleaseResult(Contract):
    validation_results: ValidationResults
    approval: Approval | None
    git_repository: str | None = Field(None, max_length=500)
    commit_sha: str | None = Field(None, pattern=r"^[0-9a-f]{40}$")
    deployment_status: DeploymentStatus
    published: bool = Field(description="True once anything left the workspace.")
    tag: str | None = Field(None, max_length=120)
    steps: list[ReleaseStep] = Field(default_factory=list, max_length=30)
    pull_request_url: str | None = Field(None, max_length=500)
    ci_run_url: str | None = Field(None, max_length=500)
    ci_conclusion: str | None = Field(None, max_length=40)
    bundle_location: str | None = Field(None, max_length=500)
    manifest_sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")
