"""Process helpers: recognising our own background processes while they start."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from services.processes import process_alive, spawn_detached, stop_process


def _launcher(tmp_path: Path) -> Path:
    """A script started the way uv starts entry points on long venv paths: /bin/sh re-execs."""
    script = tmp_path / "tool"
    script.write_text(
        "#!/bin/sh\n"
        f"'''exec' '{sys.executable}' \"$0\" \"$@\"\n"
        "' '''\n"
        "import time\n"
        "time.sleep(30)\n"
    )
    script.chmod(0o755)
    return script


def test_a_relaunching_child_is_ours_through_its_second_exec(tmp_path: Path) -> None:
    """Every check during start-up sees the child as ours, even while /bin/sh execs python."""
    seen: list[bool] = []
    for _ in range(5):
        process = spawn_detached(
            [str(_launcher(tmp_path)), "worker", "start"],
            env=os.environ,
            log_file=tmp_path / "tool.log",
        )
        try:
            deadline = time.monotonic() + 0.5
            while time.monotonic() < deadline:
                seen.append(process_alive(process.pid, argv_has=["worker", "start"]))
        finally:
            stop_process(process.pid, grace=2)

    assert seen
    assert all(seen)
    assert not process_alive(process.pid, argv_has=["worker", "start"])


def test_a_foreign_process_is_never_ours(tmp_path: Path) -> None:
    """The pid of a process we did not start with those words is refused."""
    assert not process_alive(os.getpid(), argv_has=["worker", "start"])
    assert process_alive(os.getpid())
