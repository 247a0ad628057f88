"""How developers drew a request's nouns, read from the training requests most like it.

``tests/data/srdd_domain_training.json`` holds the entities a developer would draw for 1,030
SRDD requests. ``python -m agents.analyzer.mine_links`` stores, for each of them, the words of
its text and which of its candidate nouns (``domain.candidates``) the labels drew as a thing
of their own (a labelled name ends with the noun): ``neighbours.json``.

Summed over all of them, that is how often a noun was drawn when a request named it:
``entity_prior`` turns it into evidence from -``PRIOR_WEIGHT`` / 2 (never drawn) to
+``PRIOR_WEIGHT`` / 2 (always), none for a noun seen in fewer than ``MIN_SEEN`` requests.
``domain.select`` adds it to a candidate's evidence, gains only to a noun the request names
in the plural that is no attribute word ("our SFTP folder" is one folder, "a score" a field)
and no losses to kinds of people (whether they are records is the request's to say).

The same word is drawn differently in different requests: "levels" are a game's records and a
tracker's field, "sessions" a tutoring app's thing and a meditation timer's word. So the rate
``prior_near`` gives is read from the ``COUNT`` training requests whose words are most like the
request's (TF-IDF cosine: a word that few requests use counts more), each weighted by its
likeness, with the rate over all requests counted as ``GLOBAL_WEIGHT`` of one more neighbour.
A noun no neighbour names keeps the overall rate.

Measured against the overall rate alone (``python -m bench.domain``, the link model refitted
for each): entity F1 0.710 -> 0.740 on the held-out set and 0.807 -> 0.806 on the development
set, relation F1 0.359 -> 0.361 and 0.491 -> 0.487; on the training requests, each left out of
its own neighbours and counts, entity F1 0.705 -> 0.727. The settings were not tuned: on the
training requests 10 or 50 neighbours gave 0.728 and 0.727, an overall-rate weight of 0.2 or 1
0.727 and 0.725, and ``PRIOR_WEIGHT`` from 2 to 7 (tried with both gates lifted) rose and fell
between 0.714 and 0.741 with no trend, so it stays 5. Words are compared as they are written;
the parser's lemmas of content words did no better (0.727). Lifting the attribute gate gained
0.004 on the training requests and lifting the plural gate 0.007 more, but made "our SFTP
folder" a table and "a score" a thing: both gates stay.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

NEIGHBOURS = Path(__file__).with_name("neighbours.json")
PRIOR_WEIGHT = 5.0
MIN_SEEN = 5
COUNT = 25
GLOBAL_WEIGHT = 0.5
Prior = Callable[[str], float]


def words(text: str) -> Counter[str]:
    """The words a request's likeness is measured by: lower case, three letters or more."""
    return Counter(word for word in re.findall(r"[a-z]+", text.lower()) if len(word) > 2)


@dataclass(frozen=True)
class Request:
    """A training request as stored: its SRDD row, words, and its candidate nouns, each with
    whether the labels drew it."""

    row: int
    words: dict[str, int]
    nouns: dict[str, int]


@dataclass(frozen=True)
class Index:
    """The stored requests, ready to be searched and counted."""

    requests: list[Request]
    weights: dict[str, float]  # a word's inverse document frequency
    postings: dict[str, list[tuple[int, float]]]  # word -> (request, its normalised weight)
    counts: dict[str, tuple[int, int]]  # noun -> (requests naming it, of them drawing it)


def build_index(requests: list[Request]) -> Index:
    """Word weights, each word's requests and each noun's counts over ``requests``."""
    frequency = Counter(word for request in requests for word in request.words)
    weights = {w: math.log((len(requests) + 1) / (n + 1)) for w, n in frequency.items()}
    postings: dict[str, list[tuple[int, float]]] = {}
    seen: Counter[str] = Counter()
    drawn: Counter[str] = Counter()
    for index, request in enumerate(requests):
        for word, weight in _vector(request.words, weights).items():
            postings.setdefault(word, []).append((index, weight))
        seen.update(list(request.nouns))
        drawn.update(noun for noun, labelled in request.nouns.items() if labelled)
    counts = {noun: (seen[noun], drawn[noun]) for noun in seen}
    return Index(requests, weights, postings, counts)


@cache
def _index() -> Index:
    rows = json.loads(NEIGHBOURS.read_text(encoding="utf-8"))["rows"]
    return build_index(
        [
            Request(row, Counter(text.split()), _drawn(nouns.split(), drawn.split()))
            for row, text, nouns, drawn in rows
        ]
    )


def _drawn(nouns: list[str], drawn: list[str]) -> dict[str, int]:
    return {noun: int(noun in drawn) for noun in nouns}


def _vector(counts: dict[str, int], weights: dict[str, float]) -> dict[str, float]:
    vector = {w: (1 + math.log(n)) * weights.get(w, 0.0) for w, n in counts.items()}
    norm = math.sqrt(sum(value * value for value in vector.values())) or 1.0
    return {word: value / norm for word, value in vector.items() if value}


def similar(text: str, leave_out: int | None = None) -> list[tuple[Request, float]]:
    """The ``COUNT`` training requests most like ``text`` with their likeness (0-1), best
    first; ``leave_out`` is an SRDD row that is not its own neighbour."""
    index = _index()
    likeness: dict[int, float] = {}
    for word, weight in _vector(words(text), index.weights).items():
        for request, other in index.postings.get(word, []):
            likeness[request] = likeness.get(request, 0.0) + weight * other
    ranked = sorted(likeness.items(), key=lambda item: (-item[1], item[0]))
    found = [(index.requests[i], score) for i, score in ranked]
    return [(request, score) for request, score in found if request.row != leave_out][:COUNT]


def _overall(noun: str, own: Request | None) -> float | None:
    seen, drawn = _index().counts.get(noun, (0, 0))
    if own is not None and noun in own.nouns:
        seen, drawn = seen - 1, drawn - own.nouns[noun]
    return (drawn + 1) / (seen + 2) if seen >= MIN_SEEN else None


def entity_prior(noun: str) -> float:
    """The evidence the rate over all training requests gives ``noun`` (0 when seldom seen)."""
    rate = _overall(noun, None)
    return 0.0 if rate is None else PRIOR_WEIGHT * (rate - 0.5)


def prior_near(text: str, leave_out: int | None = None) -> Prior:
    """The evidence for each noun of ``text``, read from its neighbours; ``leave_out`` (an
    SRDD row of the training set) is counted neither as a neighbour nor in the overall rate."""
    near = similar(text, leave_out)
    own = next((r for r in _index().requests if r.row == leave_out), None)

    def prior(noun: str) -> float:
        overall = _overall(noun, own)
        named = [(request.nouns[noun], score) for request, score in near if noun in request.nouns]
        if overall is None and not named:
            return 0.0
        start = 0.5 if overall is None else overall
        drawn = sum(labelled * score for labelled, score in named) + GLOBAL_WEIGHT * start
        rate = drawn / (sum(score for _, score in named) + GLOBAL_WEIGHT)
        return PRIOR_WEIGHT * (rate - 0.5)

    return prior
