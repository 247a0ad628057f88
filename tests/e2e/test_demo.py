"""`make demo` (``python -m ui.demo``), the README's first command, from a data home and a
server port of its own: it starts the local Prefect server, deploys, runs the sample request,
approves it and reports a completed run with a healthy deployment."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from services.processes import free_port
from tests.servers import REPO_ROOT
from ui.demo import SAMPLE_NAME

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]


def _reported(output: str) -> dict[str, str]:
    """The demo's closing lines ("Status:     completed") by their label."""
    return {
        match["label"]: match["value"]
        for match in re.finditer(r"^(?P<label>[A-Z][a-z]+):\s+(?P<value>.+)$", output, re.M)
    }


def test_make_demo_runs_the_sample_request_to_a_healthy_deployment(tmp_path: Path) -> None:
    """The demo ends with exit code 0, a completed run, the reviewer's approval, a repository
    and an app that answers, all under its own data home."""
    home = tmp_path / "home"
    # Nothing of the test session's Prefect settings: the demo starts and uses its own server.
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    env.update(
        AG2_SDLC_HOME=str(home),
        AG2_SDLC_SERVER_PORT=str(free_port()),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
    )
    try:
        done = subprocess.run(
            [sys.executable, "-m", "ui.demo"],
            env=env,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=840,
            check=False,
        )
    finally:
        stop = [str(Path(sys.executable).with_name("ag2-sdlc")), "server", "stop"]
        subprocess.run(stop, env=env, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    reported = _reported(done.stdout)
    assert reported["Status"] == "completed"
    assert reported["Approval"].startswith("demo at ")
    assert reported["Repository"].startswith(f"file://{home}/git/{SAMPLE_NAME}.git (")
    assert re.fullmatch(r"healthy at http://127\.0\.0\.1:\d+", reported["Deployment"])
    assert Path(reported["Project"]).is_relative_to(home)
    assert (Path(reported["Project"]) / "README.md").is_file()
    assert f"{SAMPLE_NAME}-release" in reported["Artifacts"].split(", ")
