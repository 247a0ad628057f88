"""Fit the entity model of ``agents.analyzer.entity_model``: ``python -m bench.entity_model``.

For each of the 1,030 training requests (``tests/data/srdd_domain_training.json``) the analyzer
reads its candidate nouns as usual, with the request's own labels left out of the prior
(``extract_domain(..., leave_out=row)``: it is neither its own neighbour nor counted in the
overall rate), and every candidate becomes one example: its facts (``entity_model.described``)
and whether it pairs with one of the request's labelled things (``bench.scoring``'s matching).
A logistic regression (a two-class softmax over standardised facts, by ``bench.link_model``'s
full-batch gradient descent from zero, with its L2 and steps: deterministic) is fitted to them,
and the threshold is the one of ``THRESHOLDS`` with the best entity F1 over the same requests
(the labelled things no candidate names counted as missed; no cap on the number kept). The
development and held-out sets play no part; ``python -m bench.domain`` scores the result. The
weights, unstandardised, go to ``agents/analyzer/entity_weights.json``. Fit this before
``bench.link_model``: the links are fitted among the entities this model keeps.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from agents.analyzer.domain import Candidate
from agents.analyzer.entity_model import FEATURES, WEIGHTS, described
from agents.analyzer.model import extract_domain
from agents.analyzer.neighbours import Prior
from bench.labelled_sets import Labelled, load_training
from bench.link_model import L2, STEPS, fit, softmax, store
from bench.scoring import pair_entities

THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)


def examples(labelled: Labelled) -> list[tuple[list[float], int]]:
    """The request's candidates: facts, and 1 when the labels draw the thing."""
    seen: list[tuple[Candidate, list[float]]] = []

    def record(found: dict[str, Candidate], prior_of: Prior) -> list[Candidate]:
        seen.extend(described(found, prior_of))
        return []

    extract_domain(labelled.text, choose=record, leave_out=labelled.row)
    matched = pair_entities([candidate.name for candidate, _ in seen], labelled.entities)
    return [(facts, int(candidate.name in matched)) for candidate, facts in seen]


def entity_f1(chances: np.ndarray, answers: np.ndarray, labelled: int, threshold: float) -> float:
    """Entity F1 when the candidates above ``threshold`` are kept, of ``labelled`` things."""
    kept = chances > threshold
    right = int((kept & (answers == 1)).sum())
    precision, recall = right / max(int(kept.sum()), 1), right / max(labelled, 1)
    return 2 * precision * recall / (precision + recall) if right else 0.0


def fitted() -> dict[str, Any]:
    """The stored document: weights, threshold and how they were chosen."""
    training = [labelled for labelled, _ in load_training()]
    rows = [row for labelled in training for row in examples(labelled)]
    features = np.array([facts for facts, _ in rows])
    answers = np.array([answer for _, answer in rows], dtype=int)
    centre, scale = features.mean(axis=0), features.std(axis=0)
    centre[0], scale[0] = 0.0, 1.0  # the bias stays one
    standard = fit((features - centre) / scale, answers, classes=2)
    slope = (standard[:, 1] - standard[:, 0]) / scale  # the log-odds of a drawn thing
    slope[0] -= float(slope[1:] @ centre[1:])
    chances = softmax(features @ np.stack([np.zeros_like(slope), slope], axis=1))[:, 1]
    labelled = sum(len(request.entities) for request in training)
    scores = {str(t): round(entity_f1(chances, answers, labelled, t), 4) for t in THRESHOLDS}
    threshold = max(THRESHOLDS, key=lambda t: scores[str(t)])
    return {
        "source": "tests/data/srdd_domain_training.json, fitted by python -m bench.entity_model",
        "requests": len(training),
        "examples": len(rows),
        "l2": L2,
        "steps": STEPS,
        "training_entity_f1_by_threshold": scores,
        "threshold": threshold,
        "features": list(FEATURES),
        "weights": [round(float(weight), 6) for weight in slope],
    }


def main() -> int:
    return store(fitted, WEIGHTS, __doc__.splitlines()[0], "training_entity_f1_by_threshold")


if __name__ == "__main__":
    raise SystemExit(main())
