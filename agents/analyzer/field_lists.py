"""How a sentence's list of fields is read: "books have a title, an ISBN and authors".

A list is split at commas, "and", "or" and the like, and each part is cleaned of articles and
adjectives; reading stops at the first part that is not a field name (a clause with its own
verb, a preposition that starts something else: "a price for members" stops at "for"). A
field's type is read from the whole words of its name. A plural with no article in front
("authors", "pets") names things of their own rather than a field, unless it is an attribute
word or a count (``held_thing``). ``agents.analyzer.text`` reads the lists; this module says
what their parts are.
"""

from __future__ import annotations

import re

from agents.analyzer import lexicon
from agents.analyzer import vocabulary as vocab
from core.contracts import FieldType
from core.naming import entity_name, field_identifier, singular

_STOP_WORDS = vocab.NOT_FIELD_WORDS | vocab.DETERMINERS
# "books have a title, and members have a name": a part with its own verb starts a new list.
_CLAUSE_VERB = re.compile(r"\b(?:has|have)\b", re.IGNORECASE)
_LIST_END = re.compile(
    r"\b(?:so that|such as|like|including|which|where|who|that|to|for|from|by|with|in order|"
    r"e\.g|etc|along with)\b|\(",
    re.IGNORECASE,
)
# "a from address", "a to date": after an article the preposition is the name's first word,
# not the end of the list.
# "a created by user", "an assigned to team", "an order by field": so does a participle (or
# order, sort, group) with "by" or "to" after the article.
_NAMED_BY_PREPOSITION = re.compile(
    rf"\s*(?:a|an|the)\s+(?:(?:{'|'.join(sorted(vocab.PREPOSITION_NAMES))})|"
    r"(?:(?![a-z]*eed\b)[a-z]+ed|sent|paid|written|order|sort|group)\s+(?:by|to))"
    r"\b(?=\s+[A-Za-z])",
    re.IGNORECASE,
)
_DETERMINED = re.compile(r"\s*(?:a|an|the|its|their|his|her|our|your|each|every)\b", re.I)
_FIELD_SEPARATOR = re.compile(r",|\band\b|\bor\b|&|/|\bplus\b|\bas well as\b", re.IGNORECASE)


def field_type_for(name: str) -> FieldType:
    """A field type guessed from the words of its name (``publication_year`` -> int)."""
    words = [word for word in name.lower().split("_") if word] or ["field"]
    forms = set(words) | {singular(word) for word in words}
    if (
        words[0] in vocab.BOOL_PREFIXES
        or words[-1] == "flag"
        or "_".join(words) in vocab.BOOL_NAMES
    ):
        return "bool"
    if words[-1] == "at" or forms & vocab.DATETIME_WORDS:
        return "datetime"
    if words[-1] == "time" and words[0] in vocab.DATETIME_TIME_PREFIXES:
        return "datetime"
    if forms & vocab.DATE_WORDS:
        return "date"
    if {words[-1], singular(words[-1]), "year"} & forms & vocab.INT_WORDS:
        return "int"
    if words[-1] == "number" and not forms & vocab.CODE_NUMBERS:
        return "int"
    return "float" if forms & vocab.FLOAT_WORDS else "str"


def _clean_part(part: str) -> tuple[str, bool] | None:
    """A field phrase without articles and adjectives, and whether it was called optional."""
    # "a cooking time in minutes", "a price in euros": the unit is not part of the name.
    part = re.sub(r"\s+in\s+[A-Za-z]+\s*$", "", part)
    words = re.findall(r"[A-Za-z][A-Za-z0-9_'-]*", part)
    kept = [w for w in words if w.lower() not in {"a", "an", "the", "fields", "attributes"}]
    optional = any(w.lower() == "optional" for w in kept)
    kept = [w for w in kept if w.lower() not in vocab.ADJECTIVES]
    named = _NAMED_BY_PREPOSITION.match(part)
    # The words the name starts with (the article dropped): "from", or "created by".
    first_free = len(named.group().split()) - 1 if named else 0
    longest = 3 + max(first_free - 1, 0)
    if not 0 < len(kept) <= longest or any(
        w.lower() in vocab.NOT_FIELD_WORDS for w in kept[first_free:]
    ):
        return None
    first, last = kept[0].lower(), kept[-1].lower()
    if first in vocab.ACTION_VERBS or last.endswith(("ize", "ise")):
        return None
    if len(kept) > 1 and _plural(first):
        return None  # "speakers give talks", "attendees register": a clause, not a name
    if last.endswith("ing") and last not in vocab.ING_NOUNS:
        return None
    return " ".join(kept), optional


