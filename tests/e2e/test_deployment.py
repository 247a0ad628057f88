"""End to end: a real `prefect server start`, `ag2-sdlc deploy`, a process worker, and
`prefect deployment run 'sdlc-pipeline/default'` approved through the API."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterKey,
    DeploymentFilter,
    DeploymentFilterId,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.client.schemas.sorting import ArtifactSort

from core.settings import Settings
from ui.connection import using_api
from ui.deploy import deploy
from ui.runs import resume
from ui.server import LocalServer, prefect_executable, stop_worker

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def deployed(data_home: Path) -> Iterator[tuple[Settings, dict[str, str]]]:
    """A local server with the project deployed and a worker polling its pool."""
    settings = Settings(home=data_home, server_port=_free_port())
    server = LocalServer(settings)
    server.start(timeout=120)
    env = server.environment()
    try:
        deploy(settings, env)
        yield settings, env
    finally:
        stop_worker(settings)
        server.stop()


def _read(api_url: str, run_id: UUID) -> FlowRun:
    with (
        using_api(api_url),
        get_client(sync_client=True) as client,
    ):
        return client.read_flow_run(run_id)


def _wait(api_url: str, run_id: UUID, accept: set[StateType], timeout: float) -> FlowRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        flow_run = _read(api_url, run_id)
        if flow_run.state is not None and flow_run.state.type in accept:
            return flow_run
        time.sleep(1)
    raise AssertionError(f"run {run_id} never reached {accept}: {flow_run.state}")


def _trigger(env: dict[str, str], name: str, *extra: str) -> UUID:
    """`prefect deployment run 'sdlc-pipeline/default'`, as a user types it."""
    params = [
        "request=A recipe API where recipes have a title, a cuisine and servings.",
        f"project_name={name}",
        "keep_deployment_running=false",
        *extra,
    ]
    argv = [prefect_executable(), "deployment", "run", "sdlc-pipeline/default"]
    for param in params:
        argv += ["-p", param]
    done = subprocess.run(
        argv, env={**os.environ, **env}, capture_output=True, text=True, timeout=120, check=True
    )
    match = re.search(r"UUID:\s*([0-9a-f-]{36})", done.stdout)
    assert match, done.stdout
    return UUID(match.group(1))


def _approve_and_finish(api_url: str, run_id: UUID, *, pause_name: str, comment: str) -> None:
    """Wait for the approval pause, approve through the API, and see the run complete."""
    paused = _wait(api_url, run_id, {StateType.PAUSED, StateType.FAILED, StateType.CRASHED}, 600)
    assert paused.state is not None
    assert paused.state.type == StateType.PAUSED, paused.state
    assert paused.state.name == pause_name, paused.state
    with using_api(api_url):
        resume(run_id, approved=True, reviewer="e2e", comment=comment)
    final = _wait(api_url, run_id, {StateType.COMPLETED, StateType.FAILED, StateType.CRASHED}, 300)
    assert final.state is not None
    assert final.state.type == StateType.COMPLETED, final.state


class TestDeploymentRun:
    def test_deployment_run_pauses_and_completes_after_api_approval(
        self, deployed: tuple[Settings, dict[str, str]]
    ) -> None:
        """A run triggered by `prefect deployment run` waits on the form, then releases."""
        settings, env = deployed
        api_url = env["PREFECT_API_URL"]
        run_id = _trigger(env, "e2e-recipes")
        _approve_and_finish(api_url, run_id, pause_name="Paused", comment="looks good")
        assert (settings.git_remotes_dir / "e2e-recipes.git").is_dir()


class TestSuspendMode:
    def test_suspended_run_frees_the_worker_and_replays_from_cache(
        self, deployed: tuple[Settings, dict[str, str]]
    ) -> None:
        """approval_mode=suspend ends the process at the form; resuming replays and releases."""
        settings, env = deployed
        api_url = env["PREFECT_API_URL"]
        run_id = _trigger(env, "e2e-suspend", "approval_mode=suspend")
        _approve_and_finish(api_url, run_id, pause_name="Suspended", comment="after a break")
        assert (settings.git_remotes_dir / "e2e-suspend.git").is_dir()


class TestCliRun:
    def test_cli_run_approves_waits_and_prints_the_outcome(
        self, deployed: tuple[Settings, dict[str, str]]
    ) -> None:
        """`ag2-sdlc run --approve --wait --json` ends with the project, score and release."""
        _, env = deployed
        done = subprocess.run(
            [
                str(Path(sys.executable).with_name("ag2-sdlc")),
                "run",
                "--text",
                "A recipe API where recipes have a title, a cuisine and servings.",
                "--name",
                "e2e-cli",
                "--approve",
                "--reviewer",
                "cli-tester",
                "--deploy",
                "check",
                "--wait",
                "--json",
                "--timeout",
                "600",
            ],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=700,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        outcome = json.loads(done.stdout)
        assert outcome["status"] == "completed"
        assert Path(outcome["project_path"]).is_dir()
        assert outcome["review"]["code_quality_score"] >= 70
        release = outcome["release"]
        assert release["approval"]["reviewer"] == "cli-tester"
        assert release["git_repository"].endswith("e2e-cli.git")
        assert release["deployment_status"]["status"] == "healthy"
        assert "e2e-cli-analysis" in outcome["artifacts"]


class TestNightlyCsvAnalysis:
    def test_two_deployment_runs_on_a_changed_file_report_the_drift(
        self, deployed: tuple[Settings, dict[str, str]], tmp_path: Path
    ) -> None:
        """`prefect deployment run 'csv-analysis/nightly'` twice: the drift names the change."""
        _, env = deployed
        api_url = env["PREFECT_API_URL"]
        data = tmp_path / "orders.csv"
        data.write_text("order_id,amount,region\n1,10.5,north\n2,12.0,south\n3,11.25,north\n")
        prefect = prefect_executable()
        for _ in range(2):
            done = subprocess.run(
                [prefect, "deployment", "run", "csv-analysis/nightly",
                 "-p", f"csv_location={data}"],
                env={**os.environ, **env}, capture_output=True, text=True, timeout=120,
                check=True,
            )  # fmt: skip
            match = re.search(r"UUID:\s*([0-9a-f-]{36})", done.stdout)
            assert match, done.stdout
            final = _wait(
                api_url,
                UUID(match.group(1)),
                {StateType.COMPLETED, StateType.FAILED, StateType.CRASHED},
                300,
            )
            assert final.state is not None
            assert final.state.type == StateType.COMPLETED, final.state
            data.write_text(
                "order_id,amount,region,coupon\n1,ten,north,A\n2,twelve,south,B\n3,x,west,C\n"
            )
        with (
            using_api(api_url),
            get_client(sync_client=True) as client,
        ):
            drift = client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["csv-orders-drift"])),
                sort=ArtifactSort.CREATED_DESC,
                limit=1,
            )
        assert drift
        assert "Column 'coupon' was added." in str(drift[0].data)
        assert "Column 'amount' changed type" in str(drift[0].data)

    def test_nightly_location_comes_from_the_environment_at_deploy_time(
        self, deployed: tuple[Settings, dict[str, str]]
    ) -> None:
        """prefect.yaml's `{{ $AG2_SDLC_NIGHTLY_CSV }}` was resolved (unset here: empty)."""
        _, env = deployed
        with (
            using_api(env["PREFECT_API_URL"]),
            get_client(sync_client=True) as client,
        ):
            nightly = client.read_deployment_by_name("csv-analysis/nightly")
        assert nightly.parameters["csv_location"] == os.environ.get("AG2_SDLC_NIGHTLY_CSV", "")
        assert [s.schedule.cron for s in nightly.schedules] == ["0 2 * * *"]  # type: ignore[union-attr]

    def test_the_server_schedules_the_nightly_runs(
        self, deployed: tuple[Settings, dict[str, str]]
    ) -> None:
        """The server's scheduler turns the nightly cron into scheduled runs at 02:00 UTC (with
        SQLAlchemy 2.1 under Prefect 3.8 its insert failed and no nightly run ever existed)."""
        _, env = deployed
        deadline = time.monotonic() + 150  # the scheduler's loop runs once a minute
        with using_api(env["PREFECT_API_URL"]), get_client(sync_client=True) as client:
            nightly = client.read_deployment_by_name("csv-analysis/nightly")
            runs: list[FlowRun] = []
            while not runs and time.monotonic() < deadline:
                runs = client.read_flow_runs(
                    deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[nightly.id])),
                    flow_run_filter=FlowRunFilter(
                        state=FlowRunFilterState(type=FlowRunFilterStateType(any_=["SCHEDULED"]))
                    ),
                )
                if not runs:
                    time.sleep(2)
        assert runs, "the scheduler created no scheduled run of csv-analysis/nightly"
        starts = {run.expected_start_time for run in runs if run.expected_start_time}
        assert starts
        assert all((s.hour, s.minute, s.utcoffset()) == (2, 0, timedelta(0)) for s in starts)
