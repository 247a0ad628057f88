"""The links a request spells out in so many words, beside those its parse's rules read.

- "sessions have a tutor id": the field refers to a Tutor, which owns its sessions;
- "owners have pets": a plural in a list of what a thing has is a thing it has many of
  (``agents.analyzer.text``), and "posts have comments and tags" links each to the post, not
  the comments to the tags; "owners have pets, pets have visits" says how an owner reaches a
  visit, so no implied link joins them directly;
- "customers rent cars; each rental has a pickup date": the rental is the record of the act its
  verb names, so the customer and the car each have rentals, and the verb's own link between
  them (the customer has the cars) goes.

They come before the links ``agents.analyzer.relations`` finds for the same pairs.
"""

from __future__ import annotations

from agents.analyzer import lexicon
from agents.analyzer.parsing import Token, children
from agents.analyzer.stated import Link
from agents.analyzer.text import Draft
from core.naming import singular

# Acts a request keeps a record of, by verb: "customers rent cars ... each rental".
_RECORDS_OF_ACTS = {
    "rent": ("rental",),
    "enroll": ("enrollment", "enrolment"),
    "enrol": ("enrolment", "enrollment"),
    "borrow": ("loan",),
    "lend": ("loan",),
    "book": ("booking", "reservation"),
    "reserve": ("reservation", "booking"),
    "subscribe": ("subscription",),
    "register": ("registration",),
    "apply": ("application",),
    "buy": ("purchase",),
    "purchase": ("purchase",),
    "attend": ("attendance",),
    "lease": ("lease",),
}


def _id_fields(drafts: dict[str, Draft], names: dict[str, str]) -> list[Link]:
    """ "sessions have a tutor id": the field refers to a Tutor, which owns its sessions."""
    links = []
    for draft in drafts.values():
        own = next((singular(noun) for noun in sorted(draft.nouns)), None)
        for raw in draft.fields:
            *words, last = raw.lower().split() or [""]
            parent = singular(words[-1]) if words and last == "id" else None
            if own and parent in names and names[parent] != names.get(own):
                said = f"{sorted(draft.nouns)[0]} have a {raw}"
                links.append(Link(parent, own, False, False, 0, 0, said=said))
    return links


def _held(drafts: dict[str, Draft], names: dict[str, str]) -> list[Link]:
    """ "owners have pets": each owner has many pets of its own ("posts have tags": a tag
    marks many posts, many to many)."""
    keys = {name: key for key, name in names.items()}
    return [
        Link(keys[name], keys[held], keys[held] in lexicon.TAGS, False, 0, 0, said=words)
        for name, draft in drafts.items()
        for held, words in draft.holds.items()
        if name in keys and held in keys
    ]


def _siblings(drafts: dict[str, Draft], names: dict[str, str]) -> set[frozenset[str]]:
    """Pairs of things one list gives to one owner ("posts have comments and tags"): the list
    links each to the owner, not to each other."""
    keys = {name: key for key, name in names.items()}
    pairs: set[frozenset[str]] = set()
    for draft in drafts.values():
        held = [keys[name] for name in draft.holds if name in keys]
        pairs |= {frozenset((a, b)) for a in held for b in held if a != b}
    return pairs


def _keyed_heads(tokens: list[Token], heads: list[Token], keys: set[str]) -> list[Token]:
    """``heads`` and the words listed with them that are entity keys."""
    return [t for h in heads for t in [h, *children(tokens, h, "conj")] if t.lemma in keys]


def _recorded_acts(tokens: list[Token], names: dict[str, str], links: list[Link]) -> list[Link]:
    """ "Customers rent cars; each rental has a pickup date": the rental is the record of the
    act, so the customer and the car each have rentals, and the customer does not have the
    cars."""
    keys = set(names)
    for verb in (t for t in tokens if t.pos == "VERB" and t.lemma in _RECORDS_OF_ACTS):
        record = next((key for key in _RECORDS_OF_ACTS[verb.lemma] if key in names), None)
        doers = _keyed_heads(tokens, children(tokens, verb, "nsubj"), keys)
        objects = children(tokens, verb, "dobj")
        objects += [o for p in children(tokens, verb, "prep") for o in children(tokens, p, "pobj")]
        done = _keyed_heads(tokens, objects, keys)
        joined = {t.lemma: t for t in [*doers, *done] if t.lemma != record}
        if record is None or not doers or not done or len(joined) < 2:
            continue
        shortcut = {frozenset((a.lemma, b.lemma)) for a in doers for b in done}
        replaced = {frozenset((record, end)) for end in joined}
        links = [
            link
            for link in links
            if frozenset((link.parent, link.child)) not in shortcut | replaced
        ]
        links += [
            Link(t.lemma, record, False, False, min(t.index, verb.index), max(t.index, verb.index))
            for t in joined.values()
        ]
    return links


def _merged(first: list[Link], then: list[Link]) -> list[Link]:
    """Links of ``first``, then those of ``then`` joining a pair not joined yet."""
    pairs = {frozenset((link.parent, link.child)) for link in first}
    return first + [link for link in then if frozenset((link.parent, link.child)) not in pairs]


def spelled_links(
    tokens: list[Token], drafts: dict[str, Draft], names: dict[str, str], found: list[Link]
) -> list[Link]:
    """The links the words spell out, then those of ``found`` (the parse's, for the entity
    keys of ``names``) between other pairs, with the records of acts joining their sides."""
    stated = _merged(_id_fields(drafts, names), _held(drafts, names))
    siblings = _siblings(drafts, names)
    chained = _chained(stated)
    read = [
        link
        for link in found
        if frozenset((link.parent, link.child)) not in siblings
        and not (link.weak and (link.parent, link.child) in chained)
    ]
    return _recorded_acts(tokens, names, _merged(stated, read))


def _chained(links: list[Link]) -> set[tuple[str, str]]:
    """(a, c) for each a that has a b that has a c ("owners have pets, pets have visits"): the
    words say how an owner reaches a visit, so an implied owner-visit link is a shortcut."""
    has = {(link.parent, link.child) for link in links if not link.many}
    return {(a, c) for a, b in has for b2, c in has if b == b2 and a != c}
