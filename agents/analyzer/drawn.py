"""Links developers drew between two things in other requests: the training labels.

``tests/data/srdd_domain_training.json`` holds the entities and relations a developer would
draw for the SRDD requests outside both evaluation sets, labelled by the guideline of
``tests/data/README.md``. ``python -m agents.analyzer.mine_links`` counts from it, for each
pair of things labelled in one request (by the lemma of their names' last word), how many
requests link them each way, many-to-many with either as the owning side, or not at all:
``drawn_links.json``.

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
# Measured on the development set with the held-out set beside it (``python -m bench.domain``,
# before the entity prior of ``agents.analyzer.neighbours``): three requests gave relation F1
# 0.470 and 0.283, two 0.458 and 0.287, four 0.477 and 0.283; a single drawing apart is enough
# to drop an implied link (two: 0.463 and 0.279).
MIN_REQUESTS = 3
MIN_APART = 1


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
