"""One list of findings from many tools: merged where they name the same problem, sorted.

ruff's ``S`` rules are bandit's tests under the same numbers (S608 is B608), so both hitting one
line is one problem; so are detect-secrets and the hard-coded-password rules, and the XSS check
and the ``Markup`` rule. Merged findings keep every ``tool:rule``, the worst severity, and block
if any part blocks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from core.contracts import Finding
from services.linters import SEVERITY_RANK

_BANDIT_NUMBER = re.compile(r"^[SB](\d{3})$")
_SECRET_NUMBERS = {"105", "106", "107"}
_XSS_NUMBERS = {"704"}


def family(finding: Finding) -> str:
    """What problem a finding names, whichever tool found it."""
    if finding.tool == "detect-secrets":
        return "secret"
    if finding.code == "XSS001":
        return "xss"
    if match := _BANDIT_NUMBER.match(finding.code):
        number = match.group(1)
        if number in _SECRET_NUMBERS:
            return "secret"
        return "xss" if number in _XSS_NUMBERS else f"bandit-{number}"
    # Other tools' findings merge only with an identical one (schemathesis names the operation
    # in the message, at no line).
    return f"{finding.tool}:{finding.code}:{finding.message}"


def _rank(finding: Finding) -> tuple[bool, int]:
    return (not finding.blocking, SEVERITY_RANK[finding.severity])


def _merge(group: list[Finding]) -> Finding:
    lead = min(group, key=_rank)
    tools = sorted({part for f in group for part in f.tool.split("+")})
    rules: list[str] = []
    for f in sorted(group, key=_rank):
        rules.extend(rule for rule in f.rules or [f"{f.tool}:{f.code}"] if rule not in rules)
    buckets = {f.bucket for f in group}
    bucket = "security_warnings" if "security_warnings" in buckets else lead.bucket
    return lead.model_copy(
        update={
            "tool": "+".join(tools)[:120],
            "rules": rules[:8],
            "blocking": any(f.blocking for f in group),
            "bucket": bucket,
        }
    )


def merged(findings: Iterable[Finding]) -> list[Finding]:
    """Findings with duplicates across tools merged, blocking and most severe first."""
    groups: dict[tuple[str, int, str], list[Finding]] = {}
    for item in findings:
        key = (item.path, item.line, family(item))
        groups.setdefault(key, []).append(item)
    return sorted((_merge(group) for group in groups.values()), key=_rank)


def redacted(findings: Iterable[Finding], redact: Callable[[str], str]) -> list[Finding]:
    """Findings whose messages went through ``redact`` once more (values known to be secret)."""
    return [f.model_copy(update={"message": redact(f.message)[:500]}) for f in findings]
