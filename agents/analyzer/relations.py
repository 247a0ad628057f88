"""Links between the entities of a request: stated, then proposed and weighed.

First the links the request's words state (``agents.analyzer.stated``). Two things no words
link are then linked as other requests link them, when enough of them do
(``agents.analyzer.usual``): "browse restaurants, rate dishes" says nothing of whose dishes
they are, and six other requests say restaurants have them; failing those words, as
developers drew them for other requests (``agents.analyzer.drawn``: "take quizzes, answer
questions" is drawn as quizzes with questions). What is still unlinked is implied: a
container holds what its sentence names, a meeting belongs to each kind of person the
request names, and the things still loose are parts of the request's hub (the first thing it
names), except the hub's peers (items of one list with it, "manage resources, build cities":
objects of one list of verbs), and only the first two it names: the further a loose thing,
the less it is likely a part. No implied link joins two things developers drew apart for
another request and never linked. A hub that picks its members (a soundtrack, a recipe) is
many-to-many with them. The same pair linked both ways by the words is many-to-many.

The words' links are kept, but not always their way round (``as_drawn``): words run both
ways ("race tracks", "the tracks of each race"), and when developers drew a pair for other
requests another way more often than the words' way, it is drawn their way. On the training
requests (each left out of the counts) that took relation F1 from 0.371 to 0.390, on the
development set from 0.487 to 0.496; no held-out request has such a pair. Dropping a stated
link between things developers drew apart more often than linked did no better (0.388).
Everything after the words' links is a proposal (``proposed``): ``agents.analyzer.attach``
weighs each pair the words leave unlinked, the rules' proposal for it among its facts, and
links it (or not, or the other way round) as its model says. Measured by
``python -m bench.domain``: with the rules' proposals taken as they are, relation F1 was 0.473
on the development set and 0.288 on the held-out one; weighed, 0.491 and 0.359.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations

from agents.analyzer import lexicon
from agents.analyzer.attach import DrawnCounts, Pair, decide, describe
from agents.analyzer.drawn import drawn_apart, drawn_counts, drawn_link
from agents.analyzer.parsing import Token
from agents.analyzer.stated import Link, first_mention, link_between, oriented, stated_links
from agents.analyzer.usual import usual_link

MAX_RELATIONS = 20
# The hub's implied parts: the first loose things the request names after it, no more.
_MAX_HUB_PARTS = 2


def _containers(tokens: list[Token], keys: set[str]) -> list[Link]:
    """A container and another entity named in one sentence: the container holds it."""
    links = []
    containers = lexicon.OWNING_CONTAINERS | lexicon.PICKING_CONTAINERS
    for holder in (t for t in tokens if t.lemma in keys & containers and t.dep != "compound"):
        for other in tokens:
            if other.sentence != holder.sentence or other.lemma not in keys - containers:
                continue
            many = holder.lemma in lexicon.PICKING_CONTAINERS
            links.append(replace(link_between(holder, other, many=many), weak=True))
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
            links.append(replace(link_between(person, event, many=many), weak=True))
    return links


def _hub_parts(
    tokens: list[Token], keys: set[str], hub: str | None, linked: set[str]
) -> list[Link]:
    """Things nothing else links are parts of what the request is built around (its hub)."""
    if hub is None:
        return []
    anchor = first_mention(tokens, hub)
    links = []
    for key in sorted(keys - linked - lexicon.PERSON_ROLES - {hub}):
        child = first_mention(tokens, key)
        if anchor and child and not _peers(tokens, anchor, child):
            many = hub in lexicon.PICKING_CONTAINERS  # a playlist picks its songs
            links.append(replace(link_between(anchor, child, many=many), weak=True))
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


def _usually_linked(tokens: list[Token], keys: set[str], stated: list[Link]) -> list[Link]:
    """Pairs the request leaves unlinked that other requests link (``agents.analyzer.usual``)
    or developers drew linked for other requests (``agents.analyzer.drawn``)."""
    joined = {frozenset((link.parent, link.child)) for link in stated}
    links = []
    for one, other in combinations(sorted(keys), 2):
        if frozenset((one, other)) in joined:
            continue
        usual, how = usual_link(one, other), "linked so in"
        if usual is None:
            usual, how = drawn_link(one, other), "drawn so for"
        if usual is None:
            continue
        parent, child = first_mention(tokens, usual.parent), first_mention(tokens, usual.child)
        if parent and child:
            many = 2 * usual.many > usual.requests
            said = f"{parent.text} ... {child.text} ({how} {usual.requests} other requests)"
            links.append(replace(link_between(parent, child, many=many), weak=True, said=said))
    return sorted(links, key=lambda link: link.start)


def proposed(tokens: list[Token], keys: set[str], hub: str | None) -> list[tuple[str, Link]]:
    """The rules' links, each with the rule that proposes it ("stated" for the words'), in the
    request's order: those the words state, those other requests state or developers drew,
    those implied by containers and meetings, then the hub's parts."""
    stated = stated_links(tokens, keys)
    usual = _usually_linked(tokens, keys, stated)
    implied = [
        *(("container", link) for link in _containers(tokens, keys)),
        *(("held", link) for link in _held_with(tokens, keys)),
    ]
    found = [
        *(("stated", link) for link in stated),
        *(("drawn" if "drawn so" in link.said else "usual", link) for link in usual),
        *((source, link) for source, link in implied if not drawn_apart(link.parent, link.child)),
    ]
    linked = {key for _, link in found for key in (link.parent, link.child)}
    parts = [
        ("hub", link)
        for link in _hub_parts(tokens, keys, hub, linked)
        if not drawn_apart(link.parent, link.child)
    ]
    return [(source, oriented(link)) for source, link in found + parts]


