"""What the cloud kit relies on, for real: the generated app on PostgreSQL creates its schema.

The kit gives cloud targets ``DATABASE_URL=postgresql+psycopg://...`` from the secret manager and
no data volume. Here a real PostgreSQL (initdb + pg_ctl on loopback, as an unprivileged user)
stands in for the managed one; the generated rest_api starts against it, creates its tables and
serves rows that live in PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from services.sandbox import Sandbox, uv_cache_dir
from tests.generated import build

pytestmark = pytest.mark.e2e
POSTGRES_USER = "nobody"  # initdb refuses to run as root


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_postgres_user(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["runuser", "-u", POSTGRES_USER, "--", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    """A PostgreSQL server on a loopback port; yields the app's SQLAlchemy URL."""
    if not all(shutil.which(tool) for tool in ("initdb", "pg_ctl", "runuser")):
        pytest.skip("PostgreSQL's initdb/pg_ctl are not installed here")
    root = Path(tempfile.mkdtemp(prefix="ag2-sdlc-pg-"))
    root.chmod(0o755)
    shutil.chown(root, user=POSTGRES_USER)
    data, port = root / "data", _free_port()
    done = _as_postgres_user("initdb", "-D", str(data), "-A", "trust", "-U", "app")
    assert done.returncode == 0, done.stderr
    options = f"-p {port} -h 127.0.0.1 -k {root}"
    # The server's output goes to a log file: on our pipes it would keep them open.
    log = str(root / "server.log")
    done = _as_postgres_user("pg_ctl", "-D", str(data), "-o", options, "-l", log, "-w", "start")
    assert done.returncode == 0, done.stderr
    try:
        yield f"postgresql+psycopg://app@127.0.0.1:{port}/postgres"
    finally:
        _as_postgres_user("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


def _tables(url: str) -> list[str]:
    port = url.rsplit(":", 1)[1].split("/")[0]
    query = "select tablename from pg_tables where schemaname = 'public' order by tablename"
    done = _as_postgres_user(
        "psql", "-h", "127.0.0.1", "-p", port, "-U", "app", "-d", "postgres", "-Atc", query
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_rest_api_creates_its_schema_on_postgresql_at_start(tmp_path: Path, postgres: str) -> None:
    """Its tables appear in PostgreSQL at start-up; a second start finds them and serves them."""
    code, _ = build("rest_api", tmp_path, text="A REST API for notes with a title and a body.")
    project = Path(code.project_path)
    env_dir = tmp_path / "env"
    Sandbox(cache_dir=uv_cache_dir(), timeout=600).ensure_env(project / "requirements.txt", env_dir)
    port = _free_port()
    environment = {"PATH": os.environ["PATH"], "DATABASE_URL": postgres, "HOME": str(tmp_path)}
    command = [
        str(env_dir / "bin" / "python"),
        "-m",
        "uvicorn",
        "app.main:app",
        "--port",
        str(port),
    ]
    assert _tables(postgres) == []
    for start in (1, 2):
        app = subprocess.Popen(command, cwd=project, env=environment)
        try:
            for _ in range(150):
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            else:
                pytest.fail(f"start {start}: the app did not answer /health on PostgreSQL")
            paths = httpx.get(f"http://127.0.0.1:{port}/openapi.json").json()["paths"]
            collection = next(
                p for p, ops in paths.items() if "get" in ops and "{" not in p and p != "/health"
            )
            assert httpx.get(f"http://127.0.0.1:{port}{collection}").status_code == 200
            assert _tables(postgres), "no table was created in PostgreSQL"
        finally:
            app.terminate()
            app.wait(timeout=30)
    assert not (project / "data" / "app.db").exists()  # nothing went to SQLite
