"""Links other requests state: the mined table, and the pairs a request leaves unlinked."""

from __future__ import annotations

import json

import pytest

from agents.analyzer import extract_domain, usual
from agents.analyzer.mine_links import SRDD, document, mine, unlabelled_texts
from agents.analyzer.usual import TABLE, Usual, usual_link
from tests.agents.analyzer.proposals import proposals

UNLINKED = "A food app where people browse restaurants and rate dishes."


def _relations(text: str) -> set[tuple[str, str, str]]:
    return {(r.parent, r.kind, r.child) for r in extract_domain(text).relations}


def _table(monkeypatch: pytest.MonkeyPatch, *rows: Usual) -> None:
    monkeypatch.setattr(usual, "_table", lambda: {(row.parent, row.child): row for row in rows})


class TestMining:
    def test_each_request_counts_once_with_its_direction(self) -> None:
        """Two requests say restaurants have dishes, one of them twice; one says orders pick
        dishes (many-to-many); nothing is counted from a noun modifier ("dish photos")."""
        rows = mine(
            [
                "Customers order dishes from restaurants. Dishes from restaurants are rated.",
                "A guide to the dishes of local restaurants, with dish photos.",
                "Customers place orders of dishes.",
            ]
        )
        assert ["restaurant", "dish", 2, 0] in rows
        assert ["order", "dish", 1, 1] in rows
        assert not [row for row in rows if {row[0], row[1]} == {"dish", "photo"}]

    def test_the_stored_table_is_what_todays_rules_mine(self) -> None:
        """``usual_links.json`` is the mining of the SRDD requests outside both labelled sets:
        after a change to the rules, ``python -m agents.analyzer.mine_links`` stores it anew."""
        if not SRDD.is_file():
            pytest.skip(f"SRDD is not at {SRDD}; see ../shared/data/README.md")
        stored = json.loads(TABLE.read_text(encoding="utf-8"))
        texts = unlabelled_texts()
        assert stored["requests"] == len(texts) == 1200 - 110 - 60
        assert stored == document(texts)


class TestUsualLinks:
    def test_a_pair_the_words_leave_unlinked_is_linked_as_other_requests_say(self) -> None:
        """Browsing restaurants and rating dishes are peers: no words link them, and the
        stored table (six other requests) says restaurants have dishes. The evidence names the
        request's two words and says where the link comes from."""
        assert _relations(UNLINKED) == {("Restaurant", "one_to_many", "Dish")}
        relation = extract_domain(UNLINKED).relations[0]
        assert relation.evidence == "restaurants ... dishes (linked so in 6 other requests)"

    def test_without_the_table_the_pair_stays_unlinked(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _table(monkeypatch)
        assert proposals(UNLINKED) == set()

    def test_the_request_s_own_words_win(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A table that says dishes have restaurants cannot turn round what the words say."""
        _table(monkeypatch, Usual("dish", "restaurant", 9, 0))
        text = "A food app: browse restaurants and rate the dishes of each restaurant."
        assert _relations(text) == {("Restaurant", "one_to_many", "Dish")}

    def test_a_link_needs_two_requests_and_more_of_them_one_way(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _table(monkeypatch, Usual("restaurant", "dish", 1, 0))
        assert usual_link("dish", "restaurant") is None
        _table(monkeypatch, Usual("restaurant", "dish", 3, 0), Usual("dish", "restaurant", 3, 0))
        assert usual_link("dish", "restaurant") is None
        _table(monkeypatch, Usual("restaurant", "dish", 3, 0), Usual("dish", "restaurant", 2, 0))
        assert usual_link("dish", "restaurant") == Usual("restaurant", "dish", 3, 0)

    def test_most_requests_saying_many_to_many_make_it_many_to_many(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _table(monkeypatch, Usual("restaurant", "dish", 3, 2))
        assert proposals(UNLINKED) == {("Restaurant", "many_to_many", "Dish")}
