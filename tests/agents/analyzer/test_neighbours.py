"""How developers drew a request's nouns in the training requests most like it."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from agents.analyzer import extract_domain, neighbours
from agents.analyzer.domain import select
from agents.analyzer.mine_links import SRDD, mine_neighbours, neighbours_document
from agents.analyzer.model import Chooser
from agents.analyzer.neighbours import (
    NEIGHBOURS,
    Request,
    build_index,
    entity_prior,
    prior_near,
    similar,
)


def _requests(first_row: int, count: int, text: str, nouns: str, drawn: str) -> list[Request]:
    """``count`` stored requests of the same words, naming ``nouns``, of them drawing ``drawn``."""
    return [
        Request(row, Counter(text.split()), {n: int(n in drawn.split()) for n in nouns.split()})
        for row in range(first_row, first_row + count)
    ]


def _stored(monkeypatch: pytest.MonkeyPatch, *requests: Request) -> None:
    index = build_index(list(requests))
    monkeypatch.setattr(neighbours, "_index", lambda: index)


def _entities(text: str, choose: Chooser | None = None) -> list[str]:
    return [entity.name for entity in extract_domain(text, choose=choose).entities]


class TestMining:
    def test_each_request_keeps_its_words_and_the_candidates_a_label_ends_with(self) -> None:
        """A request's words are kept as often as it uses them; a candidate noun is drawn
        when a labelled name or one of its alternatives ends with it ("TriviaQuiz|Quiz")."""
        first, second = mine_neighbours(
            [
                (3, "Players take quizzes and see their scores.", ["TriviaQuiz|Quiz"]),
                (5, "Teachers write quizzes and quizzes for classes.", ["Quiz", "SchoolClass"]),
            ]
        )
        assert first[0] == 3
        assert {"quiz", "score"} <= set(first[2].split())
        assert first[3].split() == ["quiz"]
        assert second[0] == 5
        assert second[1].split().count("quizzes") == 2
        assert set(second[3].split()) == {"class", "quiz"}

    def test_the_stored_file_is_the_training_labels_mined(self) -> None:
        """``neighbours.json`` is what the miner stores today: a change to the labels or to
        ``domain.candidates`` without re-mining fails here."""
        if not SRDD.is_file():
            pytest.skip(f"SRDD is not at {SRDD}; see ../shared/data/README.md")
        assert json.loads(NEIGHBOURS.read_text(encoding="utf-8")) == neighbours_document()


class TestSimilar:
    def test_a_request_finds_training_requests_about_the_same_thing(self) -> None:
        """Of the stored requests, those most like a food-ordering request order food."""
        near = similar("Customers order dishes from restaurants and pay for delivery.")
        assert len(near) == neighbours.COUNT
        assert all("restaurant" in request.nouns for request, _ in near[:5])
        assert [score for _, score in near] == sorted((score for _, score in near), reverse=True)

    def test_a_training_request_left_out_is_not_its_own_neighbour(self) -> None:
        """The words of a stored request find it first (likeness 1); left out, they do not."""
        own = neighbours._index().requests[0]
        text = " ".join(word for word, count in own.words.items() for _ in range(count))
        (best, likeness), *_ = similar(text)
        assert best == own
        assert likeness == pytest.approx(1.0)
        assert own not in [request for request, _ in similar(text, leave_out=own.row)]


class TestPrior:
    def test_a_word_is_weighed_as_the_requests_like_this_one_drew_it(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Games drew their levels, stress trackers did not: over all six requests "level" is
        drawn half the time and gives nothing, near a game it gains, near a tracker it loses."""
        _stored(
            monkeypatch,
            *_requests(0, 3, "puzzle game players clear levels", "level player", "level"),
            *_requests(3, 3, "track daily stress mood levels", "level mood", "mood"),
        )
        assert entity_prior("level") == 0.0
        assert prior_near("A puzzle game: players clear levels.")("level") > 1
        assert prior_near("Track your daily stress levels and mood.")("level") < -1

    def test_a_noun_no_neighbour_names_keeps_the_overall_rate(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _stored(monkeypatch, *_requests(0, 20, "cooking meals", "recipe", "recipe"))
        assert entity_prior("recipe") == pytest.approx(5.0 * (21 / 22 - 0.5))
        assert prior_near("Plan a garden of vegetables.")("recipe") == entity_prior("recipe")

    def test_a_request_left_out_counts_neither_as_a_neighbour_nor_in_the_rate(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Five hotels drew bookings: with one left out, four are seen (too few for an overall
        rate) and four are neighbours (likeness 1), so the rate is (4 + 0.5 * 0.5) / 4.5."""
        _stored(
            monkeypatch,
            *_requests(0, 5, "hotel guests bookings", "booking", "booking"),
            *_requests(5, 5, "office floors", "floor", ""),
        )
        text = "hotel guests bookings"
        assert prior_near(text, leave_out=0)("booking") == pytest.approx(5.0 * (4.25 / 4.5 - 0.5))
        overall = 6 / 7
        whole = (5 + 0.5 * overall) / 5.5
        assert prior_near(text)("booking") == pytest.approx(5.0 * (whole - 0.5))


class TestSelection:
    def test_a_word_developers_always_drew_becomes_an_entity(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Recipes people only talk about have too little evidence of their own for the rules
        (``domain.select``); developers drew recipes in all 20 requests like this one, so they
        are an entity, and not without those requests, for one recipe ("my recipe"), or for an
        attribute ("ratings"). The fitted model reads the same prior and keeps them too."""
        text = "Members create meal plans and talk about recipes."
        _stored(monkeypatch)
        assert "Recipe" not in _entities(text, select)
        words = "members meal plans talk recipes ratings"
        _stored(monkeypatch, *_requests(0, 20, words, "recipe rating", "recipe rating"))
        assert "Recipe" in _entities(text, select)
        assert "Recipe" in _entities(text)
        _stored(monkeypatch, *_requests(0, 20, words, "recipe rating", ""))
        assert "Recipe" not in _entities(text)  # nobody drew them: the model drops them too
        _stored(monkeypatch, *_requests(0, 20, words, "recipe rating", "recipe rating"))
        assert "Recipe" not in _entities(
            "Members create meal plans and talk about my recipe.", select
        )
        assert "Rating" not in _entities(
            "Members create meal plans and talk about ratings.", select
        )

    def test_a_word_developers_never_drew_loses_its_evidence(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Bookings guests see are an entity until developers never drew bookings in requests
        like this one; a word seen fewer than five times that no neighbour names is left as the
        rules read it."""
        text = "A hotel app where guests see bookings."
        _stored(monkeypatch)
        assert "Booking" in _entities(text)
        _stored(
            monkeypatch,
            *_requests(0, 5, "hotel guests bookings", "booking", ""),
            *_requests(5, 4, "office floors", "room", ""),
        )
        assert prior_near(text)("room") == 0.0
        assert "Booking" not in _entities(text)

    def test_people_are_left_as_the_request_reads_them(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Developers seldom drew learners (most requests' learners are just its users), but
        a request that tells learners and tutors apart keeps both: a prior never takes from a
        kind of person (``agents.analyzer.evidence`` weighs people by the request itself)."""
        text = "Tutors teach learners in sessions."
        _stored(
            monkeypatch,
            *_requests(0, 2, "learners courses", "learner", "learner"),
            *_requests(2, 10, "learners lessons", "learner", ""),
        )
        assert prior_near(text)("learner") < -1
        assert {"Learner", "Tutor"} <= set(_entities(text))
