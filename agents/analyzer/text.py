"""Heuristics over request text: project kind, entities and fields, refused instructions.

Sentences that try to switch off a gate (``agents.analyzer.refusals``) are cut from the text before
anything here reads it, so an injected "skip the review" is recorded and changes neither the
kind nor the entities. The word lists live in ``agents.analyzer.vocabulary``, the kind cues in
``agents.analyzer.inference``, and what the parts of a list of fields are in
``agents.analyzer.field_lists``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agents.analyzer import vocabulary as vocab
from agents.analyzer.field_lists import (
    field_type_for,
    held_thing,
    model_name,
    named_plural,
    noun_ok,
    split_fields,
)
from agents.analyzer.inference import closest_kind
from agents.analyzer.refusals import refused_instructions, without_refused
from core.contracts import (
    ALL_OPERATIONS,
    MAX_FIELDS,
    Entity,
    EntityField,
    Operation,
    ProjectKind,
)
from core.naming import entity_name, field_identifier, singular

_SENTENCE = re.compile(r"[^.!?\n]+")
_DET = "(?:" + "|".join(sorted(vocab.DETERMINERS)) + ")"
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


def _looks_like_fields(match: re.Match[str], fields: list[tuple[str, bool, bool]]) -> bool:
    """A weak "X with a, b" list counts after "create"/"track" or when it names known fields;
    so does "create events with sessions", things the first has many of."""
    words = {singular(w.lower()) for name, _, _ in fields for w in name.split()}
    known = words & (vocab.FIELD_VOCABULARY | vocab.INT_WORDS | vocab.FLOAT_WORDS)
    lead = bool(match.groupdict().get("lead"))
    if lead and any(held_thing(name, bare) for name, _, bare in fields):
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
        noun, fields = match.group("noun").strip(), split_fields(match.group("fields"))
        verb = (match.groupdict().get("verb") or "with").lower()
        strong = verb in _STRONG_VERBS or match.re is _EACH_KEEPS
        if not fields or not noun_ok(noun) or not (strong or _looks_like_fields(match, fields)):
            continue
        name = model_name(noun, match.groupdict().get("mod"))
        draft = drafts.setdefault(name, Draft(nouns=set()))
        draft.nouns.add(noun.lower())
        draft.evidence = draft.evidence or match.group(0)[:60].strip()
        # A column list ("Book: title, authors") names columns; a sentence names things too.
        sentence = match.re is not _COLON_FIELDS and match.re is not _PAREN_FIELDS
        for raw, optional, bare in fields:
            held = held_thing(raw, bare) if sentence else None
            if held is None:
                draft.fields.append(raw)
                draft.optional.update([raw] if optional else [])
                other = named_plural(raw, bare) if sentence else None
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
    named = [s for s in services if s.lower() not in _NOT_SERVICE_NAMES and noun_ok(s)]
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
