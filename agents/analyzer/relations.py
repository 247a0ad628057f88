"""Links between the entities of a request, read from its parse.

A link is written in a few ways, and each way says which side owns the other:

- a noun's preposition: "pages *within* the notebook", "tutorials *for* each exercise",
  "articles *from* sources", "reviews *of* restaurants": the object of the preposition is the
  parent. "*Of*" after a container turns round ("a list *of* tasks", "collections *of*
  products"), and "*with*" owns its object ("notebooks *with* pages") unless that object is a
  person ("sessions *with* tutors": the tutor has the sessions);
- a verb's object and preposition: "organise palettes *into* categories", "assign tasks *to*
  employees", "order food *from* restaurants": the preposition's object is the parent;
- a subject and its object: "each challenge *includes* videos", "managers *assign* tasks": the
  subject owns the object when the verb means having, or when the subject is a person;
- a noun modifier or a possessive that is itself an entity: "*event* reminders", "the
  *restaurant's* menu": the modifier is the parent.

A tag or a label is many-to-many with the thing its sentence puts it on (the nearest
before it). A container that picks its members from elsewhere (a playlist, a cart, a collection) is
many-to-many with them, owning the link; the others are one-to-many. Parts inside their
parent ("pages within the notebook") go with it when it is deleted; other children block the
deletion of their parent. The same pair linked both ways is many-to-many.

Two things no words link are linked as other requests link them, when enough of them do
(``agents.analyzer.usual``): "browse restaurants, rate dishes" says nothing of whose dishes
they are, and six other requests say restaurants have them. What is still unlinked is
implied: a container holds what its sentence names, and the things still loose are parts of
the request's hub (the first thing it names), except the hub's peers
(items of one list with it, "manage resources, build cities": objects of one list of verbs),
and only the first two it names: the further a loose thing, the less it is likely a part.
A hub that picks its members (a soundtrack, a recipe) is many-to-many with them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import combinations

from agents.analyzer import lexicon
from agents.analyzer.parsing import Token, categorized, categorizing, children
from agents.analyzer.usual import usual_link

MAX_RELATIONS = 20
# The hub's implied parts: the first loose things the request names after it, no more.
_MAX_HUB_PARTS = 2
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
    said: str = ""  # the request's words, when they are not a span of the parse


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


def _link(parent: Token, child: Token, *, many: bool = False, cascade: bool = False) -> Link:
    low, high = sorted((parent.index, child.index))
    return Link(parent.lemma, child.lemma, many, cascade, low, high)


def _from_preposition(child: Token, prep: Token, parent: Token) -> Link:
    """The link a noun's preposition states; see the module docstring for the direction."""
    word = prep.lower
    if word == "of":
        if child.lemma in lexicon.PICKING_CONTAINERS:
            return _link(child, parent, many=True)
        if child.lemma in lexicon.OWNING_CONTAINERS:
            return _link(child, parent, cascade=True)
        return _link(parent, child)
    if word == "with" and parent.lemma not in lexicon.PERSON_ROLES:
        return _link(child, parent, cascade=True)
    many = parent.lemma in lexicon.PICKING_CONTAINERS
    part = word in _PART_OF and not many and child.lemma not in lexicon.PERSON_ROLES
    return _link(parent, child, many=many, cascade=part)


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
        objects = [o for d in children(tokens, verb, "dobj") for o in _keyed(tokens, d, keys)]
        for prep in children(tokens, verb, "prep", "dative"):
            if not objects or prep.lower not in _VERB_PARENT_AFTER | {"with"}:
                continue
            for pobj in children(tokens, prep, "pobj"):
                for parent in _keyed(tokens, pobj, keys):
                    if prep.lower == "with" and parent.lemma not in lexicon.PERSON_ROLES:
                        continue
                    many = parent.lemma in lexicon.PICKING_CONTAINERS
                    cascade = prep.lower in _PART_OF and not many
                    links += [_link(parent, o, many=many, cascade=cascade) for o in objects]
    return links


def _subjects(tokens: list[Token], keys: set[str]) -> list[Link]:
    links = []
    for verb in (t for t in tokens if t.pos in ("VERB", "AUX")):
        having = verb.lemma in lexicon.HAVING_VERBS
        for subject in children(tokens, verb, "nsubj"):
            for owner in _keyed(tokens, subject, keys):
                if not having and owner.lemma not in lexicon.PERSON_ROLES:
                    continue
                for obj in children(tokens, verb, "dobj"):
                    links += [_link(owner, o, cascade=having) for o in _keyed(tokens, obj, keys)]
    return links


def _modifiers(tokens: list[Token], keys: set[str]) -> list[Link]:
    links = []
    for token in tokens:
        head = tokens[token.head]
        if token.dep in ("compound", "poss") and token.lemma in keys and head.lemma in keys:
            containers = lexicon.OWNING_CONTAINERS | lexicon.PICKING_CONTAINERS
            holds = token.dep == "compound" and head.lemma in containers
            link = _link(head, token) if holds else _link(token, head)  # "card collections"
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
            links.append(_link(item, tag, many=True))
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


