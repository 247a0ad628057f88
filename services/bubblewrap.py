"""Bubblewrap's command line, and a pids cgroup that bounds how many processes a run may start.

bubblewrap gives the command its own network, pid, IPC and UTS namespaces, a read-only view of
the system, a private ``/tmp`` and no capabilities. Resource limits come from ``prlimit``
(memory, file size, core dumps) and, for root, from a pids cgroup: the kernel does not apply
``RLIMIT_NPROC`` to uid 0, so as root the process count is bounded by a cgroup of our own when
the pids controller is writable here (cgroup v1 or v2), and by ``RLIMIT_NPROC`` otherwise.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

_V1_PIDS = Path("/sys/fs/cgroup/pids")
_V2_ROOT = Path("/sys/fs/cgroup")
PRIVATE_HOME = "/tmp/home"  # noqa: S108 - inside the sandbox's own, private /tmp


@functools.cache
def bwrap_version() -> str | None:
    """bubblewrap's version, or None when it is not installed (or cannot start here)."""
    found = shutil.which("bwrap")
    if found is None:
        return None
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [found, "--version"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"\d+(?:\.\d+)+", done.stdout)
    return match.group(0) if done.returncode == 0 and match else None


def bwrap_argv(
    *, cwd: Path, writable: Sequence[Path], readonly: Sequence[Path], home: str = PRIVATE_HOME
) -> list[str]:
    """bubblewrap's options: everything read-only but ``writable``, no network, no capabilities.

    ``readonly`` paths are bound again after the private ``/tmp`` is mounted (a virtual
    environment under ``/tmp`` would otherwise vanish); ``writable`` paths likewise, read-write.
    """
    # The /tmp and /dev/shm here are the sandbox's own, fresh tmpfs mounts.
    private_tmp, private_shm = "/tmp", "/dev/shm"  # noqa: S108 - see above
    argv = [
        "bwrap",
        "--die-with-parent",
        "--new-session",
        "--unshare-all",
        "--cap-drop",
        "ALL",
        "--ro-bind",
        "/",
        "/",
        "--dev",
        "/dev",
        "--proc",
        "/proc",
        "--tmpfs",
        private_tmp,
        "--tmpfs",
        private_shm,
        "--dir",
        home,
    ]  # fmt: skip # an argv reads best as flags beside their values
    for path in readonly:
        argv += ["--ro-bind", str(path), str(path)]
    for path in writable:
        argv += ["--bind", str(path), str(path)]
    return [*argv, "--chdir", str(cwd), "--"]


def prlimit_argv(*, memory_mb: int, file_size_mb: int, processes: int) -> list[str]:
    """``prlimit`` options for the limits every user's kernel enforces (and NPROC for non-root)."""
    mib = 1024 * 1024
    return [
        "prlimit",
        f"--as={memory_mb * mib}",
        f"--fsize={file_size_mb * mib}",
        "--core=0",
        f"--nproc={processes}",
        "--",
    ]  # fmt: skip # an argv reads best as flags beside their values


@dataclass(frozen=True)
class PidsCgroup:
    """A pids cgroup of our own, made for one run and removed after it."""

    path: Path
    version: int

    @property
    def procs(self) -> Path:
        return self.path / "cgroup.procs"

    def limit_reached(self) -> bool:
        """Whether a fork was refused because the run had ``pids.max`` processes."""
        with contextlib.suppress(OSError, ValueError):
            for line in (self.path / "pids.events").read_text().splitlines():
                name, _, count = line.partition(" ")
                if name == "max" and int(count) > 0:
                    return True
        return False

    def launcher(self) -> list[str]:
        """A prefix that moves the command into this cgroup before it starts anything."""
        return ["sh", "-c", 'echo $$ > "$0" && exec "$@"', str(self.procs)]

    def remove(self) -> None:
        """Kill whatever is left in the cgroup, then remove it."""
        for _ in range(50):
            with contextlib.suppress(OSError):
                pids = [int(p) for p in self.procs.read_text().split()]
                for pid in pids:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.kill(pid, signal.SIGKILL)
                self.path.rmdir()
                return
            time.sleep(0.05)


def _pids_parent() -> tuple[Path, int] | None:
    if os.geteuid() != 0:
        return None  # RLIMIT_NPROC applies to everyone but root
    if (_V1_PIDS / "pids.max").exists() or (_V1_PIDS / "cgroup.procs").exists():
        return (_V1_PIDS, 1) if os.access(_V1_PIDS, os.W_OK) else None
    with contextlib.suppress(OSError):
        controllers = (_V2_ROOT / "cgroup.subtree_control").read_text().split()
        if "pids" in controllers and os.access(_V2_ROOT, os.W_OK):
            return _V2_ROOT, 2
    return None


def process_limit_mechanism() -> str:
    """How the process limit is enforced on this machine, for the review's record."""
    if os.geteuid() != 0:
        return "RLIMIT_NPROC"
    found = _pids_parent()
    if found is None:
        return "not enforced (root, and no writable pids cgroup here)"
    return f"pids cgroup v{found[1]}"


@contextlib.contextmanager
def pids_cgroup(processes: int) -> Iterator[PidsCgroup | None]:
    """A fresh pids cgroup capped at ``processes``, or None where none can be made."""
    found = _pids_parent()
    cgroup = None
    if found is not None:
        parent, version = found
        path = parent / f"ag2-sdlc-sandbox-{uuid.uuid4().hex[:12]}"
        try:
            path.mkdir()
            (path / "pids.max").write_text(str(processes))
            cgroup = PidsCgroup(path=path, version=version)
        except OSError:
            with contextlib.suppress(OSError):
                path.rmdir()
    try:
        yield cgroup
    finally:
        if cgroup is not None:
            cgroup.remove()
