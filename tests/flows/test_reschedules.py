"""The cap on automatic reschedules (flows/reschedules.py), on a real Prefect API.

Each test gives a flow run the state history a worker's deaths leave (Running, then
``Rescheduled`` by the automation, Pending, Running ...) and starts it the way a worker does
(``prefect.flow_engine.run_flow`` on the existing run).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from prefect import Flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import FlowRun
from prefect.flow_engine import run_flow
from prefect.states import Pending, Running, Scheduled, State

from core.settings import get_settings
from flows.csv_analysis import csv_analysis
from flows.reschedules import MAX_RESCHEDULES, RESCHEDULED, reschedules_in_a_row
from flows.sdlc import sdlc_pipeline

pytestmark = [pytest.mark.usefixtures("prefect_api"), pytest.mark.timeout(300)]


def _run_with_history(
    flow: Flow[..., Any], parameters: dict[str, Any], history: list[str]
) -> tuple[State[Any], FlowRun]:
    """A run of ``flow`` whose worker died ``history.count(RESCHEDULED)`` times (each name in
    ``history`` is a Scheduled state: the automation's or a person's retry), then started."""
    with get_client(sync_client=True) as client:
        run = client.create_flow_run(flow, parameters=parameters)
        for name in history:
            client.set_flow_run_state(run.id, Pending(), force=True)
            client.set_flow_run_state(run.id, Running(), force=True)
            client.set_flow_run_state(run.id, Scheduled(name=name), force=True)
        run = client.read_flow_run(run.id)
    state = run_flow(flow, flow_run=run, parameters=parameters, return_type="state")
    return state, run  # type: ignore[return-value]


@pytest.fixture
def small_csv(tmp_path: Path) -> Path:
    path = tmp_path / "lakes.csv"
    path.write_text("name,depth_m\nBaikal,1642\nTanganyika,1470\nCaspian,1025\n")
    return path


def test_a_run_rescheduled_up_to_the_cap_still_runs(small_csv: Path) -> None:
    state, _ = _run_with_history(
        csv_analysis, {"csv_location": str(small_csv)}, [RESCHEDULED] * MAX_RESCHEDULES
    )
    assert state.is_completed(), state.message


def test_one_reschedule_too_many_fails_at_once_with_one_sentence(small_csv: Path) -> None:
    """The CSV analysis is refused before it reads its file; the pipeline before it touches a
    workspace."""
    state, run = _run_with_history(
        csv_analysis, {"csv_location": str(small_csv)}, [RESCHEDULED] * (MAX_RESCHEDULES + 1)
    )
    assert state.is_failed()
    assert state.message == (
        f"This run lost its worker {MAX_RESCHEDULES + 1} times in a row and is not started "
        "again automatically: look at the workers' logs and the machine, then retry it from "
        "the UI."
    )
    with get_client(sync_client=True) as client:
        assert not client.read_task_runs(flow_run_filter=_only(run))  # the file was not read

    state, run = _run_with_history(
        sdlc_pipeline,
        {"request": "A todo API with tasks.", "project_name": "never-built"},
        [RESCHEDULED] * (MAX_RESCHEDULES + 1),
    )
    assert state.is_failed()
    assert "lost its worker" in str(state.message)
    assert not list(get_settings().workspaces_dir.glob("never-built-*"))


def test_a_persons_retry_starts_the_count_again(small_csv: Path) -> None:
    """After the cap, a person's Retry (a Scheduled state of another name) runs it again."""
    history = [RESCHEDULED] * (MAX_RESCHEDULES + 1) + ["AwaitingRetry"]
    state, run = _run_with_history(csv_analysis, {"csv_location": str(small_csv)}, history)
    assert state.is_completed(), state.message
    with get_client(sync_client=True) as client:
        assert reschedules_in_a_row(client.read_flow_run_states(run.id)) == 0


def _only(run: FlowRun) -> Any:
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    return FlowRunFilter(id=FlowRunFilterId(any_=[run.id]))
