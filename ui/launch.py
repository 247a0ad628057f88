"""Start a pipeline run for the launcher and the REST API: check the input, keep an uploaded
CSV, deploy ``sdlc-pipeline/default`` if needed (as the CLI does), create the run.

Nothing here decides anything about the pipeline: the run's parameters are the flow's own, and
``PipelineRequest.from_inputs`` is the one gate every entry point passes user input through.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Literal
from uuid import UUID

from core.contracts import PipelineRequest
from core.errors import InvalidRequest
from core.settings import Settings

DeployChoice = Literal["local", "check", "none"]
DEPLOY_CHOICES: tuple[DeployChoice, ...] = ("local", "check", "none")
UPLOAD_LIMIT_ENV = "AG2_SDLC_UPLOAD_LIMIT_MB"
DEFAULT_UPLOAD_LIMIT_MB = 50


def upload_limit_bytes() -> int:
    """The largest CSV upload accepted: ``AG2_SDLC_UPLOAD_LIMIT_MB`` megabytes (default 50)."""
    text = os.environ.get(UPLOAD_LIMIT_ENV, "").strip()
    try:
        megabytes = float(text) if text else DEFAULT_UPLOAD_LIMIT_MB
    except ValueError:
        megabytes = DEFAULT_UPLOAD_LIMIT_MB
    return int(max(megabytes, 0.001) * 1024 * 1024)


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB" if count >= 100 * 1024 else f"{count:,} bytes"


def save_upload(file_name: str, data: bytes, *, settings: Settings) -> Path:
    """Keep an uploaded CSV under the data home and return its path.

    The file is checked before any run sees it: a ``.csv`` name, not empty, within the upload
    limit, and readable as CSV text (the profiler's own head check: encoding, delimiter,
    header). Same content, same path, so a re-upload reuses the agents' cached results.

    Raises:
        InvalidRequest: One sentence saying what is wrong with the file.
    """
    shown = Path(file_name).name[:120] or "the upload"
    if not shown.lower().endswith(".csv"):
        raise InvalidRequest(f"Only .csv files can be uploaded; {shown!r} is not one.")
    if not data:
        raise InvalidRequest(f"The file {shown!r} is empty.")
    limit = upload_limit_bytes()
    if len(data) > limit:
        raise InvalidRequest(
            f"The file {shown!r} has {_size(len(data))}; the upload limit is {_size(limit)}."
        )
    stem = re.sub(r"[^a-z0-9]+", "-", Path(shown).stem.lower()).strip("-")[:40] or "upload"
    digest = hashlib.sha256(data).hexdigest()[:16]
    folder = settings.data_home / "uploads" / digest
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{stem}.csv"
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False) as handle:
        handle.write(data)
    os.replace(handle.name, target)
    _check_csv(target, shown)
    return target


def _check_csv(path: Path, shown: str) -> None:
    """Refuse a file the profiler would refuse, with its sentence, and forget the file."""
    from agents.profiling.sniff import sniff

    try:
        sniff(path)
    except InvalidRequest as exc:
        path.unlink(missing_ok=True)
        raise InvalidRequest(str(exc).replace(repr(path.name), repr(shown))) from None


def pipeline_parameters(
    request: PipelineRequest,
    *,
    deploy: DeployChoice = "local",
    approval_timeout: int = 3600,
    requested_by: str = "",
) -> dict[str, Any]:
    """The ``sdlc-pipeline`` flow's parameters for a checked request.

    ``requested_by`` is recorded for the four-eyes rule; it is as trustworthy as the front end
    that sets it (the CLI says the operating-system user).
    """
    if deploy not in DEPLOY_CHOICES:
        raise InvalidRequest(f"Unknown deploy choice {deploy!r}; choose local, check or none.")
    return {
        "request": request.text or "",
        "csv_location": request.csv_location or "",
        "cloud_provider": request.cloud_provider,
        "project_name": request.project_name,
        "project_kind": request.project_kind or "auto",
        "approval_timeout": approval_timeout,
        "deploy_target": "none" if deploy == "none" else "local",
        "keep_deployment_running": deploy == "local",
        "requested_by": requested_by[:120],
    }


def ensure_deployment(settings: Settings) -> None:
    """Deploy ``sdlc-pipeline/default`` and start a worker unless both are there already."""
    from ui.connection import api_url
    from ui.deploy import deploy

    deploy(settings, {"PREFECT_API_URL": api_url()}, force=False)


def launch(
    request: PipelineRequest,
    *,
    settings: Settings,
    deploy: DeployChoice = "local",
    approval_timeout: int = 3600,
    requested_by: str = "",
) -> UUID:
    """Start a run of ``sdlc-pipeline/default`` for ``request`` and return its id."""
    from ui import runs

    parameters = pipeline_parameters(
        request, deploy=deploy, approval_timeout=approval_timeout, requested_by=requested_by
    )
    ensure_deployment(settings)
    return runs.start_run(parameters)
