"""Repair that changes the code: deterministic fixes first, then the model's diff.

1. libcst codemods (``codemods.py``) and ruff's safe fixes and formatter, each change recorded
   with its unified diff.
2. With a model configured, the blocking findings that remain (static checks run again; failing
   tests from the review) and the files they point at go to the model, which answers with a
   unified diff (``PatchProposal``). The diff must parse, stay in the project, apply cleanly and
   compile (``patches.py``), or it is refused and recorded.

The repaired project is then reviewed again from scratch by the caller.
"""

from __future__ import annotations

import ast
import difflib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from pydantic import Field

from agents.llm import BackendSpec, consult_sync, register
from agents.reviewer.patches import PatchRefused, apply_patch
from agents.reviewer.score import FAILED_TEST
from core.contracts import (
    CodeChange,
    Contract,
    Finding,
    LLMTrace,
    RejectedPatch,
    RepairResult,
    ReviewReport,
    Text,
)
from core.errors import ToolFailed
from services import linters

logger = logging.getLogger(__name__)
_MAX_FILE_CHARS = 12000
_MAX_FILES = 6


class SourceFile(Contract):
    path: Annotated[str, Field(max_length=300)]
    text: Annotated[str, Field(max_length=_MAX_FILE_CHARS)]


class RepairRequest(Contract):
    """What the model is asked to fix: the blocking findings and the files they point at."""

    findings: list[Finding] = Field(max_length=20)
    files: list[SourceFile] = Field(max_length=_MAX_FILES)


class PatchProposal(Contract):
    """The model's answer: one unified diff against the given files, and why."""

    diff: str = Field(max_length=20000, description="A unified diff, paths relative to the root.")
    explanation: Text = ""


register(
    "repair", lambda _: PatchProposal(diff="", explanation="The offline backend proposes no diff.")
)


def _snapshot(project_dir: Path) -> dict[str, str]:
    return {
        path.relative_to(project_dir).as_posix(): path.read_text(encoding="utf-8", errors="replace")
        for path in linters.python_files(project_dir)
    }


def _changes(
    before: dict[str, str],
    after: dict[str, str],
    source: Callable[[str], str],
    redact: Callable[[str], str],
) -> list[CodeChange]:
    changes = []
    for path in sorted(after):
        old, new = before.get(path, ""), after[path]
        if old == new:
            continue
        diff = "".join(
            difflib.unified_diff(
                old.splitlines(keepends=True),
                new.splitlines(keepends=True),
                f"a/{path}",
                f"b/{path}",
            )
        )  # fmt: skip # one call
        changes.append(
            CodeChange(path=path[:300], source=source(path)[:120], diff=redact(diff)[:20000])
        )
    return changes


def deterministic_fixes(project_dir: Path, redact: Callable[[str], str]) -> list[CodeChange]:
    """Apply the codemods, then ruff's safe fixes and formatter; each change with its diff."""
    # Imported here: libcst costs every flow run 0.4 CPU s, and only a blocking review repairs.
    from agents.reviewer.codemods import apply_codemods

    before = _snapshot(project_dir)
    applied: dict[str, list[str]] = {}
    for path, text in before.items():
        fixed, names = apply_codemods(text)
        if names:
            (project_dir / path).write_text(fixed, encoding="utf-8")
            applied[path] = names
    middle = _snapshot(project_dir)
    changes = _changes(before, middle, lambda p: "codemod:" + ",".join(applied[p]), redact)
    try:
        linters.ruff_fix(project_dir)
        linters.ruff_format(project_dir)
    except ToolFailed as exc:  # a file ruff cannot parse: the review reports it
        logger.info("ruff could not fix the project: %s", exc)
    return changes + _changes(middle, _snapshot(project_dir), lambda _: "ruff", redact)


def _imported_locals(project_dir: Path, relative: str) -> list[str]:
    """Project modules that ``relative`` imports (the code a failing test exercises)."""
    try:
        tree = ast.parse((project_dir / relative).read_bytes())
    except (OSError, SyntaxError, ValueError):
        return []
    names = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
    names += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    found = []
    for name in names:
        base = name.replace(".", "/")
        for candidate in (f"{base}.py", f"{base}/__init__.py"):
            if (project_dir / candidate).is_file():
                found.append(candidate)
    return found


def _request(project_dir: Path, blocking: list[Finding]) -> RepairRequest:
    paths: list[str] = []
    for finding in blocking:
        for path in [finding.path, *_imported_locals(project_dir, finding.path)]:
            if path not in paths and (project_dir / path).is_file():
                paths.append(path)
    files = [
        SourceFile(
            path=path, text=(project_dir / path).read_text(errors="replace")[:_MAX_FILE_CHARS]
        )
        for path in paths[:_MAX_FILES]
    ]
    return RepairRequest(findings=blocking[:20], files=files)


def _still_blocking(project_dir: Path, report: ReviewReport) -> list[Finding]:
    """Blocking findings after the deterministic fixes: static ones measured again, and the
    review's failing tests (not re-run here: the next review runs them)."""
    static = linters.compile_check(project_dir) + linters.ruff_check(project_dir)
    static += linters.bandit_check(project_dir)
    failing = [f for f in report.blocking_findings if f.tool == "pytest" or f.code == FAILED_TEST]
    return [f for f in static if f.blocking] + failing


def model_fix(
    project_dir: Path,
    report: ReviewReport,
    *,
    spec: BackendSpec,
    redact: Callable[[str], str],
) -> tuple[list[CodeChange], list[RejectedPatch], LLMTrace | None]:
    """Ask the model for a diff against what still blocks; apply it if it is sound."""
    blocking = _still_blocking(project_dir, report)
    if not blocking:
        return [], [], None
    before = _snapshot(project_dir)
    request = _request(project_dir, blocking)
    proposal, trace = consult_sync(role="repair", payload=request, schema=PatchProposal, spec=spec)
    if not proposal.diff.strip():
        return [], [], trace
    try:
        apply_patch(project_dir, proposal.diff)
    except PatchRefused as exc:
        logger.info("repair: the model's diff was refused: %s", exc)
        refused = RejectedPatch(
            source="model", reason=redact(str(exc))[:500], diff=redact(proposal.diff)[:4000]
        )
        return [], [refused], trace
    return _changes(before, _snapshot(project_dir), lambda _: "model", redact), [], trace


def repair(
    project_dir: Path,
    report: ReviewReport,
    *,
    spec: BackendSpec,
) -> RepairResult:
    """One repair round over ``project_dir`` after the blocking ``report``.

    Args:
        project_dir: The project; changed in place.
        report: The review that blocked it.
        spec: The LLM backend; the model step runs unless it is ``offline`` (tests put AG2's
            scripted model behind a spec with ``agents.llm.answering_with``).

    Returns:
        Every change with its diff (secrets redacted), and any refused model patch.
    """
    secrets = linters.secret_scan(project_dir)[1]

    def redact(text: str) -> str:
        return linters.redact(text, known=secrets)

    changes = deterministic_fixes(project_dir, redact)
    rejected: list[RejectedPatch] = []
    trace = None
    if spec.backend != "offline":
        more, rejected, trace = model_fix(project_dir, report, spec=spec, redact=redact)
        changes += more
    logger.info("repair: %d changes, %d refused patches", len(changes), len(rejected))
    return RepairResult(changes=changes[:60], rejected_patches=rejected[:20], llm=trace)
