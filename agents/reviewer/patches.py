"""A model's unified diff, applied only if it is sound: it parses, stays inside the project,
applies cleanly (``git apply --check``) and every Python file it touches still compiles.
Anything else is refused with the reason, and the project is left as it was."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from unidiff import PatchSet
from unidiff.errors import UnidiffParseError

from core.errors import UnsafePath
from services.workspace import resolve_inside


class PatchRefused(ValueError):
    """The diff cannot be applied; the message says why in one sentence."""


def _paths(patch: PatchSet) -> tuple[list[str], int]:
    """The project-relative paths the patch touches, and the ``-p`` strip level it needs."""
    prefixed = all(
        f.source_file.startswith(("a/", "/dev/null"))
        and f.target_file.startswith(("b/", "/dev/null"))
        for f in patch
    )
    strip = 1 if prefixed else 0
    paths = []
    for patched in patch:
        name = patched.target_file if not patched.is_removed_file else patched.source_file
        paths.append(name.split("/", strip)[-1] if strip else name)
    return paths, strip


def _git_apply(project_dir: Path, diff_file: Path, strip: int, *, check: bool) -> str:
    args = ["git", "apply", f"-p{strip}", "--whitespace=nowarn", str(diff_file)]
    if check:
        args.insert(2, "--check")
    # Outside a repository git apply works like patch; never let it find an enclosing one.
    env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(project_dir.parent)}
    done = subprocess.run(  # noqa: S603 - fixed argv, no shell
        args, cwd=project_dir, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    return "" if done.returncode == 0 else (done.stderr or done.stdout).strip()[-300:]


def _compile_errors(project_dir: Path, paths: list[str]) -> str:
    for relative in paths:
        path = project_dir / relative
        if path.suffix == ".py" and path.is_file():
            try:
                compile(path.read_bytes(), relative, "exec", dont_inherit=True)
            except (SyntaxError, ValueError) as exc:
                return f"{relative} does not compile after the patch: {exc}"
    return ""


def apply_patch(project_dir: Path, diff: str) -> list[str]:
    """Apply ``diff`` to ``project_dir``; return the paths it changed.

    Raises:
        PatchRefused: The diff is empty or malformed, leaves the project, does not apply
            cleanly, or leaves a Python file that does not compile (then nothing changed).
    """
    try:
        patch = PatchSet(diff)
    except UnidiffParseError as exc:
        raise PatchRefused(f"The answer is not a unified diff: {exc}.") from exc
    if not len(patch):
        raise PatchRefused("The answer holds no diff.")
    paths, strip = _paths(patch)
    for relative in paths:
        try:
            if Path(relative).is_absolute():
                raise UnsafePath(f"{relative!r} is an absolute path")
            resolve_inside(project_dir, relative)
        except UnsafePath as exc:
            raise PatchRefused(f"The diff leaves the project: {exc}.") from exc
    originals = {p: (project_dir / p).read_bytes() for p in paths if (project_dir / p).is_file()}
    with tempfile.TemporaryDirectory(prefix="ag2-sdlc-patch-") as scratch:
        diff_file = Path(scratch) / "model.diff"
        diff_file.write_text(diff if diff.endswith("\n") else diff + "\n", encoding="utf-8")
        if problem := _git_apply(project_dir, diff_file, strip, check=True):
            raise PatchRefused(f"The diff does not apply cleanly: {problem}")
        if problem := _git_apply(project_dir, diff_file, strip, check=False):
            raise PatchRefused(f"The diff could not be applied: {problem}")
    if problem := _compile_errors(project_dir, paths):
        for relative in paths:  # put every file back as it was
            target = project_dir / relative
            if relative in originals:
                target.write_bytes(originals[relative])
            else:
                target.unlink(missing_ok=True)
        raise PatchRefused(problem)
    return paths
