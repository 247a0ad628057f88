"""Which pairs of a request's things the words leave unlinked are linked, and which way round:
a small model fitted to how developers drew 1,030 other requests.

The rules of ``agents.analyzer.relations`` propose links a request does not state: other
requests link the pair, a container holds what its sentence names, a meeting belongs to its
people, a loose thing is a part of the hub. The weakest of those guesses (a hub's parts, a
container's contents) were right a third of the time or less, and the rules cannot weigh one
against another. So every pair of things the words do not link is described by a few facts
(``feature_names``): which rule linked it and which way, how developers drew the pair for the
training requests (each way, many-to-many, apart), how often other requests' words link it,
whether the two are named in one sentence and how far apart, whether either is the hub, a
person, a container or a meeting, and how many things the request names. A multinomial logistic
regression over those facts gives the chances of no link, of either one-to-many and of
many-to-many; the pair is linked as the likeliest link when the chance of any link is above the
stored threshold. A link the request's words state is never dropped (``relations.as_drawn``
may only turn it round).

Why a learned model here and rules elsewhere: the question is a weighing of weak evidence, the
kind of thing rules tuned on 110 requests got wrong on other requests (relation F1 0.47 on the
development set, 0.29 on the held-out one), and the training labels are enough to weigh thirty
facts, not enough to fit a parser. It is deterministic: the weights are stored in
``link_weights.json``, fitted by ``python -m bench.link_model`` (which says how), and the
request's own facts are a dot product away.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from agents.analyzer import lexicon
from agents.analyzer.drawn import Drawn, drawn_counts
from agents.analyzer.parsing import Token
from agents.analyzer.stated import Link, first_mention, link_between
from agents.analyzer.usual import usual_counts

WEIGHTS = Path(__file__).with_name("link_weights.json")
SOURCES = ("usual", "drawn", "container", "held", "hub")
# What is decided: no link, the first named has the second, the second has the first, many.
CLASSES = ("none", "first_has", "second_has", "many")
_CONTAINERS = lexicon.OWNING_CONTAINERS | lexicon.PICKING_CONTAINERS
DrawnCounts = Callable[[str, str], Drawn | None]


def feature_names() -> list[str]:
    """The facts a pair is described by, in the order of the stored weights."""
    kinds = ("hub", "person", "container", "meeting")
    ends = [f"{end}_{kind}" for end in ("first", "second") for kind in kinds]
    return [
        "bias",
        *(f"rule_{source}" for source in SOURCES),
        "rule_first_has",
        "rule_second_has",
        "rule_many",
        "drawn_first_has",
        "drawn_second_has",
        "drawn_many",
        "drawn_apart",
        "drawn_link_rate",
        "drawn_seen",
        "said_first_has",
        "said_second_has",
        "one_sentence",
        "distance",
        *ends,
        "things",
    ]


@dataclass(frozen=True)
class Pair:
    """Two things of a request, ``first`` named first, and what the rules made of them."""

    first: str
    second: str
    rule: Link | None  # the link a rule proposes, if any
    source: str  # which rule: one of ``SOURCES``, or "" for none
    features: dict[str, float]


def describe(
    tokens: list[Token],
    keys: set[str],
    hub: str | None,
    ruled: dict[frozenset[str], tuple[str, Link]],
    counts: DrawnCounts = drawn_counts,
) -> list[Pair]:
    """Every pair of ``keys`` with its facts; ``ruled`` holds the rules' links by pair."""

    def first_index(key: str) -> int:
        mention = first_mention(tokens, key)
        return mention.index if mention else len(tokens)

    ordered = sorted(keys, key=lambda key: (first_index(key), key))
    pairs = []
    for index, first in enumerate(ordered):
        for second in ordered[index + 1 :]:
            source, rule = ruled.get(frozenset((first, second)), ("", None))
            facts = _facts(tokens, first, second, hub, counts)
            facts["things"] = len(keys) / 8
            if rule is not None:
                facts[f"rule_{source}"] = 1.0
                way = "many" if rule.many else "first_has" if rule.parent == first else "second_has"
                facts[f"rule_{way}"] = 1.0
            pairs.append(Pair(first, second, rule, source, facts))
    return pairs


