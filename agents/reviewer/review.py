"""Agent 3, the Code Reviewer: measure a project, then ask the model for advice.

Measured here, never taken from the model: the static checks, the tests and their coverage, the
API fuzzing, the score. Asked of the model (one AG2 call, schema-bounded): suggestions and
performance tips. The static checks run while the environment installs and the tests run.
"""

from __future__ import annotations

import concurrent.futures
import functools
import logging
import tempfile
from pathlib import Path

from agents.llm import BackendSpec, consult_sync, register
from agents.reviewer.advice import FileSize, ReviewInput, ReviewNarrative, narrative_for
from agents.reviewer.checks import requirements_of, static_checks
from agents.reviewer.findings import merged, redacted
from agents.reviewer.fuzz import fuzz_api
from agents.reviewer.score import FORMULA, quality_score, score_parts
from agents.reviewer.suite import REVIEW_TOOLS, TEST_TIMEOUT, SuiteOutcome, measure_tests
from core.contracts import Finding, FuzzReport, ReviewReport, ReviewResults, ToolVersion
from core.errors import InvalidRequest
from services import linters
from services.sandbox import Sandbox

logger = logging.getLogger(__name__)

register("reviewer", lambda data: narrative_for(ReviewInput.model_validate(data)))
_LIMITS = {"issues_found": 200, "suggestions": 50, "security_warnings": 100, "performance_tips": 20}


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


def _advice(text: str, bucket: str, code: str = "advice") -> Finding:
    return Finding.model_validate(
        {"tool": "reviewer", "path": "", "code": code, "message": text[:500], "severity": "info",
         "bucket": bucket}
    )  # fmt: skip # one finding's fields


def _results(
    findings: list[Finding], notes: list[str], narrative: ReviewNarrative
) -> ReviewResults:
    """Findings in the seed's buckets; notes and the model's advice as info findings."""
    advice = [_advice(note, "suggestions", "note") for note in notes]
    advice += [_advice(text, "suggestions") for text in narrative.suggestions]
    advice += [_advice(text, "performance_tips") for text in narrative.performance_tips]
    buckets: dict[str, list[Finding]] = {name: [] for name in _LIMITS}
    for item in [*findings, *advice]:
        buckets[item.bucket].append(item)
    omitted = sum(max(0, len(items) - _LIMITS[name]) for name, items in buckets.items())
    if omitted:
        note = f"{omitted} further findings are not listed; the worst are shown first."
        buckets["suggestions"].insert(0, _advice(note, "suggestions", "note"))
    return ReviewResults.model_validate({n: items[: _LIMITS[n]] for n, items in buckets.items()})


def review(
    project_dir: Path,
    *,
    spec: BackendSpec,
    sandbox: Sandbox | None,
    env_dir: Path | None,
    run_tests: bool = True,
    fuzz: bool = True,
    test_timeout: int = TEST_TIMEOUT,
) -> ReviewReport:
    """Review a project: static checks, its tests with coverage, API fuzzing, a score, advice.

    Args:
        project_dir: Root of the project (generated, or any Python project directory).
        spec: The LLM backend that writes suggestions and performance tips.
        sandbox: Runs the project's tests and app; ``None`` skips them.
        env_dir: The project's virtual environment; ``None`` skips the tests and fuzzing.
        run_tests: Whether to run the project's tests (and fuzz its API) at all.
        fuzz: Whether to boot the app and fuzz its OpenAPI schema.
        test_timeout: Seconds one test may run before it counts as hanging.

    Returns:
        The review; its ``is_blocking`` is true for any blocking finding or failed test.

    Raises:
        InvalidRequest: ``project_dir`` is not a directory.
    """
    if not project_dir.is_dir():
        raise InvalidRequest(f"The project directory {project_dir} does not exist.")
    with tempfile.TemporaryDirectory(prefix="ag2-sdlc-review-") as scratch:
        requirements = requirements_of(project_dir, Path(scratch))
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            static = pool.submit(static_checks, project_dir, requirements)
            tests, fuzzing = _dynamic(project_dir, sandbox, env_dir, requirements, run_tests,
                                      fuzz=fuzz, test_timeout=test_timeout)  # fmt: skip
            checked = static.result()
    redact = functools.partial(linters.redact, known=checked.secrets)
    found = merged(redacted([*checked.findings, *tests.findings, *fuzzing[1]], redact))
    parts = score_parts(found, passed=tests.passed, failed=tests.failed, coverage=tests.coverage)
    score = quality_score(parts)
    narrative, trace = consult_sync(
        role="reviewer", payload=_brief(project_dir, found, tests, score), schema=ReviewNarrative,
        spec=spec,
    )  # fmt: skip # one call
    notes = [n for n in [tests.note, fuzzing[0].note, *checked.notes] if n]
    logger.info("review: %d findings, %d failed tests, score %s", len(found), tests.failed, score)
    return ReviewReport(
        review_results=_results(found, [redact(n) for n in notes], narrative),
        code_quality_score=score,
        score_formula=FORMULA,
        score_parts=parts,
        tests_passed=tests.passed,
        tests_failed=tests.failed,
        coverage_percent=tests.coverage,
        fuzzing=fuzzing[0],
        sandbox=sandbox.describe() if sandbox is not None else None,
        tools=[*linters.tool_versions(), *_test_tools()],
        llm=trace,
    )


def _test_tools() -> list[ToolVersion]:
    return [ToolVersion(name=f"{name} (in the project env)", version=pin)
            for name, pin in REVIEW_TOOLS.items() if name != "pytest"]  # fmt: skip


def _dynamic(
    project_dir: Path,
    sandbox: Sandbox | None,
    env_dir: Path | None,
    requirements: Path | None,
    run_tests: bool,
    *,
    fuzz: bool,
    test_timeout: int,
) -> tuple[SuiteOutcome, tuple[FuzzReport, list[Finding]]]:
    """The project's tests, then its booted API under schemathesis: both in the sandbox."""
    skipped = FuzzReport(tool="schemathesis", ran=False, note="Fuzzing was not run.")
    if not run_tests:
        note = "Tests were not run (run_tests is off); run pytest before release."
        return SuiteOutcome(note=note), (skipped, [])
    tests = measure_tests(project_dir, sandbox, env_dir, requirements=requirements,
                          redact=linters.redact, test_timeout=test_timeout)  # fmt: skip
    if not (fuzz and tests.ran and sandbox is not None and env_dir is not None):
        return tests, (skipped, [])
    return tests, fuzz_api(project_dir, sandbox=sandbox, env_dir=env_dir, redact=linters.redact)
