"""Mine the link tables: how often SRDD requests link two entities, and which way round.

``python -m agents.analyzer.mine_links`` reads ``../shared/data/srdd.csv``, leaves out the rows
of both labelled evaluation sets (``tests/data/srdd_domain_labels.json`` and the held-out
``srdd_domain_heldout.json``) so the scores stay honest, and for every other request counts
the links its words state between the things it names (``stated.stated_links`` over the
entities ``domain.select`` picks; a noun modifier such as "event reminders" is too loose to
count). ``agents.analyzer.usual`` reads the result.

It also counts how the training labels (``tests/data/srdd_domain_training.json``) draw each
pair of things labelled in one request (``drawn_links.json``, read by
``agents.analyzer.drawn``), and stores each training request's words and which of its
candidate nouns are labelled (``neighbours.json``, read by ``agents.analyzer.neighbours``).
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from agents.analyzer.domain import candidates, select
from agents.analyzer.drawn import TABLE as DRAWN_TABLE
from agents.analyzer.neighbours import NEIGHBOURS
from agents.analyzer.neighbours import words as words_of
from agents.analyzer.parsing import parse
from agents.analyzer.refusals import without_refused
from agents.analyzer.stated import oriented, stated_links
from agents.analyzer.usual import TABLE
from core.naming import name_words

ROOT = Path(__file__).resolve().parents[2]
SRDD = ROOT.parent / "shared" / "data" / "srdd.csv"
LABELS = (
    ROOT / "tests" / "data" / "srdd_domain_labels.json",
    ROOT / "tests" / "data" / "srdd_domain_heldout.json",
)
TRAINING = ROOT / "tests" / "data" / "srdd_domain_training.json"


def mine(texts: Iterable[str]) -> list[list[Any]]:
    """[parent, child, requests, of them many-to-many] for each pair some request links."""
    said: Counter[tuple[str, str]] = Counter()
    many: Counter[tuple[str, str]] = Counter()
    for text in texts:
        tokens = parse(without_refused(text))
        keys = {candidate.key for candidate in select(candidates(tokens))}
        links = [oriented(link) for link in stated_links(tokens, keys) if not link.weak]
        pairs = {(link.parent, link.child) for link in links if link.parent != link.child}
        said.update(pairs)
        many.update({(link.parent, link.child) for link in links if link.many} & pairs)
    rows = [[parent, child, count, many[parent, child]] for (parent, child), count in said.items()]
    return sorted(rows, key=lambda row: (-row[2], row[0], row[1]))


def _head(name: str) -> str | None:
    """The lemma a labelled name is known by: its last word ("WorkoutPlan" -> "plan")."""
    words = name_words(name.split("|")[0])
    return words[-1] if words else None


def mine_drawn(requests: Iterable[dict[str, Any]]) -> list[list[Any]]:
    """[first, second, first has second, second has first, first picks second, second picks
    first, apart] per pair of lemmas labelled in one request (first < second), counted once
    per request; a many-to-many's owning side is the one the label names first."""
    counts: dict[tuple[str, str], Counter[str]] = {}
    for request in requests:
        heads = {entity.split("|")[0]: _head(entity) for entity in request["entities"]}
        drawn: dict[tuple[str, str], str] = {}
        for parent, kind, child in request["relations"]:
            one, other = heads.get(parent), heads.get(child)
            if one and other and one != other:
                pair = (min(one, other), max(one, other))
                way = "forth" if one < other else "back"
                drawn[pair] = f"picks_{way}" if kind == "n-n" else way
        lemmas = sorted({head for head in heads.values() if head})
        for index, first in enumerate(lemmas):
            for second in lemmas[index + 1 :]:
                way = drawn.get((first, second), "apart")
                counts.setdefault((first, second), Counter())[way] += 1
    rows = [
        [
            first,
            second,
            *(ways[way] for way in ("forth", "back", "picks_forth", "picks_back")),
            ways["apart"],
        ]
        for (first, second), ways in counts.items()
    ]
    return sorted(rows, key=lambda row: (row[0], row[1]))


