"""Run workspaces: one directory per project, every derived path checked to stay inside it.

The same request always gets the same directory, so a retried or repeated run finds its cached
agent results and their files. Two runs of one request at the same moment would write the same
files, so a run claims its workspace for its whole life: an operating-system lock on a file
beside the directory (released by the kernel when the process ends, however it ends, so a killed
worker never leaves it stuck), with the holder's run written next to it for the message a second
run gets.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from core.errors import UnsafePath, WorkspaceBusy


def resolve_inside(root: Path, relative: str | Path) -> Path:
    """Resolve ``relative`` under ``root``; raise ``UnsafePath`` if it would escape."""
    root = root.resolve()
    candidate = (root / relative).resolve()
    if candidate != root and root not in candidate.parents:
        raise UnsafePath(f"The path {str(relative)!r} would leave the workspace {root}.")
    return candidate


@dataclass(frozen=True)
class Workspace:
    """The directory a pipeline run writes into, named after the project and request."""

    root: Path

    @classmethod
    def for_project(cls, base: Path, project_name: str, fingerprint: str) -> Workspace:
        root = resolve_inside(base, f"{project_name}-{fingerprint[:10]}")
        return cls(root)

    @property
    def project_dir(self) -> Path:
        return self.root / "project"

    def path(self, relative: str | Path) -> Path:
        return resolve_inside(self.root, relative)

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    @contextmanager
    def claimed(self, holder: str, *, wait: float = 0) -> Iterator[Workspace]:
        """Hold the workspace for one run (``holder`` names it), waiting at most ``wait``
        seconds for another run to let go.

        Raises:
            WorkspaceBusy: another run still holds it; the message names that run.
        """
        self.root.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.root.parent / f".{self.root.name}.lock"
        owner = self.root.parent / f".{self.root.name}.owner"
        lock = FileLock(lock_path)
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            other = owner.read_text(encoding="utf-8").strip() if owner.is_file() else "unknown"
            raise WorkspaceBusy(
                f"Another run ({other}) is building this same request in {self.root} right "
                "now; wait for it to finish, or give this run another project name."
            ) from None
        try:
            owner.write_text(holder, encoding="utf-8")
            yield self
        finally:
            owner.unlink(missing_ok=True)
            lock.release()
