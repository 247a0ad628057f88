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


class DeploymentStatus(Contract):
    target: Literal["local", "kubernetes", "none"]
    status: Literal["healthy", "unhealthy", "skipped", "not_deployed"]
    url: str | None = Field(None, max_length=300)
    detail: Text = ""


class ReleaseResult(Contract):
    validation_results: ValidationResults
    approval: Approval | None
    git_repository: str | None = Field(None, max_length=500)
    commit_sha: str | None = Field(None, pattern=r"^[0-9a-f]{40}$")
    deployment_status: DeploymentStatus
    published: bool = Field(description="True once anything left the workspace.")
