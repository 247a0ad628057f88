"""`ag2-sdlc deploy`: work pool, blocks, deployments from prefect.yaml, and a worker."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
from pathlib import Path

from core.errors import ToolFailed
from core.settings import Settings
from ui.automations import HEARTBEAT_SECONDS, ensure_reschedule_automation
from ui.connection import using_api
from ui.pools import ensure_pools, project_config
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


def worker_environment(server_env: dict[str, str], *, result_storage: str = "") -> dict[str, str]:
    """What a process worker of this checkout runs with; its flow runs inherit it."""
    env = {**os.environ, **server_env}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    env.setdefault("PREFECT_WORKER_QUERY_SECONDS", "2")
    # Heartbeats tell the server a run's worker is alive (ui/automations.py reschedules the rest).
    env.setdefault("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", str(HEARTBEAT_SECONDS))
    # Under ten concurrent runs the server on PostgreSQL answered one run's call with a 500 and
    # the run failed (CI, stop 26; Prefect knows deadlocks there: PrefectHQ/prefect#17767,
    # #21791). A failed request's transaction is rolled back, so Prefect's own client retry
    # (with backoff, as for 502/503) sends it again instead of failing the run.
    env.setdefault("PREFECT_CLIENT_RETRY_EXTRA_CODES", "500")
    if result_storage:
        # Prefect's own setting: every persisted result (and cache record) goes to the block.
        env["PREFECT_RESULTS_DEFAULT_STORAGE_BLOCK"] = result_storage
    return env


def deploy(
    settings: Settings,
    server_env: dict[str, str],
    *,
    force: bool = True,
    workers: int = 1,
    worker_limit: int | None = None,
    result_storage: str = "",
) -> list[int]:
    """Create the work pools and the automation that reschedules runs whose worker died,
    register blocks, deploy prefect.yaml, start process workers.

    Args:
        settings: The data home (pid and log files of the workers).
        server_env: The Prefect API to deploy to, usually ``LocalServer.environment()``.
        force: Deploy even when the deployment exists for this checkout (else only start the
            worker if it is not running).
        workers: How many process workers poll the local pool (``worker``, ``worker-2``, ...;
            0: none, the caller starts its own).
        worker_limit: How many runs each worker runs at once (None: the pool's limit only).
        result_storage: A storage block slug (``s3-bucket/NAME``, ``gcs-bucket/NAME``,
            ``azure-blob-storage-container/NAME``) for the workers' task results, so a run
            retried by another worker finds its finished agents' results; "" keeps Prefect's
            local storage.

    Returns:
        The workers' process ids.
    """
    env = worker_environment(server_env, result_storage=result_storage)
    if force or not deployed_from_here():
        with using_api(env["PREFECT_API_URL"]):
            asyncio.run(ensure_pools(project_config()))
            asyncio.run(ensure_reschedule_automation())
        _prefect(["block", "register", "-m", "blocks"], env=env)
        _prefect(["deploy", "--all"], env=env, timeout=300)
        logger.info("Deployed %s from %s", DEPLOYMENT, PROJECT_ROOT / "prefect.yaml")
    names = [f"worker-{number}" if number > 1 else "worker" for number in range(1, workers + 1)]
    api = env["PREFECT_API_URL"]
    return [
        start_worker(
            settings=settings, pool=WORK_POOL, api_url=api, env=env, name=name, limit=worker_limit
        )
        for name in names
    ]