def _facts(
    tokens: list[Token], first: str, second: str, hub: str | None, counts: DrawnCounts
) -> dict[str, float]:
    facts = {"bias": 1.0}
    row = counts(first, second)
    if row is not None:
        forth = row.first == first
        has = (row.first_has, row.second_has) if forth else (row.second_has, row.first_has)
        drawn = (*has, row.many, row.apart)
        for name, count in zip(("first_has", "second_has", "many", "apart"), drawn, strict=True):
            facts[f"drawn_{name}"] = math.log1p(count)
        if sum(drawn):
            facts["drawn_link_rate"] = (row.linked + 0.5) / (sum(drawn) + 1)
            facts["drawn_seen"] = 1.0
    facts["said_first_has"] = math.log1p(usual_counts(first, second))
    facts["said_second_has"] = math.log1p(usual_counts(second, first))
    one = [t for t in tokens if t.lemma == first]
    other = [t for t in tokens if t.lemma == second]
    if {t.sentence for t in one} & {t.sentence for t in other}:
        facts["one_sentence"] = 1.0
    if one and other:
        facts["distance"] = math.log1p(min(abs(a.index - b.index) for a in one for b in other)) / 4
    for end, key in (("first", first), ("second", second)):
        facts[f"{end}_hub"] = float(key == hub)
        facts[f"{end}_person"] = float(key in lexicon.PERSON_ROLES)
        facts[f"{end}_container"] = float(key in _CONTAINERS)
        facts[f"{end}_meeting"] = float(key in lexicon.SCHEDULED)
    return facts


@cache
def _stored() -> tuple[list[list[float]], float]:
    document = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    if document["features"] != feature_names() or document["classes"] != list(CLASSES):
        raise ValueError(f"{WEIGHTS.name} was fitted to other features: run bench.link_model")
    return document["weights"], document["threshold"]


def chances(pair: Pair) -> list[float]:
    """The model's chance of each of ``CLASSES`` for the pair."""
    weights, _ = _stored()
    names = feature_names()
    scores = [
        sum(pair.features.get(name, 0.0) * weights[row][column] for row, name in enumerate(names))
        for column in range(len(CLASSES))
    ]
    top = max(scores)
    exps = [math.exp(score - top) for score in scores]
    return [value / sum(exps) for value in exps]


def decide(tokens: list[Token], pair: Pair, counts: DrawnCounts = drawn_counts) -> Link | None:
    """The link the model draws between the pair, with the rule's words when it agrees."""
    none, first_has, second_has, many = chances(pair)
    _, threshold = _stored()
    if 1 - none <= threshold:
        return None
    rule, is_many = pair.rule, many >= max(first_has, second_has)
    if is_many:
        parent, child = _owner(pair, counts)
    elif first_has >= second_has:
        parent, child = pair.first, pair.second
    else:
        parent, child = pair.second, pair.first
    if rule is not None and (rule.parent, rule.many) == (parent, is_many):
        return rule
    if rule is not None:
        return replace(rule, parent=parent, child=child, many=is_many, cascade=False)
    one, other = first_mention(tokens, parent), first_mention(tokens, child)
    if one is None or other is None:
        return None  # no words to show for it
    said = f"{one.text} ... {other.text} ({1 - none:.0%} likely, as developers drew such pairs)"
    return replace(link_between(one, other, many=is_many), weak=True, said=said)


def _owner(pair: Pair, counts: DrawnCounts) -> tuple[str, str]:
    """The owning side of a many-to-many: the rule's, else the one developers drew owning it
    more often, else the one named first."""
    if pair.rule is not None and pair.rule.many:
        return pair.rule.parent, pair.rule.child
    row = counts(pair.first, pair.second)
    if row is not None and row.first_picks != row.second_picks:
        owner = row.first if row.first_picks > row.second_picks else row.second
        return (owner, pair.second if owner == pair.first else pair.first)
    return pair.first, pair.second
