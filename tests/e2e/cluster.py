"""What the scale-out tests share: runs started through the API, waited on, approved, and
what they left behind (task runs, repositories)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterable
from pathlib import Path
from uuid import UUID

import httpx
import psutil
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.objects import FlowRun, StateType, TaskRun
from prefect.deployments import run_deployment
from prefect.exceptions import PrefectHTTPStatusError

from ui.connection import using_api
from ui.runs import resume

FINAL = {StateType.COMPLETED, StateType.FAILED, StateType.CRASHED, StateType.CANCELLED}
POLL_SECONDS = 1.0


def request_for(word: str) -> str:
    """A request whose one entity is ``word``, so each run's repository can be told apart."""
    return f"A {word} catalogue API where each {word} has a name, a code and a rating."


def start_run(api_url: str, *, word: str, name: str) -> UUID:
    """Start ``sdlc-pipeline/default`` through the API and return at once."""
    parameters = {
        "request": request_for(word),
        "project_name": name,
        "project_kind": "rest_api",
        "review_rounds": 0,
        "keep_deployment_running": False,
    }
    with using_api(api_url):
        flow_run = run_deployment("sdlc-pipeline/default", parameters=parameters, timeout=0)
    return flow_run.id


def read_runs(api_url: str, run_ids: Iterable[UUID]) -> dict[UUID, FlowRun]:
    ids = list(run_ids)
    with using_api(api_url), get_client(sync_client=True) as c:
        found = c.read_flow_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=ids)))
    return {run.id: run for run in found}


def _paused_for_approval(run: FlowRun) -> bool:
    state = run.state
    return bool(state and state.type == StateType.PAUSED and state.state_details.run_input_keyset)


def approve_all(api_url: str, run_ids: list[UUID], *, timeout: float) -> dict[UUID, FlowRun]:
    """Approve each run as it reaches the form; return every run once all have ended."""
    approved: set[UUID] = set()
    deadline = time.monotonic() + timeout
    runs: dict[UUID, FlowRun] = {}
    server_errors = 0
    while time.monotonic() < deadline:
        try:
            runs = read_runs(api_url, run_ids)
        except (PrefectHTTPStatusError, httpx.TimeoutException) as error:
            # A server busy with ten runs on one PostgreSQL may fail a read (a 500 seen once in
            # a CI run) or not answer it in time even after the client's own retries (seen with
            # two scale-out tests on two cores): the poll is asked again; the runs' own states
            # still decide the test.
            if isinstance(error, PrefectHTTPStatusError) and error.response.status_code < 500:
                raise
            server_errors += 1
            time.sleep(POLL_SECONDS)
            continue
        for run_id, run in runs.items():
            if run_id not in approved and _paused_for_approval(run):
                with using_api(api_url):
                    resume(run_id, approved=True, reviewer="scale-out", comment="ok")
                approved.add(run_id)
        if len(runs) == len(run_ids) and all(
            run.state and run.state.type in FINAL for run in runs.values()
        ):
            return runs
        time.sleep(POLL_SECONDS)
    states = {str(k)[:8]: (v.state.name if v.state else None) for k, v in runs.items()}
    raise AssertionError(
        f"runs did not all end within {timeout:g} s: {states} ({server_errors} reads failed)"
    )


def task_runs(api_url: str, run_id: UUID) -> list[TaskRun]:
    """The run's task runs, oldest first."""
    with using_api(api_url), get_client(sync_client=True) as c:
        found = c.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id])), limit=200
        )
    return sorted(found, key=lambda task: task.created or 0)  # type: ignore[arg-type,return-value]


def finished_agents(api_url: str, run_id: UUID) -> set[str]:
    """Names of the agent tasks of the run that completed."""
    return {
        task.name.rsplit("-", 1)[0]
        for task in task_runs(api_url, run_id)
        if task.state is not None and task.state.type == StateType.COMPLETED
    }


def wait_until(probe, *, timeout: float, what: str):  # type: ignore[no-untyped-def]
    """Poll ``probe`` until it returns something true; that value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(POLL_SECONDS)
    raise AssertionError(f"{what} did not happen within {timeout:g} s")


def kill_tree(pid: int) -> None:
    """SIGKILL a process and everything it started, as when its machine goes away."""
    parent = psutil.Process(pid)
    family = [*parent.children(recursive=True), parent]
    for process in family:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            continue
    psutil.wait_procs(family, timeout=10)


def repository_files(bare: Path) -> dict[str, str]:
    """Every file on the main branch of a bare repository: path -> text."""
    listing = subprocess.run(
        ["git", "-C", str(bare), "ls-tree", "-r", "--name-only", "main"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    files = {}
    for path in listing:
        shown = subprocess.run(
            ["git", "-C", str(bare), "show", f"main:{path}"],
            capture_output=True,
            check=True,
            timeout=60,
        )
        files[path] = shown.stdout.decode("utf-8", errors="replace")
    return files
