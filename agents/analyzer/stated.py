"""The links a request's words state between its entities, read from its parse.

A link is written in a few ways, and each way says which side owns the other:

- a noun's preposition: "pages *within* the notebook", "tutorials *for* each exercise",
  "articles *from* sources", "reviews *of* restaurants": the object of the preposition is the
  parent. "*Of*" after a container turns round ("a list *of* tasks", "collections *of*
  products"), and "*with*" owns its object ("notebooks *with* pages") unless that object is a
  person ("sessions *with* tutors": the tutor has the sessions);
- a verb's object and preposition: "organise palettes *into* categories", "assign tasks *to*
  employees", "order food *from* restaurants": the preposition's object is the parent; so is
  it for the subject of "belong" ("tracks *belong to* an album");
- a subject and its object: "each challenge *includes* videos", "managers *assign* tasks": the
  subject owns the object when the verb means having, or when the subject is a person and
  the verb puts the object nowhere else ("customers add restaurants *to orders*");
- a noun modifier or a possessive that is itself an entity: "*event* reminders", "the
  *restaurant's* menu": the modifier is the parent.

A tag or a label is many-to-many with the thing its sentence puts it on (the nearest
before it). A container that picks its members from elsewhere (a playlist, a cart, a collection) is
many-to-many with them, owning the link; the others are one-to-many. Parts inside their
parent ("pages within the notebook") go with it when it is deleted; other children block the
deletion of their parent. What sorts or owns things (a category, a team, a person) is the
parent, whichever way the words run (``oriented``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from agents.analyzer import lexicon
from agents.analyzer.parsing import Token, categorized, categorizing, children

_PARENT_AFTER = lexicon.words("in within inside into under on onto at from for to by across")
_PART_OF = lexicon.words("in within inside into under of")
_VERB_PARENT_AFTER = lexicon.words("into to in within under onto on from for at by among")


@dataclass(frozen=True)
class Link:
    """One link between two entity keys (lemmas), before names are given."""

    parent: str
    child: str
    many: bool  # many-to-many (parent owns the link) rather than one-to-many
    cascade: bool  # deleting the parent deletes its children
    start: int  # the words that say so: token indices, inclusive
    end: int
    weak: bool = False  # implied rather than stated: never turns a link round
    # The evidence when it is not a span of the parse: the request's words, or where a link
    # taken from other requests comes from (``relations._usually_linked``).
    said: str = ""
    # Turned from the words' way round to the way developers drew the pair in this many other
    # requests (``relations.as_drawn``).
    drawn_as: int = 0


def _with_conjuncts(tokens: list[Token], token: Token) -> list[Token]:
    found: list[Token] = []
    stack = [token]
    while stack and len(found) < 50:
        current = stack.pop()
        found.append(current)
        stack += children(tokens, current, "conj")
    return found


def _keyed(tokens: list[Token], token: Token, keys: set[str]) -> list[Token]:
    """``token`` and the items listed with it that are mentions of an entity."""
    return [t for t in _with_conjuncts(tokens, token) if t.lemma in keys]


def link_between(parent: Token, child: Token, *, many: bool = False, cascade: bool = False) -> Link:
    low, high = sorted((parent.index, child.index))
    return Link(parent.lemma, child.lemma, many, cascade, low, high)


def _from_preposition(child: Token, prep: Token, parent: Token) -> Link:
    """The link a noun's preposition states; see the module docstring for the direction."""
    word = prep.lower
    if word == "of":
        if child.lemma in lexicon.PICKING_CONTAINERS:
            return link_between(child, parent, many=True)
        if child.lemma in lexicon.OWNING_CONTAINERS:
            return link_between(child, parent, cascade=True)
        return link_between(parent, child)
    if word == "with" and parent.lemma not in lexicon.PERSON_ROLES:
        return link_between(child, parent, cascade=True)
    many = parent.lemma in lexicon.PICKING_CONTAINERS
    part = word in _PART_OF and not many and child.lemma not in lexicon.PERSON_ROLES
    return link_between(parent, child, many=many, cascade=part)


def _noun_prepositions(tokens: list[Token], keys: set[str]) -> list[Link]:
    links = []
    for token in (t for t in tokens if t.lemma in keys):
        for prep in children(tokens, token, "prep"):
            if prep.lower not in _PARENT_AFTER | {"of", "with", "between"}:
                continue
            for obj in children(tokens, prep, "pobj"):
                links += [
                    _from_preposition(token, prep, parent) for parent in _keyed(tokens, obj, keys)
                ]
    return links


