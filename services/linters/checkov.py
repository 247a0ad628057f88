"""checkov over a whole kit: Dockerfile, Kubernetes manifests, workflows and Terraform.

checkov pins an old boto3, so it lives in its own virtual environment (``make install`` builds
``.venv-checkov``; ``AG2_SDLC_CHECKOV`` names another executable). ``BC_SKIP_MAPPING=TRUE``
keeps it offline. Its failed checks come back with their ids; which of them the kit accepts,
and why, is the caller's decision.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

from core.errors import ToolFailed, ToolUnavailable

CHECKOV_ENV = "AG2_SDLC_CHECKOV"
FRAMEWORKS = ("dockerfile", "kubernetes", "terraform", "github_actions")
# The chart's templates are Go templates, not manifests: their rendered output is what k8s/ is.
SKIPPED_PATHS = ("helm",)
_BESIDE_PROJECT = Path(__file__).resolve().parents[2] / ".venv-checkov" / "bin" / "checkov"


@dataclass(frozen=True)
class FailedCheck:
    check_id: str
    name: str
    path: str  # relative to the scanned directory
    line: int
    resource: str


def checkov_executable() -> str:
    """The checkov named by ``AG2_SDLC_CHECKOV``, else the project's own environment's, else PATH's.

    Raises:
        ToolUnavailable: none is installed (a configured path that does not exist counts as none).
    """
    configured = os.environ.get(CHECKOV_ENV)
    if configured:
        if Path(configured).is_file() and os.access(configured, os.X_OK):
            return configured
        raise ToolUnavailable(f"checkov is not installed at {configured} ({CHECKOV_ENV}).")
    if _BESIDE_PROJECT.is_file() and os.access(_BESIDE_PROJECT, os.X_OK):
        return str(_BESIDE_PROJECT)
    found = shutil.which("checkov")
    if found is None:
        raise ToolUnavailable("checkov is not installed here (make install builds .venv-checkov).")
    return found


def _reports(stdout: str) -> list[dict[str, object]]:
    try:
        loaded = json.loads(stdout or "[]")
    except json.JSONDecodeError as exc:
        raise ToolFailed(f"checkov gave unreadable output: {stdout[-300:]}") from exc
    return [r for r in (loaded if isinstance(loaded, list) else [loaded]) if isinstance(r, dict)]


ScanResult = tuple[list[FailedCheck], list[str]]


def checkov_scan(directory: Path) -> ScanResult:
    """Scan ``directory`` with checkov; return its failed checks and the files it could not parse.

    Raises:
        ToolUnavailable: checkov is not installed here.
        ToolFailed: checkov ran but did not produce a report.
    """
    args = [
        checkov_executable(),
        "--directory",
        ".",
        "--framework",
        *FRAMEWORKS,
        "--quiet",
        "--compact",
        "--output",
        "json",
        "--skip-download",
    ]
    for skipped in SKIPPED_PATHS:
        args += ["--skip-path", skipped]
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv of our own tools, no shell
            args, cwd=directory, capture_output=True, text=True, timeout=600, check=False, env=env
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolFailed(f"checkov could not run: {exc}") from exc
    if done.returncode not in (0, 1):
        raise ToolFailed(f"checkov failed: {' '.join(done.stderr.split())[-300:]}")
    failed: list[FailedCheck] = []
    unparsed: list[str] = []
    for report in _reports(done.stdout):
        results = report.get("results")
        if not isinstance(results, dict):
            continue
        for item in results.get("failed_checks", []):
            lines = item.get("file_line_range") or [0, 0]
            check = FailedCheck(
                check_id=str(item.get("check_id", "")),
                name=str(item.get("check_name", "")),
                path=str(item.get("file_path", "")).lstrip("/"),
                line=int(lines[0] or 0),
                resource=str(item.get("resource", "")),
            )
            failed.append(check)
        unparsed += [str(p).lstrip("/") for p in results.get("parsing_errors", [])]
    return failed, unparsed


def checkov_scan_many(parent: Path) -> dict[str, ScanResult]:
    """One checkov run over every kit under ``parent`` (checkov's start-up is most of its time).

    Returns:
        Per sub-directory name, its failed checks and unparsable files (paths relative to it).

    Raises:
        ToolUnavailable: checkov is not installed here.
        ToolFailed: checkov ran but did not produce a report.
    """
    failed, unparsed = checkov_scan(parent)
    results: dict[str, ScanResult] = {
        child.name: ([], []) for child in sorted(parent.iterdir()) if child.is_dir()
    }
    for check in failed:
        kit, _, path = check.path.partition("/")
        results.setdefault(kit, ([], []))[0].append(replace(check, path=path))
    for item in unparsed:
        kit, _, path = item.partition("/")
        results.setdefault(kit, ([], []))[1].append(path)
    return results
