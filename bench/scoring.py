"""How a drawn domain model is scored against labels (``tests/data/README.md``, "Matching").

Entities pair one-to-one with labels, strongest rule first: the name or one of the label's
alternatives, then a name that ends the other ("WorkoutPlan" and "Plan"), then the profile
synonyms. A relation counts when both its ends pair with the label's ends, with its kind and
its owning side (either side of a many-to-many); ``relations_by_ends_only`` counts the ends
alone. Precision, recall and F1 are micro-averaged over the requests of a set.

How far to trust a figure: ``spread`` draws a set's requests again (a bootstrap) and gives the
relation F1's standard deviation and 95% interval: about 0.03 on the development set and 0.06
on the held-out one. Two variants of the analyzer are compared on the same requests with
``paired_difference``, which draws the requests once for both: much tighter than reading two
intervals side by side.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from bench.labelled_sets import SECOND, Labelled, Relabelling
from core.contracts import AnalysisResult
from core.naming import name_words

if TYPE_CHECKING:
    from agents.analyzer.model import Domain

# The one synonym group used for every request (rule 3 of the guideline).
PROFILE_SYNONYMS = frozenset({("profile",), ("user",), ("account",), ("user", "profile")})


@dataclass(frozen=True)
class Predicted:
    """What the analyzer drew: entity names, whether it fell back, relations."""

    entities: list[str]
    generic: bool
    relations: list[tuple[str, str, str]]

    @classmethod
    def of(cls, plan: AnalysisResult | Domain) -> Predicted:
        """What a plan, or the domain model ``extract_domain`` drew, says."""
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


Tally = tuple[int, int, int]  # one request's true positives, false positives, false negatives


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


def matched_relations(
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
    # Each request's relation counts (true positives, false positives, false negatives).
    per_request: list[Tally] = field(default_factory=list)

    def add(self, labelled: Labelled, predicted: Predicted) -> None:
        pairs = pair_entities(predicted.entities, labelled.entities)
        self.entities.add(len(pairs), len(predicted.entities), len(labelled.entities))
        renamed = [
            (pairs[a], kind, pairs[b])
            for a, kind, b in predicted.relations
            if a in pairs and b in pairs
        ]
        total, labels = len(predicted.relations), labelled.relations
        right = matched_relations(renamed, labels, True)
        self.relations.add(right, total, len(labels))
        self.per_request.append((right, total - right, len(labels) - right))
        self.relation_ends.add(matched_relations(renamed, labels, False), total, len(labels))
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


def f1_of(tallies: Iterable[Tally]) -> float:
    """The micro-averaged F1 of the requests' counts."""
    rows = list(tallies)
    tp, fp, fn = (sum(row[i] for row in rows) for i in range(3))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _redrawn_f1(tallies: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """The F1 of each draw (a row of request indices) of the requests' counts."""
    tp, fp, fn = (tallies[:, column][draws].sum(axis=1) for column in range(3))
    return np.where(tp > 0, 2 * tp / np.maximum(2 * tp + fp + fn, 1), 0.0)


def _draws(requests: int, draws: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, requests, size=(draws, requests))


def spread(tallies: Sequence[Tally], draws: int = 2000, seed: int = 0) -> dict[str, float]:
    """The F1 of a set and how much it moves when its requests are drawn again (a bootstrap
    over requests): the standard deviation and the 95% interval."""
    drawn = _redrawn_f1(np.array(tallies), _draws(len(tallies), draws, seed))
    low, high = np.quantile(drawn, [0.025, 0.975])
    return {
        "f1": round(f1_of(tallies), 3),
        "sd": round(float(drawn.std()), 3),
        "low": round(float(low), 3),
        "high": round(float(high), 3),
    }


def paired_difference(
    base: Sequence[Tally], variant: Sequence[Tally], draws: int = 4000, seed: int = 0
) -> dict[str, float]:
    """What ``variant`` gains on ``base`` (each request's counts, the same requests in the same
    order), its 95% interval, and the share of draws where it gains nothing."""
    if len(base) != len(variant):
        raise ValueError("the two variants were scored on different requests")
    rows = _draws(len(base), draws, seed)
    gains = _redrawn_f1(np.array(variant), rows) - _redrawn_f1(np.array(base), rows)
    low, high = np.quantile(gains, [0.025, 0.975])
    return {
        "difference": round(f1_of(variant) - f1_of(base), 3),
        "low": round(float(low), 3),
        "high": round(float(high), 3),
        "no_gain": round(float((gains <= 0).mean()), 3),
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
