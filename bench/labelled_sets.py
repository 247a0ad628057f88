"""The labelled SRDD sets the domain model is scored against (``tests/data/README.md``).

Two sets, each a seeded draw of SRDD rows with the entities and relations a developer drew:
the development set (110 requests, seed 14) the analyzer's rules were judged on, and the
held-out set (60 requests drawn among the other rows, seed 1414) no rule was developed on.
The texts stay in ``../shared/data/srdd.csv``; ``load_set`` joins them to the labels and
checks the file holds exactly its draw. A second labeller labelled 30 requests of the
development set again, without seeing the first labels (``second_labeller``): how far two
careful people agree. The training labels (all other rows, ``load_training``) are what
``agents.analyzer.mine_links`` and ``bench.link_model`` learn from; 30 of them were labelled
again the same way (``TRAINING_SECOND``): how noisy what they learn from is.
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SRDD = ROOT.parent / "shared" / "data" / "srdd.csv"
LABELS = ROOT / "tests" / "data" / "srdd_domain_labels.json"
HELD_OUT_LABELS = ROOT / "tests" / "data" / "srdd_domain_heldout.json"
TRAINING = ROOT / "tests" / "data" / "srdd_domain_training.json"
SECOND_LABELS = ROOT / "tests" / "data" / "srdd_domain_second_labeller.json"
TRAINING_SECOND_LABELS = ROOT / "tests" / "data" / "srdd_domain_training_second_labeller.json"


@dataclass(frozen=True)
class Draw:
    """A labelled set: its file and the seeded draw of SRDD rows it holds, in draw order."""

    labels: Path
    seed: int
    size: int
    outside: Draw | None = None  # drawn among the rows outside that set

    def rows(self, total: int) -> list[int]:
        """The drawn row numbers (0-based, header excluded) of an SRDD file of ``total`` rows."""
        pool: range | list[int] = range(total)
        if self.outside is not None:
            taken = set(self.outside.rows(total))
            pool = [index for index in range(total) if index not in taken]
        return random.Random(self.seed).sample(pool, self.size)  # noqa: S311 - a sample

    def describe(self) -> str:
        where = "rows" if self.outside is None else f"rows outside {self.outside.labels.name}"
        return f"random.Random({self.seed}).sample({where}, {self.size})"


# The development set (seed 14, the number) and the held-out set drawn beside it.
DEVELOPMENT = Draw(LABELS, 14, 110)
HELD_OUT = Draw(HELD_OUT_LABELS, 1414, 60, outside=DEVELOPMENT)


@dataclass(frozen=True)
class Labelled:
    """One request of the set: its text and the entities and relations a developer drew."""

    row: int
    name: str
    text: str
    entities: list[list[str]]  # each: the name, then its alternatives
    relations: list[tuple[str, str, str]]  # (parent or owning side, "1-n" | "n-n", child)


def load_set(draw: Draw = DEVELOPMENT, srdd: Path = SRDD) -> list[Labelled]:
    """The labelled requests with their texts; checks the rows are the written draw."""
    with srdd.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    document = json.loads(draw.labels.read_text(encoding="utf-8"))
    stored = [(item["row"], item["name"]) for item in document["requests"]]
    if stored != [(index, rows[index]["Name"]) for index in draw.rows(len(rows))]:
        raise ValueError(f"the rows of {draw.labels.name} are not {draw.describe()}")
    return [_labelled(item, rows[item["row"]]["Description"]) for item in document["requests"]]


def _labelled(item: dict[str, Any], text: str) -> Labelled:
    """A stored item of a labels file, with its request's text."""
    return Labelled(
        row=item["row"],
        name=item["name"],
        text=text,
        entities=[entity.split("|") for entity in item["entities"]],
        relations=[(a, kind, b) for a, kind, b in item["relations"]],
    )


def load_training(srdd: Path = SRDD) -> list[tuple[Labelled, dict[str, Any]]]:
    """The training labels (``tests/data/srdd_domain_training.json``) with their texts, each
    with its stored item (``agents.analyzer.mine_links`` counts the items)."""
    with srdd.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    items = json.loads(TRAINING.read_text(encoding="utf-8"))["requests"]
    return [(_labelled(item, rows[item["row"]]["Description"]), item) for item in items]


@dataclass(frozen=True)
class Relabelling:
    """30 requests of a labelled set labelled again, blind to its labels: which (a seeded
    draw of indices into the set, kept in the set's order) and where."""

    labels: Path
    seed: int
    size: int = 30

    def indices(self, total: int) -> list[int]:
        return sorted(random.Random(self.seed).sample(range(total), self.size))  # noqa: S311

    def load(self, first: list[Labelled]) -> list[Labelled]:
        """The second labels of the drawn requests of ``first``; checks the draw."""
        items = json.loads(self.labels.read_text(encoding="utf-8"))["requests"]
        drawn = [first[index].row for index in self.indices(len(first))]
        if [item["row"] for item in items] != drawn:
            raise ValueError(f"the rows of {self.labels.name} are not the written draw")
        text = {request.row: request.text for request in first}
        return [_labelled(item, text[item["row"]]) for item in items]


# The development set's relabelling (seed 7) and the training set's (seed 8).
SECOND = Relabelling(SECOND_LABELS, 7)
TRAINING_SECOND = Relabelling(TRAINING_SECOND_LABELS, 8)


def second_labeller(development: list[Labelled]) -> list[Labelled]:
    """The second labeller's labels of 30 development requests, in the set's order; checks
    they are the written draw ``random.Random(7).sample(range(110), 30)``."""
    return SECOND.load(development)
