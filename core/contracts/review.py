"""Agent 3, the Code Reviewer: findings, tests, fuzzing, the sandbox, the score and repairs."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from core.contracts.base import Contract, LLMTrace, Severity, ShortText, Text

Bucket = Literal["issues_found", "suggestions", "security_warnings", "performance_tips"]


class Finding(Contract):
    """One problem, found by one or more tools at one place; secrets in messages are redacted."""

    tool: ShortText = Field(description="The tool(s) that found it, e.g. ruff+bandit.")
    path: str = Field(max_length=300)
    line: int = Field(0, ge=0)
    code: ShortText = Field("", description="The main rule id.")
    rules: list[ShortText] = Field(
        default_factory=list, max_length=8, description="Every tool:rule merged into this one."
    )
    message: Text
    severity: Severity = "low"
    blocking: bool = Field(False, description="Whether this finding stops the release.")
    bucket: Bucket = Field("issues_found", description="The seed's review_results list it is in.")


class ReviewResults(Contract):
    """The seed's four lists; every entry is a finding whose ``bucket`` names its list."""

    issues_found: list[Finding] = Field(default_factory=list, max_length=200)
    suggestions: list[Finding] = Field(default_factory=list, max_length=50)
    security_warnings: list[Finding] = Field(default_factory=list, max_length=100)
    performance_tips: list[Finding] = Field(default_factory=list, max_length=20)


class ToolVersion(Contract):
    name: ShortText
    version: ShortText


class ScorePart(Contract):
    """One term of the quality score: what it counts and the points it takes off."""

    name: ShortText
    points: float = Field(le=0, description="Points taken off (0 or negative).")
    detail: Text


class CodeChange(Contract):
    """A file the repair changed, by what, and the unified diff (secrets redacted)."""

    path: str = Field(max_length=300)
    source: ShortText = Field(description="ruff, codemod:<rule> or model.")
    diff: str = Field(max_length=20000)


class RejectedPatch(Contract):
    """A model's diff that was refused, and why."""

    source: ShortText
    reason: Text
    diff: str = Field("", max_length=4000, description="The start of the refused diff.")


class FuzzReport(Contract):
    """schemathesis against the booted app: how it was run (to repeat it) and what it found."""

    tool: ShortText
    ran: bool
    seed: int = 0
    max_examples: int = Field(0, ge=0)
    checks: ShortText = "all"
    phases: ShortText = ""
    operations: int = Field(0, ge=0)
    test_cases: int = Field(0, ge=0)
    failures: int = Field(0, ge=0)
    server_errors: int = Field(0, ge=0)
    seconds: float = Field(0.0, ge=0)
    note: Text = ""


class SandboxRecord(Contract):
    """Where generated code ran, and under which limits."""

    mechanism: ShortText = Field(description="e.g. bubblewrap 0.8.0, or none.")
    isolated: bool
    network: ShortText
    filesystem: Text
    environment: Text
    time_limit_seconds: int = Field(ge=0)
    memory_limit_mb: int = Field(ge=0)
    process_limit: int = Field(ge=0)
    process_limit_mechanism: ShortText
    file_size_limit_mb: int = Field(ge=0)
    note: Text = ""


class ReviewReport(Contract):
    review_results: ReviewResults
    code_quality_score: float = Field(ge=0, le=100)
    score_formula: Text = ""
    score_parts: list[ScorePart] = Field(default_factory=list, max_length=12)
    refactored_files: list[str] = Field(default_factory=list, max_length=200)
    changes: list[CodeChange] = Field(default_factory=list, max_length=60)
    rejected_patches: list[RejectedPatch] = Field(default_factory=list, max_length=20)
    review_round: int = Field(1, ge=1, description="1 for the first review, +1 per repair.")
    tests_passed: int = Field(0, ge=0)
    tests_failed: int = Field(0, ge=0)
    coverage_percent: float | None = Field(None, ge=0, le=100)
    fuzzing: FuzzReport | None = None
    sandbox: SandboxRecord | None = None
    tools: list[ToolVersion] = Field(default_factory=list, max_length=20)
    llm: LLMTrace | None = None

    @property
    def findings(self) -> list[Finding]:
        results = self.review_results
        return (
            results.security_warnings
            + results.issues_found
            + results.suggestions
            + results.performance_tips
        )

    @property
    def blocking_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    @property
    def is_blocking(self) -> bool:
        return bool(self.blocking_findings) or self.tests_failed > 0


class RepairResult(Contract):
    """What one repair round changed (with diffs) and which model patches it refused."""

    changes: list[CodeChange] = Field(default_factory=list, max_length=60)
    rejected_patches: list[RejectedPatch] = Field(default_factory=list, max_length=20)
    llm: LLMTrace | None = None
