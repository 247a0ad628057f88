"""The ledger: prices kept as data, costs from reported tokens, and a budget checked in time."""

from __future__ import annotations

import json

import pytest

from agents.llm import Ledger, cost_usd, price_of
from agents.llm.ledger import PRICES_FILE
from core.contracts import LLMTrace
from core.errors import BudgetExceeded, InvalidRequest


def _trace(prompt: int, completion: int, cost: float | None = 0.0) -> LLMTrace:
    return LLMTrace(
        backend="openai", model="gpt-4o-mini", source="model", prompt_tokens=prompt,
        completion_tokens=completion, cost_usd=cost,
    )  # fmt: skip # one trace per line reads better


class TestPrices:
    """Costs come from a dated price table; free backends cost nothing; unknown is unknown."""

    def test_the_table_is_dated_and_every_row_is_priced(self) -> None:
        """The data file says when its prices were read and prices both directions."""
        table = json.loads(PRICES_FILE.read_text())
        assert table["date"] >= "2026-01-01"
        assert all(row["input"] >= 0 and row["output"] >= 0 for row in table["prices"])

    def test_a_dated_release_costs_what_its_family_lists(self) -> None:
        """``gpt-4o-mini-2024-07-18`` takes the longest listed prefix, ``gpt-4o-mini``."""
        assert price_of("openai", "gpt-4o-mini-2024-07-18") == price_of("openai", "gpt-4o-mini")
        assert cost_usd("openai", "gpt-4o-mini", 1_000_000, 1_000_000) == pytest.approx(0.75)

    def test_local_and_offline_models_are_free_and_an_unlisted_one_unknown(self) -> None:
        """A model on our own machine costs nothing; an unlisted hosted one has no price."""
        assert cost_usd("local", "gemma3-270m", 10_000, 10_000) == 0.0
        assert cost_usd("offline", "ag2-sdlc-offline-1", 5, 5) == 0.0
        assert cost_usd("openai", "a-model-nobody-lists", 5, 5) is None


class TestBudget:
    """A budget stops the run before the next model call, never after it."""

    def test_a_token_budget_stops_before_the_next_call_once_spent(self) -> None:
        """Under the budget the next agent may ask; once reached, it is refused in a sentence."""
        ledger = Ledger(budget_tokens=1000)
        ledger.record("analyzer", _trace(400, 100))
        ledger.ensure_room("code_generator")
        ledger.record("code_generator", _trace(400, 100))
        with pytest.raises(BudgetExceeded) as caught:
            ledger.ensure_room("reviewer")
        assert str(caught.value) == (
            "The run's model budget of 1,000 tokens is spent (1,000 used); it stopped before "
            "the reviewer agent's model call and published nothing."
        )

    def test_a_money_budget_counts_dollars(self) -> None:
        """The cost of the recorded calls, not their tokens, is held against a money budget."""
        ledger = Ledger(budget_usd=0.01)
        ledger.record("analyzer", _trace(10, 10, cost=0.004))
        ledger.ensure_room("code_generator")
        ledger.record("code_generator", _trace(10, 10, cost=0.007))
        with pytest.raises(BudgetExceeded, match=r"budget of \$0.01 is spent \(\$0.0110 used\)"):
            ledger.ensure_room("reviewer")

    def test_a_money_budget_needs_a_priced_model(self) -> None:
        """Without a listed price a money budget could not stop anything: refused up front."""
        with pytest.raises(InvalidRequest, match="needs a listed price"):
            Ledger(budget_usd=1.0).check_priced("openai", "a-model-nobody-lists")
        Ledger(budget_tokens=10).check_priced("openai", "a-model-nobody-lists")

    def test_no_budget_never_stops(self) -> None:
        """Zero means no limit, however much was spent."""
        ledger = Ledger()
        ledger.record("analyzer", _trace(10**7, 10**7, cost=10**4))
        ledger.ensure_room("code_generator")

    def test_the_rows_end_with_a_total(self) -> None:
        """One row per consultation, then their sums; an unknown cost stays unknown."""
        ledger = Ledger()
        ledger.record("analyzer", _trace(30, 10, cost=0.5))
        ledger.record("reviewer", _trace(20, 5, cost=None))
        rows = ledger.rows()
        assert [row["agent"] for row in rows] == ["analyzer", "reviewer", "total"]
        assert rows[-1]["total_tokens"] == 65
        assert rows[-1]["cost_usd"] == "unknown"
