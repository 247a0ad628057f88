"""Start, watch, resume and describe pipeline runs through the Prefect API."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from uuid import UUID

import tenacity
from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.client.schemas.responses import SetStateStatus
from prefect.client.schemas.sorting import TaskRunSort
from prefect.deployments import run_deployment
from prefect.exceptions import PrefectHTTPStatusError
from prefect.settings import PREFECT_UI_URL

from core.contracts import PipelineOutcome, WorkflowState, WorkflowStatus
from core.errors import InvalidRequest
from services import processes

DEPLOYMENT = "sdlc-pipeline/default"
WORK_POOL = "ag2-sdlc-local"
_FINAL = {StateType.COMPLETED, StateType.FAILED, StateType.CRASHED, StateType.CANCELLED}


def run_url(run_id: UUID) -> str:
    """The run's page in the Prefect UI."""
    return f"{str(PREFECT_UI_URL.value()).rstrip('/')}/runs/flow-run/{run_id}"


def start_run(parameters: dict[str, Any]) -> UUID:
    """Create a run of ``sdlc-pipeline/default`` the way ``prefect deployment run`` does."""
    flow_run = run_deployment(DEPLOYMENT, parameters=parameters, timeout=0)
    return flow_run.id  # type: ignore[union-attr]  # timeout=0 returns the FlowRun, not a coroutine


def read_flow_run(run_id: UUID) -> FlowRun:
    with get_client(sync_client=True) as client:
        return client.read_flow_run(run_id)


def is_awaiting_approval(flow_run: FlowRun) -> bool:
    state = flow_run.state
    return bool(state and state.type == StateType.PAUSED and state.state_details.run_input_keyset)


def is_final(flow_run: FlowRun) -> bool:
    return bool(flow_run.state and flow_run.state.type in _FINAL)


def wait_for(
    run_id: UUID, *, until: Callable[[FlowRun], bool], timeout: float, poll: float = 1.0
) -> FlowRun:
    """Poll the run until ``until`` holds, it ends, or ``timeout`` seconds pass."""
    return processes.poll(
        lambda: read_flow_run(run_id),
        done=lambda flow_run: until(flow_run) or is_final(flow_run),
        timeout=timeout,
        interval=poll,
    )


class NotAwaitingApproval(InvalidRequest):
    """The run is not paused on the approval form (running, ended, or unknown state)."""


class _SchemaNotSaved(Exception):
    """The server refused a resume because the form's schema is not saved yet."""


def resume(run_id: UUID, *, approved: bool, reviewer: str, comment: str) -> None:
    """Answer the approval form through the run-input API the Prefect UI's Resume dialog uses.

    Raises:
        NotAwaitingApproval: The run is not paused on the form.
        InvalidRequest: The server refused the answer; the message carries its reason.
    """
    answer = {"approved": approved, "reviewer": reviewer, "comment": comment}
    with get_client(sync_client=True) as client:
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(_SchemaNotSaved),
            stop=tenacity.stop_after_attempt(5),
            wait=tenacity.wait_incrementing(start=0.5, increment=0.5),
            reraise=True,
        )
        try:
            retrying(_resume_once, client, run_id, answer)
        except _SchemaNotSaved as exc:
            raise InvalidRequest(f"The approval was refused: {str(exc).rstrip('.')}.") from None


