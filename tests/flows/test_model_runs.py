"""Whole runs and the model: a failing backend, an offline fallback, a budget, traces, logs.

Runs go through the real flow against a Prefect test server, with the configured backend read
from the environment as a deployment's worker would.
"""

from __future__ import annotations

import io
import json
import logging
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prefect.client.orchestration import get_client
from prefect.logging.handlers import PrefectConsoleHandler

from core.contracts import PipelineOutcome
from flows.observability import FALLBACK_TAG, configure_run_observability
from tests.flows.runs import Run, artifact_keys, published, workspace_root
from ui.runs import resume

pytestmark = [pytest.mark.usefixtures("prefect_api"), pytest.mark.timeout(600)]

AGENT_SPANS = ["analyzer", "code-generator", "reviewer", "devops", "validator"]
# Unique per session: a cached agent runs no model call, and results persist across sessions.
TRACED_PROJECT = f"traced-garden-{uuid.uuid4().hex[:6]}"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def unreachable_model(monkeypatch: pytest.MonkeyPatch) -> str:
    """The worker's environment names an OpenAI-compatible server that is not running."""
    url = f"http://127.0.0.1:{_closed_port()}/v1"
    monkeypatch.setenv("AG2_SDLC_LLM", "local")
    monkeypatch.setenv("AG2_SDLC_LLM_MODEL", "gemma")
    monkeypatch.setenv("AG2_SDLC_LLM_BASE_URL", url)
    return url


