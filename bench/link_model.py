"""Fit the link model of ``agents.analyzer.attach``: ``python -m bench.link_model``.

For each of the 1,030 training requests (``tests/data/srdd_domain_training.json``) the analyzer
draws its things as usual, and every pair of them its words do not link becomes one example:
the pair's facts (``attach.describe``) and how the labels draw it (no link, either way
one-to-many, many-to-many; a pair with a thing the labels do not have is no link, as the
scoring counts it). The facts of how developers drew the pair leave the request's own labels
out, so no example sees its own answer. A multinomial logistic regression (L2 ``L2``, ``STEPS``
steps of full-batch gradient descent from zero: deterministic) is fitted to them, and the
threshold on the chance of any link is the one of ``THRESHOLDS`` with the best relation F1 on
the same training requests (the words' links counted as the analyzer keeps them). The
development and held-out sets play no part; ``python -m bench.domain`` scores the result.
The weights go to ``agents/analyzer/link_weights.json``.

Each training request's things are drawn with its own labels left out of the entity prior
too (``extract_domain(..., leave_out=row)``: it is neither its own neighbour nor counted in
the overall rate, ``agents.analyzer.neighbours``), so they are drawn as a new request's are.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from agents.analyzer.attach import CLASSES, WEIGHTS, DrawnCounts, Pair, feature_names
from agents.analyzer.drawn import Drawn, drawn_counts
from agents.analyzer.mine_links import mine_drawn
from agents.analyzer.model import extract_domain
from agents.analyzer.parsing import Token
from agents.analyzer.relations import as_drawn, one_per_pair, proposed, unstated_pairs
from agents.analyzer.stated import Link
from bench.labelled_sets import Labelled, load_training
from bench.scoring import matched_relations, pair_entities

L2, STEPS, RATE = 1.0, 3000, 0.5
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4)


@dataclass
class Example:
    """One request's share of the training: its pairs with their answers, and its words' links
    scored as the analyzer keeps them."""

    pairs: list[tuple[Pair, int]]
    stated_right: int
    stated: int
    labelled: int


def _numbers(row: Drawn) -> list[int]:
    return [row.first_has, row.second_has, row.first_picks, row.second_picks, row.apart]


def _without(item: dict[str, Any]) -> DrawnCounts:
    """The training labels' drawings of a pair, less those of ``item``."""
    own = {(row[0], row[1]): row[2:] for row in mine_drawn([item])}

    def counts(one: str, other: str) -> Drawn | None:
        row = drawn_counts(one, other)
        if row is None or (row.first, row.second) not in own:
            return row
        left = [a - b for a, b in zip(_numbers(row), own[(row.first, row.second)], strict=True)]
        return Drawn(row.first, row.second, *left) if any(left) else None

    return counts


def _answer(pair: Pair, names: dict[str, str], matched: dict[str, str], labelled: Labelled) -> int:
    """The index in ``CLASSES`` of how the labels draw the pair."""
    first, second = matched.get(names[pair.first]), matched.get(names[pair.second])
    for parent, kind, child in labelled.relations:
        if first and second and {parent, child} == {first, second}:
            return 3 if kind == "n-n" else 1 if parent == first else 2
    return 0


def example(labelled: Labelled, item: dict[str, Any]) -> Example:
    """The request's pairs, described with its own labels left out of the drawn counts."""
    seen: list[tuple[dict[str, str], list[Pair], list[Link]]] = []
    counts = _without(item)

    def find(tokens: list[Token], names: dict[str, str], hub: str | None) -> list[Link]:
        by_pair = one_per_pair(proposed(tokens, set(names), hub))
        stated = [as_drawn(link, counts) for source, link in by_pair.values() if source == "stated"]
        seen.append((names, unstated_pairs(tokens, set(names), hub, by_pair, counts), stated))
        return []

    domain = extract_domain(labelled.text, find, leave_out=labelled.row)
    total = len(labelled.relations)
    if not seen or any(entity.generic for entity in domain.entities):
        return Example([], 0, 0, total)
    names, pairs, stated = seen[0]
    matched = pair_entities([entity.name for entity in domain.entities], labelled.entities)
    kinds = {False: "1-n", True: "n-n"}
    renamed = [
        (matched[names[link.parent]], kinds[link.many], matched[names[link.child]])
        for link in stated
        if names[link.parent] in matched and names[link.child] in matched
    ]
    right = matched_relations(renamed, labelled.relations, True)
    answers = [(pair, _answer(pair, names, matched, labelled)) for pair in pairs]
    return Example(answers, right, len(stated), total)


def fit(features: np.ndarray, answers: np.ndarray, classes: int = len(CLASSES)) -> np.ndarray:
    """Softmax regression weights (features x classes) by full-batch gradient descent."""
    weights = np.zeros((features.shape[1], classes))
    wanted = np.eye(classes)[answers]
    for _ in range(STEPS):
        chances = softmax(features @ weights)
        gradient = features.T @ (chances - wanted) + L2 * weights
        weights -= RATE * gradient / len(features)
    return weights


def softmax(scores: np.ndarray) -> np.ndarray:
    scores = np.exp(scores - scores.max(axis=1, keepdims=True))
    return scores / scores.sum(axis=1, keepdims=True)


def relation_f1(examples: Iterable[Example], chances: np.ndarray, threshold: float) -> float:
    """Relation F1 over the examples when pairs are linked above ``threshold``."""
    right = drawn = labelled = 0
    row = 0
    for one in examples:
        right, drawn = right + one.stated_right, drawn + one.stated
        labelled += one.labelled
        for _, answer in one.pairs:
            linked = 1 - chances[row, 0] > threshold
            best = 1 + int(chances[row, 1:].argmax())
            drawn += int(linked)
            right += int(linked and best == answer)
            row += 1
    precision, recall = right / max(drawn, 1), right / max(labelled, 1)
    return 2 * precision * recall / (precision + recall) if right else 0.0


def fitted() -> dict[str, Any]:
    """The stored document: weights, threshold and how they were chosen."""
    examples = [example(labelled, item) for labelled, item in load_training()]
    names = feature_names()
    rows = [(pair, answer) for one in examples for pair, answer in one.pairs]
    features = np.array([[pair.features.get(name, 0.0) for name in names] for pair, _ in rows])
    answers = np.array([answer for _, answer in rows], dtype=int)
    weights = fit(features, answers)
    chances = softmax(features @ weights)
    scores = {str(t): round(relation_f1(examples, chances, t), 4) for t in THRESHOLDS}
    threshold = max(THRESHOLDS, key=lambda t: scores[str(t)])
    return {
        "source": "tests/data/srdd_domain_training.json, fitted by python -m bench.link_model",
        "requests": len(examples),
        "examples": len(rows),
        "l2": L2,
        "steps": STEPS,
        "training_relation_f1_by_threshold": scores,
        "threshold": threshold,
        "classes": list(CLASSES),
        "features": names,
        "weights": [[round(float(w), 6) for w in row] for row in weights],
    }


def store(fit_document: Callable[[], dict[str, Any]], out: Path, about: str, scores: str) -> int:
    """The command line of a fitting script: fit, write the document to ``--out`` (default
    ``out``), print its training scores and threshold."""
    parser = argparse.ArgumentParser(description=about)
    parser.add_argument("--out", type=Path, default=out)
    args = parser.parse_args()
    document = fit_document()
    args.out.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(document[scores]), document["threshold"])
    return 0


def main() -> int:
    return store(fitted, WEIGHTS, __doc__.splitlines()[0], "training_relation_f1_by_threshold")


if __name__ == "__main__":
    raise SystemExit(main())
