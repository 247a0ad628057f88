"""The sandbox confines generated code: no host network, no writes outside, bounded processes.

The same generated tests run twice: outside the sandbox they pass (so each test can fail), inside
it each one fails or is stopped, and the review reports why.
"""

from __future__ import annotations

import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from agents.llm import BackendSpec
from agents.reviewer import review
from core.errors import SandboxUnavailable
from services.sandbox import Limits, Sandbox, uv_cache_dir

PROCESS_LIMIT = 64
ESCAPES = """\
import os
import socket
import time
from pathlib import Path

HERE = Path(__file__).parent


def test_connects_to_the_host() -> None:
    port = int((HERE / "port.txt").read_text())
    with socket.create_connection(("127.0.0.1", port), timeout=3) as connection:
        assert connection.recv(5) == b"hello"


def test_writes_outside_the_workspace() -> None:
    target = Path((HERE / "target.txt").read_text())
    target.write_text("escaped")
    assert target.read_text() == "escaped"


def test_forks_many_processes() -> None:
    children = []
    for _ in range(200):
        pid = os.fork()
        if pid == 0:
            time.sleep(1)
            os._exit(0)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)
    assert len(children) == 200
"""


@pytest.fixture
def host_server() -> Iterator[int]:
    """A TCP server on the host's loopback that greets whoever connects."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    port = int(server.getsockname()[1])
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            with connection:
                connection.sendall(b"hello")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield port
    stop.set()
    thread.join(2)
    server.close()


@pytest.fixture
def escaping_project(tmp_path: Path, host_server: int) -> tuple[Path, Path]:
    """A project whose tests reach the host's socket, write into a host directory, and fork 200
    times; returns the project and the host path its test writes."""
    project = tmp_path / "project"
    (project / "tests").mkdir(parents=True)
    (project / "requirements.txt").write_text("")
    (project / "tests" / "test_escape.py").write_text(ESCAPES)
    (project / "tests" / "port.txt").write_text(str(host_server))
    outside = tmp_path / "host-only"
    outside.mkdir()
    target = outside / "escaped.txt"
    (project / "tests" / "target.txt").write_text(str(target))
    return project, target


class TestConfinement:
    """Generated tests that escape pass unconfined, and fail or are stopped in the sandbox."""

    def test_the_escapes_work_outside_the_sandbox(
        self, escaping_project: tuple[Path, Path], tmp_path: Path
    ) -> None:
        """Run directly, the three tests pass: each can really reach what it aims at."""
        project, target = escaping_project
        sandbox = Sandbox(cache_dir=uv_cache_dir())
        env = sandbox.ensure_env(project / "requirements.txt", tmp_path / "env", extra=["pytest"])
        done = subprocess.run(
            [str(env / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
            cwd=project, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert "3 passed" in done.stdout
        assert target.read_text() == "escaped"

    def test_inside_the_sandbox_each_escape_fails_and_is_reported(
        self, escaping_project: tuple[Path, Path], tmp_path: Path
    ) -> None:
        """Reviewed in the sandbox: all three fail, the process limit is reported, nothing was
        written on the host."""
        project, target = escaping_project
        sandbox = Sandbox(cache_dir=uv_cache_dir(), limits=Limits(processes=PROCESS_LIMIT))
        report = review(
            project, spec=BackendSpec(), sandbox=sandbox, env_dir=tmp_path / "env", fuzz=False
        )
        assert (report.tests_passed, report.tests_failed) == (0, 3)
        messages = {f.message for f in report.findings if f.code == "failed-test"}
        assert any("test_connects_to_the_host" in m for m in messages)
        assert any("test_writes_outside_the_workspace" in m for m in messages)
        assert any("test_forks_many_processes" in m for m in messages)
        [limit] = [f for f in report.findings if f.code == "sandbox-limit"]
        assert f"processes ({PROCESS_LIMIT})" in limit.message
        assert limit.blocking
        assert not target.exists()
        assert report.sandbox is not None
        assert report.sandbox.isolated
        assert report.sandbox.process_limit == PROCESS_LIMIT

    def test_the_sandbox_has_a_private_tmp_and_a_read_only_system(self, tmp_path: Path) -> None:
        """Files written to /tmp stay inside; the venv and system are read-only; no network."""
        probe = (
            "import pathlib, socket, sys\n"
            "pathlib.Path('/tmp/inside').write_text('x')\n"
            "for path in (sys.prefix + '/x', '/etc/x'):\n"
            "    try:\n"
            "        pathlib.Path(path).write_text('x')\n"
            "    except OSError as exc:\n"
            "        print('refused', path, exc.errno)\n"
            "print('interfaces', [name for _, name in socket.if_nameindex()])\n"
        )
        done = Sandbox().run(["python3", "-c", probe], cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stdout.count("refused") == 2
        assert "interfaces ['lo']" in done.stdout
        assert not Path("/tmp/inside").exists()


class TestRefusal:
    """Without bubblewrap, generated code is refused unless unsafe execution is allowed."""

    def test_missing_bubblewrap_refuses_to_run(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With no bwrap on PATH, run() refuses and the record says why."""
        from services import bubblewrap

        bubblewrap.bwrap_version.cache_clear()
        monkeypatch.setenv("PATH", str(tmp_path))
        try:
            sandbox = Sandbox(allow_unsafe=False)
            with pytest.raises(SandboxUnavailable, match="bubblewrap is not installed"):
                sandbox.run(["/bin/true"], cwd=tmp_path)
            record = sandbox.describe()
            assert (record.isolated, record.mechanism) == (False, "none")
            assert "AG2_SDLC_UNSAFE_EXEC=1" in record.note
            assert Sandbox(allow_unsafe=True).run(["/bin/true"], cwd=tmp_path).returncode == 0
        finally:
            bubblewrap.bwrap_version.cache_clear()
