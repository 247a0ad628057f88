"""radon: cyclomatic complexity and maintainability index of every function (tests excluded).

Thresholds follow radon's ranks: complexity 1-10 (A, B) is fine, 11-15 (C) low, 16-25 (C, D)
medium, over 25 high; a function whose own maintainability index is below 20 (radon's B and C)
is low, below 10 (C) medium. None of these blocks a release: they are refactoring advice.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from radon.complexity import cc_rank, cc_visit
from radon.metrics import mi_rank, mi_visit
from radon.visitors import Function

from core.contracts import Finding, Severity
from services.linters.tools import bounded, finding, python_files, relative_to


def _complexity_severity(complexity: int) -> Severity | None:
    if complexity > 25:
        return "high"
    if complexity > 15:
        return "medium"
    return "low" if complexity > 10 else None


def _function_mi(lines: list[str], function: Function) -> float | None:
    segment = textwrap.dedent("".join(lines[function.lineno - 1 : function.endline]))
    try:
        return float(mi_visit(segment, multi=True))
    except (SyntaxError, ValueError, ZeroDivisionError):
        return None


def _functions(source: str) -> list[Function]:
    found: list[Function] = []
    for block in cc_visit(source):
        if isinstance(block, Function):
            found.append(block)
        else:  # a class: its methods
            found.extend(getattr(block, "methods", []))
    return found


def complexity_check(project_dir: Path) -> list[Finding]:
    """Measure each function's cyclomatic complexity and maintainability index with radon.

    Args:
        project_dir: Root of the project to check.

    Returns:
        Findings in the ``suggestions`` bucket (never blocking), worst first.
    """
    findings = []
    for path in python_files(project_dir):
        relative = relative_to(path, project_dir)
        if "tests" in Path(relative).parts:
            continue
        source = path.read_text(encoding="utf-8", errors="replace")
        try:
            functions = _functions(source)
        except SyntaxError:
            continue  # compile_check reports it
        lines = source.splitlines(keepends=True)
        for function in functions:
            name = function.fullname
            severity = _complexity_severity(function.complexity)
            if severity is not None:
                message = (
                    f"{name} has cyclomatic complexity {function.complexity} "
                    f"(rank {cc_rank(function.complexity)}); split it into smaller functions."
                )
                findings.append(
                    finding("radon", relative, function.lineno, "CC", message, severity, False)
                )
            index = _function_mi(lines, function)
            if index is not None and index < 20:
                message = f"{name} has maintainability index {index:.0f} (rank {mi_rank(index)})."
                level: Severity = "medium" if index < 10 else "low"
                findings.append(
                    finding("radon", relative, function.lineno, "MI", message, level, False)
                )
    return [f.model_copy(update={"bucket": "suggestions"}) for f in bounded(findings)]
