"""The LLM plumbing: real AG2 agents, the offline client, schema checks and the fallback."""

from __future__ import annotations

import socket

import pytest
from pydantic import BaseModel

from agents.analyzer import AnalyzerInput
from agents.llm import BackendSpec, build_model_config, consult_sync, offline
from core.contracts import AnalysisResult
from core.errors import InvalidRequest


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


_INPUT = AnalyzerInput(project_name="todo-api", cloud_provider="local", text="A todo API")


class TestOfflineBackend:
    def test_offline_answer_goes_through_an_ag2_agent(self) -> None:
        """The offline client answers a real AG2 Agent.ask with a schema-valid model."""
        result, trace = consult_sync(
            role="analyzer", payload=_INPUT, schema=AnalysisResult, spec=BackendSpec()
        )
        assert isinstance(result, AnalysisResult)
        assert result.project_plan.project_name == "todo-api"
        assert trace.source == "offline"
        assert trace.prompt_tokens > 0

    def test_offline_answers_are_deterministic(self) -> None:
        """The same input gives the same answer twice."""
        first, _ = consult_sync(
            role="analyzer", payload=_INPUT, schema=AnalysisResult, spec=BackendSpec()
        )
        second, _ = consult_sync(
            role="analyzer", payload=_INPUT, schema=AnalysisResult, spec=BackendSpec()
        )
        assert first == second

    def test_unknown_role_is_an_error(self) -> None:
        """A role without a registered heuristic cannot be answered offline."""
        with pytest.raises(LookupError):
            offline.answer("no-such-agent", {})


class TestRealBackends:
    def test_unreachable_model_falls_back_and_says_why(self) -> None:
        """An OpenAI-compatible server that is down yields the offline answer, recorded."""
        spec = BackendSpec(
            backend="local", model="gemma", base_url=f"http://127.0.0.1:{_closed_port()}/v1"
        )
        result, trace = consult_sync(
            role="analyzer", payload=_INPUT, schema=AnalysisResult, spec=spec
        )
        assert result.project_plan.project_name == "todo-api"
        assert trace.source == "offline-fallback"
        assert trace.rejections

    @pytest.mark.parametrize("backend", ["openai", "anthropic", "ollama"])
    def test_backends_are_configuration(self, backend: str) -> None:
        """Each real backend builds an AG2 config from the spec alone."""
        config = build_model_config(BackendSpec(backend=backend, model="m", api_key="k"))  # type: ignore[arg-type]
        assert config.model == "m"

    def test_a_model_is_required(self) -> None:
        """A real backend without a model name is refused in one sentence."""
        with pytest.raises(InvalidRequest):
            build_model_config(BackendSpec(backend="openai"))

    def test_the_key_never_shows_in_repr(self) -> None:
        """The spec's repr leaves the API key out."""
        assert "sk-canary" not in repr(
            BackendSpec(backend="openai", model="m", api_key="sk-canary")
        )


class _Tiny(BaseModel):
    value: int
