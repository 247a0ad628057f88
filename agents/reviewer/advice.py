"""What the reviewer asks the model, and the offline answer: advice from measured findings."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from pydantic import Field

from agents.reviewer.score import FAILED_TEST
from core.contracts import Contract, Finding, Text

_MOVE_TO_ENV = "Move the hard-coded secret in {at} to an environment variable read as a SecretStr."
_HASH_ADVICE = "Hash passwords in {at} with hashlib.scrypt or argon2, not MD5."
_SHELL_ADVICE = "Call subprocess in {at} with an argument list and shell=False."
_ADVICE = {
    "S102": "Remove exec() in {at}; call the intended code directly.",
    "S105": _MOVE_TO_ENV, "S106": _MOVE_TO_ENV, "S107": _MOVE_TO_ENV,
    "S301": "Stop unpickling data in {at}; use JSON or another schema-validated format.",
    "S307": "Replace eval() in {at} with ast.literal_eval or explicit parsing.",
    "S506": "Use yaml.safe_load instead of yaml.load in {at}.",
    "S602": _SHELL_ADVICE, "S604": _SHELL_ADVICE, "S605": _SHELL_ADVICE,
    "S608": "Build the SQL in {at} with bound parameters (or the ORM), never by string formatting.",
    "E999": "Fix the syntax error in {at}: {message}.",
    "E902": "Make {at} readable UTF-8 Python source: {message}.",
    "F821": "Define or import the missing name in {at}: {message}.",
    "F811": "Remove the duplicate definition in {at}: {message}.",
    "B006": "Default to None in {at} and create the mutable value inside the function.",
    "secret": _MOVE_TO_ENV, "S324": _HASH_ADVICE, "B324": _HASH_ADVICE,
    "XSS001": "Render request data in {at} through an autoescaped template, never Markup().",
    "hanging-test": "Make the test in {at} finish: it hung past the per-test time limit.",
    "unknown-package": "Remove or replace the requirement in {at}: {message}.",
    "CC": "Split the function at {at} into smaller ones: {message}.",
    "ST101": "Fix the server error the fuzzer found ({message}).",
}  # fmt: skip # rules sharing advice stay on one line


class FileSize(Contract):
    path: Annotated[str, Field(max_length=300)]
    lines: int = Field(ge=0)


class ReviewInput(Contract):
    """What the reviewer measured, bounded: the input of the model call."""

    findings: list[Finding] = Field(max_length=20, description="The worst findings first.")
    total_findings: int = Field(ge=0)
    blocking_findings: int = Field(ge=0)
    tests_ran: bool
    tests_passed: int = Field(ge=0)
    tests_failed: int = Field(ge=0)
    failing_tests: list[Annotated[str, Field(max_length=200)]] = Field(max_length=10)
    tests_seconds: float = Field(ge=0)
    largest_files: list[FileSize] = Field(max_length=5)
    code_quality_score: float = Field(ge=0, le=100)


class ReviewNarrative(Contract):
    """The model's advice: concrete fixes and performance tips, nothing measured."""

    suggestions: list[Text] = Field(default_factory=list, max_length=10)
    performance_tips: list[Text] = Field(default_factory=list, max_length=10)


def narrative_for(data: ReviewInput) -> ReviewNarrative:
    """The offline reviewer's advice: one concrete suggestion per problem, worst first."""
    suggestions = [f"Make the failing test {name} pass." for name in data.failing_tests[:3]]
    counts = Counter(f.code for f in data.findings)
    for item in data.findings:
        at = f"{item.path}:{item.line}" if item.line else item.path
        advice = _ADVICE.get(item.code, "Fix {code} in {at}: {message}.")
        text = advice.format(at=at, message=item.message.rstrip("."), code=item.code)
        if item.blocking and item.code != FAILED_TEST:
            suggestions.append(text)
        elif not item.blocking and (times := counts.pop(item.code, 0)):  # once per rule
            suggestions.append(f"{times} x {text}" if times > 1 else text)
    if data.tests_ran and data.tests_passed + data.tests_failed == 0:
        suggestions.append("Add pytest tests for every endpoint and run them in CI.")
    if not suggestions:
        suggestions.append(f"No findings and all {data.tests_passed} tests pass; keep it so in CI.")
    tips = [
        f"Split {size.path} ({size.lines} lines) into smaller modules."
        for size in data.largest_files
        if size.lines > 400
    ]
    if data.tests_seconds > 30:
        tips.append(f"The tests took {data.tests_seconds:.0f} s; mark the slow ones to run apart.")
    tips.append("Load-test the container (e.g. with locust) before tuning; optimise what it shows.")
    return ReviewNarrative(suggestions=suggestions[:10], performance_tips=tips[:10])
