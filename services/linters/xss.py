"""XSS sinks fed with request data: ``Markup``, ``render_template_string``, ``jinja2.Template``.

bandit and ruff flag ``autoescape=False`` (B701/S701) and every ``Markup`` call (B704/S704);
neither follows request data into ``render_template_string``. This check reads the syntax tree
(no code runs): in each function, names assigned from an expression that mentions ``request``
are tainted, and a sink called with tainted data is a high, blocking finding.
"""

from __future__ import annotations

import ast
from pathlib import Path

from core.contracts import Finding
from services.linters.tools import bounded, finding, python_files, relative_to

_SINKS = frozenset({"Markup", "render_template_string", "Template", "from_string"})


def _mentions(node: ast.AST, names: set[str]) -> bool:
    return any(isinstance(sub, ast.Name) and sub.id in names for sub in ast.walk(node))


def _sink_name(call: ast.Call) -> str | None:
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    return name if name in _SINKS else None


def _tainted_calls(function: ast.AST) -> list[tuple[int, str]]:
    tainted = {"request"}
    hits = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            value, targets = node.value, list(node.targets)
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and node.value is not None:
            value, targets = node.value, [node.target]
        else:
            continue
        if _mentions(value, tainted):
            tainted.update(t.id for x in targets for t in ast.walk(x) if isinstance(t, ast.Name))
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and (sink := _sink_name(node)):
            arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
            if any(_mentions(argument, tainted) for argument in arguments):
                hits.append((node.lineno, sink))
    return hits


def xss_check(project_dir: Path) -> list[Finding]:
    """Find request data passed to HTML sinks that skip autoescaping.

    Args:
        project_dir: Root of the project to check.

    Returns:
        One high, blocking ``security_warnings`` finding per tainted sink call.
    """
    findings = []
    for path in python_files(project_dir):
        relative = relative_to(path, project_dir)
        try:
            tree = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            continue  # compile_check reports it
        seen: set[tuple[int, str]] = set()
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                seen.update(_tainted_calls(function))
        for line, sink in sorted(seen):
            message = f"Request data reaches {sink}() unescaped: cross-site scripting."
            findings.append(finding("xss", relative, line, "XSS001", message, "high", True))
    return [f.model_copy(update={"bucket": "security_warnings"}) for f in bounded(findings)]
