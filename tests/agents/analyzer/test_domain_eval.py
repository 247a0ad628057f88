"""The analyzer's domain model against the labelled SRDD set (tests/data/README.md).

The scores are printed (run with ``-s`` to read them; ``python -m bench.domain`` records them).
The issue's goals are asserted as strict expected failures while the measured figures are
below them, so the suite stays green, says where it stands, and turns red (XPASS) the day a
change reaches a goal and the marker must go. Floors just under today's figures guard against
regressions.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.analyzer import analyze
from agents.analyzer.model import extract_domain
from agents.llm import BackendSpec
from bench.domain import GOALS, with_labelled_entities
from bench.labelled_sets import (
    DEVELOPMENT,
    HELD_OUT,
    LABELS,
    SRDD,
    TRAINING_SECOND,
    Draw,
    Labelled,
    load_set,
    load_training,
    second_labeller,
)
from bench.scoring import (
    Scores,
    agreement,
    evaluate,
    f1_of,
    pair_entities,
    paired_difference,
    spread,
)
from core.contracts import AnalysisResult, PipelineRequest, slugify

# Today's figures, a little below: a change that loses ground fails here.
FLOORS = {"entity_f1": 0.8, "relation_f1": 0.5}


def _training() -> list[Labelled]:
    return [request for request, _ in load_training()]


def _srdd() -> None:
    if not SRDD.is_file():
        pytest.skip(f"SRDD is not at {SRDD}; see ../shared/data/README.md")


@pytest.fixture(scope="module")
def labelled() -> list[Labelled]:
    _srdd()
    return load_set()


@pytest.fixture(scope="module")
def held_out() -> list[Labelled]:
    _srdd()
    return load_set(HELD_OUT)


@pytest.fixture(scope="module")
def scores(labelled: list[Labelled]) -> Scores:
    """The full analyzer (offline AG2 round-trip) on the 110 requests, scored."""
    spec = BackendSpec()
    plans: dict[int, AnalysisResult] = {
        request.row: analyze(
            PipelineRequest.from_inputs(text=request.text, name=slugify(request.name)), spec=spec
        )
        for request in labelled
    }
    result = evaluate(plans, labelled)
    print("\ndomain model on the labelled set:", result.figures())
    return result


class TestLabelledSet:
    """The labelled sets are their written draws and follow the guideline."""

    def test_the_rows_are_the_seeded_draw_with_games(self, labelled: list[Labelled]) -> None:
        """110 requests, random.Random(14).sample of SRDD, 27 of them games."""
        assert len(labelled) == 110
        document = LABELS.read_text(encoding="utf-8")
        assert document.count('_Game"') == 27

    def test_the_held_out_set_is_its_own_draw(
        self, labelled: list[Labelled], held_out: list[Labelled]
    ) -> None:
        """60 requests drawn with seed 1414 among the rows outside the development set (a
        draw that overlapped it, or any other draw, fails to load), 14 of them games."""
        assert len(held_out) == 60
        assert not {r.row for r in held_out} & {r.row for r in labelled}
        assert HELD_OUT.labels.read_text(encoding="utf-8").count('_Game"') == 14
        with pytest.raises(ValueError, match=r"not random.Random\(1414\).sample\(rows, 60\)"):
            load_set(Draw(HELD_OUT.labels, 1414, 60))  # the same seed over all rows

    @pytest.mark.parametrize(
        "which", ["development", "held_out", "second_labeller", "training_second_labeller"]
    )
    def test_relations_join_labelled_entities(self, which: str) -> None:
        """Every labelled relation names two different labelled entities and a kind."""
        _srdd()
        sets = {
            "development": lambda: load_set(DEVELOPMENT),
            "held_out": lambda: load_set(HELD_OUT),
            "second_labeller": lambda: second_labeller(load_set(DEVELOPMENT)),
            "training_second_labeller": lambda: TRAINING_SECOND.load(_training()),
        }
        for request in sets[which]():
            names = [entity[0] for entity in request.entities]
            assert len(names) <= 8, request.name
            for parent, kind, child in request.relations:
                assert {parent, child} <= set(names), request.name
                assert parent != child, request.name
                assert kind in ("1-n", "n-n"), request.name

    def test_two_labellers_agree_more_than_the_goals_ask(self, labelled: list[Labelled]) -> None:
        """The second labeller's 30 requests are the written draw of the development set, and
        scored against the first labels they reach the goals: the goals are within what two
        careful people agree on (tests/data/README.md, "Agreement between two labellers")."""
        figures = agreement(labelled).figures()
        assert figures["entities"]["f1"] >= 0.9
        assert figures["relations"]["f1"] >= GOALS["relation_f1"]
        wrong_order = [*labelled[1:], labelled[0]]
        with pytest.raises(ValueError, match="not the written draw"):
            second_labeller(wrong_order)

    def test_the_training_labels_agree_with_a_second_labelling(self) -> None:
        """30 training requests labelled again (the written draw of seed 8) agree with the
        training labels above the goals: what the link model learns from is no noisier than
        the evaluation sets (tests/data/README.md, "The training set")."""
        _srdd()
        training = _training()
        figures = agreement(training, TRAINING_SECOND).figures()
        assert figures["entities"]["f1"] >= 0.9
        assert figures["relations"]["f1"] >= GOALS["relation_f1"]
        with pytest.raises(ValueError, match="not the written draw"):
            TRAINING_SECOND.load(training[1:])

    def test_the_guideline_is_beside_the_labels(self) -> None:
        """The README next to the labels defines entities, relations and matching."""
        guideline = (Path(LABELS).parent / "README.md").read_text(encoding="utf-8")
        for heading in ("## What an entity is", "## What a relation is", "## Matching"):
            assert heading in guideline


class TestMatching:
    """Names match after singularising and case-folding, by head word, or as profile synonyms."""

    def test_matching_rules(self) -> None:
        """Exact and alternative names first, then a modified head, then the profile group."""
        labels = [["Workout", "ExerciseSession"], ["Plan"], ["Profile"]]
        pairs = pair_entities(["WorkoutPlans", "ExerciseSession", "User", "Tag"], labels)
        assert pairs == {"ExerciseSession": "Workout", "WorkoutPlans": "Plan", "User": "Profile"}

    def test_the_labels_entities_leave_only_the_links_to_score(self) -> None:
        """With the entities chosen as the labels choose them, the things the analyzer would
        add (comments, files) and their links are gone, and the links between the labelled
        things are drawn as usual: what ``bench.domain`` reports as ``with_labelled_entities``."""
        text = "Manage projects and their tasks, add comments to tasks and upload files."
        drawn = extract_domain(text)
        assert {"Comment", "File"} <= {entity.name for entity in drawn.entities}
        request = Labelled(0, "Tasks", text, [["Project"], ["Task"]], [("Project", "1-n", "Task")])
        figures = with_labelled_entities([request]).figures()
        assert figures["entities"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
        assert figures["relations"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}


class TestSpread:
    """How far a set's relation F1 can be trusted, and how two variants are compared."""

    MIXED = [(3, 1, 0), (0, 2, 2), (1, 0, 1), (2, 2, 1), (0, 0, 3), (4, 1, 1)]

    def test_a_set_of_alike_requests_does_not_move(self) -> None:
        """Drawing the same request again and again gives the same F1 every time."""
        assert spread([(2, 1, 1)] * 20) == {"f1": 0.667, "sd": 0.0, "low": 0.667, "high": 0.667}

    def test_a_mixed_set_moves_around_its_f1(self) -> None:
        """Requests that score differently give an interval around the set's F1."""
        figures = spread(self.MIXED)
        assert figures["f1"] == round(f1_of(self.MIXED), 3)
        assert figures["low"] < figures["f1"] < figures["high"]
        assert figures["sd"] > 0.05

    def test_a_variant_better_on_every_request_gains_in_every_draw(self) -> None:
        """One more right relation in each request: the whole interval is a gain; the same
        counts gain nothing in any draw."""
        better = [(tp + 1, fp, max(fn - 1, 0)) for tp, fp, fn in self.MIXED]
        gain = paired_difference(self.MIXED, better)
        assert gain["difference"] > 0
        assert gain["low"] > 0
        assert gain["no_gain"] == 0.0
        same = paired_difference(self.MIXED, self.MIXED)
        assert same == {"difference": 0.0, "low": 0.0, "high": 0.0, "no_gain": 1.0}
        with pytest.raises(ValueError, match="different requests"):
            paired_difference(self.MIXED, self.MIXED[:-1])

    def test_the_labelled_set_is_scored_request_by_request(self, scores: Scores) -> None:
        """The per-request counts add up to the set's figures, and its spread brackets them."""
        assert len(scores.per_request) == 110
        assert f1_of(scores.per_request) == pytest.approx(
            scores.figures()["relations"]["f1"], abs=5e-4
        )
        figures = spread(scores.per_request)
        assert figures["low"] < figures["f1"] < figures["high"]


class TestGoals:
    """Precision, recall and F1 of entities and relations, and the generic-fallback rate."""

    def test_generic_fallback_is_rare_among_requests_that_name_things(self, scores: Scores) -> None:
        """At most 5% of the requests labelled with entities fall back to the generic Item."""
        assert scores.figures()["generic_fallback_rate"] <= GOALS["generic_fallback_rate"]

    def test_no_regression_below_todays_figures(self, scores: Scores) -> None:
        """Entity and relation F1 stay at or above the floors measured when this was written."""
        figures = scores.figures()
        assert figures["entities"]["f1"] >= FLOORS["entity_f1"]
        assert figures["relations"]["f1"] >= FLOORS["relation_f1"]

    def test_entity_f1_reaches_the_goal(self, scores: Scores) -> None:
        """Entity F1 is at least 0.8."""
        assert scores.figures()["entities"]["f1"] >= GOALS["entity_f1"]

    @pytest.mark.xfail(strict=True, reason="measured relation F1 0.51 is below the goal of 0.6")
    def test_relation_f1_reaches_the_goal(self, scores: Scores) -> None:
        """Relation F1 (ends, kind and owning side) is at least 0.6."""
        assert scores.figures()["relations"]["f1"] >= GOALS["relation_f1"]
