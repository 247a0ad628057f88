"""The pipeline on a real model: llama.cpp's server with Gemma 3 270M, on loopback.

The 270M model is a base model: its prose is junk, so these tests check plumbing and validity:
every agent's call reaches the server, every answer is schema-valid or replaced and recorded,
the ledger matches the server's own usage reports, and the project still works.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from agents.llm import BackendSpec, consult_sync
from agents.release import ValidatorInput
from agents.release.gates import ReleaseNotes
from core.contracts import PipelineOutcome
from core.errors import ModelUnavailable
from services.llm_server import MODEL_NAME, LocalModelServer
from tests.flows.runs import Run, published
from tests.llm.conftest import MAX_TOKENS
from tests.llm.proxy import RecordingProxy
from ui.runs import resume

pytestmark = [pytest.mark.llm, pytest.mark.usefixtures("prefect_api"), pytest.mark.timeout(3600)]

REQUEST = "A recipe API where recipes have a title, a cuisine and a cooking time in minutes."
AGENTS = ["analyzer", "code_generator", "reviewer", "devops", "validator"]


@pytest.fixture(scope="module")
def released(local_model_module: RecordingProxy) -> tuple[Any, RecordingProxy, int]:
    """The whole pipeline on the local model, approved and deployed locally."""
    proxy = local_model_module
    before = len(proxy.exchanges)
    # The app is health-checked, then stopped: nothing of the test outlives the session.
    run = Run(
        request=REQUEST,
        project_name=f"recipes-{uuid.uuid4().hex[:6]}",
        keep_deployment_running=False,
    )
    paused = run.wait_paused(timeout=3000)
    resume(paused.id, approved=True, reviewer="llm-test", comment="plumbing check")
    return run.finish(timeout=1200), proxy, before


class TestWholePipeline:
    """Every agent asks the model; the run completes with a working, released project."""

    def test_each_agent_call_reaches_the_server(
        self, released: tuple[Any, RecordingProxy, int]
    ) -> None:
        """At least one chat completion per agent passed through to llama-server."""
        state, proxy, before = released
        assert state.is_completed(), state.message
        calls = [e for e in proxy.exchanges[before:] if e.path.endswith("/chat/completions")]
        assert len(calls) >= len(AGENTS)
        assert all(e.status == 200 for e in calls)

    def test_each_answer_is_the_models_or_a_recorded_replacement(
        self, released: tuple[Any, RecordingProxy, int]
    ) -> None:
        """A trace per agent: from the model, or the offline answer with the reason."""
        state, _, _ = released
        outcome = state.result()
        assert isinstance(outcome, PipelineOutcome)
        traces = [
            outcome.analysis.llm,
            outcome.generated_code.llm,
            outcome.review.llm,
            outcome.deployment.llm,
            outcome.validation.llm,
        ]  # fmt: skip # the five agents in order
        for trace in traces:
            assert trace is not None
            assert trace.backend == "local"
            assert trace.calls >= 1
            assert trace.source in ("model", "offline-fallback")
            if trace.source == "offline-fallback":
                assert trace.rejections, "a replaced answer says why"

    def test_the_ledger_equals_the_servers_usage_reports(
        self, released: tuple[Any, RecordingProxy, int]
    ) -> None:
        """The run's tokens are the sum of what the server reported in its answers."""
        state, proxy, before = released
        reported = sum(e.usage.get("total_tokens", 0) for e in proxy.exchanges[before:])
        outcome = state.result()
        assert outcome.llm_tokens == reported
        assert outcome.llm_cost_usd == 0.0  # a model on our own machine costs nothing

    def test_the_project_is_released_healthy(
        self, released: tuple[Any, RecordingProxy, int]
    ) -> None:
        """The generated project passed review, was pushed and answers its health check."""
        state, _, _ = released
        outcome = state.result()
        assert outcome.release is not None
        assert outcome.release.deployment_status.status == "healthy"
        assert published(outcome.project_name)
        assert outcome.review.tests_failed == 0
        assert outcome.review.tests_passed > 0


class TestBudgetOnTheModel:
    """A budget smaller than one agent's need stops the run in one sentence."""

    def test_a_one_token_budget_stops_after_the_analyzer(
        self, local_model_module: RecordingProxy
    ) -> None:
        """Whatever the analyzer spent is over budget; the generator never asks."""
        name = f"recipes-budget-{uuid.uuid4().hex[:6]}"
        state = Run(request=REQUEST, project_name=name, budget_tokens=1).finish(timeout=1200)
        assert state.is_failed()
        assert "it stopped before the code_generator agent's model call" in str(state.message)
        assert not published(name)


class TestOtherBackendsOnTheSameServer:
    """The openai and anthropic backends are configuration: they reach the same server."""

    def _ask(self, spec: BackendSpec) -> Any:
        # The validator's notes: the smallest prompt and answer of the five agents.
        data = ValidatorInput(
            project_name="notes-api",
            project_kind="rest_api",
            entities=["Note"],
            score=96,
            tests_passed=12,
            tests_failed=0,
            gates={"security": True},
            findings=[],
        )  # fmt: skip # one input
        return consult_sync(role="validator", payload=data, schema=ReleaseNotes, spec=spec)

    def test_the_openai_backend_answers_through_the_openai_endpoint(
        self, model_server: LocalModelServer, proxy: RecordingProxy
    ) -> None:
        """``openai`` with a base URL is the same OpenAI client AG2 uses for OpenAI itself."""
        before = len(proxy.exchanges)
        spec = BackendSpec(
            backend="openai",
            model=MODEL_NAME,
            base_url=f"{proxy.url}/v1",
            api_key=model_server.api_key,
            max_tokens=MAX_TOKENS,
            timeout_s=900,
        )  # fmt: skip # one spec
        _, trace = self._ask(spec)
        assert trace.backend == "openai"
        assert trace.source in ("model", "offline-fallback")
        assert any(e.path == "/v1/chat/completions" for e in proxy.exchanges[before:])

    def test_the_anthropic_backend_answers_through_the_messages_endpoint(
        self, model_server: LocalModelServer, proxy: RecordingProxy
    ) -> None:
        """This llama.cpp build serves Anthropic's Messages API at /v1/messages."""
        before = len(proxy.exchanges)
        spec = BackendSpec(
            backend="anthropic",
            model=MODEL_NAME,
            base_url=proxy.url,
            api_key=model_server.api_key,
            max_tokens=MAX_TOKENS,
            timeout_s=900,
        )  # fmt: skip # one spec
        _, trace = self._ask(spec)
        assert trace.backend == "anthropic"
        assert trace.source in ("model", "offline-fallback")
        assert any(e.path == "/v1/messages" for e in proxy.exchanges[before:])

    def test_a_wrong_key_fails_in_one_sentence_naming_the_backend(
        self, proxy: RecordingProxy
    ) -> None:
        """The server refuses the key; nothing is substituted."""
        spec = BackendSpec(
            backend="local", model=MODEL_NAME, base_url=f"{proxy.url}/v1", api_key="wrong"
        )
        with pytest.raises(ModelUnavailable) as caught:
            self._ask(spec)
        assert str(caught.value) == (
            "The local LLM backend refused the API key (HTTP 401) while answering the "
            "validator agent."
        )