def _containers(tokens: list[Token], keys: set[str]) -> list[Link]:
    """A container and another entity named in one sentence: the container holds it."""
    links = []
    containers = lexicon.OWNING_CONTAINERS | lexicon.PICKING_CONTAINERS
    for holder in (t for t in tokens if t.lemma in keys & containers and t.dep != "compound"):
        for other in tokens:
            if other.sentence != holder.sentence or other.lemma not in keys - containers:
                continue
            many = holder.lemma in lexicon.PICKING_CONTAINERS
            links.append(replace(_link(holder, other, many=many), weak=True))
    return links


def _held_with(tokens: list[Token], keys: set[str]) -> list[Link]:
    """A meeting, a session, a booking ... belongs to each kind of person the request names;
    those who attend (attendees, guests, members) go to many and each has many of them."""
    people = [t for t in tokens if t.lemma in keys & lexicon.PERSON_ROLES and t.dep != "compound"]
    events = [t for t in tokens if t.lemma in keys & lexicon.SCHEDULED and t.dep != "compound"]
    links = []
    for person in {p.lemma: p for p in people}.values():
        many = person.lemma in lexicon.ATTENDING
        for event in {e.lemma: e for e in events}.values():
            links.append(replace(_link(person, event, many=many), weak=True))
    return links


def _hub_parts(
    tokens: list[Token], keys: set[str], hub: str | None, linked: set[str]
) -> list[Link]:
    """Things nothing else links are parts of what the request is built around (its hub)."""
    if hub is None:
        return []
    anchor = _first(tokens, hub)
    links = []
    for key in sorted(keys - linked - lexicon.PERSON_ROLES - {hub}):
        child = _first(tokens, key)
        if anchor and child and not _peers(tokens, anchor, child):
            many = hub in lexicon.PICKING_CONTAINERS  # a playlist picks its songs
            links.append(replace(_link(anchor, child, many=many), weak=True))
    return sorted(links, key=lambda link: link.end)[:_MAX_HUB_PARTS]


def _list_head(tokens: list[Token], token: Token) -> Token:
    """The first item of the list ``token`` is in (itself when it is in none)."""
    for _ in range(50):
        if token.dep != "conj" or token.head == token.index:
            break
        token = tokens[token.head]
    return token


def _peers(tokens: list[Token], one: Token, other: Token) -> bool:
    """Items of one list ("patterns, borders and frames"), or objects of the verbs of one
    list ("manage resources, build cities, form alliances"): named side by side, as peers."""
    first, second = _list_head(tokens, one), _list_head(tokens, other)
    if first.index == second.index:
        return True
    if first.dep != "dobj" or second.dep != "dobj":
        return False
    verbs = (_list_head(tokens, tokens[t.head]) for t in (first, second))
    return len({verb.index for verb in verbs}) == 1


def _first(tokens: list[Token], key: str) -> Token | None:
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


def _usually_linked(tokens: list[Token], keys: set[str], stated: list[Link]) -> list[Link]:
    """Pairs the request leaves unlinked that other requests link (``agents.analyzer.usual``)."""
    joined = {frozenset((link.parent, link.child)) for link in stated}
    links = []
    for one, other in combinations(sorted(keys), 2):
        usual = None if frozenset((one, other)) in joined else usual_link(one, other)
        if usual is None:
            continue
        parent, child = _first(tokens, usual.parent), _first(tokens, usual.child)
        if parent and child:
            many = 2 * usual.many > usual.requests
            said = f"{parent.text} ... {child.text} (linked so in {usual.requests} other requests)"
            links.append(replace(_link(parent, child, many=many), weak=True, said=said))
    return sorted(links, key=lambda link: link.start)


def find_links(tokens: list[Token], keys: set[str], hub: str | None = None) -> list[Link]:
    """Every link between two different entity keys, once per pair, in the request's order:
    those the words state first, then those other requests state, then those implied by
    containers and meetings, then the hub's parts."""
    stated = stated_links(tokens, keys)
    implied = [
        *_usually_linked(tokens, keys, stated),
        *_containers(tokens, keys),
        *_held_with(tokens, keys),
    ]
    found = stated + implied
    linked = {key for link in found for key in (link.parent, link.child)}
    found = [oriented(link) for link in found + _hub_parts(tokens, keys, hub, linked)]
    by_pair: dict[frozenset[str], Link] = {}
    for link in found:
        if link.parent == link.child:
            continue
        pair = frozenset((link.parent, link.child))
        known = by_pair.get(pair)
        if known is None:
            by_pair[pair] = link
        elif known.parent != link.parent and not (known.many or known.weak or link.weak):
            by_pair[pair] = Link(known.parent, known.child, True, False, known.start, known.end)
    return list(by_pair.values())[:MAX_RELATIONS]
