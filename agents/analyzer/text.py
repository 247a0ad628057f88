"""Heuristics over request text: project kind, entities and fields, refused instructions.

Sentences that try to switch off a gate (``agents.analyzer.refusals``) are cut from the text before
anything here reads it, so an injected "skip the review" is recorded and changes neither the
kind nor the entities. The word lists live in ``agents.analyzer.vocabulary``, the kind cues in
``agents.analyzer.inference``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agents.analyzer import lexicon
from agents.analyzer import vocabulary as vocab
from agents.analyzer.inference import closest_kind
from agents.analyzer.refusals import refused_instructions, without_refused
from core.contracts import (
    ALL_OPERATIONS,
    MAX_FIELDS,
    Entity,
    EntityField,
    FieldType,
    Operation,
    ProjectKind,
)
from core.naming import entity_name, field_identifier, singular

_SENTENCE = re.compile(r"[^.!?\n]+")
_DET = "(?:" + "|".join(sorted(vocab.DETERMINERS)) + ")"
_STOP_WORDS = vocab.NOT_FIELD_WORDS | vocab.DETERMINERS
_HAS_FIELDS = re.compile(
    r"\b(?P<lead>(?:creat|track|add|manag|log|record|stor|list|catalog|organi[sz]|enter|sav)"
    rf"[a-z]*\s+)?(?:{_DET}\s+(?:(?P<mod>[A-Za-z]{{3,20}})\s+)?)?"
    r"(?P<noun>[A-Za-z][A-Za-z-]{2,30})\s+(?:(?:should|must|will|can|may|needs? to)\s+)?"
    r"(?P<verb>has|have|having|with|contains|includes|stores|consists? of|"
    r"(?:is|are) made of|(?:is|are) described by|needs?|requires?)\s+"
    r"(?=(?P<fields>[^.;!?\n]{3,2000}))",
    re.IGNORECASE,
)
# "each visit records a diagnosis and a cost": with each or every, a verb of keeping lists fields.
_EACH_KEEPS = re.compile(
    r"\b(?:each|every)\s+(?P<noun>[A-Za-z][A-Za-z-]{2,30})\s+"
    r"(?P<verb>records|tracks|holds|keeps|logs|lists|stores|carries|gets)\s+"
    r"(?=(?P<fields>[^.;!?\n]{3,2000}))",
    re.IGNORECASE,
)
# "Book: title, author, year" on its own line, and "orders (id, customer, total)".
_COLON_FIELDS = re.compile(
    r"^\s*[-*]?\s*(?P<noun>[A-Za-z][A-Za-z -]{2,30}):\s*(?P<fields>[^.;!?\n]{3,300})", re.M
)
_PAREN_FIELDS = re.compile(r"\b(?P<noun>[A-Za-z][A-Za-z-]{2,30})\s*\((?P<fields>[^()]{3,300})\)")
_NAMED_SERVICE = re.compile(r"\b(?P<noun>[A-Za-z]{3,20})[- ](?:micro)?service\b", re.IGNORECASE)
_NOT_SERVICE_NAMES = {"web", "customer", "micro", "rest", "cloud", "streaming", "party", "backend"}
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
_STRONG_VERBS = {"has", "have", "having", "contains", "consists of", "consist of"}
_LOCKED = r"\b(?:read-only|immutable|(?:cannot|can't|can not|must not|should not|never)\s+"
_NOT_DELETABLE = re.compile(_LOCKED + r"(?:be\s+)?(?:delet|remov))", re.IGNORECASE)
_NOT_EDITABLE = re.compile(_LOCKED + r"(?:be\s+)?(?:edit|updat|chang|modif))", re.IGNORECASE)
_OPTIONAL = re.compile(rf"\b(?:{_DET}\s+)?([a-z]+(?: [a-z]+)?) (?:is|are) optional\b", re.I)


@dataclass
class Draft:
    """An entity as found in the text, before names are sanitised."""

    nouns: set[str]
    fields: list[str] = field(default_factory=list)
    optional: set[str] = field(default_factory=set)
    evidence: str = ""
    # The things it has many of, by model name ("owners have pets": Pet), with the words.
    holds: dict[str, str] = field(default_factory=dict)


def infer_kind(text: str) -> tuple[ProjectKind, list[str]]:
    """The best-fitting project kind and the phrase evidence for it."""
    return closest_kind(without_refused(text))


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


def _split_fields(phrase: str) -> list[tuple[str, bool, bool]]:
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


def _named_plural(raw: str, bare: bool) -> str | None:
    """The model name of a list part that is a plural noun with no article before it (``bare``),
    with at most one word in front ("pets", "monthly reports"), else None."""
    words = raw.split()
    last = words[-1].lower()
    if not bare or len(words) > 2 or not _plural(last) or not _noun_ok(last):
        return None
    return _model_name(words[-1], words[-2] if len(words) > 1 else None)


def _held_thing(raw: str, bare: bool = True) -> str | None:
    """The model name of a list part that names things of their own ("pets", "monthly
    reports"), or None for a field ("a title", "the ingredients", "a number of guests", "due
    dates", "servings"). ``bare``: no article or possessive came before it."""
    lemma = singular(raw.split()[-1].lower())
    if lemma in lexicon.ATTRIBUTES | lexicon.NOT_ENTITIES:
        return None
    if field_type_for(field_identifier(raw)) != "str":
        return None  # "servings", "calories": a count
    return _named_plural(raw, bare)


def _noun_ok(noun: str) -> bool:
    lowered = noun.lower()
    return (
        singular(lowered) not in vocab.GENERIC_NOUNS
        and singular(lowered) not in lexicon.MANAGING_ACTIVITIES  # "an expense tracker with"
        and lowered not in _STOP_WORDS
        and not lowered.endswith(("ly", "ed", *vocab.VERB_ENDINGS))
        and (singular(lowered) in vocab.ING_NOUNS or not singular(lowered).endswith("ing"))
    )


def _model_name(noun: str, modifier: str | None) -> str:
    """``entity_name`` of the noun, keeping a noun modifier ("workout plans" -> WorkoutPlan)."""
    if noun.lower() in vocab.IE_PLURALS:
        noun = noun[:-1]  # naming.singular would turn "movies" into "movy"
    if modifier and _noun_ok(modifier):
        lowered = modifier.lower()
        if lowered not in vocab.ADJECTIVES and not lowered.endswith(vocab.ADJECTIVE_ENDINGS):
            return entity_name(f"{modifier} {noun}")
    return entity_name(noun)


def _looks_like_fields(match: re.Match[str], fields: list[tuple[str, bool, bool]]) -> bool:
    """A weak "X with a, b" list counts after "create"/"track" or when it names known fields;
    so does "create events with sessions", things the first has many of."""
    words = {singular(w.lower()) for name, _, _ in fields for w in name.split()}
    known = words & (vocab.FIELD_VOCABULARY | vocab.INT_WORDS | vocab.FLOAT_WORDS)
    lead = bool(match.groupdict().get("lead"))
    if lead and any(_held_thing(name, bare) for name, _, bare in fields):
        return True
    return len(fields) >= 2 and (lead or bool(known))


def explicit_drafts(text: str) -> dict[str, Draft]:
    """Entities the text gives fields to ("books have a title and an ISBN"), by model name.

    A sentence's list may also name things the entity has many of: a plural with no article
    ("owners have pets", "create events with sessions") is a thing of its own, held by the
    entity (``Draft.holds``), unless it is an attribute word ("due dates"); "the ingredients"
    and "a number of guests" stay fields, and so does every part of a column list."""
    drafts: dict[str, Draft] = {}
    plurals: list[tuple[Draft, str, str, str]] = []  # fields that could name another entity
    matches = [*_HAS_FIELDS.finditer(text), *_COLON_FIELDS.finditer(text)]
    matches += [*_PAREN_FIELDS.finditer(text), *_EACH_KEEPS.finditer(text)]
    for match in matches:
        noun, fields = match.group("noun").strip(), _split_fields(match.group("fields"))
        verb = (match.groupdict().get("verb") or "with").lower()
        strong = verb in _STRONG_VERBS or match.re is _EACH_KEEPS
        if not fields or not _noun_ok(noun) or not (strong or _looks_like_fields(match, fields)):
            continue
        name = _model_name(noun, match.groupdict().get("mod"))
        draft = drafts.setdefault(name, Draft(nouns=set()))
        draft.nouns.add(noun.lower())
        draft.evidence = draft.evidence or match.group(0)[:60].strip()
        # A column list ("Book: title, authors") names columns; a sentence names things too.
        sentence = match.re is not _COLON_FIELDS and match.re is not _PAREN_FIELDS
        for raw, optional, bare in fields:
            held = _held_thing(raw, bare) if sentence else None
            if held is None:
                draft.fields.append(raw)
                draft.optional.update([raw] if optional else [])
                other = _named_plural(raw, bare) if sentence else None
                if other and other != name:
                    plurals.append((draft, raw, other, f"{noun} {verb} {raw}"))
            elif held != name:
                said = draft.holds.setdefault(held, f"{noun} {verb} {raw}")
                drafts.setdefault(held, Draft(nouns={raw.split()[-1].lower()}, evidence=said))
    # "boards have columns, columns have cards": a plural the text gives fields is a thing.
    for draft, raw, other, said in plurals:
        if other in drafts and raw in draft.fields:
            draft.fields.remove(raw)
            draft.holds.setdefault(other, said)
    # "an order service, an inventory service": each named service owns an entity.
    services = [m.group("noun") for m in _NAMED_SERVICE.finditer(text)]
    named = [s for s in services if s.lower() not in _NOT_SERVICE_NAMES and _noun_ok(s)]
    if len({s.lower() for s in named}) >= 2:
        for noun in named:
            drafts.setdefault(entity_name(noun), Draft(nouns={noun.lower()}))
    return drafts


def _operations(text: str, nouns: set[str]) -> list[Operation]:
    """All operations, less those the text forbids ("tasks cannot be deleted")."""
    stems = "|".join(re.escape(singular(noun)) for noun in nouns)
    sentences = [s for s in _SENTENCE.findall(text) if re.search(rf"\b(?:{stems})", s, re.I)]
    operations = list(ALL_OPERATIONS)
    if any(_NOT_DELETABLE.search(s) for s in sentences):
        operations.remove("delete")
    if any(_NOT_EDITABLE.search(s) for s in sentences):
        operations.remove("update")
    return operations


def optional_field_names(text: str) -> set[str]:
    """Fields the text calls optional ("the subtitle is optional")."""
    return {field_identifier(m.group(1)) for m in _OPTIONAL.finditer(text)}


def draft_entity(name: str, draft: Draft, text: str, optional_names: set[str]) -> Entity:
    """The entity for ``draft``: typed fields (``name`` and ``description`` when it has none)."""
    taken: set[str] = set()
    fields: list[EntityField] = []
    for raw in draft.fields or ["name", "description"]:
        ident = field_identifier(raw)
        if ident in taken or len(fields) == MAX_FIELDS:
            continue  # "a title ... and a title" is one field
        taken.add(ident)
        fields.append(
            EntityField(
                name=ident,
                type=field_type_for(ident),
                required=raw not in draft.optional and ident not in optional_names,
                source_name=raw[:120],
            )
        )
    evidence = draft.evidence or f"{sorted(draft.nouns)[0] if draft.nouns else name}"
    return Entity(
        name=name, fields=fields, operations=_operations(text, draft.nouns), evidence=evidence
    )


__all__ = [
    "draft_entity",
    "explicit_drafts",
    "field_type_for",
    "infer_kind",
    "optional_field_names",
    "refused_instructions",
    "without_refused",
]
