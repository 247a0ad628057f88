"""The domain model of a text request: entities with typed fields, and the relations between them.

Two readings are merged. Entities the request gives fields to ("books have a title and an
ISBN", ``agents.analyzer.text``) come first, with exactly those fields, and the things such a
list names in the plural ("owners have pets"), each linked to its owner (two of one list are
not linked to each other by it). Then the things the request manages, read from its parse
(``agents.analyzer.domain``), unless they are one of those entities or one of their fields;
their fields are a name (or a title) and the attributes the request gives them ("set task
*priorities* and *due dates*", "the *name, quantity and condition* of each card"), typed from
their words, with the values of an enumeration when it lists them ("a status such as open,
closed or archived"). Relations come from ``agents.analyzer.relations``; where the request
keeps a record of an act its verb names ("customers rent cars; each rental has a pickup
date"), the record joins who and what (a customer's rentals, a car's rentals) instead of the
verb linking them directly. A request that names nothing gets one generic ``Item``, flagged
``generic`` so the plan can say so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from agents.analyzer import lexicon
from agents.analyzer.domain import Candidate, candidates, select
from agents.analyzer.entity_model import choose as weigh
from agents.analyzer.neighbours import Prior, prior_near
from agents.analyzer.parsing import Token, children, parse
from agents.analyzer.refusals import without_refused
from agents.analyzer.relations import find_links
from agents.analyzer.spelled import spelled_links
from agents.analyzer.stated import Link
from agents.analyzer.text import (
    Draft,
    draft_entity,
    explicit_drafts,
    field_type_for,
    optional_field_names,
)
from core.contracts import Entity, EntityField, Relation
from core.naming import field_identifier, singular

MAX_ENTITIES = 10
LinkFinder = Callable[[list[Token], dict[str, str], str | None], list[Link]]
Chooser = Callable[[dict[str, Candidate], Prior], list[Candidate]]
_SETTING_VERBS = lexicon.words(
    "set add input enter specify assign adjust update choose select define record log track "
    "give include store edit change mark"
)
_TIMED = ("due", "start", "end")
_CHOICES = re.compile(
    r"\b(?P<what>status|state|stage|priority|level|type|category)(?:e?s)?\b[^.;]{0,40}?"
    r"(?:such as|like|e\.g\.,?|:|\()\s*(?P<values>[a-z][a-z -]{0,30}"
    r"(?:,\s*(?:or |and )?[a-z][a-z -]{0,30}){1,9})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Domain:
    """What a request is about: its entities and the relations between them."""

    entities: list[Entity]
    relations: list[Relation]


def _pascal(words: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in words.split())[:40]


def _nearest_entity(tokens: list[Token], index: int, keys: set[str]) -> str | None:
    """The entity mentioned closest before ``index`` in its sentence (else closest after)."""
    sentence = [t for t in tokens if t.sentence == tokens[index].sentence and t.lemma in keys]
    before = [t for t in sentence if t.index < index]
    if before:
        return before[-1].lemma
    return sentence[0].lemma if sentence else None


def _attribute_name(tokens: list[Token], token: Token) -> str:
    before = tokens[token.index - 1] if token.index else None
    modifies = before and before.head == token.index and before.dep in ("compound", "amod")
    if before and modifies and (before.lemma in lexicon.ATTRIBUTES or before.lower in _TIMED):
        return f"{before.lower}_{token.lemma}"
    return token.lemma


def attributes(tokens: list[Token], keys: set[str]) -> dict[str, list[str]]:
    """Attribute nouns per entity key: its modifiers' heads, "X of" it, objects near it."""
    found: dict[str, list[str]] = {key: [] for key in keys}
    for token in tokens:
        if token.lemma not in lexicon.ATTRIBUTES or token.pos != "NOUN":
            continue
        head = tokens[token.head]
        owner: str | None = None
        before = tokens[token.index - 1] if token.index else None
        if before and before.dep == "compound" and before.head == token.index:
            owner = before.lemma if before.lemma in keys else None
        elif of := next((t for t in children(tokens, token) if t.lower == "of"), None):
            owner = next((t.lemma for t in children(tokens, of) if t.lemma in keys), None)
        elif (holder := _had_by(tokens, token, keys)) is not None:
            owner = holder
        elif _setting_object(tokens, token) or head.lemma in keys:
            owner = _nearest_entity(tokens, token.index, keys)
        if owner:
            found[owner].append(_attribute_name(tokens, token))
    return found


