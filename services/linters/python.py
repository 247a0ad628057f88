"""Python checks: syntax (compile), ruff with the security rules, bandit; and ruff's fixers."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from core.contracts import Bucket, Finding, Severity
from core.errors import ToolFailed
from services.linters.tools import (
    SEVERITY_RANK,
    binary,
    bounded,
    finding,
    python_files,
    relative_to,
    run_json,
)

RUFF_RULES = "E,F,W,B,S,UP"
# Bandit rules whose hits are exploitable as written: eval/exec, hard-coded secrets, shell
# injection, SQL built from strings, unsafe deserialisation.
BLOCKING_SECURITY_RULES = frozenset(
    {"S102", "S105", "S106", "S107", "S301", "S307", "S506", "S602", "S604", "S605", "S608"}
)
LOW_SECURITY_RULES = frozenset({"S101", "S110", "S112", "S311", "S404", "S603", "S607"})
# Test data legitimately holds fake passwords: in tests they are worth a note, not a block.
TEST_DATA_RULES = frozenset({"S105", "S106", "S107"})
# Errors that break the program at import or call time: undefined names, redefinitions,
# misplaced return/break, `is` against literals.
BLOCKING_RULE_PREFIXES = ("E9", "F63", "F7", "F82", "F811")
_RULE_CODE = re.compile(r"^[A-Z]+[0-9]+$")


def compile_check(project_dir: Path) -> list[Finding]:
    """Compile every Python file of a project without running it.

    Args:
        project_dir: Root of the project to check.

    Returns:
        One high-severity, blocking finding per file with a syntax or encoding error.
    """
    findings: list[Finding] = []
    for path in python_files(project_dir):
        relative = relative_to(path, project_dir)
        try:
            compile(path.read_bytes(), relative, "exec", dont_inherit=True)
        except SyntaxError as exc:
            line, code, message = exc.lineno or 0, "E999", f"SyntaxError: {exc.msg}"
        except (ValueError, UnicodeDecodeError) as exc:
            line, code, message = 0, "E902", f"Unreadable source: {exc}"
        else:
            continue
        findings.append(finding("compile", relative, line, code, message, "high", True))
    return bounded(findings)


def _ruff_severity(code: str, path: str) -> tuple[Severity, bool]:
    in_tests = path.startswith("tests/") or "/tests/" in path or Path(path).name.startswith("test_")
    if code.startswith("S"):
        if code in TEST_DATA_RULES and in_tests:
            return "low", False
        if code in BLOCKING_SECURITY_RULES:
            return "high", True
        return ("low" if code in LOW_SECURITY_RULES else "medium"), False
    if code.startswith(BLOCKING_RULE_PREFIXES):
        return "high", True
    if code.startswith(("F", "B")):
        return "medium", False
    return ("info" if code.startswith("UP") else "low"), False


def is_security_finding(finding: Finding) -> bool:
    """Whether ``finding`` comes from a security rule (bandit, or ruff's ``S`` family)."""
    return finding.tool == "bandit" or (finding.tool == "ruff" and finding.code.startswith("S"))


def _bucket(found: Finding) -> Bucket:
    if is_security_finding(found):
        return "security_warnings"
    return "performance_tips" if found.code.startswith("PERF") else "issues_found"


def ruff_check(project_dir: Path) -> list[Finding]:
    """Run ruff with the security rules selected and map its diagnostics to findings.

    Syntax errors are left to ``compile_check``; ``S101`` (assert) is ignored in tests, and
    ``E501`` everywhere: line length is the formatter's business, and it cannot split long
    string literals anyway.

    Args:
        project_dir: Root of the project to check.

    Returns:
        Findings, blocking and most severe first, at most ``MAX_FINDINGS``.
    """
    args = [
        binary("ruff"),
        "check",
        "--isolated",
        "--no-cache",
        "--exit-zero",
        "--output-format",
        "json",
        "--select",
        RUFF_RULES,
        "--ignore",
        "E501",
        "--target-version",
        "py311",
        "--per-file-ignores",
        "**/tests/**:S101",
        "--per-file-ignores",
        "**/test_*.py:S101",
        ".",
    ]  # fmt: skip # an argv reads best as flags beside their values
    findings = []
    for item in run_json(args, cwd=project_dir):
        code = item.get("code") or ""
        if not _RULE_CODE.match(code):  # ruff's own syntax errors: compile_check has them
            continue
        relative = relative_to(project_dir / item["filename"], project_dir)
        line = int((item.get("location") or {}).get("row") or 0)
        severity, blocking = _ruff_severity(code, relative)
        message = str(item.get("message", ""))
        found = finding("ruff", relative, line, code, message, severity, blocking)
        findings.append(found.model_copy(update={"bucket": _bucket(found)}))
    return bounded(findings)


_BANDIT_SEVERITY: dict[str, Severity] = {"LOW": "low", "MEDIUM": "medium", "HIGH": "high"}


def bandit_check(project_dir: Path) -> list[Finding]:
    """Run bandit over the project's code (tests excluded) and map its results to findings.

    High-severity results with medium or high confidence block the release; everything else
    lowers the score. Tests are left out: ``assert`` and fixed test data are how tests work.

    Args:
        project_dir: Root of the project to check.

    Returns:
        Findings, most severe first, at most ``MAX_FINDINGS``.
    """
    sources = [
        str(path.relative_to(project_dir))
        for path in python_files(project_dir)
        if "tests" not in path.relative_to(project_dir).parts
    ]
    if not sources:
        return []
    args = [binary("bandit"), "--quiet", "--format", "json", "--exit-zero", *sources]
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv of our own tools, no shell
            args, cwd=project_dir, capture_output=True, text=True, timeout=300, check=False
        )
        results = json.loads(done.stdout or "{}").get("results", [])
    except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
        raise ToolFailed(f"bandit could not check the project: {exc}") from exc
    findings = []
    for item in results:
        severity = _BANDIT_SEVERITY.get(str(item.get("issue_severity")), "medium")
        confident = item.get("issue_confidence") in ("MEDIUM", "HIGH")
        relative = relative_to(project_dir / str(item.get("filename", "")), project_dir)
        message = str(item.get("issue_text", ""))
        code = str(item.get("test_id", ""))
        line = int(item.get("line_number") or 0)
        blocking = severity == "high" and confident
        found = finding("bandit", relative, line, code, message, severity, blocking)
        findings.append(found.model_copy(update={"bucket": "security_warnings"}))
    findings.sort(key=lambda f: (not f.blocking, SEVERITY_RANK[f.severity]))
    return bounded(findings)


def _ruff(args: list[str], project_dir: Path) -> None:
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv of our own tools, no shell
            [binary("ruff"), *args],
            cwd=project_dir,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )  # fmt: skip # keyword arguments grouped as a finding reads them
    except subprocess.TimeoutExpired as exc:
        raise ToolFailed(f"ruff {args[0]} took longer than 120 s.") from exc
    if done.returncode != 0:
        raise ToolFailed(f"ruff {args[0]} failed: {(done.stderr or done.stdout).strip()[-400:]}")


def ruff_format(project_dir: Path) -> None:
    """Format the project's Python files with ruff's formatter, in place."""
    _ruff(["format", "--quiet", "."], project_dir)


def ruff_fix(project_dir: Path) -> None:
    """Apply ruff's safe fixes to the project's Python files, in place (findings are ignored)."""
    _ruff(["check", "--fix", "--exit-zero", "--quiet", "."], project_dir)
