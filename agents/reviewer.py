"""The Code Reviewer agent: measure a generated project, then ask the model for advice on it.

Measured here, never taken from the model: compile and ruff findings, test counts, the score.
Asked of the model (one AG2 call, schema-bounded): suggestions and performance tips.
"""

from __future__ import annotations

import logging
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated
from xml.etree import ElementTree

from pydantic import Field

from agents import offline
from agents.contracts import Contract, Finding, ReviewReport, ReviewResults, Text
from agents.errors import InvalidRequest, SandboxTimeout, ToolFailed
from agents.llm import BackendSpec, consult_sync
from services import linters
from services.sandbox import Sandbox

logger = logging.getLogger(__name__)

FAILED_TEST = "failed-test"
_MOVE_TO_ENV = "Move the hard-coded secret in {at} to an environment variable read as a SecretStr."
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
}  # fmt: skip


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


@dataclass
class SuiteOutcome:
    """What running the project's tests produced."""

    ran: bool = False
    passed: int = 0
    failed: int = 0
    seconds: float = 0.0
    failing: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    note: str | None = None


def quality_score(findings: list[Finding], tests: SuiteOutcome) -> float:
    """The code quality score, 0..100, from measured facts only.

    ``100 - 25 * blocking findings - 15 * failed tests - min(30, 6 * high + 3 * medium + 1 * low
    non-blocking findings) - 10 if no test ran``, clamped to 0..100. A failed test counts once
    (its ``failed-test`` finding is not also counted as a blocking finding); ``info`` is free.
    So 100 means: no finding above info, at least one test, every test passed.
    """
    static = [f for f in findings if f.code != FAILED_TEST]
    blocking = sum(1 for f in static if f.blocking)
    weights = {"high": 6, "medium": 3, "low": 1, "info": 0}
    minor = sum(weights[f.severity] for f in static if not f.blocking)
    untested = 10 if tests.passed + tests.failed == 0 else 0
    score = 100 - 25 * blocking - 15 * tests.failed - min(30, minor) - untested
    return round(min(100.0, max(0.0, float(score))), 1)


def _failure(tool_code: str, path: str, message: str) -> Finding:
    return Finding(
        tool="pytest", path=path[:300], code=tool_code, message=message[:500], severity="high",
        blocking=True,
    )  # fmt: skip


def _junit_outcome(report: Path, project_dir: Path) -> SuiteOutcome:
    # pytest wrote the report into a directory we created; expat (>= 2.4) caps entity
    # expansion, so the stdlib parser is safe enough for it.
    root = ElementTree.parse(report).getroot()  # noqa: S314 - see the comment above
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = sum(int(s.get("tests", 0)) for s in suites)
    failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    outcome = SuiteOutcome(ran=True, passed=max(0, total - failed - skipped), failed=failed)
    outcome.seconds = sum(float(s.get("time", 0) or 0) for s in suites)
    for case in root.iter("testcase"):
        problem = case.find("failure")
        problem = problem if problem is not None else case.find("error")
        if problem is None:
            continue
        name = f"{case.get('classname', '')}::{case.get('name', '')}".strip(":")[:200]
        # A collection error has no class name; its name is then the module's dotted path.
        module = (case.get("classname") or case.get("name") or ".").replace(".", "/")
        path = f"{module}.py" if (project_dir / f"{module}.py").is_file() else module
        detail = (problem.get("message") or "").strip().splitlines()[:1]
        outcome.failing.append(name)
        message = f"{name} failed" + "".join(f": {line}" for line in detail)
        outcome.findings.append(_failure(FAILED_TEST, path, message))
    outcome.failing, outcome.findings = outcome.failing[:10], outcome.findings[:20]
    if total == 0:
        outcome.note = "pytest collected no tests; add tests for the main code paths."
    return outcome


def run_project_tests(project_dir: Path, *, sandbox: Sandbox, env_dir: Path) -> SuiteOutcome:
    """Install the project's requirements into ``env_dir`` and run pytest there, sandboxed.

    Args:
        project_dir: Root of the project; holds ``requirements.txt``.
        sandbox: Runs the tests in their own environment with a timeout, without credentials.
        env_dir: The project's virtual environment (created or reused).

    Returns:
        Counts from pytest's JUnit report; an install failure, a timeout or a missing report is
        a blocking finding.
    """
    try:
        sandbox.ensure_env(project_dir / "requirements.txt", env_dir)
    except (ToolFailed, SandboxTimeout) as exc:
        return SuiteOutcome(findings=[_failure("install-failed", "requirements.txt", str(exc))])
    with tempfile.TemporaryDirectory(prefix="ag2-sdlc-junit-") as report_dir:
        report = Path(report_dir) / "junit.xml"
        python = str(env_dir / "bin" / "python")
        args = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}"]
        try:
            done = sandbox.run(args, cwd=project_dir, venv=env_dir)
        except SandboxTimeout as exc:
            return SuiteOutcome(findings=[_failure("timeout", ".", str(exc))])
        if not report.is_file():
            tail = (done.stderr or done.stdout).strip()[-300:]
            message = f"pytest exited {done.returncode} without a report: {tail}"
            return SuiteOutcome(findings=[_failure("no-report", ".", message)])
        try:
            return _junit_outcome(report, project_dir)
        except (ElementTree.ParseError, ValueError) as exc:
            message = f"pytest's report is unreadable: {exc}"
            return SuiteOutcome(findings=[_failure("no-report", ".", message)])


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


