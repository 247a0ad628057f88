"""Generated projects' virtual environments: built once per requirement set, then copied by hard
links into each project.

Installing a generated project's pinned requirements and byte-compiling them costs about four
CPU seconds (0.3 s of it the install from uv's cache, the rest compiling some 3,000 modules),
and every project of a kind pins the same packages. Ten concurrent runs on two cores paid it ten
times. So the environment is built once per requirement set into a store under the data home,
relocatable (``uv venv --relocatable``: entry points and activation scripts use relative paths),
and each project gets a copy of it made of hard links (about 0.05 s; a plain copy where the
store sits on another filesystem). Byte-compiled once, the modules load from ``.pyc`` in every
test, fuzzing and server process; the sandbox mounts environments read-only, so they could not
write their own.

The copy is the project's own directory: no run sees another's files. Generated code only ever
sees its copy read-only (the sandbox binds it so), so nothing writes through a link into the
store. A file lock per requirement set keeps two runs from building the same one at once; a build
that failed half-way has no completion mark and is built again from scratch.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock
from filelock import Timeout as BuildLockTimeout

COMPLETE = ".complete"
__all__ = ["COMPLETE", "BuildLockTimeout", "copy_into", "prepared"]


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
            raise
        shutil.copy2(source, target)


def prepared(store: Path, key: str, build: Callable[[Path], None], *, timeout: float) -> Path:
    """The store's environment for ``key``, built by ``build(directory)`` if it is not there.

    Raises:
        BuildLockTimeout: another process held the build lock longer than ``timeout``.
        Whatever ``build`` raises (the half-built directory is left unmarked).
    """
    store.mkdir(parents=True, exist_ok=True)
    directory = store / key
    with FileLock(store / f"{key}.lock", timeout=timeout):
        if not (directory / COMPLETE).is_file():
            if directory.exists():
                shutil.rmtree(directory)
            build(directory)
            (directory / COMPLETE).touch()
    return directory


def copy_into(template: Path, target: Path) -> None:
    """Replace ``target`` with a hard-linked copy of ``template`` (its completion mark left out)."""
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.exists():
        shutil.rmtree(target)
    shutil.copytree(
        template,
        target,
        symlinks=True,
        copy_function=_link_or_copy,
        ignore=lambda _directory, names: [COMPLETE] if COMPLETE in names else [],
    )
