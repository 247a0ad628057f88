"""What every checker shares: finding the tool, running it, shaping and bounding findings."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from core.contracts import Finding, Severity
from core.errors import ToolFailed
from services.linters.redaction import redact

MAX_FINDINGS = 150
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".venv",
        "venv",
        "env",
        "build",
        "dist",
        "__pycache__",
        "node_modules",
        "site-packages",
        ".tox",
        ".nox",
        ".eggs",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
    }
)  # fmt: skip # a set of names reads better filled than one per line
SEVERITY_RANK: dict[str, int] = {"high": 0, "medium": 1, "low": 2, "info": 3}


def finding(
    tool: str, path: str, line: int, code: str, message: str, severity: Severity, blocking: bool
) -> Finding:
    """A finding whose message is redacted: a tool's words never carry a secret out."""
    return Finding(
        tool=tool, path=path, line=max(line, 0), code=code[:120], message=redact(message)[:500],
        severity=severity, blocking=blocking, rules=[f"{tool}:{code}"[:120]] if code else [],
    )  # fmt: skip # keyword arguments grouped as a finding reads them


def bounded(findings: Iterable[Finding]) -> list[Finding]:
    ordered = sorted(findings, key=lambda f: (not f.blocking, SEVERITY_RANK[f.severity], f.path))
    return ordered[:MAX_FINDINGS]


def relative_to(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()[:300]
        except ValueError:
            pass
    return path.name[:300]


def binary(name: str) -> str:
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise ToolFailed(f"The {name} executable is not installed in this environment.")
    return found


def run_json(args: list[str], *, cwd: Path | None = None) -> list[dict[str, Any]]:
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
