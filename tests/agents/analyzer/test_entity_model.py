"""The fitted choice of entities (``agents.analyzer.entity_model``) and where it applies."""

from __future__ import annotations

import json

import pytest

from agents.analyzer import entity_model, extract_domain
from agents.analyzer.domain import Candidate, candidates
from agents.analyzer.mine_links import SRDD
from agents.analyzer.parsing import parse
from bench.entity_model import fitted


def _no_prior(noun: str) -> float:
    return 0.0


def _found(text: str) -> dict[str, Candidate]:
    return candidates(parse(text))


class TestChoice:
    def test_the_prior_moves_a_candidate_across_the_threshold(self) -> None:
        """Recipes the request only talks about are kept when developers drew them for
        requests like it, and left out when they never did."""
        text = "Members create meal plans and talk about recipes."

        def keys(prior: float) -> list[str]:
            chosen = entity_model.choose(_found(text), lambda n: prior if n == "recipe" else 0.0)
            return [candidate.key for candidate in chosen]

        assert "recipe" in keys(2.0)
        assert "recipe" not in keys(-2.0)
        assert "plan" in keys(-2.0)

    def test_the_chance_is_the_stored_weights_dot_the_facts(self) -> None:
        """Facts all zero but the bias give the bias's logistic chance."""
        weights, _ = entity_model._stored()
        facts = [1.0] + [0.0] * (len(entity_model.FEATURES) - 1)
        assert entity_model.chance(facts) == pytest.approx(1 / (1 + 2.718281828 ** -weights[0]))

    def test_a_request_that_gives_its_records_fields_is_read_by_the_rules(self) -> None:
        """ "Movies have a title": the request says what its records are; the model's likelier
        extras ("films") stay out."""
        text = (
            "A movie recommender: learn from the ratings people gave to films and recommend five "
            "movies they have not seen yet, using collaborative filtering. Movies have a title, a "
            "release year and a genre; ratings have a score and a rated date."
        )
        names = {entity.name for entity in extract_domain(text).entities}
        chosen = entity_model.choose(_found(text), _no_prior)
        assert names == {"Movie", "Rating"}
        assert "film" in {candidate.key for candidate in chosen}

    def test_one_of_a_field_another_thing_has_is_a_field(self) -> None:
        """ "Players have a score and a level": the score is the player's, not a model."""
        text = "Players track their progress. Players have a score and a level."
        names = [entity.name for entity in extract_domain(text).entities]
        assert "Score" not in names
        assert "Player" in names

    def test_what_a_thing_is_created_with_is_its_field(self) -> None:
        """ "Create lists with a name and a colour": the colour is the list's field."""
        domain = extract_domain("Users create lists with a name and a colour.")
        assert [entity.name for entity in domain.entities] == ["List"]
        assert [field.name for field in domain.entities[0].fields] == ["name", "colour"]


class TestFit:
    def test_the_stored_weights_are_todays_fit(self) -> None:
        """``entity_weights.json`` is what ``python -m bench.entity_model`` fits today."""
        if not SRDD.is_file():
            pytest.skip(f"SRDD is not at {SRDD}; see ../shared/data/README.md")
        stored = json.loads(entity_model.WEIGHTS.read_text(encoding="utf-8"))
        fresh = fitted()
        assert {k: v for k, v in fresh.items() if k != "weights"} == {
            k: v for k, v in stored.items() if k != "weights"
        }
        assert fresh["weights"] == pytest.approx(stored["weights"], abs=1e-4)
