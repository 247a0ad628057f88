"""Agent 3, the Code Reviewer: measure a generated project, then ask the model for advice.

Measured here, never taken from the model: compile and ruff findings, test counts, the score.
Asked of the model (one AG2 call, schema-bounded): suggestions and performance tips.
"""

from __future__ import annotations

import logging
from pathlib import Path

from agents.llm import BackendSpec, consult_sync, register
from agents.reviewer.advice import FileSize, ReviewInput, ReviewNarrative, narrative_for
from agents.reviewer.suite import FAILED_TEST, SuiteOutcome, measure_tests
from core.contracts import Finding, ReviewReport, ReviewResults
from core.errors import InvalidRequest
from services import linters
from services.sandbox import Sandbox

logger = logging.getLogger(__name__)


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


register("reviewer", lambda data: narrative_for(ReviewInput.model_validate(data)))


def _largest_files(project_dir: Path) -> list[FileSize]:
    sizes = []
    for path in linters.python_files(project_dir):
        lines = path.read_bytes().count(b"\n")
        sizes.append(FileSize(path=path.relative_to(project_dir).as_posix()[:300], lines=lines))
    return sorted(sizes, key=lambda size: -size.lines)[:5]


def _brief(
    project_dir: Path, findings: list[Finding], tests: SuiteOutcome, score: float
) -> ReviewInput:
    """The model's input: the measurements, short enough for a small local model's context."""
    return ReviewInput(
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


def _results(
    findings: list[Finding], tests: SuiteOutcome, narrative: ReviewNarrative
) -> ReviewResults:
    """Findings sorted into the seed's buckets, with notes on what was not run or listed."""
    security = [f for f in findings if linters.is_security_finding(f)]
    issues = [f for f in findings if not linters.is_security_finding(f)]
    notes = [tests.note] if tests.note else []
    omitted = max(0, len(security) - 100) + max(0, len(issues) - 200)
    if omitted:
        notes.append(f"{omitted} further findings are not listed; the worst are shown first.")
    return ReviewResults(
        issues_found=issues[:200],
        security_warnings=security[:100],
        suggestions=(notes + narrative.suggestions)[:20],
        performance_tips=narrative.performance_tips,
    )


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
    tests = measure_tests(project_dir, sandbox, env_dir, run_tests)
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
    brief = _brief(project_dir, findings, tests, score)
    narrative, trace = consult_sync(
        role="reviewer", payload=brief, schema=ReviewNarrative, spec=spec
    )
    logger.info(
        "review: %d findings, %d failed tests, score %s", len(findings), tests.failed, score
    )
    return ReviewReport(
        review_results=_results(findings, tests, narrative),
        code_quality_score=score,
        tests_passed=tests.passed,
        tests_failed=tests.failed,
        tools=linters.tool_versions(),
        llm=trace,
    )
