"""The analyzer's domain model against the labelled SRDD sets: `python -m bench.domain`.

Reads the 110 labelled requests of ``tests/data/srdd_domain_labels.json`` (their texts from
``../shared/data/srdd.csv``), runs the full ``analyze`` (offline AG2 round-trip included) on
each, and scores entities and relations the way ``tests/data/README.md`` defines: precision,
recall and F1, micro-averaged, and the generic-fallback rate. It also times the analysis per
request. Figures go to ``bench/results.json`` under ``"domain_model"``; the test
``tests/agents/analyzer/test_domain_eval.py`` asserts the goals with the same scoring.

The same figures for the held-out set (``tests/data/srdd_domain_heldout.json``: 60 other
requests, labelled by the same guideline and never used to develop a rule) go under
``"held_out"``: how far the development set's figures carry over to requests nobody tuned on.
Two agreements between labellers go beside them: a second labelling of 30 development requests
(``"second_labeller"``) and of 30 training requests (``"training_second_labeller"``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.labelled_sets import (
    HELD_OUT,
    SECOND,
    SRDD,
    TRAINING_SECOND,
    Labelled,
    Relabelling,
    load_set,
    load_training,
)
from core.contracts import AnalysisResult
from core.naming import name_words

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results.json"
# The one synonym group used for every request (rule 3 of the guideline).
PROFILE_SYNONYMS = frozenset({("profile",), ("user",), ("account",), ("user", "profile")})
GOALS = {"entity_f1": 0.8, "relation_f1": 0.6, "generic_fallback_rate": 0.05}


@dataclass(frozen=True)
class Predicted:
    """What the analyzer drew: entity names, whether it fell back, relations."""

    entities: list[str]
    generic: bool
    relations: list[tuple[str, str, str]]

    @classmethod
    def of(cls, plan: AnalysisResult) -> Predicted:
        kinds = {"one_to_many": "1-n", "many_to_many": "n-n"}
        generic = any(entity.generic for entity in plan.entities)
        return cls(
            entities=[] if generic else [entity.name for entity in plan.entities],
            generic=generic,
            relations=[(r.parent, kinds[r.kind], r.child) for r in plan.relations],
        )


def _suffix(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    return len(longer) > len(shorter) and longer[-len(shorter) :] == shorter


def _rule(predicted: tuple[str, ...], label: list[tuple[str, ...]]) -> int | None:
    """Which matching rule pairs ``predicted`` with a label (1 strongest), or None."""
    if predicted in label:
        return 1
    name = label[0]
    if _suffix(predicted, name) or _suffix(name, predicted):
        return 2
    if predicted in PROFILE_SYNONYMS and set(label) & PROFILE_SYNONYMS:
        return 3
    return None


def pair_entities(predicted: list[str], labels: list[list[str]]) -> dict[str, str]:
    """Predicted name -> the label name it matches: one-to-one, strongest rule first."""
    normal = [[name_words(alternative) for alternative in label] for label in labels]
    pairs: dict[str, str] = {}
    taken: set[int] = set()
    for rule in (1, 2, 3):
        for name in predicted:
            if name in pairs:
                continue
            for index, label in enumerate(normal):
                if index not in taken and _rule(name_words(name), label) == rule:
                    pairs[name], taken = labels[index][0], taken | {index}
                    break
    return pairs


@dataclass
class Counts:
    """True positives, false positives and false negatives, and what follows from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, predicted: int, labelled: int) -> None:
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + predicted - tp, self.fn + labelled - tp

    def figures(self) -> dict[str, float]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def _same(relation: tuple[str, str, str], label: tuple[str, str, str], strict: bool) -> bool:
    (a, kind, b), (la, lkind, lb) = relation, label
    if not strict:
        return {a, b} == {la, lb}
    if kind != lkind:
        return False
    return (a, b) == (la, lb) or (kind == "n-n" and (b, a) == (la, lb))


def _matched_relations(
    predicted: Iterable[tuple[str, str, str]], labels: list[tuple[str, str, str]], strict: bool
) -> int:
    left = list(labels)
    found = 0
    for relation in predicted:
        for label in left:
            if _same(relation, label, strict):
                left.remove(label)
                found += 1
                break
    return found


