"""A throwaway PostgreSQL 15 cluster on loopback for the tests: Debian's initdb and pg_ctl.

PostgreSQL refuses to run as root, so when the tests run as root the cluster belongs to the
``postgres`` system user (the Debian package creates it) and lives in a directory of its own.
The cluster has a password (scram-sha-256), so the URL carries a secret the tests can look for.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from services.processes import free_port

BIN = Path("/usr/lib/postgresql/15/bin")
USER = "ag2"
DATABASE = "prefect"


@dataclass(frozen=True)
class Postgres:
    """A running cluster: where it listens and how to log in."""

    port: int
    password: str
    root: Path

    @property
    def url(self) -> str:
        """The asyncpg URL the Prefect server takes."""
        return f"postgresql+asyncpg://{USER}:{self.password}@127.0.0.1:{self.port}/{DATABASE}"

    def _login(self, tool: Path) -> list[str]:
        return [str(tool), "-h", "127.0.0.1", "-p", str(self.port), "-U", USER]

    def query(self, sql: str) -> str:
        """Run ``sql`` with psql; its unaligned output."""
        done = subprocess.run(
            [*self._login(BIN / "psql"), "-d", DATABASE, "-At", "-c", sql],
            env={**os.environ, "PGPASSWORD": self.password},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return done.stdout.strip()


def _owner() -> tuple[int, int] | None:
    """The uid/gid to run PostgreSQL as: ``postgres`` when we are root, else ourselves."""
    if os.geteuid() != 0:
        return None
    entry = pwd.getpwnam("postgres")
    return entry.pw_uid, entry.pw_gid


def _run(argv: list[str], *, owner: tuple[int, int] | None, cwd: Path) -> None:
    user = {"user": owner[0], "group": owner[1], "extra_groups": []} if owner else {}
    subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120, check=True, **user)


@contextlib.contextmanager
def postgres_cluster() -> Iterator[Postgres]:
    """initdb a cluster, start it on a free 127.0.0.1 port, create the database; stop it after.

    Raises:
        FileNotFoundError: PostgreSQL 15 is not installed (``apt-get install postgresql-15``).
    """
    if not (BIN / "initdb").is_file():
        raise FileNotFoundError(f"{BIN / 'initdb'} is missing: apt-get install postgresql-15")
    owner = _owner()
    root = Path(tempfile.mkdtemp(prefix="ag2-sdlc-pg-"))
    password = secrets.token_urlsafe(18)
    (root / "pwfile").write_text(password + "\n")
    if owner:
        for path in (root, root / "pwfile"):
            os.chown(path, *owner)
    data, port = root / "data", free_port()
    initdb = [str(BIN / "initdb"), "-D", str(data), "-U", USER, "--pwfile", str(root / "pwfile")]
    _run([*initdb, "--auth=scram-sha-256", "-E", "UTF8", "--no-sync"], owner=owner, cwd=root)
    options = f"-h 127.0.0.1 -p {port} -k {root} -c fsync=off -c max_connections=200"
    pg_ctl = [str(BIN / "pg_ctl"), "-D", str(data), "-l", str(root / "postgres.log")]
    _run([*pg_ctl, "-o", options, "-w", "-t", "60", "start"], owner=owner, cwd=root)
    try:
        cluster = Postgres(port=port, password=password, root=root)
        createdb = [str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", USER]
        subprocess.run(
            [*createdb, DATABASE],
            env={**os.environ, "PGPASSWORD": password},
            capture_output=True,
            timeout=60,
            check=True,
        )
        yield cluster
    finally:
        _run([*pg_ctl, "-m", "fast", "-w", "-t", "60", "stop"], owner=owner, cwd=root)
        shutil.rmtree(root, ignore_errors=True)
