"""LocalServer and the process worker: a real `prefect server start` on a free loopback port."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core.errors import ToolFailed
from core.settings import Settings
from services.processes import free_port, process_alive
from ui.server import LocalServer, start_worker, stop_worker


def server_processes(port: int) -> list[int]:
    """Pids of `prefect server start` processes listening on ``port`` (by command line)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"server" in argv and b"start" in argv and str(port).encode() in argv:
            found.append(int(proc.name))
    return found


@pytest.fixture
def bystander() -> Iterator[subprocess.Popen[bytes]]:
    """A session-leading process that is not ours to stop: pid reuse in a stale pid file."""
    process = subprocess.Popen(["sleep", "60"], start_new_session=True)
    yield process
    process.kill()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalServer, str]]:
    """One real server for the whole module, stopped (with any worker) at the end."""
    settings = Settings(home=tmp_path_factory.mktemp("home"), server_port=free_port())
    server = LocalServer(settings)
    try:
        url = server.start(timeout=90)
        yield server, url
    finally:
        stop_worker(settings, grace=5)
        server.stop()


@pytest.mark.e2e
class TestRunningServer:
    """A started server is healthy, local to the data home, and started only once."""

    def test_start_returns_a_healthy_loopback_api(self, started: tuple[LocalServer, str]) -> None:
        """The URL is on 127.0.0.1 at the configured port and its /health answers 200."""
        server, url = started
        status = server.status()

        assert url == f"http://127.0.0.1:{server.settings.server_port}/api"
        assert status.running
        assert status.healthy
        assert status.api_url == url
        assert status.pid is not None
        assert httpx.get(f"{url}/health", timeout=5).status_code == 200

    def test_database_and_logs_live_under_the_data_home(
        self, started: tuple[LocalServer, str]
    ) -> None:
        """SQLite, pid file and log are written below the data home, nowhere else."""
        server, _ = started
        home = server.settings.data_home

        assert (home / "prefect" / "prefect.db").is_file()
        assert (home / "server.pid").read_text().strip() == str(server.status().pid)
        assert (home / "server.log").is_file()

    def test_ui_is_told_the_same_port(self, started: tuple[LocalServer, str]) -> None:
        """The UI's settings point it at this server's API, not at the default port 4200."""
        server, url = started
        answer = httpx.get(f"{server.ui_url}/ui-settings", timeout=5)

        assert answer.status_code == 200
        assert answer.json()["api_url"] == url

    def test_second_start_reuses_the_running_server(self, started: tuple[LocalServer, str]) -> None:
        """Starting again returns the same URL and pid without spawning another server."""
        server, url = started
        pid = server.status().pid

        assert server.start(timeout=10) == url
        assert server.status().pid == pid
        assert server_processes(server.settings.server_port) == [pid]

    def test_environment_points_clients_at_this_server(
        self, started: tuple[LocalServer, str]
    ) -> None:
        """The client environment names this API, UI and Prefect home."""
        server, url = started
        env = server.environment()

        assert env["PREFECT_API_URL"] == url
        assert env["PREFECT_UI_URL"] == server.ui_url
        assert env["PREFECT_HOME"] == str(server.settings.data_home / "prefect")


@pytest.mark.e2e
class TestWorker:
    """The process worker registers its pool with the server and stops on request."""

    def test_worker_creates_its_pool_and_stops(self, started: tuple[LocalServer, str]) -> None:
        """A started worker makes the pool appear in the API; stop_worker ends the process."""
        server, url = started
        pid = start_worker(
            settings=server.settings, pool="test-pool", api_url=url, env=server.environment()
        )
        try:
            assert (
                start_worker(
                    settings=server.settings,
                    pool="test-pool",
                    api_url=url,
                    env=server.environment(),
                )
                == pid
            )
            deadline = time.monotonic() + 60
            while httpx.get(f"{url}/work_pools/test-pool", timeout=5).status_code != 200:
                assert process_alive(pid), (server.settings.data_home / "worker.log").read_text()
                assert time.monotonic() < deadline, "the worker never created its pool"
                time.sleep(0.5)
            pool = httpx.get(f"{url}/work_pools/test-pool", timeout=5).json()
            assert pool["type"] == "process"
        finally:
            stopped = stop_worker(server.settings, grace=15)

        assert stopped is True
        assert not process_alive(pid)
        assert stop_worker(server.settings) is False


@pytest.mark.e2e
class TestStop:
    """Stopping ends the server process; this class runs last in the module."""

    def test_stop_ends_the_process_and_status_follows(
        self, started: tuple[LocalServer, str]
    ) -> None:
        """After stop() the pid is gone, status is not running, and a second stop is a no-op."""
        server, url = started
        pid = server.status().pid
        assert pid is not None

        assert server.stop() is True

        assert not process_alive(pid)
        assert server_processes(server.settings.server_port) == []
        status = server.status()
        assert not status.running
        assert not status.healthy
        assert status.pid is None
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{url}/health", timeout=5)
        assert server.stop() is False


class TestWithoutServer:
    """What the server manager does before anything is started."""

    def test_port_taken_by_another_program_fails_in_one_sentence(self, tmp_path: Path) -> None:
        """A foreign listener on the port raises ToolFailed naming the port, spawning nothing."""
        with socket.socket() as squatter:
            squatter.bind(("127.0.0.1", 0))
            squatter.listen()
            port = squatter.getsockname()[1]
            server = LocalServer(Settings(home=tmp_path, server_port=port))

            with pytest.raises(ToolFailed, match=f"Port {port} on 127.0.0.1 is used by another"):
                server.start(timeout=5)

        assert not (tmp_path / "server.pid").exists()

    def test_stale_pid_file_is_not_a_running_server(
        self, tmp_path: Path, bystander: subprocess.Popen[bytes]
    ) -> None:
        """A pid file naming another program's process reads as not running and is not killed."""
        (tmp_path / "server.pid").write_text(f"{bystander.pid}\n")
        server = LocalServer(Settings(home=tmp_path, server_port=free_port()))

        status = server.status()

        assert not status.running
        assert status.pid is None
        assert server.stop() is False
        assert bystander.poll() is None
        assert not (tmp_path / "server.pid").exists()

    def test_stale_worker_pid_file_is_not_a_running_worker(
        self, tmp_path: Path, bystander: subprocess.Popen[bytes]
    ) -> None:
        """stop_worker leaves a foreign process alone even if worker.pid names it."""
        (tmp_path / "worker.pid").write_text(f"{bystander.pid}\n")

        assert stop_worker(Settings(home=tmp_path), grace=1) is False
        assert bystander.poll() is None
