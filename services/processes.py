"""Background processes: start detached, check by pid, stop as a process group.

Every background process here (local Prefect server, worker, deployed apps) is its own session
leader, recorded by pid, and stopped as a process group.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

import psutil
import tenacity

DETAIL_CHARS = 480  # DeploymentStatus.detail holds at most 500 characters
# Processes this interpreter started, kept so they can be reaped (no zombies, no
# "still running" ResourceWarning) when they stop.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}
T = TypeVar("T")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def spawn_detached(
    argv: Sequence[str], *, env: Mapping[str, str], log_file: Path, cwd: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start ``argv`` as a session leader (pid == process group id), output to ``log_file``."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as log:
        process = subprocess.Popen(  # noqa: S603 - argv list built by this project, no shell
            list(argv),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _CHILDREN[process.pid] = process
    return process


def process_alive(pid: int, *, argv_has: Sequence[str] = ()) -> bool:
    """True if ``pid`` runs (not a zombie) and this user may signal it.

    With ``argv_has``, also require what marks a process as ours: it leads its own session
    (``spawn_detached`` does that) and every given word is one of its arguments. This guards
    against a stale pid file whose pid now belongs to another program.
    """
    if pid <= 1:  # 0 and -1 address groups or everyone for os.kill; 1 is init
        return False
    child = _CHILDREN.get(pid)
    if child is not None and child.poll() is not None:
        _CHILDREN.pop(pid, None)
        return False
    try:
        process = psutil.Process(pid)
        process.send_signal(0)  # AccessDenied: someone else's process, never ours to manage
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        if not argv_has:
            return True
        session = os.getsid(pid)
        argv = process.cmdline()
    except (psutil.Error, OSError):  # gone, not ours, or no way to read its arguments
        return False
    if not argv and child is not None:
        # Our own unreaped child in the middle of a second exec (uv's /bin/sh launcher on long
        # venv paths): the kernel shows an empty argv for that instant; the pid is still ours.
        return True
    return session == pid and all(word in argv for word in argv_has)


def stop_process(pid: int, *, first_signal: int = signal.SIGTERM, grace: float = 10.0) -> bool:
    """Stop the process group led by ``pid``: ``first_signal``, then SIGKILL after ``grace`` s.

    Returns True if a process was running.
    """
    if not process_alive(pid):
        return False
    try:
        os.killpg(pid, first_signal)
    except ProcessLookupError:
        return False
    # Not psutil's wait: it counts a zombie nobody reaps yet (the child of another of our
    # processes) as running, where process_alive sees it gone.
    poll(lambda: process_alive(pid), done=lambda alive: not alive, timeout=grace, interval=0.1)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)  # also ends helpers left behind in the group
    child = _CHILDREN.pop(pid, None)
    if child is not None:
        child.wait(timeout=5)
    return True


def poll(
    probe: Callable[[], T], *, done: Callable[[T], bool], timeout: float, interval: float
) -> T:
    """Call ``probe`` every ``interval`` s until ``done`` holds for what it returns.

    Returns that result, or the last one once ``timeout`` s have passed: no call starts after
    the deadline. What ``probe`` raises propagates at once.
    """
    # "Not yet" is an answer here, not a failure: tenacity retries on the result, quietly.
    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_not_result(done),
        stop=tenacity.stop_before_delay(timeout),
        wait=tenacity.wait_fixed(interval),
        retry_error_callback=_last_result,
    )
    return retrying(probe)


def _last_result(state: tenacity.RetryCallState) -> object:
    return state.outcome.result() if state.outcome is not None else None


def log_tail(log_file: Path, *, limit: int = DETAIL_CHARS) -> str:
    """The last lines of ``log_file``, at most ``limit`` characters."""
    try:
        text = log_file.read_text(errors="replace")
    except OSError:
        return ""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return "\n".join(lines[-12:])[-limit:]