def _resume_once(client: SyncPrefectClient, run_id: UUID, answer: dict[str, Any]) -> None:
    """One resume. Prefect's client sends a request again after a 503, a read timeout or a
    lost connection, and a resume is not idempotent: a busy server can apply the first while
    its answer never arrives, and the second then finds the run resumed ("Cannot resume a
    flow run that is not paused", seen with ten runs on one PostgreSQL server). The server
    stores the answer with the resume in one transaction, so an answer stored equal to ours
    means the resume was ours."""
    flow_run = client.read_flow_run(run_id)
    if not is_awaiting_approval(flow_run):
        state = flow_run.state.name if flow_run.state else "unknown"
        raise NotAwaitingApproval(f"Run {run_id} is not waiting for approval (it is {state}).")
    result = client.resume_flow_run(run_id, run_input=answer)
    if result.status == SetStateStatus.ACCEPT:
        return
    reason = str(getattr(result.details, "reason", "") or "the server refused it")
    if "not paused" in reason and _recorded(client, flow_run, answer):
        return  # our own resume, applied by a request whose response was lost (see above)
    # The form's schema is saved just after the pause: a resume racing it is refused
    # once with "schema not found" (PrefectHQ/prefect#11905); anything else is final.
    if "schema not found" in reason:
        raise _SchemaNotSaved(reason)
    raise InvalidRequest(f"The approval was refused: {reason.rstrip('.')}.")


def _recorded(client: SyncPrefectClient, flow_run: FlowRun, answer: dict[str, Any]) -> bool:
    """Whether the run's stored answer to the form paused as ``flow_run`` is ``answer``."""
    keyset = flow_run.state.state_details.run_input_keyset if flow_run.state else None
    if not keyset:
        return False
    try:
        stored = client.read_flow_run_input(flow_run.id, keyset["response"])
    except PrefectHTTPStatusError as error:
        if error.response.status_code == 404:  # no answer stored: the resume was not ours
            return False
        raise
    return bool(json.loads(stored) == answer)


def workflow_status(flow_run: FlowRun) -> WorkflowStatus:
    """The seed's status word for a flow run's Prefect state."""
    state = flow_run.state
    if state is None:
        return "pending"
    if state.type == StateType.PAUSED:
        return "awaiting_approval" if state.state_details.run_input_keyset else "pending"
    if state.type == StateType.FAILED and (state.message or "").startswith("Rejected by"):
        return "rejected"
    return {
        StateType.SCHEDULED: "pending",
        StateType.PENDING: "pending",
        StateType.RUNNING: "running",
        StateType.COMPLETED: "completed",
        StateType.FAILED: "failed",
        StateType.CRASHED: "failed",
        StateType.CANCELLED: "cancelled",
        StateType.CANCELLING: "cancelled",
    }[state.type]  # type: ignore[return-value]  # every value is a WorkflowStatus literal


def workflow_state(run_id: UUID) -> WorkflowState:
    """The run as the seed's ``WorkflowState``, read back from the API."""
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(run_id)
        run_filter = FlowRunFilter(id=FlowRunFilterId(any_=[run_id]))
        tasks = client.read_task_runs(
            flow_run_filter=run_filter, sort=TaskRunSort.EXPECTED_START_TIME_DESC, limit=50
        )
        artifacts = client.read_artifacts(flow_run_filter=run_filter)
    outcome: PipelineOutcome | None = None
    if flow_run.state is not None and flow_run.state.is_completed():
        value = flow_run.state.result(raise_on_failure=False)
        if isinstance(value, PipelineOutcome):
            outcome = value
    status = workflow_status(flow_run)
    # Task runs are named "<task>-<suffix>"; the newest one is the agent at work.
    current = tasks[0].name.rsplit("-", 1)[0] if status == "running" and tasks else None
    parameters = flow_run.parameters or {}
    return WorkflowState(
        workflow_id=str(run_id),
        status=status,
        current_agent=current,
        state_message=flow_run.state.message if flow_run.state else None,
        project_name=(outcome.project_name if outcome else parameters.get("project_name")) or None,
        project_path=outcome.project_path if outcome else None,
        ui_url=run_url(run_id),
        artifacts=sorted({a.key for a in artifacts if a.key}),
        analysis=outcome.analysis if outcome else None,
        generated_code=outcome.generated_code if outcome else None,
        review=outcome.review if outcome else None,
        deployment=outcome.deployment if outcome else None,
        validation=outcome.validation if outcome else None,
        release=outcome.release if outcome else None,
        created_at=flow_run.created,
        updated_at=flow_run.updated,
    )