def _first_conjunct(tokens: list[Token], token: Token) -> Token:
    """The first of a list ("a score and a level": the score)."""
    while token.dep == "conj" and token.head != token.index:
        token = tokens[token.head]
    return token


def _setting_object(tokens: list[Token], token: Token) -> bool:
    role = _first_conjunct(tokens, token)
    return role.dep == "dobj" and tokens[role.head].lemma in _SETTING_VERBS


def _had_by(tokens: list[Token], token: Token, keys: set[str]) -> str | None:
    """The entity that has ``token`` ("players have a score and a level", "create lists with a
    name and a colour"), if one does."""
    role = _first_conjunct(tokens, token)
    verb = tokens[role.head]
    if role.dep == "pobj" and verb.lower == "with":
        held = tokens[verb.head]
        objects = [held, *children(tokens, held, "dobj")]  # "with" hangs on the thing or its verb
        return next((t.lemma for t in objects if t.lemma in keys and t.index < verb.index), None)
    if role.dep != "dobj" or verb.lemma != "have":
        return None
    return next((t.lemma for t in children(tokens, verb, "nsubj") if t.lemma in keys), None)


def _choices(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for match in _CHOICES.finditer(text):
        values = re.split(r",\s*(?:or |and )?|\s+(?:or|and)\s+", match.group("values"))
        cleaned = [v.strip()[:120] for v in values if v.strip()][:20]
        found.setdefault(match.group("what").lower(), cleaned)
    return found


def _with_choices(entity: Entity, choices: dict[str, list[str]]) -> Entity:
    fields = [
        f.model_copy(update={"choices": choices[f.name]})
        if f.type == "str" and f.name in choices and not f.choices
        else f
        for f in entity.fields
    ]
    return entity.model_copy(update={"fields": fields})


def _fields(key: str, words: list[str], choices: dict[str, list[str]]) -> list[EntityField]:
    """A name (or title), the attributes the request gives, and what the kind of thing has."""
    first = "title" if key in lexicon.TITLED | lexicon.SCHEDULED else "name"
    usual = [*(["starts_at"] if key in lexicon.SCHEDULED else [])]
    usual += ["amount", "date"] if key in lexicon.MONEY else []
    found = [field_identifier(w) for w in words]
    names = list(dict.fromkeys(n for n in [first, *found, *usual] if n))
    if len(names) == 1:
        names.append("description")
    return [
        EntityField(
            name=name,
            type=field_type_for(name),
            required=index == 0,
            source_name=name.replace("_", " "),
            choices=choices.get(name, []) if field_type_for(name) == "str" else [],
        )
        for index, name in enumerate(names[:20])
    ]


def _evidence(tokens: list[Token], candidate: Candidate) -> str:
    token = tokens[candidate.mentions[0]]
    head = tokens[token.head]
    start = head.index if head.pos == "VERB" and 0 <= token.index - head.index <= 4 else token.left
    return " ".join(t.text for t in tokens[min(start, token.index) : token.index + 1])[:120]


def _relation(link: Link, names: dict[str, str], tokens: list[Token]) -> Relation:
    if link.said:
        words = link.said
    elif link.end - link.start <= 12:
        words = " ".join(t.text for t in tokens[link.start : link.end + 1])
    else:  # an implied link: the two mentions, not the sentences between them
        words = f"{tokens[link.start].text} ... {tokens[link.end].text}"
    if link.drawn_as:
        turned = f" (turned as drawn for {link.drawn_as} other requests)"
        words = words[: 120 - len(turned)] + turned
    return Relation(
        kind="many_to_many" if link.many else "one_to_many",
        parent=names[link.parent],
        child=names[link.child],
        on_delete="cascade" if link.cascade else "restrict",
        evidence=words[:120],
    )


def _explicit_keys(drafts: dict[str, Draft]) -> dict[str, str]:
    """Lemma-like keys of the explicit entities' nouns and fields -> the entity's name."""
    keys: dict[str, str] = {}
    for name, draft in drafts.items():
        for noun in draft.nouns:
            keys[singular(noun.lower())] = name
        for raw in draft.fields:
            keys.setdefault(singular(raw.lower().split()[-1]), "")
    return keys


def _managed(tokens: list[Token], candidate: Candidate) -> bool:
    """People the request keeps records of ("the performance of their employees") rather than
    people who act in it ("players build cities"): never the subject of a verb."""
    said = [tokens[i] for i in candidate.mentions if tokens[i].dep != "compound"]
    return bool(said) and not any(t.dep in {"nsubj", "nsubjpass"} for t in said)


def _find(tokens: list[Token], names: dict[str, str], hub: str | None) -> list[Link]:
    return find_links(tokens, set(names), hub)


def extract_domain(
    text: str, find: LinkFinder = _find, leave_out: int | None = None, choose: Chooser | None = None
) -> Domain:
    """The entities and relations ``text`` describes (refused sentences are not read);
    ``find`` links the things (entity key -> name) of the parse; ``leave_out`` is a training
    request's SRDD row whose own labels are not read (``agents.analyzer.neighbours``);
    ``choose`` picks the parse's candidates that become entities (``bench.domain`` measures
    the links with the labels' choice). By default the fitted model picks them
    (``agents.analyzer.entity_model``), unless the request gives some things fields of its own:
    it then says what its records are, and the rules (``domain.select``) read it; no labelled
    request is written that way, so the model never learnt from one."""
    text = without_refused(text)
    drafts = explicit_drafts(text)
    optional = optional_field_names(text)
    choices = _choices(text)
    entities = [
        _with_choices(draft_entity(name, draft, text, optional), choices)
        for name, draft in drafts.items()
    ]
    tokens = parse(text)
    taken = _explicit_keys(drafts)
    prior = prior_near(text, leave_out)
    choose = choose or (select if drafts else weigh)
    chosen = [c for c in choose(candidates(tokens), prior) if c.key not in taken]
    names = {key: name for key, name in taken.items() if name}
    room = MAX_ENTITIES - len(entities)
    chosen = [c for c in chosen if _pascal(c.name) not in names.values()][: max(0, room)]
    found = attributes(tokens, {c.key for c in chosen})
    # "Players have a score": one of a thing the request gives another as its field is a field.
    given = {name for key, named in found.items() for name in named if name != key}
    chosen = [c for c in chosen if c.plural or c.key not in given]
    # "manage authors and genres": a thing of its own is linked, not a field of its neighbour.
    kept_keys = {c.key for c in chosen} | set(names)
    found = {
        key: [name for name in named if name == key or name not in kept_keys]
        for key, named in found.items()
    }
    for candidate in chosen:
        names[candidate.key] = _pascal(candidate.name)
        fields = _fields(candidate.key, found[candidate.key], choices)
        evidence = _evidence(tokens, candidate)
        entities.append(Entity(name=names[candidate.key], fields=fields, evidence=evidence))
    entities = entities[:MAX_ENTITIES]
    kept = {entity.name for entity in entities}
    names = {key: name for key, name in names.items() if name in kept}
    things = [
        c.key
        for c in sorted(chosen, key=lambda c: c.first)
        if c.key not in lexicon.ATTACHED
        and (c.key not in lexicon.PERSON_ROLES or _managed(tokens, c))
    ]
    hub = next((key for key in things if key in names), None)
    links = spelled_links(tokens, drafts, names, find(tokens, names, hub))
    relations = [_relation(link, names, tokens) for link in links]
    if not entities:
        generic = Entity(
            name="Item", fields=_fields("item", [], {}), generic=True, evidence="(none named)"
        )
        return Domain([generic], [])
    return Domain(entities, [r for r in relations if r.parent != r.child])


def extract_entities(text: str) -> list[Entity]:
    """The entities of ``extract_domain``: a generic ``Item`` when the request names nothing."""
    return extract_domain(text).entities
