"""A pipeline run in a background thread, and what the tests read back about it."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path
from typing import Any

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId, FlowRunFilterName
from prefect.client.schemas.objects import FlowRun, StateType

from core.contracts import PipelineRequest
from core.settings import get_settings
from flows.sdlc import sdlc_pipeline
from flows.stages import workspace_for

REQUEST = "A library API where books have a title, an author and a publication year."


class Run:
    """A pipeline run executing in a background thread, found through the API by its name."""

    def __init__(self, **parameters: Any) -> None:
        self.name = f"test-{uuid.uuid4().hex[:10]}"
        self.result: Any = None
        flow = sdlc_pipeline.with_options(flow_run_name=self.name)
        self.thread = threading.Thread(
            target=lambda: setattr(self, "result", flow(**parameters, return_state=True)),
            daemon=True,
        )
        self.thread.start()

    def flow_run(self) -> FlowRun | None:
        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs(
                flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[self.name]))
            )
        return runs[0] if runs else None

    def wait_paused(self, timeout: float = 700) -> FlowRun:
        """The run once it waits on its approval form. Alone a run gets there in 1-2 minutes;
        beside the ten-run scale-out test in the other xdist process one took over 400 s (a
        clean-clone run: the DevOps and validator agents alone took five minutes)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            run = self.flow_run()
            keyset = run and run.state and run.state.state_details.run_input_keyset
            if run and run.state and run.state.type == StateType.PAUSED and keyset:
                return run
            assert self.thread.is_alive(), f"flow ended before pausing: {self.result}"
            time.sleep(0.5)
        raise AssertionError("the run never paused for approval")

    def finish(self, timeout: float = 300) -> Any:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the flow did not finish"
        return self.result


def artifact_keys(run_id: uuid.UUID) -> set[str]:
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id]))
        )
    return {a.key for a in artifacts if a.key}


def published(name: str) -> bool:
    return (get_settings().git_remotes_dir / f"{name}.git").exists()


def workspace_root(name: str, text: str = REQUEST) -> Path:
    return workspace_for(PipelineRequest.from_inputs(text=text, name=name)).root
