"""Scale-out on Prefect's own engine: `ag2-sdlc server start --database postgresql+asyncpg://...`
on a real PostgreSQL 15, process workers of one pool, task results in an S3 bucket (moto).

One cluster per module (PostgreSQL, server, moto, the deployment); each test starts the workers
it needs and stops them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import StateType

from core.settings import Settings
from services.processes import free_port
from tests.e2e.cluster import (
    approve_all,
    finished_agents,
    kill_tree,
    read_runs,
    repository_files,
    request_for,
    start_run,
    task_runs,
    wait_until,
)
from tests.postgres import Postgres, postgres_cluster
from tests.servers import moto_bucket
from ui.connection import using_api
from ui.deploy import deploy, worker_environment
from ui.server import LocalServer, start_worker, stop_worker

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1200)]

BUCKET = "ag2-sdlc-results"
RESULT_STORAGE = f"s3-bucket/{BUCKET}"
CLI = str(Path(sys.executable).with_name("ag2-sdlc"))
WORDS = [
    "telescope",
    "glacier",
    "violin",
    "lighthouse",
    "cactus",
    "submarine",
    "volcano",
    "meteorite",
    "tugboat",
    "pyramid",
]


@dataclass(frozen=True)
class Cluster:
    settings: Settings
    env: dict[str, str]  # what a client or worker needs to reach the server
    postgres: Postgres
    s3: object  # boto3 S3 client on moto

    @property
    def api_url(self) -> str:
        return self.env["PREFECT_API_URL"]

    def worker(self, name: str, *, limit: int | None = None, **extra: str) -> int:
        env = {**worker_environment(self.env, result_storage=RESULT_STORAGE), **extra}
        pool, api = "ag2-sdlc-local", self.api_url
        return start_worker(
            settings=self.settings, pool=pool, api_url=api, env=env, name=name, limit=limit
        )


@pytest.fixture(scope="module")
def cluster(data_home: Path) -> Iterator[Cluster]:
    """PostgreSQL, the server on it (started by the CLI), an S3 result bucket, the deployment."""
    settings = Settings(home=data_home, server_port=free_port())
    cli_env = {**os.environ, "AG2_SDLC_HOME": str(data_home)}
    cli_env["AG2_SDLC_SERVER_PORT"] = str(settings.server_port)
    with postgres_cluster() as postgres:
        start = [CLI, "server", "start", "--database", postgres.url]
        subprocess.run(start, env=cli_env, check=True, timeout=180, capture_output=True)
        env = LocalServer(settings).environment()
        try:
            with (
                using_api(env["PREFECT_API_URL"]),
                moto_bucket(BUCKET, block_name="ag2-sdlc-results-keys") as s3,
            ):
                from prefect_aws import AwsCredentials, S3Bucket

                keys = AwsCredentials.load("ag2-sdlc-results-keys")
                S3Bucket(bucket_name=BUCKET, credentials=keys).save(BUCKET, overwrite=True)
                deploy(settings, env, workers=0)
                yield Cluster(settings=settings, env=env, postgres=postgres, s3=s3)
        finally:
            subprocess.run([CLI, "server", "stop"], env=cli_env, timeout=120, check=False)


class TestPostgresServer:
    def test_server_keeps_its_state_in_postgresql_and_never_prints_the_password(
        self, cluster: Cluster
    ) -> None:
        """The server's tables live in PostgreSQL; status and logs show the URL without its
        password."""
        status = LocalServer(cluster.settings).status()
        assert status.healthy
        assert status.database.startswith("postgresql+asyncpg://ag2:***@127.0.0.1:")
        assert int(cluster.postgres.query("select count(*) from work_pool")) >= 2
        for log in cluster.settings.data_home.glob("*.log"):
            assert cluster.postgres.password not in log.read_text(errors="replace"), log.name


class TestConcurrentRuns:
    def test_ten_runs_on_two_workers_each_build_their_own_request(self, cluster: Cluster) -> None:
        """Ten runs at once over two workers: ten workspaces and repositories, each holding
        only its own request's entity; every run is recorded in PostgreSQL."""
        workers = [cluster.worker(name, limit=5) for name in ("worker-east", "worker-west")]
        try:
            names = {word: f"scale-{word}" for word in WORDS}
            run_ids = [start_run(cluster.api_url, word=w, name=n) for w, n in names.items()]
            runs = approve_all(cluster.api_url, run_ids, timeout=1100)
        finally:
            for name in ("worker-east", "worker-west"):
                stop_worker(cluster.settings, name=name)
        assert len(workers) == 2
        unfinished = {  # a crash says why (its state message) and where (the workers' logs)
            run.name: f"{run.state.name}: {run.state.message}" if run.state else None
            for run in runs.values()
            if not (run.state and run.state.type == StateType.COMPLETED)
        }
        assert not unfinished, (unfinished, _log_tails(cluster.settings.data_home))
        logs = {
            name: (cluster.settings.data_home / f"{name}.log").read_text(errors="replace")
            for name in ("worker-east", "worker-west")
        }
        for name, text in logs.items():  # the pool's work went to both workers
            assert any(str(run_id) in text for run_id in run_ids), name
        ids = ",".join(f"'{run_id}'" for run_id in run_ids)
        # The ids are UUIDs the server gave us, not input: no injection to fear here.
        sql = f"select count(*) from flow_run where state_type = 'COMPLETED' and id in ({ids})"  # noqa: S608
        recorded = cluster.postgres.query(sql)
        assert recorded == "10"
        workspaces = list(cluster.settings.workspaces_dir.glob("scale-*"))
        assert len(workspaces) == 10
        for word, name in names.items():
            files = repository_files(cluster.settings.git_remotes_dir / f"{name}.git")
            text = "\n".join(files.values()).lower()
            assert word in text, name
            others = [other for other in WORDS if other != word and other in text]
            assert others == [], f"{name} holds another run's entity: {others}"


