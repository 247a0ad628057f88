"""The versions of the checking tools in this environment, as the review reports them."""

from __future__ import annotations

import functools
import importlib.metadata
import platform
import re
import subprocess

from core.contracts import ToolVersion
from core.errors import ToolFailed
from services.linters.tools import binary


def tool_versions() -> list[ToolVersion]:
    """Versions of the checking tools here: python, ruff, bandit, hadolint, pytest."""
    return list(_tool_versions())


@functools.cache
def _tool_versions() -> tuple[ToolVersion, ...]:
    versions = {"python": platform.python_version()}
    for name in ("ruff", "hadolint", "bandit"):
        try:
            executable = binary(name)
            output = subprocess.run(  # noqa: S603 - fixed argv of our own tools, no shell
                [executable, "--version"], capture_output=True, text=True, timeout=30, check=False
            ).stdout
            match = re.search(r"\d+(?:\.\d+)+", output)
            versions[name] = match.group(0) if match else "unknown"
        except (ToolFailed, OSError, subprocess.TimeoutExpired):
            versions[name] = "not installed"
    try:
        versions["pytest"] = importlib.metadata.version("pytest")
    except importlib.metadata.PackageNotFoundError:
        versions["pytest"] = "not installed"
    return tuple(ToolVersion(name=name, version=v) for name, v in sorted(versions.items()))
