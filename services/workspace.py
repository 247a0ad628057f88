"""Run workspaces: one directory per project, every derived path checked to stay inside it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from core.errors import UnsafePath


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