def one_per_pair(found: list[tuple[str, Link]]) -> dict[frozenset[str], tuple[str, Link]]:
    """One link per pair, the first proposed; a pair the words link both ways is many-to-many."""
    by_pair: dict[frozenset[str], tuple[str, Link]] = {}
    for source, link in found:
        if link.parent == link.child:
            continue
        pair = frozenset((link.parent, link.child))
        known = by_pair.get(pair)
        if known is None:
            by_pair[pair] = (source, link)
        elif known[1].parent != link.parent and not (known[1].many or known[1].weak or link.weak):
            was = known[1]
            by_pair[pair] = (known[0], Link(was.parent, was.child, True, False, was.start, was.end))
    return by_pair


def as_drawn(link: Link, counts: DrawnCounts = drawn_counts) -> Link:
    """A stated link drawn the way developers drew the pair for other requests, when they drew
    it another way more often than the words' way: "race tracks" reads as races having tracks,
    and the track has the races; "chord progressions" as chords having progressions, and a
    progression picks its chords. A many-to-many is owned by the side that picked more often."""
    row = counts(link.parent, link.child)
    if row is None:
        return link
    mine = link.parent == row.first
    has, had = (row.first_has, row.second_has) if mine else (row.second_has, row.first_has)
    picks, picked = (
        (row.first_picks, row.second_picks) if mine else (row.second_picks, row.first_picks)
    )
    ways = {"many": row.many, "has": has, "had": had}
    said = "many" if link.many else "has"
    best = max(ways, key=lambda way: (ways[way], way == said))
    if best == said and (not link.many or picked <= picks):
        return link
    turned = best == "had" or (best == "many" and picked > picks)
    parent, child = (link.child, link.parent) if turned else (link.parent, link.child)
    many = best == "many"
    requests = (picked if turned else picks) if many else ways[best]
    return replace(link, parent=parent, child=child, many=many, cascade=False, drawn_as=requests)


def find_links(
    tokens: list[Token], keys: set[str], hub: str | None = None, counts: DrawnCounts = drawn_counts
) -> list[Link]:
    """Every link between two different entity keys, once per pair, in the request's order:
    those the words state (the way developers drew the pair, ``as_drawn``), then those
    ``agents.analyzer.attach`` draws between the pairs the words leave unlinked, weighing the
    rules' other proposals."""
    by_pair = one_per_pair(proposed(tokens, keys, hub))
    stated = [as_drawn(link, counts) for source, link in by_pair.values() if source == "stated"]
    drawn = [
        link
        for pair in unstated_pairs(tokens, keys, hub, by_pair, counts)
        if (link := decide(tokens, pair, counts)) is not None
    ]
    return [*stated, *sorted(drawn, key=lambda link: (link.start, link.end))][:MAX_RELATIONS]


def unstated_pairs(
    tokens: list[Token],
    keys: set[str],
    hub: str | None,
    by_pair: dict[frozenset[str], tuple[str, Link]],
    counts: DrawnCounts = drawn_counts,
) -> list[Pair]:
    """The pairs the words do not link, described for ``agents.analyzer.attach``."""
    ruled = {pair: found for pair, found in by_pair.items() if found[0] != "stated"}
    stated = set(by_pair) - set(ruled)
    pairs = describe(tokens, keys, hub, ruled, counts)
    return [pair for pair in pairs if frozenset((pair.first, pair.second)) not in stated]
