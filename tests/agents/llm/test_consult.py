"""The LLM plumbing: real AG2 agents, the offline client, schema checks and the fallback."""

from __future__ import annotations

import socket

import pytest

from agents.analyzer import AnalyzerInput
from agents.llm import BackendSpec, build_model_config, consult_sync, offline
from core.contracts import AnalysisResult
from core.errors import InvalidRequest, ModelUnavailable


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


_INPUT = AnalyzerInput(project_name="todo-api", cloud_provider="local", text="A todo API")


class TestOfflineBackend:
    """The default backend answers deterministically through AG2's own agent machinery."""

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
    """Real backends are configuration; one that cannot answer is an error the user sees."""

    def test_an_unreachable_server_fails_in_one_sentence_naming_the_backend(self) -> None:
        """An OpenAI-compatible server that is down stops the agent; nothing is substituted."""
        url = f"http://127.0.0.1:{_closed_port()}/v1"
        spec = BackendSpec(backend="local", model="gemma", base_url=url)
        with pytest.raises(ModelUnavailable) as caught:
            consult_sync(role="analyzer", payload=_INPUT, schema=AnalysisResult, spec=spec)
        assert str(caught.value) == (
            f"The local LLM backend cannot be reached at {url} while answering the analyzer agent."
        )

    def test_with_an_offline_fallback_the_answer_is_offline_and_recorded(self) -> None:
        """``fallback="offline"`` answers offline and records why in the trace."""
        url = f"http://127.0.0.1:{_closed_port()}/v1"
        spec = BackendSpec(backend="local", model="gemma", base_url=url, fallback="offline")
        result, trace = consult_sync(
            role="analyzer", payload=_INPUT, schema=AnalysisResult, spec=spec
        )
        assert result.project_plan.project_name == "todo-api"
        assert trace.source == "offline-fallback"
        assert trace.rejections == [
            f"The local LLM backend cannot be reached at {url} while answering the analyzer agent."
        ]

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