def _verb_prepositions(tokens: list[Token], keys: set[str]) -> list[Link]:
    links = []
    for verb in (t for t in tokens if t.pos == "VERB"):
        placed = "nsubj" if verb.lemma == "belong" else "dobj"  # "tracks belong to an album"
        objects = [o for d in children(tokens, verb, placed) for o in _keyed(tokens, d, keys)]
        for prep in children(tokens, verb, "prep", "dative"):
            if not objects or prep.lower not in _VERB_PARENT_AFTER | {"with"}:
                continue
            for pobj in children(tokens, prep, "pobj"):
                for parent in _keyed(tokens, pobj, keys):
                    if prep.lower == "with" and parent.lemma not in lexicon.PERSON_ROLES:
                        continue
                    many = parent.lemma in lexicon.PICKING_CONTAINERS
                    cascade = prep.lower in _PART_OF and not many
                    links += [link_between(parent, o, many=many, cascade=cascade) for o in objects]
    return links


def _placed(tokens: list[Token], verb: Token, keys: set[str]) -> bool:
    """ "add restaurants *to orders*": the verb puts its object in another entity."""
    return any(
        _keyed(tokens, pobj, keys)
        for prep in children(tokens, verb, "prep", "dative")
        if prep.lower in _VERB_PARENT_AFTER
        for pobj in children(tokens, prep, "pobj")
    )


def _subjects(tokens: list[Token], keys: set[str]) -> list[Link]:
    links = []
    for verb in (t for t in tokens if t.pos in ("VERB", "AUX")):
        having = verb.lemma in lexicon.HAVING_VERBS
        placed = _placed(tokens, verb, keys)
        for subject in children(tokens, verb, "nsubj"):
            for owner in _keyed(tokens, subject, keys):
                if not having and (owner.lemma not in lexicon.PERSON_ROLES or placed):
                    continue
                for obj in children(tokens, verb, "dobj"):
                    links += [
                        link_between(owner, o, cascade=having) for o in _keyed(tokens, obj, keys)
                    ]
    return links


def _modifiers(tokens: list[Token], keys: set[str]) -> list[Link]:
    links = []
    for token in tokens:
        head = tokens[token.head]
        if token.dep in ("compound", "poss") and token.lemma in keys and head.lemma in keys:
            containers = lexicon.OWNING_CONTAINERS | lexicon.PICKING_CONTAINERS
            holds = token.dep == "compound" and head.lemma in containers
            link = (
                link_between(head, token) if holds else link_between(token, head)
            )  # "card collections"
            links.append(replace(link, weak=token.dep == "compound"))
    return links


def _tagged(tokens: list[Token], keys: set[str]) -> list[Link]:
    """Tags and labels are put on the thing their sentence handles, many to many (a sketch
    has several tags, a tag marks several sketches): the nearest such thing, before first."""
    links = []
    for tag in (t for t in tokens if t.lemma in keys & lexicon.TAGS and t.dep != "compound"):
        others = lexicon.TAGS | lexicon.OWNING_CONTAINERS | lexicon.PERSON_ROLES
        near = [
            t
            for t in tokens
            if t.sentence == tag.sentence and t.lemma in keys - others and t.dep != "compound"
        ]
        before = [t for t in near if t.index < tag.index]
        item = before[-1] if before else next(iter(near), None)
        if item is not None:
            links.append(link_between(item, tag, many=True))
    return links


def _categorised(tokens: list[Token], keys: set[str]) -> list[Link]:
    """ "Categorize items": the implied category has the items (``domain.implied_categories``)."""
    if "category" not in keys:
        return []
    links = []
    for verb in categorizing(tokens):
        for item in (t for c in categorized(tokens, verb) for t in _keyed(tokens, c, keys)):
            low, high = sorted((verb.index, item.index))
            links.append(Link("category", item.lemma, False, False, low, high))
    return links


def first_mention(tokens: list[Token], key: str) -> Token | None:
    """The first mention of an entity key (none for one the words only imply)."""
    return next((t for t in tokens if t.lemma == key), None)


def oriented(link: Link) -> Link:
    """A link from a thing to what sorts or owns things (a category, a team, a person) is the
    other way round and one-to-many: the category has the items. A container's notes, photos
    and reviews are its own, not picked."""
    owners = lexicon.SORTING_OWNERS | lexicon.PERSON_ROLES
    if link.many and link.child in owners:  # a restaurant has orders; it is not picked
        return replace(link, parent=link.child, child=link.parent, many=False, cascade=False)
    if link.many and link.child in lexicon.ATTACHED:  # notes on a plan are the plan's own
        return replace(link, many=False, cascade=True)
    if link.many or link.child not in owners or link.parent in owners:
        return link
    return replace(link, parent=link.child, child=link.parent, cascade=False)


def stated_links(tokens: list[Token], keys: set[str]) -> list[Link]:
    """The links the request's words state, in its order, before any is turned round."""
    stated = [
        *_noun_prepositions(tokens, keys),
        *_verb_prepositions(tokens, keys),
        *_subjects(tokens, keys),
        *_modifiers(tokens, keys),
        *_categorised(tokens, keys),
        *_tagged(tokens, keys),
    ]
    return sorted(stated, key=lambda link: link.start)
