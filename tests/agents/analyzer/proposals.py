"""The rules' proposed links of a request, before ``agents.analyzer.attach`` weighs them."""

from __future__ import annotations

from agents.analyzer.model import extract_domain
from agents.analyzer.parsing import Token
from agents.analyzer.relations import one_per_pair, proposed
from agents.analyzer.stated import Link


def proposals(text: str) -> set[tuple[str, str, str]]:
    """(parent, kind, child) of every link the rules propose, one per pair."""

    def every_proposal(tokens: list[Token], names: dict[str, str], hub: str | None) -> list[Link]:
        return [link for _, link in one_per_pair(proposed(tokens, set(names), hub)).values()]

    relations = extract_domain(text, every_proposal).relations
    return {(r.parent, r.kind, r.child) for r in relations}