@dataclass
class Scores:
    """The set's figures: entities, relations (strict and ends only), generic fallback."""

    entities: Counts = field(default_factory=Counts)
    relations: Counts = field(default_factory=Counts)
    relation_ends: Counts = field(default_factory=Counts)
    naming_requests: int = 0
    fallbacks: list[str] = field(default_factory=list)

    def add(self, labelled: Labelled, predicted: Predicted) -> None:
        pairs = pair_entities(predicted.entities, labelled.entities)
        self.entities.add(len(pairs), len(predicted.entities), len(labelled.entities))
        renamed = [
            (pairs[a], kind, pairs[b])
            for a, kind, b in predicted.relations
            if a in pairs and b in pairs
        ]
        total, labels = len(predicted.relations), labelled.relations
        self.relations.add(_matched_relations(renamed, labels, True), total, len(labels))
        self.relation_ends.add(_matched_relations(renamed, labels, False), total, len(labels))
        if labelled.entities:
            self.naming_requests += 1
            if predicted.generic:
                self.fallbacks.append(labelled.name)

    def figures(self) -> dict[str, Any]:
        rate = len(self.fallbacks) / self.naming_requests if self.naming_requests else 0.0
        return {
            "entities": self.entities.figures(),
            "relations": self.relations.figures(),
            "relations_by_ends_only": self.relation_ends.figures(),
            "generic_fallback_rate": round(rate, 3),
            "generic_fallbacks": self.fallbacks[:20],
        }


def evaluate(plans: dict[int, AnalysisResult], labelled: list[Labelled]) -> Scores:
    """Score the plans (by SRDD row) against the labels."""
    scores = Scores()
    for request in labelled:
        scores.add(request, Predicted.of(plans[request.row]))
    return scores


def agreement(labelled: list[Labelled], relabelling: Relabelling = SECOND) -> Scores:
    """The second labeller's labels scored as if predicted against the first's: how far two
    careful people agree, the most any extractor can be expected to reach."""
    first = {request.row: request for request in labelled}
    scores = Scores()
    for second in relabelling.load(labelled):
        names = [entity[0] for entity in second.entities]
        scores.add(first[second.row], Predicted(names, False, second.relations))
    return scores


def _plan_all(labelled: list[Labelled]) -> tuple[dict[int, AnalysisResult], list[float]]:
    from agents.analyzer import analyze
    from agents.llm import BackendSpec
    from core.contracts import PipelineRequest, slugify

    spec, plans, seconds = BackendSpec(), {}, []
    analyze(PipelineRequest.from_inputs(text="Warm-up: books have a title."), spec=spec)
    for request in labelled:
        started = time.perf_counter()
        plans[request.row] = analyze(
            PipelineRequest.from_inputs(text=request.text, name=slugify(request.name)), spec=spec
        )
        seconds.append(time.perf_counter() - started)
    return plans, seconds


def _extract_all(labelled: list[Labelled]) -> list[float]:
    """Seconds the domain model alone (parse and rules) takes per request."""
    from agents.analyzer.model import extract_domain

    seconds = []
    for request in labelled:
        started = time.perf_counter()
        extract_domain(request.text)
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> int:
    from bench.figures import figure

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--show", action="store_true", help="Print each request's comparison.")
    args = parser.parse_args()
    if not SRDD.is_file():
        print(f"SRDD is not at {SRDD}; nothing measured.", file=sys.stderr)
        return 1
    labelled, held_out = load_set(), load_set(HELD_OUT)
    plans, seconds = _plan_all(labelled)
    if args.show:
        for request in labelled:
            predicted = Predicted.of(plans[request.row])
            print(f"{request.name}: labels {request.entities} {request.relations}")
            print(f"    drawn {predicted.entities} {predicted.relations}\n")
    measured = {
        "requests": len(labelled),
        "source": "tests/data/srdd_domain_labels.json over ../shared/data/srdd.csv, offline",
        "goals": GOALS,
        **evaluate(plans, labelled).figures(),
        "goal_ms_per_request": "<= 200 (median)",
        "analyze_per_request": figure([s * 1000 for s in seconds], unit="ms"),
        "extract_domain_per_request": figure([s * 1000 for s in _extract_all(labelled)], "ms"),
        "held_out": {
            "requests": len(held_out),
            "source": "tests/data/srdd_domain_heldout.json: never used to develop a rule",
            **evaluate(_plan_all(held_out)[0], held_out).figures(),
        },
        "second_labeller": {
            "requests": 30,
            "source": "tests/data/srdd_domain_second_labeller.json against the first labels",
            **agreement(labelled).figures(),
        },
        "training_second_labeller": {
            "requests": 30,
            "source": "tests/data/srdd_domain_training_second_labeller.json against the "
            "training labels",
            **agreement([request for request, _ in load_training()], TRAINING_SECOND).figures(),
        },
    }
    results = json.loads(args.results.read_text()) if args.results.is_file() else {}
    results["domain_model"] = measured
    args.results.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(measured, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
