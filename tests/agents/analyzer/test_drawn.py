"""Links developers drew for other requests: the training labels' table and its two uses."""

from __future__ import annotations

import csv
import json
import random

import pytest

from agents.analyzer import drawn, extract_domain, usual
from agents.analyzer.drawn import ENTITIES, TABLE, Drawn, drawn_apart, drawn_link
from agents.analyzer.mine_links import (
    LABELS,
    SRDD,
    TRAINING,
    drawn_document,
    entities_document,
    mine_drawn,
    mine_entities,
)
from agents.analyzer.usual import Usual
from tests.agents.analyzer.proposals import proposals

QUIZ = "A trivia app: players take quizzes and answer questions."


def _drawn(monkeypatch: pytest.MonkeyPatch, *rows: Drawn) -> None:
    monkeypatch.setattr(drawn, "_table", lambda: {(row.first, row.second): row for row in rows})


def _no_usual(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(usual, "_table", dict)


class TestMining:
    def test_each_labelled_pair_is_counted_once_a_request_by_its_names_last_word(self) -> None:
        """Two requests draw quizzes with questions (one through a modified name and an
        alternative), one draws them apart; a many-to-many counts with its owning side (the
        label's first name), a turned-round link as itself."""
        rows = mine_drawn(
            [
                {"entities": ["Quiz", "Question"], "relations": [["Quiz", "1-n", "Question"]]},
                {
                    "entities": ["TriviaQuiz|Quiz", "QuizQuestion"],
                    "relations": [["TriviaQuiz", "1-n", "QuizQuestion"]],
                },
                {
                    "entities": ["Quiz", "Question", "Tag"],
                    "relations": [["Question", "n-n", "Tag"]],
                },
                {"entities": ["Question", "Quiz"], "relations": [["Question", "1-n", "Quiz"]]},
            ]
        )
        assert ["question", "quiz", 1, 2, 0, 0, 1] in rows
        assert ["question", "tag", 0, 0, 1, 0, 0] in rows
        assert ["quiz", "tag", 0, 0, 0, 0, 1] in rows

    def test_the_stored_table_is_the_training_labels_counted(self) -> None:
        """``drawn_links.json`` is what ``python -m agents.analyzer.mine_links`` counts from
        ``tests/data/srdd_domain_training.json`` today: a label change without re-mining fails."""
        assert json.loads(TABLE.read_text(encoding="utf-8")) == drawn_document(TRAINING)


class TestDrawnLinks:
    def test_a_pair_no_words_link_is_linked_as_developers_drew_it(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Taking quizzes and answering questions are peers: no words link them, the
        text-mined table says nothing, and three requests drew quizzes with questions. The
        evidence says where the link comes from."""
        _no_usual(monkeypatch)
        _drawn(monkeypatch, Drawn("question", "quiz", 0, 3, 0, 0, 1))
        assert ("Quiz", "one_to_many", "Question") in proposals(QUIZ)
        relation = next(r for r in extract_domain(QUIZ).relations if r.child == "Question")
        assert relation.evidence == "quizzes ... questions (drawn so for 3 other requests)"
        _drawn(monkeypatch)
        assert ("Quiz", "one_to_many", "Question") not in proposals(QUIZ)

    def test_a_link_needs_three_requests_and_more_than_drew_the_pair_apart(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _drawn(monkeypatch, Drawn("question", "quiz", 0, 2, 0, 0, 0))
        assert drawn_link("quiz", "question") is None
        _drawn(monkeypatch, Drawn("question", "quiz", 0, 3, 0, 0, 3))
        assert drawn_link("quiz", "question") is None
        _drawn(monkeypatch, Drawn("question", "quiz", 2, 2, 0, 0, 0))
        assert drawn_link("quiz", "question") is None  # no way round has the majority
        _drawn(monkeypatch, Drawn("question", "quiz", 0, 2, 2, 0, 1))
        assert drawn_link("quiz", "question") == Usual("quiz", "question", 4, 2)
        _drawn(monkeypatch, Drawn("question", "quiz", 0, 1, 1, 2, 0))
        assert drawn_link("quiz", "question") == Usual("quiz", "question", 4, 3)  # quiz owns
        _drawn(monkeypatch, Drawn("question", "quiz", 0, 1, 2, 1, 0))
        assert drawn_link("quiz", "question") == Usual("question", "quiz", 4, 3)
        _drawn(monkeypatch, Drawn("question", "quiz", 0, 1, 1, 1, 0))
        assert drawn_link("quiz", "question") is None  # no owning side has the majority

    def test_the_text_mined_table_speaks_first(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """When other requests' words link a pair, their way round wins over the drawings."""
        monkeypatch.setattr(
            usual, "_table", lambda: {("question", "quiz"): Usual("question", "quiz", 5, 0)}
        )
        _drawn(monkeypatch, Drawn("question", "quiz", 0, 3, 0, 0, 0))
        assert ("Question", "one_to_many", "Quiz") in proposals(QUIZ)

    def test_an_implied_link_goes_between_things_drawn_apart(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A shopping list's sentence names reminders: the container rule would put them in
        the list, but developers drew lists and reminders apart and never linked them."""
        text = "Users create shopping lists, add items and set reminders."
        _no_usual(monkeypatch)
        _drawn(monkeypatch)
        assert ("ShoppingList", "one_to_many", "Reminder") in proposals(text)
        _drawn(monkeypatch, Drawn("list", "reminder", 1, 0, 0, 0, 2))
        assert not drawn_apart("reminder", "list")  # linked once: not apart
        _drawn(monkeypatch, Drawn("list", "reminder", 0, 0, 0, 0, 1))
        assert drawn_apart("reminder", "list")
        assert ("ShoppingList", "one_to_many", "Reminder") not in proposals(text)


class TestTrainingSet:
    def test_the_training_rows_are_the_written_order_outside_both_evaluation_sets(self) -> None:
        """The training labels are a prefix of random.Random(2027).sample of the SRDD rows
        outside the development and held-out sets, each request its row's name, labelled by the
        guideline's shape (at most eight entities; relations between two of them)."""
        if not SRDD.is_file():
            pytest.skip(f"SRDD is not at {SRDD}; see ../shared/data/README.md")
        with SRDD.open(encoding="utf-8", newline="") as handle:
            names = [row["Name"] for row in csv.DictReader(handle)]
        evaluation = {
            item["row"]
            for path in LABELS
            for item in json.loads(path.read_text(encoding="utf-8"))["requests"]
        }
        outside = [index for index in range(len(names)) if index not in evaluation]
        order = random.Random(2027).sample(outside, len(outside))  # noqa: S311 - a sample
        requests = json.loads(TRAINING.read_text(encoding="utf-8"))["requests"]
        assert len(requests) >= 480
        assert [(r["row"], r["name"]) for r in requests] == [
            (index, names[index]) for index in order[: len(requests)]
        ]
        for request in requests:
            first = [entity.split("|")[0] for entity in request["entities"]]
            assert len(first) <= 8, request["name"]
            for parent, kind, child in request["relations"]:
                assert parent != child, request["name"]
                assert {parent, child} <= set(first), request["name"]
                assert kind in ("1-n", "n-n"), request["name"]


class TestEntityPrior:
    def test_each_candidate_is_counted_with_whether_a_label_ends_with_it(self) -> None:
        """A candidate noun counts once a request; it is drawn when a labelled name or one of
        its alternatives ends with it ("TriviaQuiz|Quiz" draws quizzes)."""
        rows = mine_entities(
            [
                ("Players take quizzes and see their scores.", ["TriviaQuiz|Quiz"]),
                ("Teachers write quizzes and quizzes for classes.", ["Quiz", "SchoolClass"]),
            ]
        )
        assert ["quiz", 2, 2] in rows
        assert ["class", 1, 1] in rows
        assert ["score", 1, 0] in rows

    def test_the_stored_table_is_the_training_labels_counted(self) -> None:
        """``drawn_entities.json`` is what the miner counts today: a change to the labels or
        to ``domain.candidates`` without re-mining fails here."""
        if not SRDD.is_file():
            pytest.skip(f"SRDD is not at {SRDD}; see ../shared/data/README.md")
        assert json.loads(ENTITIES.read_text(encoding="utf-8")) == entities_document()

    def test_a_word_developers_always_drew_becomes_an_entity(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Recipes people only talk about have too little evidence of their own; developers
        drew recipes in all 20 requests that named them, so they are an entity, and not
        without the table, for one recipe ("my recipe"), or for an attribute ("ratings")."""
        text = "Members create meal plans and talk about recipes."

        def entities(text: str) -> list[str]:
            return [entity.name for entity in extract_domain(text).entities]

        monkeypatch.setattr(drawn, "_entities", dict)
        assert "Recipe" not in entities(text)
        monkeypatch.setattr(drawn, "_entities", lambda: {"recipe": (20, 20), "rating": (20, 20)})
        assert drawn.entity_prior("recipe") == pytest.approx(5.0 * (21 / 22 - 0.5))
        assert "Recipe" in entities(text)
        assert "Recipe" not in entities("Members create meal plans and talk about my recipe.")
        assert "Rating" not in entities("Members create meal plans and talk about ratings.")

    def test_a_word_developers_never_drew_loses_its_evidence(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Bookings guests see are an entity until developers never drew bookings (seen five
        times, drawn none); a word seen fewer than five times is left as the rules read it."""
        text = "A hotel app where guests see bookings."
        monkeypatch.setattr(drawn, "_entities", dict)
        assert "Booking" in [e.name for e in extract_domain(text).entities]
        monkeypatch.setattr(drawn, "_entities", lambda: {"booking": (5, 0), "room": (4, 0)})
        assert drawn.entity_prior("room") == 0.0
        assert "Booking" not in [e.name for e in extract_domain(text).entities]

    def test_people_are_left_as_the_request_reads_them(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Developers seldom drew learners (most requests' learners are just its users), but
        a request that tells learners and tutors apart keeps both: a prior never takes from a
        kind of person (``agents.analyzer.evidence`` weighs people by the request itself)."""
        text = "Tutors teach learners in sessions."
        monkeypatch.setattr(drawn, "_entities", lambda: {"learner": (12, 2)})
        assert drawn.entity_prior("learner") < -1
        names = [entity.name for entity in extract_domain(text).entities]
        assert {"Learner", "Tutor"} <= set(names)
