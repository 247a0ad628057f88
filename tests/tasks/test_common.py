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
def publish_usage(project_name: str, traces: list[LLMTrace | None]) -> dict[str, Any]:
    """The pipeline's token-usage table for ``traces``, published inside a flow run."""
    return {"flow_run_id": flow_run.get_id(), "keys": publish_llm_usage(project_name, traces)}


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
    """The `-llm-usage` table has one row per agent, in pipeline order, read from the traces."""

    def test_one_row_per_agent_in_pipeline_order_with_zeros_for_a_missing_trace(self) -> None:
        """Traces fill their agent's row; an agent without a trace gets dashes and zeros."""
        outcome = publish_usage("usage-demo", [MODEL_TRACE, None, OFFLINE_TRACE, None, MODEL_TRACE])
        assert outcome["keys"] == ["usage-demo-llm-usage"]
        (artifact,) = _artifacts("usage-demo-llm-usage")
        assert artifact.type == "table"
        assert artifact.flow_run_id == UUID(outcome["flow_run_id"])
        rows = json.loads(str(artifact.data))
        assert [row["agent"] for row in rows] == AGENTS_IN_PIPELINE_ORDER
        assert rows[0] == {
            "agent": "analyzer",
            "backend": "openai",
            "source": "model",
            "prompt_tokens": 1200,
            "completion_tokens": 340,
            "rejections": 2,
        }
        missing = {
            "backend": "-",
            "source": "-",
            "prompt_tokens": 0,
            "completion_tokens": 0,
            "rejections": 0,
        }
        assert rows[1] == {"agent": "code_generator", **missing}
        assert rows[2]["backend"] == "offline"
        assert rows[2]["prompt_tokens"] == 7
        assert rows[3] == {"agent": "devops", **missing}
        assert rows[4]["rejections"] == 2

    def test_a_trace_list_of_the_wrong_length_publishes_nothing(self) -> None:
        """Four traces for five agents is refused before any table is published."""
        with pytest.raises(ValueError, match="zip"):
            publish_usage("usage-short", [MODEL_TRACE, None, None, None])
        assert _artifacts("usage-short-llm-usage") == []
