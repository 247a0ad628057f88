"""Which of a request's candidate nouns become its entities: the rules' evidence weighed by a
small model fitted to how developers drew 1,030 other requests.

``agents.analyzer.domain`` reads each noun's evidence from the request (how the request uses
it, how often it names it) and the training labels' prior for it (how often developers drew
the word as a thing of its own, mostly for the requests most like this one). Its own choice
(``domain.select``) adds the two and keeps what reaches one threshold. That sum was tuned on
the 110 development requests, and it shows: entity F1 0.806 there, 0.740 on the 60 held-out
requests, 0.709 over the training requests. A fitted weighing of the same facts does as well
where the rules were tuned and better where they were not. Each candidate is described by a
few facts (``FEATURES``): its evidence from the words alone, the prior as the rules count it
(only for a noun named in the plural), the prior itself, how often the request names it,
whether in the plural, where the request first names it among its candidates, and whether it
is an attribute word. A logistic regression over them gives the chance that developers would
draw it; the candidates above the stored threshold become entities, the likeliest first when
there are more than ``domain.MAX_ENTITIES``.

Two readings of the words stay the request's to make, as in the rules, though the labels pull
the other way: a prior never takes from a kind of person ("tutors teach learners": most
requests' learners are only its users, this one's are not) nor adds to an attribute word; and
``model.extract_domain`` keeps one of a field another thing has ("players have a score") a
field. Without them the model scores a little higher on the labels (relation F1 0.524 and
0.437 on the development and held-out sets) and draws learners out and scores in.

Measured by ``python -m bench.domain``, the rules' choice against this one (the link model
refitted to the entities each keeps): entity F1 0.806 -> 0.802 (development), 0.740 -> 0.765
(held-out); relation F1 0.496 -> 0.508 and 0.361 -> 0.432; generic fallback 2.8% -> 1.9% and
3.4% -> 1.7%. Over the training requests, each left out of its own prior: entity F1 0.709 ->
0.736, relation F1 0.390 -> 0.392. Requests that give their records fields ("books have a title
and an ISBN") are read by the rules: none of the labelled requests is written that way, so the
model never learnt from one (it adds "films" to a request about movies).

The weights are stored in ``entity_weights.json``, fitted by ``python -m bench.entity_model``
(which says how); a request's own facts are a dot product away, so it stays deterministic.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

from agents.analyzer import lexicon
from agents.analyzer.domain import (
    MAX_ENTITIES,
    STAND_IN_THRESHOLD,
    Candidate,
    prior_for,
    settle,
)
from agents.analyzer.neighbours import Prior, entity_prior

WEIGHTS = Path(__file__).with_name("entity_weights.json")
FEATURES = (
    "bias",
    "evidence",
    "counted_prior",
    "prior",
    "mentions",
    "plural",
    "position",
    "attribute",
)
# Past these, a candidate's mentions and position say nothing more.
_MENTIONS, _POSITIONS = 4, 8


def described(found: dict[str, Candidate], prior_of: Prior) -> list[tuple[Candidate, list[float]]]:
    """Each settled candidate (``domain.settle``) with its facts in the order of ``FEATURES``,
    in the order the request names them."""
    prior_of = cache(prior_of)  # each noun's prior is read three times
    evidence = {key: candidate.best for key, candidate in found.items()}
    counted = {key: prior_for(candidate, prior_of) for key, candidate in found.items()}
    described = []
    for position, candidate in enumerate(settle(found, prior_of)):
        facts = [
            1.0,
            evidence[candidate.key],
            counted[candidate.key],
            _unless_said(candidate, prior_of(candidate.key)),
            float(min(len(candidate.mentions), _MENTIONS)),
            float(candidate.plural),
            min(position, _POSITIONS) / _POSITIONS,
            float(candidate.key in lexicon.ATTRIBUTES),
        ]
        described.append((candidate, facts))
    return described


def _unless_said(candidate: Candidate, prior: float) -> float:
    """The prior, except where the request's words settle it: whether people are records is
    the request's to say, and an attribute word is a field unless the request says more."""
    if prior < 0 and candidate.key in lexicon.PERSON_ROLES:
        return 0.0
    if prior > 0 and candidate.key in lexicon.ATTRIBUTES:
        return 0.0
    return prior


@cache
def _stored() -> tuple[list[float], float]:
    document = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    if document["features"] != list(FEATURES):
        raise ValueError(f"{WEIGHTS.name} was fitted to other features: run bench.entity_model")
    return document["weights"], document["threshold"]


def chance(facts: list[float]) -> float:
    """The model's chance that developers would draw a candidate with these facts."""
    weights, _ = _stored()
    score = sum(fact * weight for fact, weight in zip(facts, weights, strict=True))
    return 1 / (1 + math.exp(-score))


def choose(found: dict[str, Candidate], prior_of: Prior = entity_prior) -> list[Candidate]:
    """The candidates that become entities, in the order the request names them. When none is
    likely enough, the best-evidenced one stands in, as in ``domain.select``."""
    _, threshold = _stored()
    weighed = [(chance(facts), candidate) for candidate, facts in described(found, prior_of)]
    likely = sorted((pair for pair in weighed if pair[0] > threshold), key=lambda p: -p[0])
    chosen = [candidate for _, candidate in likely[:MAX_ENTITIES]]
    if not chosen and weighed:
        best = min((candidate for _, candidate in weighed), key=lambda c: (-c.score, c.first))
        chosen = [best] if best.score >= STAND_IN_THRESHOLD else []
    return sorted(chosen, key=lambda c: c.first)
