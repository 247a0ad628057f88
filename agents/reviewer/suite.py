"""The project's own tests: pytest under coverage.py in the project's environment, sandboxed.

The test tools are the reviewer's, not the project's: pytest, pytest-timeout, coverage.py and
schemathesis are installed (pinned) beside the project's requirements unless it pins them itself.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from agents.reviewer.score import FAILED_TEST
from core.contracts import Finding
from core.errors import SandboxTimeout, SandboxUnavailable, ToolFailed
from services.sandbox import Sandbox

REVIEW_TOOLS = {
    "pytest": "9.2.0",
    "pytest-timeout": "2.4.0",
    "coverage": "7.17.5",
    "schemathesis": "4.32.5",
}
TEST_TIMEOUT = 120  # seconds one test may take before pytest-timeout fails it as hanging
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass
class SuiteOutcome:
    """What running the project's tests produced."""

    ran: bool = False
    passed: int = 0
    failed: int = 0
    seconds: float = 0.0
    coverage: float | None = None
    failing: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    note: str | None = None


def _failure(code: str, path: str, message: str) -> Finding:
    return Finding(
        tool="pytest", path=path[:300], code=code, rules=[f"pytest:{code}"],
        message=message[:500], severity="high", blocking=True,
    )  # fmt: skip # keyword arguments grouped as a finding reads them


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def tool_requirements(requirements: Path) -> list[str]:
    """The reviewer's pinned test tools that the project's requirements do not already name."""
    named = set()
    for line in requirements.read_text(encoding="utf-8").splitlines():
        if match := _NAME.match(line.split("#", 1)[0]):
            named.add(_normalized(match.group(1)))
    return [f"{name}=={pin}" for name, pin in REVIEW_TOOLS.items() if name not in named]


def _case_finding(
    case: ElementTree.Element, problem: ElementTree.Element, project: Path
) -> tuple[str, Finding]:
    name = f"{case.get('classname', '')}::{case.get('name', '')}".strip(":")[:200]
    # A collection error has no class name; its name is then the module's dotted path.
    module = (case.get("classname") or case.get("name") or ".").replace(".", "/")
    path = f"{module}.py" if (project / f"{module}.py").is_file() else module
    detail = (problem.get("message") or "").strip().splitlines()[:1]
    hanging = any("Timeout" in line for line in detail)
    code = "hanging-test" if hanging else FAILED_TEST
    message = f"{name} {'hung' if hanging else 'failed'}" + "".join(f": {d}" for d in detail)
    return name, _failure(code, path, message)


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
        if problem is not None:
            name, found = _case_finding(case, problem, project_dir)
            outcome.failing.append(name)
            outcome.findings.append(found)
    outcome.failing, outcome.findings = outcome.failing[:10], outcome.findings[:20]
    if total == 0:
        outcome.note = "pytest collected no tests; add tests for the main code paths."
    return outcome


def _coverage_percent(
    out: Path, project_dir: Path, sandbox: Sandbox, env_dir: Path
) -> float | None:
    python = str(env_dir / "bin" / "python")
    data, report = out / ".coverage", out / "coverage.json"
    if not data.is_file():
        return None
    args = [python, "-m", "coverage", "json", "-q", f"--data-file={data}", "-o", str(report)]
    sandbox.run(args, cwd=project_dir, venv=env_dir, writable=[out], timeout=120)
    if not report.is_file():
        return None
    return round(float(json.loads(report.read_text())["totals"]["percent_covered"]), 1)


def _pytest_args(env_dir: Path, out: Path, test_timeout: int) -> list[str]:
    return [
        str(env_dir / "bin" / "python"), "-m", "coverage", "run",
        f"--data-file={out / '.coverage'}", "--source=.",
        "--omit=tests/*,*/tests/*,test_*.py,conftest.py", "-m", "pytest", "-q",
        "-p", "no:cacheprovider", f"--timeout={test_timeout}",
        f"--junitxml={out / 'junit.xml'}",
    ]  # fmt: skip # an argv reads best as flags beside their values


def run_project_tests(
    project_dir: Path,
    *,
    sandbox: Sandbox,
    env_dir: Path,
    redact: Callable[[str], str] = str,
    test_timeout: int = TEST_TIMEOUT,
) -> SuiteOutcome:
    """Run the project's tests with pytest under coverage.py, in ``env_dir``, sandboxed.

    Returns:
        Counts from pytest's JUnit report and the line coverage; a timeout, a limit the tests
        ran into or a missing report is a blocking finding. Messages go through ``redact``.
    """
    with tempfile.TemporaryDirectory(prefix="ag2-sdlc-tests-") as scratch:
        out = Path(scratch)
        try:
            done = sandbox.run(
                _pytest_args(env_dir, out, test_timeout), cwd=project_dir, venv=env_dir,
                writable=[out],
            )  # fmt: skip # keyword arguments grouped as one call reads them
        except SandboxTimeout as exc:
            return SuiteOutcome(findings=[_failure("timeout", ".", str(exc))])
        report = out / "junit.xml"
        if not report.is_file():
            tail = redact((done.stderr or done.stdout).strip()[-300:])
            message = f"pytest exited {done.returncode} without a report: {tail}"
            return SuiteOutcome(findings=[_failure("no-report", ".", message)])
        try:
            outcome = _junit_outcome(report, project_dir)
        except (ElementTree.ParseError, ValueError) as exc:
            return SuiteOutcome(findings=[_failure("no-report", ".", f"Unreadable report: {exc}")])
        outcome.coverage = _coverage_percent(out, project_dir, sandbox, env_dir)
    for limit in done.limits_hit:
        message = f"The tests ran into the sandbox's limit on {limit} and were stopped there."
        outcome.findings.insert(0, _failure("sandbox-limit", ".", message))
    outcome.findings = [
        f.model_copy(update={"message": redact(f.message)}) for f in outcome.findings
    ]
    return outcome


def measure_tests(
    project_dir: Path,
    sandbox: Sandbox | None,
    env_dir: Path | None,
    *,
    requirements: Path | None,
    redact: Callable[[str], str] = str,
    test_timeout: int = TEST_TIMEOUT,
) -> SuiteOutcome:
    """Build the environment (outside the sandbox) and run the tests (inside), or say why not."""
    if requirements is None:
        return SuiteOutcome(note="Tests were not run: the project has no requirements.txt.")
    if sandbox is None or env_dir is None:
        return SuiteOutcome(note="Tests were not run: no sandbox was given to run them in.")
    if not sandbox.isolated and not sandbox.allow_unsafe:
        note = sandbox.describe().note
        return SuiteOutcome(note=note, findings=[_failure("sandbox-unavailable", ".", note)])
    try:
        sandbox.ensure_env(requirements, env_dir, extra=tool_requirements(requirements))
    except (ToolFailed, SandboxTimeout) as exc:
        failure = _failure("install-failed", "requirements.txt", redact(str(exc)))
        return SuiteOutcome(findings=[failure])
    try:
        return run_project_tests(
            project_dir, sandbox=sandbox, env_dir=env_dir, redact=redact, test_timeout=test_timeout
        )
    except SandboxUnavailable as exc:
        return SuiteOutcome(findings=[_failure("sandbox-unavailable", ".", str(exc))])
