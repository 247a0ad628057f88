"""Links other requests state, for two entities a request names without linking them.

A request often names two things and leaves their link to the reader: "browse restaurants,
rate dishes" never says whose dishes they are, but many other requests do ("dishes *from*
restaurants", "the *restaurant's* dishes"). Like the part-whole patterns of Berland and
Charniak (1999), what a corpus says again and again is what a reader assumes. The table
``usual_links.json`` holds, for each pair of entity lemmas, in how many SRDD requests the words
of ``agents.analyzer.stated`` link them, each way, and how many of those say many-to-many. It
is mined by ``python -m agents.analyzer.mine_links`` from the SRDD requests outside the
labelled evaluation set (texts only, never labels), and a test checks it is what the rules of
today mine.

A pair is linked when at least ``MIN_REQUESTS`` requests state it, and more of them one way
than the other; only pairs no words of the request link are asked (``relations.find_links``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TABLE = Path(__file__).with_name("usual_links.json")
MIN_REQUESTS = 2


@dataclass(frozen=True)
class Usual:
    """How other requests link a pair: ``requests`` say the parent has the child."""

    parent: str
    child: str
    requests: int
    many: int  # of those, the requests that say many-to-many


@cache
def _table() -> dict[tuple[str, str], Usual]:
    rows = json.loads(TABLE.read_text(encoding="utf-8"))["links"]
    return {(row[0], row[1]): Usual(*row) for row in rows}


def usual_counts(parent: str, child: str) -> int:
    """How many other requests say ``parent`` has ``child``."""
    said = _table().get((parent, child))
    return said.requests if said else 0


def usual_link(one: str, other: str) -> Usual | None:
    """The link other requests usually state between two lemmas, either way round, or None."""
    table = _table()
    forth, back = table.get((one, other)), table.get((other, one))
    said = {usual.parent: usual for usual in (forth, back) if usual is not None}
    best = max(said.values(), key=lambda usual: usual.requests, default=None)
    if best is None or best.requests < MIN_REQUESTS:
        return None
    against = said.get(best.child)
    if against is not None and against.requests >= best.requests:
        return None
    return best
