"""Deploy a generated web app as a local process and health-check it."""

from __future__ import annotations

import json
import logging
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import httpx

from core.contracts import DeploymentStatus
from core.errors import InvalidRequest
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


@dataclass(frozen=True)
class LocalDeployer:
    """Runs a generated FastAPI app with uvicorn on a free loopback port and health-checks it.

    Attributes:
        state_dir: Where each deployment's ``<name>.json`` (pid, url) and ``<name>.log`` live.
        sandbox: The sandbox whose rules the app runs under (scrubbed environment, no
            credentials); its timeout caps the health-check wait.
    """

    state_dir: Path
    sandbox: Sandbox

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
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        log_file.unlink(missing_ok=True)
        argv = [str(venv / "bin" / "python"), "-m", "uvicorn", "app.main:app"]
        argv += ["--host", "127.0.0.1", "--port", str(port)]
        env = scrubbed_environment(venv=venv, extra={"HOME": str(project_dir)})
        try:
            process = spawn_detached(argv, env=env, log_file=log_file, cwd=project_dir)
        except OSError as exc:  # no such interpreter or project directory
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
