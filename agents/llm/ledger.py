"""What the run's model calls cost: a price table kept as data, and a ledger with a budget.

Token counts come from the backends' own usage reports (``LLMTrace``); cost is tokens times the
listed price of the model (``prices.json``, dated), zero for local, Ollama and offline models,
unknown (``None``) for a hosted model the table does not list. The ledger is checked before
every model call: once a budget is spent, the run stops with one sentence.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

from core.contracts import LLMTrace
from core.errors import BudgetExceeded, InvalidRequest

PRICES_FILE = Path(__file__).with_name("prices.json")
_FREE_BACKENDS = frozenset({"offline", "local", "ollama"})


@dataclass(frozen=True)
class Price:
    input_per_million: float
    output_per_million: float


@functools.cache
def _prices() -> dict[tuple[str, str], Price]:
    table = json.loads(PRICES_FILE.read_text(encoding="utf-8"))
    return {
        (row["provider"], row["model"]): Price(float(row["input"]), float(row["output"]))
        for row in table["prices"]
    }


def price_of(backend: str, model: str) -> Price | None:
    """The listed price of ``model``: exact name, else the longest listed name it starts with
    (dated releases such as ``gpt-4o-mini-2024-07-18``); free backends cost zero."""
    if backend in _FREE_BACKENDS:
        return Price(0.0, 0.0)
    prices = _prices()
    if (backend, model) in prices:
        return prices[(backend, model)]
    prefixes = [name for provider, name in prices if provider == backend and model.startswith(name)]
    return prices[(backend, max(prefixes, key=len))] if prefixes else None


def cost_usd(backend: str, model: str, prompt_tokens: int, completion_tokens: int) -> float | None:
    price = price_of(backend, model)
    if price is None:
        return None
    cost = prompt_tokens * price.input_per_million + completion_tokens * price.output_per_million
    return round(cost / 1_000_000, 6)


@dataclass
class Ledger:
    """The run's model spending per agent, and its budget (0 means none)."""

    budget_tokens: int = 0
    budget_usd: float = 0.0
    entries: list[tuple[str, LLMTrace]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.budget_tokens < 0 or self.budget_usd < 0:
            raise InvalidRequest("A model budget cannot be negative.")

    def check_priced(self, backend: str, model: str) -> None:
        """Refuse a money budget that the price table cannot enforce for this model."""
        if self.budget_usd and price_of(backend, model) is None:
            raise InvalidRequest(
                f"A money budget needs a listed price for the {backend} model {model!r}; "
                "add it to agents/llm/prices.json or give a token budget instead."
            )

    def record(self, agent: str, trace: LLMTrace | None) -> None:
        if trace is not None:
            self.entries.append((agent, trace))

    @property
    def fallbacks(self) -> list[str]:
        """The agents that answered offline because the model failed or its answer did."""
        return sorted(
            {agent for agent, trace in self.entries if trace.source == "offline-fallback"}
        )

    @property
    def tokens(self) -> int:
        return sum(trace.total_tokens for _, trace in self.entries)

    @property
    def cost(self) -> float | None:
        costs = [trace.cost_usd for _, trace in self.entries]
        return None if None in costs else round(sum(c for c in costs if c is not None), 6)

    def ensure_room(self, next_agent: str) -> None:
        """Raise ``BudgetExceeded`` when the budget is spent, before ``next_agent`` asks a model."""
        spent = ""
        if self.budget_tokens and self.tokens >= self.budget_tokens:
            spent = f"budget of {self.budget_tokens:,} tokens is spent ({self.tokens:,} used)"
        cost = self.cost
        if self.budget_usd and cost is not None and cost >= self.budget_usd:
            spent = f"budget of ${self.budget_usd:g} is spent (${cost:.4f} used)"
        if spent:
            raise BudgetExceeded(
                f"The run's model {spent}; it stopped before the {next_agent} agent's model "
                "call and published nothing."
            )

    def rows(self) -> list[dict[str, str | int | float]]:
        """The ledger as table rows, one per agent consultation, then the total."""
        rows: list[dict[str, str | int | float]] = [
            {
                "agent": agent,
                "backend": trace.backend,
                "model": trace.model,
                "source": trace.source,
                "calls": trace.calls,
                "prompt_tokens": trace.prompt_tokens,
                "completion_tokens": trace.completion_tokens,
                "total_tokens": trace.total_tokens,
                "latency_s": round(trace.latency_s, 3),
                "cost_usd": "unknown" if trace.cost_usd is None else trace.cost_usd,
                "rejections": len(trace.rejections),
            }
            for agent, trace in self.entries
        ]
        cost = self.cost
        rows.append(
            {
                "agent": "total",
                "calls": sum(t.calls for _, t in self.entries),
                "prompt_tokens": sum(t.prompt_tokens for _, t in self.entries),
                "completion_tokens": sum(t.completion_tokens for _, t in self.entries),
                "total_tokens": self.tokens,
                "latency_s": round(sum(t.latency_s for _, t in self.entries), 3),
                "cost_usd": "unknown" if cost is None else cost,
            }
        )
        return rows
