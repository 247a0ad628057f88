"""Turn free text (column names, nouns from a request) into safe identifiers."""

from __future__ import annotations

import keyword
import re
import unicodedata

_RESERVED = (
    set(keyword.kwlist)
    | set(keyword.softkwlist)
    | {
        "id",
        "self",
        "cls",
        "metadata",
        "type",
        "select",
        "from",
        "order",
        "by",
        "group",
        "where",
        "table",
        "index",
        "none",
        "true",
        "false",
    }
)


def _ascii_words(text: str) -> list[str]:
    normalized = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", normalized)
    return re.findall(r"[A-Za-z0-9]+", spaced)


def field_identifier(text: str, *, taken: set[str] | None = None) -> str:
    """A snake_case identifier for ``text``: ASCII, not reserved, unique within ``taken``.

    >>> field_identifier("Order By")
    'order_by'
    >>> field_identifier("class")
    'class_'
    """
    words = [w.lower() for w in _ascii_words(text)] or ["field"]
    name = "_".join(words)[:50]
    if name[0].isdigit():
        name = f"f_{name}"
    if name in _RESERVED:
        name = f"{name}_"
    base, counter = name, 2
    while taken is not None and name in taken:
        name, counter = f"{base}_{counter}", counter + 1
    if taken is not None:
        taken.add(name)
    return name


# "-ies" words whose singular keeps the "ie" (movies -> movie, not movy).
_IE_PLURALS = {
    "movies",
    "cookies",
    "zombies",
    "calories",
    "pies",
    "ties",
    "lies",
    "rookies",
    "selfies",
    "brownies",
    "smoothies",
    "goalies",
    "hoodies",
    "genies",
    "species",
    "series",
    "freebies",
}


def singular(word: str) -> str:
    """A best-effort English singular (books -> book, categories -> category, movies -> movie)."""
    lower = word.lower()
    if lower in ("species", "series"):
        return word
    if lower in _IE_PLURALS:
        return word[:-1]
    if lower.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if lower.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def entity_name(text: str) -> str:
    """A PascalCase singular model name for ``text`` (``"book_loans.csv"`` -> ``BookLoan``)."""
    words = _ascii_words(text) or ["Item"]
    words[-1] = singular(words[-1])
    name = "".join(w[:1].upper() + w[1:].lower() for w in words)[:40]
    if not name[0].isalpha():
        name = f"E{name}"[:40]
    return name
