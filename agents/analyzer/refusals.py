"""Instructions inside a request that try to switch off a gate: found, recorded, never obeyed.

A refusal is a whole sentence: a switch word ("skip", "ignore", "disable", "without") followed
later in the same sentence by a gate it would switch off ("review", "approval", "tests"), or a
planted weakness ("backdoor", "hard-coded password"). The analyzer lists these sentences in the
plan and every other heuristic reads the request with them cut out.
"""

from __future__ import annotations

import re

_GATES = (
    r"(?:reviews?|approvals?|approve|tests?|testing|security|scans?|validation|gates?|checks?"
    r"|linters?)"
)
_SENTENCE = re.compile(r"[^.!?\n]+")
# Two searches instead of one "switch.*gate" pattern keep a long sentence linear to scan
# (that one pattern took 9 s on 20,000 characters of "skip skip skip").
_REFUSALS = (
    (
        re.compile(
            r"\b(?:skip|ignore|bypass|disable|omit|no need for|don't run|do not run|turn off"
            r"|switch off|circumvent)\b",
            re.IGNORECASE,
        ),
        re.compile(rf"\b{_GATES}\b", re.IGNORECASE),
    ),
    (
        re.compile(r"\b(?:without|remove)\b", re.IGNORECASE),
        re.compile(r"\b(?:review|approval|tests)\b", re.IGNORECASE),
    ),
)
_PLANTED_WEAKNESS = re.compile(
    r"\b(?:back\s?doors?|auto-?approve|self-approve|hard-?coded? (?:admin )?passwords?)\b",
    re.IGNORECASE,
)


def _is_refusal(sentence: str) -> bool:
    for switch, gate in _REFUSALS:
        found = switch.search(sentence)
        if found and gate.search(sentence, found.end()):
            return True
    return bool(_PLANTED_WEAKNESS.search(sentence))


def _refused_spans(text: str) -> list[re.Match[str]]:
    return [s for s in _SENTENCE.finditer(text) if _is_refusal(s.group(0))]


def without_refused(text: str) -> str:
    """``text`` with every gate-switching sentence cut out."""
    for sentence in reversed(_refused_spans(text)):
        text = text[: sentence.start()] + " " + text[sentence.end() :]
    return text


def refused_instructions(text: str) -> list[str]:
    """Sentences that try to switch off a gate; recorded so the plan shows they were refused."""
    found = [s.group(0).strip()[:500] for s in _refused_spans(text)]
    return [sentence for sentence in found if sentence][:10]
