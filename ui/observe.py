"""What the launcher and the REST API show about runs, read from the Prefect API.

Each function reads; none changes a run. The models are the shapes both front ends show (the
REST API returns them as they are).
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterId,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.client.schemas.objects import FlowRun, StateType, TaskRun
from prefect.client.schemas.sorting import ArtifactSort, FlowRunSort, LogSort, TaskRunSort
from pydantic import BaseModel, Field

from ui.runs import is_awaiting_approval, run_url, workflow_status

PIPELINE_FLOW = "sdlc-pipeline"
CSV_FLOW = "csv-analysis"
# Task name -> what the launcher calls the step; the five agents, their repair, the release.
AGENT_LABELS = {
    "fetch-csv": "Fetch CSV",
    "analyzer": "Analyzer & Planner",
    "code-generator": "Code Generator",
    "code-repair": "Code Generator (repair)",
    "reviewer": "Code Reviewer",
    "devops": "DevOps Engineer",
    "validator": "Validator & Release Manager",
    "release": "Release",
    "profile-csv": "Profile CSV",
    "csv-drift": "Drift",
}
_LINK = re.compile(r"^\[(?P<text>.*)\]\((?P<url>[^)]*)\)$", re.DOTALL)


class AgentStep(BaseModel):
    """One agent's task run: its state and how long it took (so far)."""

    agent: str = Field(description="Task name: analyzer, code-generator, reviewer, ...")
    label: str = Field(description="What the launcher calls the step.")
    state: str = Field(description="Prefect state name: Running, Completed, Cached, Failed ...")
    state_type: str = Field(description="Prefect state type.")
    round: int = Field(1, ge=1, description="1 for the first review, 2.. after each repair.")
    started_at: datetime | None = None
    duration_seconds: float | None = Field(None, ge=0)


class LogLine(BaseModel):
    timestamp: datetime
    level: str
    source: str = Field("flow", description="The task run that logged it, or the flow.")
    message: str = Field(max_length=4000)


class ArtifactView(BaseModel):
    """An artifact as a front end renders it: one of markdown, table, link or progress."""

    key: str | None = None
    type: str = Field(description="markdown, table, link, progress or another Prefect type.")
    description: str | None = None
    created: datetime | None = None
    markdown: str | None = None
    table: list[dict[str, Any]] | None = None
    link: str | None = None
    link_text: str | None = None
    progress: float | None = None


class RunSummary(BaseModel):
    workflow_id: str
    name: str
    status: str = Field(description="The seed's status word (running, awaiting_approval, ...).")
    state: str = Field(description="Prefect state name.")
    project_name: str | None = None
    csv_location: str | None = None
    message: str | None = None
    created_at: datetime | None = None
    ui_url: str


def _duration(task_run: TaskRun, now: datetime) -> float | None:
    if task_run.start_time is None:
        return None
    state = task_run.state
    if state is not None and state.is_final():
        return max(task_run.total_run_time.total_seconds(), 0.0)
    return max((now - task_run.start_time).total_seconds(), 0.0)


def agent_steps(run_id: UUID) -> list[AgentStep]:
    """The run's agent task runs in the order they started, with review rounds numbered."""
    with get_client(sync_client=True) as client:
        task_runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id])),
            sort=TaskRunSort.EXPECTED_START_TIME_ASC,
            limit=100,
        )
    now = datetime.now(UTC)
    steps: list[AgentStep] = []
    seen: dict[str, int] = {}
    for task_run in task_runs:
        agent = task_run.name.rsplit("-", 1)[0]
        if agent not in AGENT_LABELS:
            continue  # artifact publishing and other helpers are not agents
        seen[agent] = seen.get(agent, 0) + 1
        state = task_run.state
        steps.append(
            AgentStep(
                agent=agent,
                label=AGENT_LABELS[agent],
                state=state.name if state else "Pending",
                state_type=state.type.value if state else "PENDING",
                round=seen[agent],
                started_at=task_run.start_time,
                duration_seconds=_duration(task_run, now),
            )
        )
    return steps


