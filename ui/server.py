"""A local Prefect server and process worker, run in the background for ``ag2-sdlc server``.

Both live under the data home: ``server.pid``/``server.port``/``server.log`` and
``worker.pid``/``worker.log``; the server's SQLite database is ``prefect/prefect.db``. The server
binds 127.0.0.1 only: its API hands out block secrets to anyone who can reach it.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

from core.errors import ToolFailed
from core.settings import Settings
from services.database import parse_database_url, redacted, scrub
from services.processes import log_tail, poll, process_alive, spawn_detached, stop_process

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
# Arguments that identify our processes when a pid file is read back.
_SERVER_ARGS = ("server", "start")
_WORKER_ARGS = ("worker", "start")


def prefect_executable() -> str:
    """The ``prefect`` command installed next to this interpreter."""
    return str(Path(sys.executable).parent / "prefect")


@dataclass(frozen=True)
class ServerStatus:
    """What ``LocalServer.status`` found."""

    running: bool  # a server started from this data home is alive
    pid: int | None
    api_url: str  # http://127.0.0.1:PORT/api
    ui_url: str
    healthy: bool  # GET {api_url}/health answered 200
    database: str  # the database URL the server was started with, password hidden


@dataclass(frozen=True)
class LocalServer:
    """The ``prefect server start`` process for one data home, on 127.0.0.1.

    Attributes:
        settings: Gives the data home and the port; a running server keeps the port it was
            started with (recorded in ``server.port``).
    """

    settings: Settings

    @property
    def pid_file(self) -> Path:
        return self.settings.data_home / "server.pid"

    @property
    def log_file(self) -> Path:
        return self.settings.data_home / "server.log"

    @property
    def port(self) -> int:
        try:
            return int((self.settings.data_home / "server.port").read_text())
        except (OSError, ValueError):
            return self.settings.server_port

    @property
    def ui_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.ui_url}/api"

    def environment(self) -> dict[str, str]:
        """Variables a client process (CLI, flow, worker) needs to talk to this server."""
        return {
            "PREFECT_API_URL": self.api_url,
            "PREFECT_UI_URL": self.ui_url,
            "PREFECT_HOME": str(self.settings.prefect_home),
        }

    @property
    def database_url(self) -> str:
        """The server's database: ``database_url`` from settings, else SQLite in the data home."""
        given = self.settings.database_url
        if given is not None:
            return given.get_secret_value()
        return f"sqlite+aiosqlite:///{self.settings.prefect_home / 'prefect.db'}"

    def _server_environment(self, port: int) -> dict[str, str]:
        home = self.settings.prefect_home
        api_url = f"http://{HOST}:{port}/api"
        env = dict(os.environ)
        env.update(
            PREFECT_HOME=str(home),
            PREFECT_API_URL=api_url,
            PREFECT_UI_URL=f"http://{HOST}:{port}",
            # Host and port in the environment, not only as flags: the UI reads them from here.
            PREFECT_SERVER_API_HOST=HOST,
            PREFECT_SERVER_API_PORT=str(port),
            PREFECT_SERVER_UI_API_URL=api_url,
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            PREFECT_API_DATABASE_CONNECTION_URL=self.database_url,
        )
        return env

    def status(self) -> ServerStatus:
        """Whether our server runs and answers its health check."""
        pid = _read_pid(self.pid_file)
        running = pid is not None and process_alive(pid, argv_has=_SERVER_ARGS)
        api_url = self.api_url
        return ServerStatus(
            running=running,
            pid=pid if running else None,
            api_url=api_url,
            ui_url=self.ui_url,
            healthy=running and _healthy(api_url),
            database=_read_text(self.settings.data_home / "server.database"),
        )

    def start(self, *, timeout: float = 60) -> str:
        """Start the server unless ours already runs; wait until it is healthy.

        Args:
            timeout: Seconds to wait for ``/health`` (9-20 s on a fresh database).

        Returns:
            The API URL, ``http://127.0.0.1:PORT/api``.

        Raises:
            ToolFailed: The port is taken by another program, or the server did not get healthy.
        """
        url = parse_database_url(self.database_url)  # a bad URL: one sentence, nothing started
        current = self.status()
        if current.healthy:
            return current.api_url
        # Ours but not answering yet means still starting: wait for it, never spawn a second.
        pid = current.pid if current.running and current.pid is not None else self._spawn()
        problem = _wait_healthy(self.api_url, pid, timeout)
        if problem:
            self.stop()
            tail = scrub(self._tail(), url)  # a driver's error may quote the URL
            raise ToolFailed(f"The Prefect server did not get healthy ({problem}): {tail}")
        return self.api_url

    def _spawn(self) -> int:
        self._forget()
        port = self.settings.server_port
        _ensure_port_free(port)
        self.settings.prefect_home.mkdir(parents=True, exist_ok=True)
        argv = ["server", "start", "--host", HOST, "--port", str(port)]
        process = _spawn_prefect(argv, env=self._server_environment(port), log=self.log_file)
        self.pid_file.write_text(f"{process.pid}\n")
        (self.settings.data_home / "server.port").write_text(f"{port}\n")
        database = redacted(parse_database_url(self.database_url))
        (self.settings.data_home / "server.database").write_text(f"{database}\n")
        logger.info("Started the Prefect server (pid %s) on %s, %s", process.pid, port, database)
        return process.pid

    def stop(self) -> bool:
        """Stop the server this data home's pid file names; True if one was running."""
        pid = _read_pid(self.pid_file) or 0
        stopped = process_alive(pid, argv_has=_SERVER_ARGS) and stop_process(pid, grace=15)
        self._forget()
        if stopped:
            logger.info("Stopped the Prefect server (pid %s)", pid)
        return stopped

    def _tail(self) -> str:
        """The log's last error line (not the traceback frames) and where the log is."""
        lines = log_tail(self.log_file, limit=2000).splitlines() or ["no output"]
        last = next((line for line in reversed(lines) if "rror" in line), lines[-1])
        return f"{last.strip()[:300]} (log: {self.log_file})"

    def _forget(self) -> None:
        self.pid_file.unlink(missing_ok=True)
        (self.settings.data_home / "server.port").unlink(missing_ok=True)
        (self.settings.data_home / "server.database").unlink(missing_ok=True)