class TestBackendFailure:
    """A model that cannot answer is an error the user sees, unless asked to fall back."""

    def test_an_unreachable_server_fails_the_run_in_one_sentence(
        self, unreachable_model: str
    ) -> None:
        """The run fails at the analyzer, naming the backend; nothing is generated or pushed."""
        name, text = "model-down", "A todo API where tasks have a title."
        state = Run(request=text, project_name=name).finish()
        assert state.is_failed()
        assert state.message == (
            f"The local LLM backend cannot be reached at {unreachable_model} while answering "
            "the analyzer agent."
        )
        assert not (
            workspace_root(name, "A todo API where tasks have a title.") / "project"
        ).exists()
        assert not published(name)

    def test_with_the_offline_fallback_the_run_completes_and_says_so(
        self, unreachable_model: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Every agent answers offline; the run is released, tagged and its ledger says why."""
        monkeypatch.setenv("AG2_SDLC_LLM_FALLBACK", "offline")
        name = "model-down-fallback"
        run = Run(
            request="A notes API where notes have a title and a body.",
            project_name=name,
            deploy_target="none",
        )
        paused = run.wait_paused()
        resume(paused.id, approved=True, reviewer="tester", comment="fallback is fine")
        state = run.finish()
        assert state.is_completed()
        outcome = state.result()
        assert isinstance(outcome, PipelineOutcome)
        assert outcome.llm_fallbacks == sorted(
            ["analyzer", "code_generator", "devops", "reviewer", "validator"]
        )
        with get_client(sync_client=True) as client:
            assert FALLBACK_TAG in client.read_flow_run(paused.id).tags
        assert f"{name}-llm-usage" in artifact_keys(paused.id)
        assert published(name)


class TestBudget:
    """A run-level budget stops the run before the next model call, in one sentence."""

    def test_a_budget_smaller_than_one_agent_stops_the_run_and_publishes_nothing(self) -> None:
        """The analyzer spends more than 50 tokens; the generator's call never happens."""
        text = "A shop API where products have a name and a price."
        name = "tiny-budget"
        run = Run(request=text, project_name=name, budget_tokens=50)
        state = run.finish()
        assert state.is_failed()
        assert str(state.message).startswith("The run's model budget of 50 tokens is spent (")
        assert str(state.message).endswith(
            "it stopped before the code_generator agent's model call and published nothing."
        )
        assert not (workspace_root(name, text) / "project").exists()
        assert not published(name)
        flow_run = run.flow_run()
        assert flow_run is not None
        assert f"{name}-llm-usage" in artifact_keys(flow_run.id)


@pytest.fixture(scope="module")
def traced_run() -> Iterator[tuple[list[ReadableSpan], Any]]:
    """One offline run to its approval timeout with an in-memory span exporter installed."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)  # once per process: this module owns the provider
    run = Run(
        request="A garden API where plants have a name and a watering interval in days.",
        project_name=TRACED_PROJECT,
        approval_timeout=1,
    )
    state = run.finish()
    yield list(exporter.get_finished_spans()), state
    provider.shutdown()


class TestTraces:
    """One span per flow run, per agent task and per model call, nested in that order."""

    def test_the_flow_holds_five_agent_spans_each_with_its_model_calls(
        self, traced_run: tuple[list[ReadableSpan], Any]
    ) -> None:
        """Flow run -> agent task run -> AG2 agent turn -> chat span with GenAI token counts."""
        spans, _ = traced_run
        by_id = {span.context.span_id: span for span in spans}

        def parent(span: ReadableSpan) -> ReadableSpan | None:
            return by_id.get(span.parent.span_id) if span.parent is not None else None

        def kind(span: ReadableSpan | None) -> str:
            attributes = dict(span.attributes or {}) if span is not None else {}
            return str(
                attributes.get("prefect.run.type") or attributes.get("gen_ai.operation.name")
            )

        (flow_span,) = [s for s in spans if kind(s) == "flow"]
        tasks = [s for s in spans if kind(s) == "task" and kind(parent(s)) == "flow"]
        assert sorted(s.name.rsplit("-", 1)[0] for s in tasks) == sorted(AGENT_SPANS)
        chats = [s for s in spans if kind(s) == "chat"]
        assert len(chats) == len(AGENT_SPANS)
        for chat in chats:
            attributes = dict(chat.attributes or {})
            assert int(attributes["gen_ai.usage.input_tokens"]) > 0  # type: ignore[call-overload]
            assert int(attributes["gen_ai.usage.output_tokens"]) > 0  # type: ignore[call-overload]
            turn = parent(chat)
            assert kind(turn) == "invoke_agent"
            task = parent(turn) if turn is not None else None
            assert task in tasks
            assert parent(task) is flow_span if task is not None else False
        assert dict(flow_span.attributes or {})["ag2_sdlc.project"] == TRACED_PROJECT

    def test_no_span_carries_the_request_text(
        self, traced_run: tuple[list[ReadableSpan], Any]
    ) -> None:
        """Spans carry names and numbers, never the user's words (content capture is off)."""
        spans, _ = traced_run
        for span in spans:
            for value in (span.attributes or {}).values():
                assert "watering interval" not in str(value)


class TestJsonLogs:
    """``AG2_SDLC_LOG_FORMAT=json`` makes each console line a JSON object with run and agent."""

    def test_every_line_is_json_with_the_run_id_and_the_agent(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Lines from agent tasks name their agent; every line of the run names the run."""
        monkeypatch.setenv("AG2_SDLC_LOG_FORMAT", "json")
        root = logging.getLogger()
        before = list(root.handlers)
        written = io.StringIO()
        consoles = [h for h in before if isinstance(h, PrefectConsoleHandler)]
        assert consoles, "Prefect's console handler should be on the root logger"
        streams = [h.setStream(written) for h in consoles]  # what the console would print
        try:
            configure_run_observability()  # as a worker's run process does on importing the flow
            run = Run(
                request=f"A pantry API where items have a name and an expiry date. {uuid.uuid4()}",
                project_name="json-logs",
                budget_tokens=50,  # the analyzer alone: enough lines, a short run
            )
            state = run.finish()
        finally:
            root.handlers = before
            for handler, stream in zip(consoles, streams, strict=True):
                handler.setStream(stream)
        assert state.is_failed()
        flow_run = run.flow_run()
        assert flow_run is not None
        lines = [line for line in written.getvalue().splitlines() if line.strip()]
        records = [json.loads(line) for line in lines]  # every line is one JSON object
        ours = [r for r in records if r.get("run_id") == str(flow_run.id)]
        assert len(ours) >= 3
        assert all(set(r) >= {"asctime", "levelname", "name", "message", "agent"} for r in ours)
        assert any(r["agent"] == "analyzer" for r in ours)
