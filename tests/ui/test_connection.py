"""Talking to another Prefect server for a while does not take this process's task runs with it."""

from __future__ import annotations

import time
from uuid import UUID

import pytest
from prefect import flow, task
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.objects import TaskRun
from prefect.events import emit_event
from prefect.events.worker import EventsWorker

from services.processes import free_port
from ui.connection import using_api


@task
def _noted() -> int:
    return 1


@flow
def _tiny() -> int:
    return _noted()


def _task_runs_of(flow_run_id: UUID, *, timeout: float = 30.0) -> list[TaskRun]:
    """The flow run's task runs as the server knows them (they arrive as events: poll)."""
    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while True:
            found = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
            )
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.5)


@pytest.mark.usefixtures("prefect_api")
def test_task_runs_still_reach_this_server_after_another_was_used() -> None:
    """Prefect's event service binds to the URL in force when it starts; an event sent while
    the process talked to a server that is gone must not strand later task runs there."""
    EventsWorker.drain_all(timeout=15, at_exit=False)  # as in a fresh process: no service yet
    gone = f"http://127.0.0.1:{free_port()}/api"
    with using_api(gone):
        emit_event("ag2-sdlc.test.elsewhere", resource={"prefect.resource.id": "ag2-sdlc.test"})

    state = _tiny(return_state=True)
    assert state.is_completed()
    flow_run_id = state.state_details.flow_run_id
    assert flow_run_id is not None
    task_runs = _task_runs_of(flow_run_id)
    assert [run.state_name for run in task_runs] == ["Completed"], "the task run never arrived"
