"""Every requirement must resolve in the configured package index: no invented packages.

``uv pip compile`` resolves the project's requirements without installing anything. uv stops at
the first requirement it cannot find, so the check drops that one and resolves again, up to
``_MAX_ROUNDS`` times, to name each.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from core.contracts import Finding
from core.errors import ToolFailed
from services.linters.tools import bounded, finding

_NOT_FOUND = re.compile(r"Because ([A-Za-z0-9._-]+) was not found in the package registry")
_NO_VERSION = re.compile(r"Because (?:there is no version of|only) ([A-Za-z0-9._-]+)")
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_MAX_ROUNDS = 10


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_lines(requirements: Path) -> list[tuple[int, str, str]]:
    """(line number, text, normalized name) of each requirement line."""
    found = []
    for number, text in enumerate(requirements.read_text(encoding="utf-8").splitlines(), 1):
        stripped = text.split("#", 1)[0].strip()
        if stripped and not stripped.startswith("-") and (match := _NAME.match(stripped)):
            found.append((number, stripped, _normalized(match.group(1))))
    return found


def _compile(uv: str, lines: list[str], timeout: int) -> str:
    """uv's complaint about ``lines``, or "" once they resolve."""
    with tempfile.TemporaryDirectory(prefix="ag2-sdlc-deps-") as scratch:
        source = Path(scratch) / "requirements.in"
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        args = [uv, "pip", "compile", "--quiet", "--no-header", "--python-version", "3.11",
                str(source), "-o", str(Path(scratch) / "requirements.lock")]  # fmt: skip
        try:
            done = subprocess.run(  # noqa: S603 - fixed argv of our own tools, no shell
                args, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise ToolFailed(f"uv pip compile took longer than {timeout} s.") from exc
    # uv wraps its message to the terminal's width: one space per gap reads the same everywhere.
    return "" if done.returncode == 0 else " ".join((done.stderr or done.stdout).split())


def dependency_check(
    requirements: Path, *, uv: str, root: Path, timeout: int = 120
) -> list[Finding]:
    """Resolve ``requirements`` in the package index; name every requirement that does not.

    Args:
        requirements: The project's requirements file.
        uv: The uv executable.
        root: Directory finding paths are relative to.
        timeout: Seconds one resolution may take.

    Returns:
        One high, blocking finding per requirement that is not in the index (an invented
        package) or whose pinned version does not exist.
    """
    entries = _requirement_lines(requirements)
    relative = (
        requirements.relative_to(root).as_posix()
        if requirements.is_relative_to(root)
        else requirements.name
    )
    remaining = list(entries)
    findings = []
    for _ in range(_MAX_ROUNDS):
        complaint = _compile(uv, [text for _, text, _ in remaining], timeout)
        if not complaint:
            break
        match = _NOT_FOUND.search(complaint) or _NO_VERSION.search(complaint)
        culprit = _normalized(match.group(1)) if match else ""
        hits = [entry for entry in remaining if entry[2] == culprit]
        if not hits:
            message = f"The requirements do not resolve: {complaint.strip()[-300:]}"
            findings.append(finding("uv", relative, 0, "unresolvable", message, "high", True))
            break
        number, text, _ = hits[0]
        invented = bool(_NOT_FOUND.search(complaint))
        why = (
            "is not in the package index (an invented package?)"
            if invented
            else "has no such version in the package index"
        )
        code = "unknown-package" if invented else "unknown-version"
        findings.append(finding("uv", relative, number, code, f"{text} {why}.", "high", True))
        remaining.remove(hits[0])
    return bounded(findings)