def start_worker(
    *,
    settings: Settings,
    pool: str,
    api_url: str,
    env: dict[str, str],
    name: str = "worker",
    limit: int | None = None,
) -> int:
    """Start ``prefect worker start --pool POOL --type process`` in the background (idempotent).

    Args:
        settings: Gives the data home for the pid and log files.
        pool: The work pool; the worker creates it if missing.
        api_url: The Prefect API the worker polls.
        env: Extra variables, usually ``LocalServer.environment()``.
        name: The worker's name, also of its ``NAME.pid`` and ``NAME.log`` in the data home;
            several workers of one pool need several names.
        limit: How many flow runs this worker runs at once (None: no limit of its own).

    Returns:
        The worker's process id.
    """
    pid_file = settings.data_home / f"{name}.pid"
    pid = _read_pid(pid_file)
    if pid is not None and process_alive(pid, argv_has=_WORKER_ARGS):
        return pid
    argv = ["worker", "start", "--pool", pool, "--type", "process", "--name", name]
    if limit is not None:
        argv += ["--limit", str(limit)]
    env = {**os.environ, **env, "PREFECT_API_URL": api_url}
    process = _spawn_prefect(argv, env=env, log=settings.data_home / f"{name}.log")
    pid_file.write_text(f"{process.pid}\n")
    logger.info("Started worker %s for pool %s (pid %s)", name, pool, process.pid)
    return process.pid


def stop_worker(settings: Settings, *, name: str = "worker", grace: float = 20) -> bool:
    """Stop ``start_worker``'s worker: SIGINT (it ignores SIGTERM), then SIGKILL; True if it ran."""
    pid_file = settings.data_home / f"{name}.pid"
    pid = _read_pid(pid_file) or 0
    stopped = process_alive(pid, argv_has=_WORKER_ARGS) and stop_process(
        pid, first_signal=signal.SIGINT, grace=grace
    )
    pid_file.unlink(missing_ok=True)
    return stopped


def _spawn_prefect(args: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    try:
        return spawn_detached([prefect_executable(), *args], env=env, log_file=log)
    except OSError as exc:
        raise ToolFailed(f"Could not run {prefect_executable()}: {exc.strerror}.") from exc


def _read_text(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def _read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def _healthy(api_url: str) -> bool:
    try:
        return httpx.get(f"{api_url}/health", timeout=2.0).status_code == httpx.codes.OK
    except httpx.HTTPError:
        return False


def _wait_healthy(api_url: str, pid: int, timeout: float) -> str:
    """Poll ``/health`` until it answers; return "" then, else the reason in a few words."""

    def probe() -> str | None:
        if not process_alive(pid):
            return "it exited"
        return "" if _healthy(api_url) else None

    problem = poll(probe, done=lambda outcome: outcome is not None, timeout=timeout, interval=0.5)
    return f"no answer within {timeout:g} s" if problem is None else problem


def _ensure_port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # Same option uvicorn sets, so a port in TIME_WAIT does not count as taken.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            raise ToolFailed(
                f"Port {port} on {HOST} is used by another program; "
                "set AG2_SDLC_SERVER_PORT to a free port."
            ) from exc
