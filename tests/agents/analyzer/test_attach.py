"""The link model: how it decides a pair, that the words' links stand, and its stored fit."""

from __future__ import annotations

import json

import pytest

from agents.analyzer import attach, extract_domain
from agents.analyzer.attach import CLASSES, WEIGHTS, Pair, decide, feature_names
from agents.analyzer.drawn import Drawn
from agents.analyzer.parsing import parse
from agents.analyzer.stated import Link
from bench.labelled_sets import SRDD
from bench.link_model import _without, fitted

QUIZ = "A trivia app: players take quizzes and answer questions."


def _weights(
    monkeypatch: pytest.MonkeyPatch, threshold: float = 0.25, **by_feature: list[float]
) -> None:
    """Weights that are zero but for the named features' rows (one number per class)."""
    rows = [by_feature.get(name, [0.0] * len(CLASSES)) for name in feature_names()]
    monkeypatch.setattr(attach, "_stored", lambda: (rows, threshold))


def _relations(text: str) -> set[tuple[str, str, str]]:
    return {(r.parent, r.kind, r.child) for r in extract_domain(text).relations}


def _pair(rule: Link | None = None, **facts: float) -> Pair:
    return Pair("quiz", "question", rule, "hub" if rule else "", {"bias": 1.0, **facts})


class TestDeciding:
    def test_a_pair_is_linked_when_any_link_is_likelier_than_the_threshold(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Chances none 0.5, first-has 0.5: linked at threshold 0.25, not at 0.6."""
        tokens = parse(QUIZ)
        _weights(monkeypatch, drawn_first_has=[0.0, 1.0, -50.0, -50.0])
        link = decide(tokens, _pair(drawn_first_has=1.0))
        assert link is not None
        assert (link.parent, link.child, link.many, link.weak) == ("quiz", "question", False, True)
        assert [round(c, 2) for c in attach.chances(_pair(drawn_first_has=1.0))][:2] == [0.27, 0.73]
        _weights(monkeypatch, threshold=0.8, drawn_first_has=[0.0, 1.0, -50.0, -50.0])
        assert decide(tokens, _pair(drawn_first_has=1.0)) is None

    def test_the_rule_s_words_stay_and_its_way_round_is_the_model_s(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A rule that has questions owning quizzes keeps its words (span, evidence) but is
        turned round when the model says quizzes have questions; kept whole when it agrees."""
        tokens = parse(QUIZ)
        backwards = Link("question", "quiz", False, True, 3, 8, weak=True, said="the words")
        _weights(monkeypatch, bias=[0.0, 5.0, 0.0, 0.0])
        link = decide(tokens, _pair(backwards))
        assert link is not None
        assert (link.parent, link.child, link.cascade) == ("quiz", "question", False)
        assert (link.start, link.end, link.said) == (3, 8, "the words")
        _weights(monkeypatch, bias=[0.0, 0.0, 5.0, 0.0])
        assert decide(tokens, _pair(backwards)) is backwards

    def test_a_many_to_many_is_owned_as_developers_drew_it(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without a rule, the owning side is the one the drawings make owner more often."""
        tokens = parse(QUIZ)
        _weights(monkeypatch, bias=[0.0, 0.0, 0.0, 5.0])
        drawn = Drawn("question", "quiz", 0, 0, 3, 1, 0)  # questions pick quizzes 3 times
        link = decide(tokens, _pair(), counts=lambda one, other: drawn)
        assert link is not None
        assert (link.parent, link.child, link.many) == ("question", "quiz", True)
        said = "quizzes ... questions (99% likely, as developers drew such pairs)"
        assert decide(tokens, _pair(), counts=lambda one, other: None) == Link(
            "quiz", "question", True, False, 6, 9, weak=True, said=said
        )

    def test_the_words_links_are_never_overruled(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A model that never links keeps what the words state ("the dishes of each
        restaurant") and drops what only other requests say (browsing restaurants, rating
        dishes)."""
        _weights(monkeypatch, bias=[50.0, 0.0, 0.0, 0.0])
        stated = "A food app: browse restaurants and rate the dishes of each restaurant."
        assert _relations(stated) == {("Restaurant", "one_to_many", "Dish")}
        assert _relations("A food app where people browse restaurants and rate dishes.") == set()

    def test_weights_fitted_to_other_features_are_refused(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: pytest.TempPathFactory
    ) -> None:
        stored = json.loads(WEIGHTS.read_text(encoding="utf-8"))
        stale = tmp_path / "link_weights.json"  # type: ignore[operator]
        stale.write_text(json.dumps({**stored, "features": ["bias"]}), encoding="utf-8")
        monkeypatch.setattr(attach, "WEIGHTS", stale)
        attach._stored.cache_clear()
        try:
            with pytest.raises(ValueError, match="fitted to other features"):
                attach.chances(_pair())
        finally:
            attach._stored.cache_clear()


class TestFit:
    def test_a_request_s_own_drawings_are_left_out_of_its_facts(self) -> None:
        """The training example of a request that draws quizzes with questions sees the
        table's count less its own."""
        item = {"entities": ["Quiz", "Question"], "relations": [["Quiz", "1-n", "Question"]]}
        counts = _without(item)
        whole = attach.drawn_counts("question", "quiz")
        assert whole is not None
        assert whole.second_has >= 2
        left = counts("quiz", "question")
        assert left is not None
        assert left.second_has == whole.second_has - 1
        assert (left.first_has, left.apart) == (whole.first_has, whole.apart)

    def test_the_stored_weights_are_todays_fit(self) -> None:
        """``link_weights.json`` is what ``python -m bench.link_model`` fits today: after a
        change to the rules, the labels or the facts, it is fitted anew."""
        if not SRDD.is_file():
            pytest.skip(f"SRDD is not at {SRDD}; see ../shared/data/README.md")
        stored, fresh = json.loads(WEIGHTS.read_text(encoding="utf-8")), fitted()
        assert {k: v for k, v in fresh.items() if k != "weights"} == {
            k: v for k, v in stored.items() if k != "weights"
        }
        for mine, theirs in zip(fresh["weights"], stored["weights"], strict=True):
            assert mine == pytest.approx(theirs, abs=1e-4)
