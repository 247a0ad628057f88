"""What every agent task shares: artifact keys, the background publisher, the token table."""

from __future__ import annotations

import json
import threading
import time
from typing import Any
from uuid import UUID

import pytest
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from prefect.client.schemas.objects import Artifact
from prefect.runtime import flow_run

from agents.llm import Ledger
from core.contracts import LLMTrace
from tasks.common import ArtifactPublisher, artifact_key, publish, publish_llm_usage

AGENTS_IN_PIPELINE_ORDER = ["analyzer", "code_generator", "reviewer", "devops", "validator"]
MODEL_TRACE = LLMTrace(
    backend="openai",
    model="gpt-4o-mini",
    source="model",
    prompt_tokens=1200,
    completion_tokens=340,
    rejections=["not valid JSON", "entities missing"],
)
OFFLINE_TRACE = LLMTrace(backend="offline", model="offline", source="offline", prompt_tokens=7)


def _artifacts(key: str) -> list[Artifact]:
    with get_client(sync_client=True) as client:
        return client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key]))
        )


@flow(name="publish-through-the-publisher")
def publish_through_the_publisher(project_name: str) -> dict[str, Any]:
    """Publish a summary (markdown and table) the way the pipeline does, off the flow's thread."""
    threads: list[str] = []

    def publish_summary(name: str) -> list[str]:
        threads.append(threading.current_thread().name)
        return publish(
            name, "summary", markdown="# Summary", table=[{"row": 1}], description="test"
        )

    artifacts = ArtifactPublisher()
    artifacts.submit(publish_summary, project_name)
    keys = artifacts.close()
    return {"flow_run_id": flow_run.get_id(), "keys": keys, "threads": threads}


@flow(name="publish-llm-usage")
def publish_usage(project_name: str, ledger: Ledger) -> dict[str, Any]:
    """The pipeline's ledger table, published inside a flow run."""
    return {"flow_run_id": flow_run.get_id(), "keys": publish_llm_usage(project_name, ledger)}


class TestArtifactKey:
    """Artifact keys use only lowercase letters, digits and dashes."""

    def test_underscores_and_capitals_become_dashes_and_lowercase(self) -> None:
        """A project name and suffix with capitals and underscores give a valid key."""
        assert artifact_key("Sales_Report", "llm_usage") == "sales-report-llm-usage"


class TestArtifactPublisher:
    """Publishing happens off the caller's thread; close() is where results and errors land."""

    @pytest.mark.usefixtures("prefect_api")
    def test_artifacts_published_on_the_thread_attach_to_the_flow_run(self) -> None:
        """An artifact published on the background thread belongs to the caller's flow run."""
        outcome = publish_through_the_publisher("publisher-demo")
        assert outcome["keys"] == ["publisher-demo-summary", "publisher-demo-summary-table"]
        (thread,) = outcome["threads"]
        assert thread.startswith("artifacts")
        for key in outcome["keys"]:
            (artifact,) = _artifacts(key)
            assert artifact.flow_run_id == UUID(outcome["flow_run_id"])
        (table,) = _artifacts("publisher-demo-summary-table")
        assert json.loads(str(table.data)) == [{"row": 1}]

    def test_close_waits_for_every_submission_and_returns_keys_in_order(self) -> None:
        """close() returns only when every submitted call has finished, keys in call order."""
        finished: list[str] = []

        def slow(name: str) -> list[str]:
            time.sleep(0.2)
            finished.append(name)
            return [f"{name}-a", f"{name}-b"]

        def fast(name: str) -> list[str]:
            finished.append(name)
            return [name]

        publisher = ArtifactPublisher()
        publisher.submit(slow, "first")
        publisher.submit(fast, "second")
        assert publisher.close() == ["first-a", "first-b", "second"]
        assert finished == ["first", "second"]

    def test_close_reraises_the_first_failure_after_the_rest_ran(self) -> None:
        """The first failure is raised by close(), once every later submission has run too."""
        ran: list[str] = []

        def fails(message: str) -> list[str]:
            ran.append(message)
            raise ValueError(message)

        def succeeds(name: str) -> list[str]:
            time.sleep(0.2)
            ran.append(name)
            return [name]

        publisher = ArtifactPublisher()
        publisher.submit(succeeds, "before")
        publisher.submit(fails, "first failure")
        publisher.submit(fails, "second failure")
        publisher.submit(succeeds, "after")
        with pytest.raises(ValueError, match=r"^first failure$"):
            publisher.close()
        assert ran == ["before", "first failure", "second failure", "after"]

    def test_nothing_can_be_submitted_after_close(self) -> None:
        """close() shuts the thread down: a late submission is refused, not silently lost."""
        publisher = ArtifactPublisher()
        assert publisher.close() == []
        with pytest.raises(RuntimeError, match="shutdown"):
            publisher.submit(lambda: ["late"])


@pytest.mark.usefixtures("prefect_api")
class TestLlmUsageTable:
    """The `-llm-usage` table is the run's ledger: one row per consultation, then the total."""

    def test_rows_follow_the_ledger_in_order_and_end_with_the_total(self) -> None:
        """Each recorded trace is a row in recording order; the last row sums them."""
        ledger = Ledger()
        for agent, trace in zip(
            AGENTS_IN_PIPELINE_ORDER, [MODEL_TRACE, OFFLINE_TRACE, MODEL_TRACE], strict=False
        ):
            ledger.record(agent, trace)
        outcome = publish_usage("usage-demo", ledger)
        assert outcome["keys"] == ["usage-demo-llm-usage"]
        (artifact,) = _artifacts("usage-demo-llm-usage")
        assert artifact.type == "table"
        assert artifact.flow_run_id == UUID(outcome["flow_run_id"])
        rows = json.loads(str(artifact.data))
        assert [row["agent"] for row in rows] == [*AGENTS_IN_PIPELINE_ORDER[:3], "total"]
        assert rows[0]["backend"] == "openai"
        assert rows[0]["source"] == "model"
        assert rows[0]["total_tokens"] == 1540
        assert rows[0]["rejections"] == 2
        assert rows[1]["prompt_tokens"] == 7
        assert rows[-1]["total_tokens"] == 1540 * 2 + 7

    def test_a_model_without_a_listed_price_has_an_unknown_cost(self) -> None:
        """A trace whose cost is unknown makes the total's cost unknown too, never zero."""
        ledger = Ledger()
        ledger.record("analyzer", MODEL_TRACE.model_copy(update={"cost_usd": None}))
        ledger.record("reviewer", OFFLINE_TRACE)
        publish_usage("usage-unpriced", ledger)
        (artifact,) = _artifacts("usage-unpriced-llm-usage")
        rows = json.loads(str(artifact.data))
        assert rows[0]["cost_usd"] == "unknown"
        assert rows[-1]["cost_usd"] == "unknown"


@pytest.mark.usefixtures("prefect_api")
class TestAgentCache:
    """Agent results are cached on their inputs, their task and the code behind them."""

    def test_same_code_is_a_cache_hit_and_changed_code_a_miss(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        import uuid

        import tasks.common

        calls: list[str] = []

        @tasks.common.agent_task("cache-probe", retries=0)
        def probe(word: str) -> str:
            calls.append(word)
            return word.upper()

        @flow
        def run(word: str) -> str:
            return probe(word)

        word = f"w{uuid.uuid4().hex[:8]}"  # result storage outlives sessions: a fresh input
        assert run(word) == run(word) == word.upper()
        assert calls == [word]
        monkeypatch.setattr(tasks.common, "code_version", lambda: "an upgraded agent")
        assert run(word) == word.upper()
        assert calls == [word, word]