def run_logs(run_id: UUID, *, limit: int = 200) -> list[LogLine]:
    """The run's newest ``limit`` log lines, oldest first, each named by its task run."""
    run_filter = FlowRunFilter(id=FlowRunFilterId(any_=[run_id]))
    with get_client(sync_client=True) as client:
        logs = client.read_logs(
            log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])),
            sort=LogSort.TIMESTAMP_DESC,
            limit=limit,
        )
        names = {t.id: t.name for t in client.read_task_runs(flow_run_filter=run_filter, limit=200)}
    return [
        LogLine(
            timestamp=log.timestamp,
            level=logging.getLevelName(log.level),
            source=names.get(log.task_run_id, "flow") if log.task_run_id else "flow",
            message=log.message[:4000],
        )
        for log in reversed(logs)
    ]


def _artifact_view(artifact: Any) -> ArtifactView:
    view = ArtifactView(
        key=artifact.key,
        type=artifact.type or "unknown",
        description=artifact.description,
        created=artifact.created,
    )
    data = artifact.data
    # Prefect stores a link artifact as markdown holding nothing but "[text](url)".
    link = _LINK.match(str(data or "")) if view.type in ("markdown", "link") else None
    if link is not None:
        view.type, view.link, view.link_text = "link", link["url"], link["text"]
    elif view.type == "markdown":
        view.markdown = str(data or "")
    elif view.type == "table":
        rows = json.loads(data) if isinstance(data, str) else data
        view.table = [dict(row) for row in rows] if isinstance(rows, list) else []
    elif view.type == "progress":
        view.progress = float(data or 0)
    return view


def run_artifacts(run_id: UUID) -> list[ArtifactView]:
    """Every artifact the run published, oldest first."""
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id])),
            sort=ArtifactSort.CREATED_DESC,
            limit=200,
        )
    # Result records (no key, no type) point at storage, not at anything to show.
    return [_artifact_view(a) for a in reversed(artifacts) if a.type and a.type != "result"]


def approval_summary(run_id: UUID) -> str | None:
    """The markdown the approval form shows (the validator's summary), while it is paused.

    It is read from the run input the Prefect UI's Resume dialog shows, so both agree.
    """
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(run_id)
        if not is_awaiting_approval(flow_run) or flow_run.state is None:
            return None
        keyset = flow_run.state.state_details.run_input_keyset or {}
        if "description" not in keyset:
            return None
        raw = client.read_flow_run_input(run_id, keyset["description"])
    value = json.loads(raw) if raw else None
    return value if isinstance(value, str) else None


def summarize(flow_run: FlowRun) -> RunSummary:
    parameters = flow_run.parameters or {}
    return RunSummary(
        workflow_id=str(flow_run.id),
        name=flow_run.name,
        status=workflow_status(flow_run),
        state=flow_run.state.name if flow_run.state else "Pending",
        project_name=parameters.get("project_name") or None,
        csv_location=parameters.get("csv_location") or None,
        message=flow_run.state.message if flow_run.state else None,
        created_at=flow_run.created,
        ui_url=run_url(flow_run.id),
    )


def recent_runs(
    *, flow: str = PIPELINE_FLOW, limit: int = 20, offset: int = 0
) -> tuple[list[RunSummary], int]:
    """One page of ``flow``'s runs, newest first, and how many there are in all."""
    flow_filter = FlowFilter(name=FlowFilterName(any_=[flow]))
    with get_client(sync_client=True) as client:
        flow_runs = client.read_flow_runs(
            flow_filter=flow_filter,
            sort=FlowRunSort.EXPECTED_START_TIME_DESC,
            limit=limit,
            offset=offset,
        )
        total = client.count_flow_runs(flow_filter=flow_filter)
    return [summarize(flow_run) for flow_run in flow_runs], total


def read_pipeline_run(run_id: UUID) -> FlowRun | None:
    """The flow run if it exists and is a pipeline run, else None."""
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            flow_run = client.read_flow_run(run_id)
            flow = client.read_flow(flow_run.flow_id)
        except ObjectNotFound:
            return None
    return flow_run if flow.name == PIPELINE_FLOW else None


def runs_by_state(flow: str = PIPELINE_FLOW) -> dict[str, int]:
    """How many of ``flow``'s runs are in each Prefect state type."""
    from prefect.client.schemas.filters import FlowRunFilterState, FlowRunFilterStateType

    flow_filter = FlowFilter(name=FlowFilterName(any_=[flow]))
    counts = {}
    with get_client(sync_client=True) as client:
        for state_type in StateType:
            state = FlowRunFilterState(type=FlowRunFilterStateType(any_=[state_type]))
            counts[state_type.value] = client.count_flow_runs(
                flow_filter=flow_filter, flow_run_filter=FlowRunFilter(state=state)
            )
    return counts