def drawn_document(training: Path = TRAINING) -> dict[str, Any]:
    """The drawn-links table as it is stored."""
    requests = json.loads(training.read_text(encoding="utf-8"))["requests"]
    return {
        "source": "tests/data/srdd_domain_training.json (labels only)",
        "requests": len(requests),
        "columns": [
            "first",
            "second",
            "first_has",
            "second_has",
            "first_picks",
            "second_picks",
            "apart",
        ],
        "pairs": mine_drawn(requests),
    }


def mine_neighbours(requests: Iterable[tuple[int, str, list[str]]]) -> list[list[Any]]:
    """[row, its words, its candidate nouns, of those the labelled ones] for each (SRDD row,
    text, labelled entities), each list of words one string; a label names a noun by the last
    word of any alternative."""
    rows = []
    for row, text, entities in requests:
        text = without_refused(text)
        keys = set(candidates(parse(text)))
        heads = {
            words[-1]
            for entity in entities
            for alternative in entity.split("|")
            if (words := name_words(alternative))
        }
        counted = sorted(words_of(text).elements())
        drawn = sorted(keys & heads)
        rows.append([row, " ".join(counted), " ".join(sorted(keys)), " ".join(drawn)])
    return rows


def neighbours_document(training: Path = TRAINING, srdd: Path = SRDD) -> dict[str, Any]:
    """The training requests' words and drawn nouns as they are stored."""
    with srdd.open(encoding="utf-8", newline="") as handle:
        texts = [row["Description"] for row in csv.DictReader(handle)]
    requests = json.loads(training.read_text(encoding="utf-8"))["requests"]
    return {
        "source": "tests/data/srdd_domain_training.json over ../shared/data/srdd.csv",
        "requests": len(requests),
        "columns": ["row", "words", "nouns", "drawn"],
        "rows": mine_neighbours(
            (item["row"], texts[item["row"]], item["entities"]) for item in requests
        ),
    }


def unlabelled_texts(srdd: Path = SRDD, labels: Iterable[Path] = LABELS) -> list[str]:
    """The descriptions of the SRDD rows outside the labelled evaluation sets."""
    held_out = {
        item["row"]
        for path in labels
        for item in json.loads(path.read_text(encoding="utf-8"))["requests"]
    }
    with srdd.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [row["Description"] for index, row in enumerate(rows) if index not in held_out]


def document(texts: list[str]) -> dict[str, Any]:
    """The table as it is stored."""
    return {
        "source": "SRDD requests outside the evaluation sets of tests/data/",
        "requests": len(texts),
        "columns": ["parent", "child", "requests", "many_to_many"],
        "links": mine(texts),
    }


def _one_link_a_line(stored: dict[str, Any], key: str = "links") -> str:
    """JSON with a line per link, so a change to the rules reads as a diff of links."""
    head = json.dumps({**stored, key: []}, indent=1)[: -len("[]\n}")].rstrip()
    links = ",\n  ".join(json.dumps(row) for row in stored[key])
    return f"{head} [\n  {links}\n ]\n}}\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--srdd", type=Path, default=SRDD)
    parser.add_argument("--out", type=Path, default=TABLE)
    args = parser.parse_args()
    if not args.srdd.is_file():
        parser.exit(1, f"SRDD is not at {args.srdd}; see ../shared/data/README.md\n")
    # The entity prior first: ``domain.select``, which mines the text table below, reads it.
    near = neighbours_document(srdd=args.srdd)
    NEIGHBOURS.write_text(_one_link_a_line(near, "rows"))
    print(f"{len(near['rows'])} training requests' words and nouns -> {NEIGHBOURS}")
    drawn = drawn_document()
    DRAWN_TABLE.write_text(_one_link_a_line(drawn, "pairs"))
    print(f"{len(drawn['pairs'])} pairs drawn in {drawn['requests']} requests -> {DRAWN_TABLE}")
    stored = document(unlabelled_texts(args.srdd))
    args.out.write_text(_one_link_a_line(stored))
    print(f"{len(stored['links'])} linked pairs from {stored['requests']} requests -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
