"""The project's own tests, run with pytest in its own environment inside the sandbox."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from core.contracts import Finding
from core.errors import SandboxTimeout, ToolFailed
from services.sandbox import Sandbox

FAILED_TEST = "failed-test"


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


def _failure(tool_code: str, path: str, message: str) -> Finding:
    return Finding(
        tool="pytest", path=path[:300], code=tool_code, message=message[:500], severity="high",
        blocking=True,
    )  # fmt: skip - keyword arguments grouped as a finding reads them


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


def measure_tests(
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
