"""Links developers drew for other requests: the training labels' table and its two uses."""

from __future__ import annotations

import csv
import json
import random

import pytest

from agents.analyzer import drawn, extract_domain, usual
from agents.analyzer.drawn import TABLE, Drawn, drawn_apart, drawn_link
from agents.analyzer.mine_links import (
    LABELS,
    SRDD,
    TRAINING,
    drawn_document,
    mine_drawn,
)
from agents.analyzer.relations import as_drawn
from agents.analyzer.stated import Link
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

    def test_a_stated_link_runs_the_way_developers_drew_the_pair_more_often(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """ "Race tracks" reads as races having tracks. Drawn the other way round more often
        than the words' way, the track has the races; as often, the words stand. The words
        stay the evidence, saying when they were turned."""
        text = "A racing game where players build race tracks and compete in races."
        _no_usual(monkeypatch)
        _drawn(monkeypatch)
        assert _links(text) == {("Race", "one_to_many", "Track", "race tracks")}
        _drawn(monkeypatch, Drawn("race", "track", 1, 2, 0, 0, 0))
        turned = "race tracks (turned as drawn for 2 other requests)"
        assert _links(text) == {("Track", "one_to_many", "Race", turned)}
        _drawn(monkeypatch, Drawn("race", "track", 2, 2, 0, 0, 0))
        assert _links(text) == {("Race", "one_to_many", "Track", "race tracks")}
        _drawn(monkeypatch, Drawn("race", "track", 1, 0, 0, 2, 0))
        assert _links(text) == {("Track", "many_to_many", "Race", turned)}

    def test_a_stated_many_to_many_is_owned_by_the_side_that_picked_more_often(self) -> None:
        """The words say chords pick their progressions; developers drew progressions picking
        chords more often. A pair never drawn keeps the words' link as it is."""
        words = Link("chord", "progression", True, False, 3, 4)
        counts = {("chord", "progression"): Drawn("chord", "progression", 0, 0, 1, 3, 0)}
        turned = as_drawn(words, lambda one, other: counts.get(tuple(sorted((one, other)))))
        assert (turned.parent, turned.child, turned.many) == ("progression", "chord", True)
        assert (turned.start, turned.end) == (3, 4)
        assert as_drawn(words, lambda one, other: None) == words


def _links(text: str) -> set[tuple[str, str, str, str]]:
    return {(r.parent, r.kind, r.child, r.evidence) for r in extract_domain(text).relations}


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
