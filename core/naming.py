"""Turn free text (column names, nouns from a request) into safe identifiers."""

from __future__ import annotations

import functools
import keyword
import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import inflect

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

# Plurals without a final s that requests use: "people", "children", "mice".
_IRREGULAR_PLURALS = frozenset(
    {"people", "children", "men", "women", "mice", "geese", "feet", "teeth"}
)
# Plurals of nouns in -u, which the -us rule below would keep whole ("menus" is not "status").
_U_PLURALS = frozenset({"menus", "gurus", "haikus", "emus", "tutus"})


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


@functools.cache
def _inflector() -> inflect.engine:
    """inflect's engine, built on first use, imported without typeguard's instrumentation.

    inflect wraps its methods in typeguard's ``@typechecked``, which re-parses and recompiles
    inflect's 4,000-line module once per method at import: 1.3 CPU s in every process, and a
    process worker starts one per flow run (jaraco/inflect#212, still open). The checks only
    verify that a word is a non-empty ``str``, which ``singular`` and ``plural`` guarantee; so
    inflect is imported with ``typechecked`` as the identity, and typeguard is restored at once.
    """
    import typeguard

    instrument = typeguard.typechecked
    typeguard.typechecked = lambda target: target  # type: ignore[assignment]  # see the docstring
    try:
        import inflect
    finally:
        typeguard.typechecked = instrument
    return inflect.engine()


def _same_case(word: str, lower: str) -> str:
    """``lower`` spelled with ``word``'s capitals where the two share a prefix."""
    if word.lower().startswith(lower):
        return word[: len(lower)]
    return lower[:1].upper() + lower[1:] if word[:1].isupper() else lower


@functools.lru_cache(maxsize=4096)
def singular(word: str) -> str:
    """The English singular of a plural noun (books -> book, movies -> movie, people -> person).

    Words that already read as singular stay as they are: short words (bus, gas) and those
    ending in -ss, -us or -is (class, status, analysis), where inflect would cut the s; a few
    plurals of nouns in -u (menus) are known.
    """
    lower = word.lower()
    if lower in _U_PLURALS:
        return word[:-1]
    if len(lower) <= 3 or lower.endswith(("ss", "us", "is")):
        return word
    if not lower.endswith("s") and lower not in _IRREGULAR_PLURALS:
        return word
    found = _inflector().singular_noun(lower)
    return _same_case(word, found) if found else word


def name_words(name: str) -> tuple[str, ...]:
    """A PascalCase or snake_case name as its singular, case-folded words.

    >>> name_words("WorkoutPlans")
    ('workout', 'plan')
    """
    parts = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name.replace("_", " "))
    return tuple(singular(part).lower() for part in parts)


def plural(word: str) -> str:
    """The English plural of a singular noun; for ``snake_case`` names, of the last word."""
    head, _, last = word.rpartition("_")
    if not last:
        return word
    plural_last = _inflector().plural_noun(last.lower()) or f"{last}s"
    return f"{head}_{plural_last}" if head else plural_last


def with_article(words: str) -> str:
    """``words`` after "a" or "an", as they are said (an ingredient, a user, an hour)."""
    if not words.strip():
        return words
    return _inflector().a(words)


def entity_name(text: str) -> str:
    """A PascalCase singular model name for ``text`` (``"book_loans.csv"`` -> ``BookLoan``)."""
    words = _ascii_words(text) or ["Item"]
    words[-1] = singular(words[-1])
    name = "".join(w[:1].upper() + w[1:].lower() for w in words)[:40]
    if not name[0].isalpha():
        name = f"E{name}"[:40]
    return name
