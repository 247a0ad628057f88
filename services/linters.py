"""Static checks as ``Finding`` lists: Python syntax, ruff, hadolint, YAML and Kubernetes schemas.

Each wrapper runs a tool of this environment with pinned, project-independent settings (no
config file of the checked project is read: generated code must not switch its own checks
off) and returns at most ``MAX_FINDINGS`` findings, blocking and most severe first.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import logging
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import yaml
from yamllint import linter as yamllint_linter
from yamllint.config import YamlLintConfig

from agents.contracts import Finding, Severity, ToolVersion
from agents.errors import ToolFailed

logger = logging.getLogger(__name__)

MAX_FINDINGS = 150
KUBERNETES_VERSION = "1.30"  # schemas ship inside kubernetes-validate; no network needed
RUFF_RULES = "E,F,W,B,S,UP"
SKIPPED_DIRS = frozenset({
    ".git", ".venv", "venv", "env", "build", "dist", "__pycache__", "node_modules",
    "site-packages", ".tox", ".nox", ".eggs", ".mypy_cache", ".pytest_cache", ".ruff_cache",
})  # fmt: skip
SEVERITY_RANK: dict[str, int] = {"high": 0, "medium": 1, "low": 2, "info": 3}
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
_YAMLLINT_CONFIG = "extends: relaxed\nrules:\n  line-length: disable\n"
_HADOLINT_LEVELS: dict[str, Severity] = {"error": "high", "warning": "medium", "info": "low"}


def _finding(
    tool: str, path: str, line: int, code: str, message: str, severity: Severity, blocking: bool
) -> Finding:
    return Finding(
        tool=tool, path=path, line=max(line, 0), code=code[:120], message=message[:500],
        severity=severity, blocking=blocking,
    )  # fmt: skip


def _bounded(findings: Iterable[Finding]) -> list[Finding]:
    ordered = sorted(findings, key=lambda f: (not f.blocking, SEVERITY_RANK[f.severity], f.path))
    return ordered[:MAX_FINDINGS]


def _relative(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()[:300]
        except ValueError:
            pass
    return path.name[:300]


def _binary(name: str) -> str:
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise ToolFailed(f"The {name} executable is not installed in this environment.")
    return found


def _run_json(args: list[str], *, cwd: Path | None = None) -> list[dict[str, Any]]:
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv of our own tools, no shell
            args, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolFailed(f"{Path(args[0]).name} could not run: {exc}") from exc
    try:
        return list(json.loads(done.stdout or "[]"))
    except json.JSONDecodeError as exc:
        detail = done.stderr.strip()[-300:]
        raise ToolFailed(f"{Path(args[0]).name} gave unreadable output: {detail}") from exc


def python_files(project_dir: Path) -> Iterator[Path]:
    """Every ``.py`` file under ``project_dir``, skipping virtualenvs, caches and build output."""
    for root, dirs, files in os.walk(project_dir):
        keep = [d for d in dirs if d not in SKIPPED_DIRS]
        dirs[:] = sorted(d for d in keep if not (Path(root) / d / "pyvenv.cfg").exists())
        yield from (Path(root) / name for name in sorted(files) if name.endswith(".py"))


def compile_check(project_dir: Path) -> list[Finding]:
    """Compile every Python file of a project without running it.

    Args:
        project_dir: Root of the project to check.

    Returns:
        One high-severity, blocking finding per file with a syntax or encoding error.
    """
    findings: list[Finding] = []
    for path in python_files(project_dir):
        relative = _relative(path, project_dir)
        try:
            compile(path.read_bytes(), relative, "exec", dont_inherit=True)
        except SyntaxError as exc:
            line, code, message = exc.lineno or 0, "E999", f"SyntaxError: {exc.msg}"
        except (ValueError, UnicodeDecodeError) as exc:
            line, code, message = 0, "E902", f"Unreadable source: {exc}"
        else:
            continue
        findings.append(_finding("compile", relative, line, code, message, "high", True))
    return _bounded(findings)


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
        _binary("ruff"), "check", "--isolated", "--no-cache", "--exit-zero", "--output-format",
        "json", "--select", RUFF_RULES, "--ignore", "E501", "--target-version", "py311",
        "--per-file-ignores", "**/tests/**:S101", "--per-file-ignores", "**/test_*.py:S101", ".",
    ]  # fmt: skip
    findings = []
    for item in _run_json(args, cwd=project_dir):
        code = item.get("code") or ""
        if not _RULE_CODE.match(code):  # ruff's own syntax errors: compile_check has them
            continue
        relative = _relative(project_dir / item["filename"], project_dir)
        line = int((item.get("location") or {}).get("row") or 0)
        severity, blocking = _ruff_severity(code, relative)
        message = str(item.get("message", ""))
        findings.append(_finding("ruff", relative, line, code, message, severity, blocking))
    return _bounded(findings)


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
    args = [_binary("bandit"), "--quiet", "--format", "json", "--exit-zero", *sources]
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
        relative = _relative(project_dir / str(item.get("filename", "")), project_dir)
        message = str(item.get("issue_text", ""))
        code = str(item.get("test_id", ""))
        line = int(item.get("line_number") or 0)
        blocking = severity == "high" and confident
        findings.append(_finding("bandit", relative, line, code, message, severity, blocking))
    findings.sort(key=lambda f: (not f.blocking, SEVERITY_RANK[f.severity]))
    return _bounded(findings)


def hadolint(dockerfile: Path, *, root: Path | None = None) -> list[Finding]:
    """Lint a Dockerfile with hadolint: our empty config, inline ignore pragmas disabled.

    Args:
        dockerfile: The Dockerfile to lint.
        root: Directory that finding paths are made relative to (default: the file's name).

    Returns:
        Findings: error -> high and blocking, warning -> medium, info -> low, style -> info.
    """
    with tempfile.TemporaryDirectory(prefix="ag2-sdlc-hadolint-") as config_dir:
        config = Path(config_dir) / "hadolint.yaml"
        config.write_text("ignored: []\n")
        diagnostics = _run_json([
            _binary("hadolint"), "--config", str(config), "--no-fail", "--no-color",
            "--disable-ignore-pragma", "--format", "json", str(dockerfile),
        ])  # fmt: skip
    relative = _relative(dockerfile, root)
    findings = []
    for item in diagnostics:
        level, code = str(item.get("level", "")), str(item.get("code", ""))
        line, message = int(item.get("line") or 0), str(item.get("message", ""))
        severity = _HADOLINT_LEVELS.get(level, "info")
        blocking = level == "error"
        findings.append(_finding("hadolint", relative, line, code, message, severity, blocking))
    return _bounded(findings)


def _load_documents(path: Path, relative: str) -> tuple[list[object], list[Finding]]:
    try:
        return list(yaml.safe_load_all(path.read_text(encoding="utf-8"))), []
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        return [], [_finding("yaml", relative, line, "syntax", str(exc), "high", True)]


def yaml_check(path: Path, *, root: Path | None = None) -> list[Finding]:
    """Parse a YAML file, then lint it with yamllint's relaxed rules (no line-length limit).

    Args:
        path: The YAML file.
        root: Directory that finding paths are made relative to (default: the file's name).

    Returns:
        Parse errors and duplicated keys are high and blocking; other lint errors are medium,
        warnings low.
    """
    relative = _relative(path, root)
    _, errors = _load_documents(path, relative)
    if errors:
        return errors
    findings = []
    config = YamlLintConfig(_YAMLLINT_CONFIG)
    for problem in yamllint_linter.run(path.read_text(encoding="utf-8"), config, str(path)):
        duplicate = problem.rule == "key-duplicates"
        severity: Severity = "medium" if problem.level == "error" else "low"
        finding = _finding(
            "yamllint", relative, problem.line, problem.rule or "syntax", problem.desc,
            "high" if duplicate else severity, duplicate,
        )  # fmt: skip
        findings.append(finding)
    return _bounded(findings)


def kubernetes_check(path: Path, *, root: Path | None = None) -> list[Finding]:
    """Validate each document of a manifest against the bundled Kubernetes schemas, strictly.

    Strict mode refuses unknown fields; the schemas are those of ``KUBERNETES_VERSION``.

    Args:
        path: The manifest file (one or more YAML documents).
        root: Directory that finding paths are made relative to (default: the file's name).

    Returns:
        One high, blocking finding per unparsable file, invalid or unknown resource.
    """
    relative = _relative(path, root)
    documents, findings = _load_documents(path, relative)
    for number, document in enumerate((d for d in documents if d is not None), start=1):
        try:
            if not isinstance(document, dict) or "kind" not in document:
                raise ValueError("not a Kubernetes resource (it has no kind)")
            kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
            continue
        except kubernetes_validate.ValidationError as exc:
            field = ".".join(str(part) for part in exc.path) or "(root)"
            message = f"document {number}: {field}: {exc.message}"
        except (kubernetes_validate.SchemaNotFoundError, ValueError, KeyError) as exc:
            message = f"document {number}: {getattr(exc, 'message', exc)}"
        tool = "kubernetes-validate"
        findings.append(_finding(tool, relative, 0, "schema", message, "high", True))
    return _bounded(findings)


def tool_versions() -> list[ToolVersion]:
    """Versions of the checking tools here: python, ruff, bandit, hadolint, pytest."""
    return list(_tool_versions())


@functools.cache
def _tool_versions() -> tuple[ToolVersion, ...]:
    versions = {"python": platform.python_version()}
    for name in ("ruff", "hadolint", "bandit"):
        try:
            binary = _binary(name)
            output = subprocess.run(  # noqa: S603 - fixed argv of our own tools, no shell
                [binary, "--version"], capture_output=True, text=True, timeout=30, check=False
            ).stdout
            match = re.search(r"\d+(?:\.\d+)+", output)
            versions[name] = match.group(0) if match else "unknown"
        except (ToolFailed, OSError, subprocess.TimeoutExpired):
            versions[name] = "not installed"
    try:
        versions["pytest"] = importlib.metadata.version("pytest")
    except importlib.metadata.PackageNotFoundError:
        versions["pytest"] = "not installed"
    return tuple(ToolVersion(name=name, version=v) for name, v in sorted(versions.items()))
