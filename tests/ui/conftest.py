"""One real Prefect server, the project deployed and a process worker, shared by the launcher's
and the REST API's tests (session-scoped: the server takes ~15 s, the deploy ~20 s).

It has its own data home: ``tests/e2e`` runs a server of its own from the session's data home
and stops it when its module ends.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest

from core.settings import Settings
from services.deploy import LocalDeployer
from services.processes import free_port, stop_process
from services.sandbox import Sandbox
from ui.connection import using_api
from ui.deploy import deploy
from ui.server import LocalServer, stop_worker

CLI = Path(sys.executable).with_name("ag2-sdlc")
# A canary: the key must never come back in a response body or the API's log.
API_KEY = "canary-key-7f3e9c1d5b2a4e6f8091"
API_PROJECT = "api-recipes"
RUN_TIMEOUT = 600.0  # seconds a pipeline run may take to reach a state on a busy machine


@dataclass(frozen=True)
class Backend:
    """The running server and how a client process reaches it."""

    settings: Settings
    env: dict[str, str]  # PREFECT_API_URL, PREFECT_UI_URL, PREFECT_HOME, AG2_SDLC_HOME

    @property
    def api_url(self) -> str:
        return self.env["PREFECT_API_URL"]

    def process_env(self, **extra: str) -> dict[str, str]:
        """The environment of a launcher or API subprocess that talks to this server."""
        return {**os.environ, **self.env, **extra}


@pytest.fixture(scope="session")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    settings = Settings(home=tmp_path_factory.mktemp("launcher-home"), server_port=free_port())
    server = LocalServer(settings)
    server.start(timeout=120)
    env = {
        **server.environment(),
        "AG2_SDLC_HOME": str(settings.data_home),
        "AG2_SDLC_SERVER_PORT": str(settings.server_port),
    }
    try:
        deploy(settings, env)  # the worker's flows use this data home too
        yield Backend(settings=settings, env=env)
    finally:
        LocalDeployer(state_dir=settings.deployments_dir, sandbox=Sandbox()).stop_all()
        stop_worker(settings)
        server.stop()


@pytest.fixture
def connected(backend: Backend, monkeypatch: pytest.MonkeyPatch) -> Backend:
    """This process's environment points at the backend (the launcher follows it per rerun)."""
    for name, value in backend.env.items():
        monkeypatch.setenv(name, value)
    return backend


def prefect_in(backend: Backend) -> AbstractContextManager[Any]:
    """A context in which this process's Prefect client (events and logs too) talks to
    ``backend``."""
    return using_api(backend.api_url, backend.env["PREFECT_UI_URL"])


def wait_until(
    check: Callable[[], bool], *, timeout: float = RUN_TIMEOUT, every: float = 1.0
) -> None:
    """Poll ``check`` until it holds; fail the test with the time spent if it never does."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"condition not met within {timeout:.0f} s")
        time.sleep(every)


def pipeline_run_ids(backend: Backend) -> set[UUID]:
    """Every ``sdlc-pipeline`` run on the backend (to tell which ones a test created)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    with prefect_in(backend), get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=["sdlc-pipeline"])), limit=200
        )
    return {run.id for run in runs}


SAMPLE_CSV = (
    "title,author,year,pages,price,genre\n"
    + "\n".join(
        f"Book {i},Author {i % 7},{1950 + (i * 7) % 70},{100 + (i * 37) % 500},"
        f"{'' if i % 10 == 0 else f'{5 + (i * 13) % 40}.99'},"
        f"{('novel', 'essay', 'poetry', 'drama')[i % 4]}"
        for i in range(1, 61)
    )
    + "\n"
)


@pytest.fixture(scope="session")
def sample_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small CSV of books: numeric, categorical and correlated columns for the charts."""
    path = tmp_path_factory.mktemp("csv") / "books.csv"
    path.write_text(SAMPLE_CSV, encoding="utf-8")
    return path


class RestApi:
    """The API subprocess: its base URL, an authenticated client and its log."""

    def __init__(self, base: str, log: Path) -> None:
        self.base = base
        self.log = log
        self.client = httpx.Client(base_url=base, headers={"X-API-Key": API_KEY}, timeout=60)

    def state(self, run_id: str) -> dict[str, Any]:
        response = self.client.get(f"/api/workflow/{run_id}")
        assert response.status_code == 200, response.text
        return dict(response.json())


@pytest.fixture(scope="session")
def api(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RestApi]:
    """`ag2-sdlc api` on a free loopback port with a key and a 1 MB upload limit."""
    port = free_port()
    log = tmp_path_factory.mktemp("api") / "api.log"
    env = backend.process_env(AG2_SDLC_API_KEY=API_KEY, AG2_SDLC_UPLOAD_LIMIT_MB="1")
    argv = [str(CLI), "api", "--port", str(port), "--rate-limit", "100000/minute"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        assert process.poll() is None, log.read_text()
        try:
            return httpx.get(f"{base}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until(healthy, timeout=60, every=0.5)
        yield RestApi(base, log)
    finally:
        stop_process(process.pid, grace=10)
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def released(api: RestApi) -> str:
    """A text request started, approved and released through the API; its workflow id."""
    started = api.client.post(
        "/api/workflow/execute",
        json={"input_type": "text", "input_data": "A recipe API where recipes have a title, a "
              "cuisine and servings.", "project_name": API_PROJECT, "deploy": "none",
              "requested_by": "carol"},
    )  # fmt: skip
    assert started.status_code == 202, started.text
    run_id = str(started.json()["workflow_id"])
    wait_until(lambda: api.state(run_id)["status"] in {"awaiting_approval", "failed"})
    assert api.state(run_id)["status"] == "awaiting_approval"
    approved = api.client.post(
        f"/api/workflow/{run_id}/approve", json={"reviewer": "dana", "comment": "ship it"}
    )
    assert approved.status_code == 200, approved.text
    wait_until(lambda: api.state(run_id)["status"] in {"completed", "failed"}, timeout=300)
    return run_id