def _rescheduled_by_automation(api: str, run_id: UUID) -> bool:
    with using_api(api), get_client(sync_client=True) as client:
        states = client.read_flow_run_states(run_id)
    return any(
        state.name == "Rescheduled" and (state.message or "").startswith("Its worker stopped")
        for state in states
    )


class TestWorkerLoss:
    def test_a_run_retried_on_another_worker_reuses_the_agents_in_the_bucket(
        self, cluster: Cluster, tmp_path: Path
    ) -> None:
        """Worker A dies after two agents; the automation `ag2-sdlc deploy` created schedules
        the silent run again, and it completes on worker B, whose two first agents are cache
        hits read from the S3 bucket, not re-run."""
        api = cluster.api_url
        worker_a = cluster.worker("worker-a", PREFECT_LOCAL_STORAGE_PATH=str(tmp_path / "a"))
        run_id = start_run(api, word="windmill", name="scale-windmill")
        try:
            wait_until(
                lambda: {"analyzer", "code-generator"} <= finished_agents(api, run_id),
                timeout=600,
                what="the first two agents finishing",
            )
        finally:
            kill_tree(worker_a)
            stop_worker(cluster.settings, name="worker-a", grace=1)
        first_try = {task.id for task in task_runs(api, run_id)}
        local_b = tmp_path / "b"
        cluster.worker("worker-b", PREFECT_LOCAL_STORAGE_PATH=str(local_b))
        try:
            # Nobody retries it by hand: the deployment's automation notices the silence.
            wait_until(
                lambda: _rescheduled_by_automation(api, run_id),
                timeout=360,
                what="the automation rescheduling the run whose worker died",
            )
            runs = approve_all(api, [run_id], timeout=900)
        finally:
            stop_worker(cluster.settings, name="worker-b")
        final = runs[run_id].state
        assert final is not None
        assert final.type == StateType.COMPLETED, final
        retried = [task for task in task_runs(api, run_id) if task.id not in first_try]
        by_agent = {task.name.rsplit("-", 1)[0]: task for task in retried}
        for agent in ("analyzer", "code-generator"):
            assert by_agent[agent].state is not None
            assert by_agent[agent].state.name == "Cached", (agent, by_agent[agent].state)
        assert "validator" in by_agent  # the run went on from where worker A left it
        stored = cluster.s3.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0)  # type: ignore[attr-defined]
        assert stored >= 2
        assert not any(local_b.rglob("*")), "worker B kept results on its own disk"
        assert read_runs(api, [run_id])[run_id].run_count >= 2
        assert request_for("windmill") in str(runs[run_id].parameters)


def _log_tails(home: Path, lines: int = 40) -> dict[str, str]:
    """The last lines of each worker's log and the server's, for a failure's message (a 500
    a run died of has its traceback in the server's)."""
    return {
        log.name: "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
        for log in [*sorted(home.glob("worker-*.log")), home / "server.log"]
        if log.is_file()
    }
