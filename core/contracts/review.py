"""Agent 3, the Code Reviewer: findings, test counts and the quality score."""

from __future__ import annotations

from pydantic import Field

from core.contracts.base import Contract, LLMTrace, Severity, ShortText, Text


class Finding(Contract):
    tool: ShortText
    path: str = Field(max_length=300)
    line: int = Field(0, ge=0)
    code: ShortText = ""
    message: Text
    severity: Severity = "low"
    blocking: bool = Field(False, description="Whether this finding stops the release.")


class ReviewResults(Contract):
    issues_found: list[Finding] = Field(default_factory=list, max_length=200)
    suggestions: list[Text] = Field(default_factory=list, max_length=20)
    security_warnings: list[Finding] = Field(default_factory=list, max_length=100)
    performance_tips: list[Text] = Field(default_factory=list, max_length=20)


class ToolVersion(Contract):
    name: ShortText
    version: ShortText


class ReviewReport(Contract):
    review_results: ReviewResults
    code_quality_score: float = Field(ge=0, le=100)
    refactored_files: list[str] = Field(default_factory=list, max_length=200)
    tests_passed: int = Field(0, ge=0)
    tests_failed: int = Field(0, ge=0)
    tools: list[ToolVersion] = Field(default_factory=list, max_length=20)
    llm: LLMTrace | None = None

    @property
    def blocking_findings(self) -> list[Finding]:
        found = self.review_results.issues_found + self.review_results.security_warnings
        return [f for f in found if f.blocking]

    @property
    def is_blocking(self) -> bool:
        return bool(self.blocking_findings) or self.tests_failed > 0