offline.register("reviewer", lambda data: narrative_for(ReviewInput.model_validate(data)))


def _measure_tests(
    project_dir: Path, sandbox: Sandbox | None, env_dir: Path | None, run_tests: bool
) -> SuiteOutcome:
    if not run_tests:
        return SuiteOutcome(
            note="Tests were not run (run_tests is off); run pytest before release."
        )
    if not (project_dir / "requirements.txt").is_file():
        return SuiteOutcome(note="Tests were not run: the project has no requirements.txt.")
    if sandbox is None or env_dir is None:
        return SuiteOutcome(note="Tests were not run: no sandbox was given to run them in.")
    return run_project_tests(project_dir, sandbox=sandbox, env_dir=env_dir)


def _largest_files(project_dir: Path) -> list[FileSize]:
    sizes = []
    for path in linters.python_files(project_dir):
        lines = path.read_bytes().count(b"\n")
        sizes.append(FileSize(path=path.relative_to(project_dir).as_posix()[:300], lines=lines))
    return sorted(sizes, key=lambda size: -size.lines)[:5]


def review(
    project_dir: Path,
    *,
    spec: BackendSpec,
    sandbox: Sandbox | None,
    env_dir: Path | None,
    run_tests: bool = True,
) -> ReviewReport:
    """Review a generated project: static checks, its tests, a score, and the model's advice.

    Args:
        project_dir: Root of the generated project.
        spec: The LLM backend that writes suggestions and performance tips.
        sandbox: Runs the project's tests; ``None`` skips them.
        env_dir: The project's virtual environment for its tests; ``None`` skips them.
        run_tests: Whether to run the project's tests at all.

    Returns:
        The review; its ``is_blocking`` is true for any blocking finding or failed test.

    Raises:
        InvalidRequest: ``project_dir`` is not a directory.
    """
    if not project_dir.is_dir():
        raise InvalidRequest(f"The project directory {project_dir} does not exist.")
    tests = _measure_tests(project_dir, sandbox, env_dir, run_tests)
    measured = (
        linters.compile_check(project_dir)
        + linters.ruff_check(project_dir)
        + linters.bandit_check(project_dir)
    )
    findings = sorted(
        measured + tests.findings,
        key=lambda f: (not f.blocking, linters.SEVERITY_RANK[f.severity]),
    )
    score = quality_score(findings, tests)
    brief = ReviewInput(
        # Short enough for a small local model's context window.
        findings=[f.model_copy(update={"message": f.message[:160]}) for f in findings[:20]],
        total_findings=len(findings),
        blocking_findings=sum(1 for f in findings if f.blocking),
        tests_ran=tests.ran,
        tests_passed=tests.passed,
        tests_failed=tests.failed,
        failing_tests=tests.failing,
        tests_seconds=round(tests.seconds, 2),
        largest_files=_largest_files(project_dir),
        code_quality_score=score,
    )
    narrative, trace = consult_sync(
        role="reviewer", payload=brief, schema=ReviewNarrative, spec=spec
    )
    security = [f for f in findings if linters.is_security_finding(f)]
    issues = [f for f in findings if not linters.is_security_finding(f)]
    notes = [tests.note] if tests.note else []
    omitted = max(0, len(security) - 100) + max(0, len(issues) - 200)
    if omitted:
        notes.append(f"{omitted} further findings are not listed; the worst are shown first.")
    logger.info(
        "review: %d findings, %d failed tests, score %s", len(findings), tests.failed, score
    )
    return ReviewReport(
        review_results=ReviewResults(
            issues_found=issues[:200],
            security_warnings=security[:100],
            suggestions=(notes + narrative.suggestions)[:20],
            performance_tips=narrative.performance_tips,
        ),
        code_quality_score=score,
        tests_passed=tests.passed,
        tests_failed=tests.failed,
        tools=linters.tool_versions(),
        llm=trace,
    )
