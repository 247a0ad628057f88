"""`ag2-sdlc deploy`: work pool, blocks, deployments from prefect.yaml, and a worker."""

from __future__ import annotations

import json
import logging
import os
import subprocess
from pathlib import Path

from core.errors import ToolFailed
from core.settings import Settings
from ui.server import prefect_executable, start_worker

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
WORK_POOL = "ag2-sdlc-local"
DEPLOYMENT = "sdlc-pipeline/default"


def _prefect(args: list[str], *, env: dict[str, str], timeout: float = 180) -> str:
    done = subprocess.run(  # noqa: S603 - our own prefect executable, argv list
        [prefect_executable(), "--no-prompt", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise ToolFailed(f"`prefect {' '.join(args)}` failed: {' '.join(tail)}")
    return done.stdout


def deployed_from_here(name: str = DEPLOYMENT) -> bool:
    """Whether ``name`` exists and its workers load the flows from this checkout."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            deployment = client.read_deployment_by_name(name)
        except ObjectNotFound:
            return False
    return str(PROJECT_ROOT) in json.dumps(deployment.pull_steps or [])


def deploy(settings: Settings, server_env: dict[str, str], *, force: bool = True) -> int:
    """Create the work pool, register blocks, deploy prefect.yaml, start a worker.

    Returns the worker's process id. With ``force=False`` the deploy steps are skipped when
    the deployment already exists for this checkout (the worker is still started if it is not
    running).
    """
    env = {**os.environ, **server_env}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    env.setdefault("PREFECT_WORKER_QUERY_SECONDS", "2")
    if force or not deployed_from_here():
        pools = _prefect(["work-pool", "ls"], env=env)
        if WORK_POOL not in pools:
            _prefect(["work-pool", "create", WORK_POOL, "--type", "process"], env=env)
        _prefect(["block", "register", "-m", "blocks"], env=env)
        _prefect(["deploy", "--all"], env=env, timeout=300)
        logger.info("Deployed %s from %s", DEPLOYMENT, PROJECT_ROOT / "prefect.yaml")
    return start_worker(settings=settings, pool=WORK_POOL, api_url=env["PREFECT_API_URL"], env=env)
