"""Links developers drew between two things in other requests: the training labels.

``tests/data/srdd_domain_training.json`` holds the entities and relations a developer would
draw for the SRDD requests outside both evaluation sets, labelled by the guideline of
``tests/data/README.md``. ``python -m agents.analyzer.mine_links`` counts from it, for each
pair of things labelled in one request (by the lemma of their names' last word), how many
requests link them each way, many-to-many with either as the owning side, or not at all:
``drawn_links.json``.

The same labels say how often a noun the analyzer would consider is one developers drew as a
thing of its own: ``drawn_entities.json`` holds, per lemma, in how many training requests it
is a candidate (``domain.candidates``) and in how many of those a labelled name ends with it.
``domain.select`` adds ``entity_prior`` to each candidate's evidence: a word developers
nearly always drew ("recipe", "customer") gains up to ``PRIOR_WEIGHT`` / 2, one they seldom
drew ("role", "duration") loses up to as much, and a word seen in fewer than ``MIN_SEEN``
requests neither. The gain goes only to words the request names in the plural (many of them)
and that are not attribute words: "our SFTP folder" is one folder, "a score" a field. Kinds
of people never lose: whether they are records is the request's to say.

The text-mined table (``agents.analyzer.usual``) knows what other requests *say*; this one
knows what developers *draw*, links a request leaves to its reader included ("a quiz app with
questions": every quiz has questions). ``relations.proposed`` uses it twice: a pair no words
link and the text-mined table says nothing of is linked as most of those requests drew it,
when at least ``MIN_REQUESTS`` did and more did than drew the two apart; and an implied link
(a container's, a meeting's, the hub's part) is dropped between things developers drew side
by side at least ``MIN_APART`` times and never linked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from agents.analyzer.usual import Usual

TABLE = Path(__file__).with_name("drawn_links.json")
ENTITIES = Path(__file__).with_name("drawn_entities.json")
# Measured on the development set with the held-out set beside it (``python -m bench.domain``,
# before the entity prior below): three requests gave relation F1 0.470 and 0.283, two 0.458
# and 0.287, four 0.477 and 0.283; a single drawing apart is enough to drop an implied link
# (two: 0.463 and 0.279).
MIN_REQUESTS = 3
MIN_APART = 1
# Chosen on the development set (entity F1 0.800 -> 0.807, relation F1 0.470 -> 0.473); on the
# held-out set entity F1 went 0.662 -> 0.710 and relation F1 0.283 -> 0.288.
PRIOR_WEIGHT = 5.0
MIN_SEEN = 5


@dataclass(frozen=True)
class Drawn:
    """How the training labels drew a pair (``first`` < ``second``), in requests."""

    first: str
    second: str
    first_has: int  # one-to-many, ``first`` the parent
    second_has: int
    first_picks: int  # many-to-many, ``first`` the owning side
    second_picks: int
    apart: int  # both labelled, no relation between them

    @property
    def many(self) -> int:
        return self.first_picks + self.second_picks

    @property
    def linked(self) -> int:
        return self.first_has + self.second_has + self.many


@cache
def _table() -> dict[tuple[str, str], Drawn]:
    rows = json.loads(TABLE.read_text(encoding="utf-8"))["pairs"]
    return {(row[0], row[1]): Drawn(*row) for row in rows}


def drawn_counts(one: str, other: str) -> Drawn | None:
    """How the training labels drew the pair, or None when never both labelled."""
    first, second = sorted((one, other))
    return _table().get((first, second))


def drawn_link(one: str, other: str) -> Usual | None:
    """The link developers usually drew between two lemmas, or None."""
    row = drawn_counts(one, other)
    if row is None or row.linked < MIN_REQUESTS or row.linked <= row.apart:
        return None
    many = row.many > max(row.first_has, row.second_has)
    forth, back = (row.first_picks, row.second_picks) if many else (row.first_has, row.second_has)
    if forth == back:
        return None  # no owning side has the majority
    parent, child = (row.first, row.second) if forth > back else (row.second, row.first)
    return Usual(parent, child, row.linked, row.many)


def drawn_apart(one: str, other: str) -> bool:
    """Whether developers drew the two side by side (``MIN_APART`` times) and never linked
    them."""
    row = drawn_counts(one, other)
    return row is not None and row.linked == 0 and row.apart >= MIN_APART


@cache
def _entities() -> dict[str, tuple[int, int]]:
    rows = json.loads(ENTITIES.read_text(encoding="utf-8"))["lemmas"]
    return {row[0]: (row[1], row[2]) for row in rows}


def entity_prior(lemma: str) -> float:
    """Evidence to add for a candidate noun: how often developers drew it as a thing, from
    -``PRIOR_WEIGHT`` / 2 (never) to +``PRIOR_WEIGHT`` / 2 (always), 0 when seldom seen."""
    seen, drawn = _entities().get(lemma, (0, 0))
    if seen < MIN_SEEN:
        return 0.0
    return PRIOR_WEIGHT * ((drawn + 1) / (seen + 2) - 0.5)