def _list_end(part: str) -> re.Match[str] | None:
    """Where a list part stops being a field name ("a price for members" stops at "for")."""
    named = _NAMED_BY_PREPOSITION.match(part)
    return _LIST_END.search(part, named.end() if named else 0)


def split_fields(phrase: str) -> list[tuple[str, bool, bool]]:
    """The field phrases of a list ("a title, an ISBN and a year"), stopping where it ends:
    each with whether it was called optional and whether it came bare (no article before it).

    Parts are read one at a time and reading stops at the first that is not a field, so a
    long request costs the length of its lists, not the length of the text after each verb.
    """
    fields: list[tuple[str, bool, bool]] = []
    start = 0
    while start < len(phrase):
        # No field name is longer than 120 characters; reading further only costs time.
        separator = _FIELD_SEPARATOR.search(phrase, start, start + 121)
        end = separator.start() if separator else min(len(phrase), start + 120)
        part, start = phrase[start:end], separator.end() if separator else len(phrase)
        if _CLAUSE_VERB.search(part):
            break
        if cut := _list_end(part):
            part = part[: cut.start()]
        if part.strip():
            if (cleaned := _clean_part(part)) is None:
                break
            fields.append((*cleaned, not _DETERMINED.match(part)))
        if cut:
            break
    return fields


def _plural(word: str) -> bool:
    """A plural noun ("pets", "categories"), not a singular ending in s ("status", "news")."""
    lowered = word.lower()
    return singular(lowered) != lowered


def named_plural(raw: str, bare: bool) -> str | None:
    """The model name of a list part that is a plural noun with no article before it (``bare``),
    with at most one word in front ("pets", "monthly reports"), else None."""
    words = raw.split()
    last = words[-1].lower()
    if not bare or len(words) > 2 or not _plural(last) or not noun_ok(last):
        return None
    return model_name(words[-1], words[-2] if len(words) > 1 else None)


def held_thing(raw: str, bare: bool = True) -> str | None:
    """The model name of a list part that names things of their own ("pets", "monthly
    reports"), or None for a field ("a title", "the ingredients", "a number of guests", "due
    dates", "servings"). ``bare``: no article or possessive came before it."""
    lemma = singular(raw.split()[-1].lower())
    if lemma in lexicon.ATTRIBUTES | lexicon.NOT_ENTITIES:
        return None
    if field_type_for(field_identifier(raw)) != "str":
        return None  # "servings", "calories": a count
    return named_plural(raw, bare)


def noun_ok(noun: str) -> bool:
    """Whether ``noun`` can name an entity: not the product or a generic word, not a stop word,
    an adverb, a participle, a verb's ending or an activity in -ing."""
    lowered = noun.lower()
    return (
        singular(lowered) not in vocab.GENERIC_NOUNS
        and singular(lowered) not in lexicon.MANAGING_ACTIVITIES  # "an expense tracker with"
        and lowered not in _STOP_WORDS
        and not lowered.endswith(("ly", "ed", *vocab.VERB_ENDINGS))
        and (singular(lowered) in vocab.ING_NOUNS or not singular(lowered).endswith("ing"))
    )


def model_name(noun: str, modifier: str | None) -> str:
    """``entity_name`` of the noun, keeping a noun modifier ("workout plans" -> WorkoutPlan)."""
    if noun.lower() in vocab.IE_PLURALS:
        noun = noun[:-1]  # naming.singular would turn "movies" into "movy"
    if modifier and noun_ok(modifier):
        lowered = modifier.lower()
        if lowered not in vocab.ADJECTIVES and not lowered.endswith(vocab.ADJECTIVE_ENDINGS):
            return entity_name(f"{modifier} {noun}")
    return entity_name(noun)
