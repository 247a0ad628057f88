"""Deploy a generated web app as a local process and health-check it."""

from __future__ import annotations

import fcntl
import json
import logging
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from core.contracts import DeploymentStatus
from core.errors import InvalidRequest, ToolFailed
from services.processes import (
    DETAIL_CHARS,
    free_port,
    log_tail,
    poll,
    process_alive,
    spawn_detached,
    stop_process,
)
from services.sandbox import Sandbox, scrubbed_environment

logger = logging.getLogger(__name__)

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")
# The kernel hands out ephemeral ports in a large range: a few tries always find one not held.
_PORT_TRIES = 50


@dataclass(frozen=True)
class LocalDeployer:
    """Runs a generated FastAPI app with uvicorn on a free loopback port and health-checks it.

    Attributes:
        state_dir: Where each deployment's ``<name>.json`` (pid, url) and ``<name>.log`` live.
        sandbox: The sandbox whose rules the app runs under (scrubbed environment, no
            credentials); its timeout caps the health-check wait.
        port_source: Proposes a free loopback port; one another deployment holds is skipped.
    """

    state_dir: Path
    sandbox: Sandbox
    port_source: Callable[[], int] = free_port

    def deploy(
        self,
        project_dir: Path,
        *,
        venv: Path,
        name: str,
        health_path: str = "/health",
        keep_running: bool = True,
        timeout: float = 60,
    ) -> DeploymentStatus:
        """Start ``app.main:app`` from ``project_dir`` and wait until ``health_path`` answers.

        A previous deployment under the same ``name`` is stopped first, so re-deploying is
        idempotent.

        Args:
            project_dir: The generated project (contains the ``app`` package).
            venv: The virtual environment with the app's dependencies and uvicorn.
            name: Deployment name, also the name of its state and log files.
            health_path: Path that must answer HTTP 2xx for the app to count as healthy.
            keep_running: Leave the app running after a healthy check (else stop it).
            timeout: Seconds to wait for the health check.

        Returns:
            ``healthy`` with the URL, or ``unhealthy`` with the end of the app's log.
        """
        state_file, log_file = self._paths(name)
        self.stop(name)
        port = self._reserve_port(state_file)
        base_url = f"http://127.0.0.1:{port}"
        log_file.unlink(missing_ok=True)
        argv = [str(venv / "bin" / "python"), "-m", "uvicorn", "app.main:app"]
        argv += ["--host", "127.0.0.1", "--port", str(port)]
        env = scrubbed_environment(venv=venv, extra={"HOME": str(project_dir)})
        try:
            process = spawn_detached(argv, env=env, log_file=log_file, cwd=project_dir)
        except OSError as exc:  # no such interpreter or project directory
            state_file.unlink(missing_ok=True)
            detail = f"The app could not start: {exc}"[:DETAIL_CHARS]
            return DeploymentStatus(target="local", status="unhealthy", url=None, detail=detail)
        state_file.write_text(json.dumps({"pid": process.pid, "url": base_url}))
        logger.info("Started %s (pid %s) at %s", name, process.pid, base_url)
        health_url = base_url + "/" + health_path.lstrip("/")
        problem = _wait_healthy(health_url, process, min(timeout, self.sandbox.timeout))
        if problem:
            self.stop(name)
            detail = f"{problem}\n{log_tail(log_file)}"[:DETAIL_CHARS]
            return DeploymentStatus(target="local", status="unhealthy", url=None, detail=detail)
        if not keep_running:
            self.stop(name)
            detail = f"{health_url} answered; stopped after the check (keep_running=False)."
            return DeploymentStatus(target="local", status="healthy", url=None, detail=detail)
        detail = f"{health_url} answered; running as pid {process.pid}."
        return DeploymentStatus(target="local", status="healthy", url=base_url, detail=detail)

    def stop(self, name: str) -> bool:
        """Stop the deployment ``name`` if it runs; True if a process was stopped."""
        state_file, _ = self._paths(name)
        try:
            pid = int(json.loads(state_file.read_text())["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            return False
        stopped = process_alive(pid, argv_has=["uvicorn"]) and stop_process(pid, grace=5)
        state_file.unlink(missing_ok=True)
        if stopped:
            logger.info("Stopped %s (pid %s)", name, pid)
        return stopped

    def stop_all(self) -> list[str]:
        """Stop every deployment recorded under ``state_dir``; return the stopped names."""
        if not self.state_dir.is_dir():
            return []
        return [path.stem for path in sorted(self.state_dir.glob("*.json")) if self.stop(path.stem)]

    def _reserve_port(self, state_file: Path) -> int:
        """A free loopback port no other deployment of this data home holds, recorded in
        ``state_file`` before the lock is released.

        Concurrent runs (other workers' processes too) deploy at once: between choosing a port
        and the app binding it, another run could choose the same one. The lock and the
        recorded ports close that gap.
        """
        with (self.state_dir / ".ports.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            taken = self._recorded_ports()
            choices = (self.port_source() for _ in range(_PORT_TRIES))
            port = next((p for p in choices if p not in taken), 0)
            if not port:
                raise ToolFailed(f"No free loopback port after {_PORT_TRIES} tries.")
            state_file.write_text(json.dumps({"pid": 0, "url": f"http://127.0.0.1:{port}"}))
        return port

    def _recorded_ports(self) -> set[int]:
        ports = set()
        for path in self.state_dir.glob("*.json"):
            try:
                ports.add(int(json.loads(path.read_text())["url"].rsplit(":", 1)[1]))
            except (OSError, ValueError, KeyError, TypeError, IndexError):
                continue  # a state file being written or removed right now
        return ports

    def _paths(self, name: str) -> tuple[Path, Path]:
        if not _NAME.fullmatch(name):
            raise InvalidRequest(f"The deployment name {name!r} must be letters, digits, - or _.")
        self.state_dir.mkdir(parents=True, exist_ok=True)
        return self.state_dir / f"{name}.json", self.state_dir / f"{name}.log"


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float) -> str:
    """Poll ``url`` until it answers 2xx; return "" then, else one sentence saying why not."""
    last = "no answer"

    def probe() -> str | None:
        """Empty once healthy, why not once the app exited, None while it may still come up."""
        nonlocal last
        code = process.poll()
        if code is not None:
            return f"The app exited with code {code} before {url} answered."
        try:
            response = client.get(url)
        except httpx.HTTPError as exc:
            last = type(exc).__name__
            return None
        if response.is_success:
            return ""
        last = f"HTTP {response.status_code}"
        return None

    with httpx.Client(timeout=2.0) as client:
        problem = poll(
            probe, done=lambda outcome: outcome is not None, timeout=timeout, interval=0.25
        )
    if problem is None:
        return f"{url} did not answer within {timeout:g} s (last: {last})."
    return problem
