"""The scheduled CSV analyses as the launcher shows them: latest reports and starting one now.

Reports are the ``csv-<name>-profile`` / ``-insights`` / ``-drift`` artifacts the
``csv-analysis`` flow publishes; a run started here is a run of ``csv-analysis/nightly`` with
another ``csv_location``, exactly as ``prefect deployment run`` would start it.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactCollectionFilter, ArtifactCollectionFilterKey
from prefect.client.schemas.sorting import ArtifactCollectionSort
from pydantic import BaseModel

from core.errors import InvalidRequest
from core.locations import parse_location

NIGHTLY = "csv-analysis/nightly"
_PARTS = ("profile", "insights", "drift")


class CsvReport(BaseModel):
    """The latest profile, insights and drift of one analysed file."""

    name: str  # the artifact prefix, csv-<file stem>
    updated: datetime | None = None
    flow_run_id: UUID | None = None
    profile: list[dict[str, Any]] = []
    insights: str = ""
    drift: str = ""


def csv_reports(*, limit: int = 20) -> list[CsvReport]:
    """The newest report of each analysed file, most recently updated first."""
    with get_client(sync_client=True) as client:
        latest = client.read_latest_artifacts(
            artifact_filter=ArtifactCollectionFilter(key=ArtifactCollectionFilterKey(like_="csv-")),
            sort=ArtifactCollectionSort.UPDATED_DESC,
            limit=limit * len(_PARTS),
        )
    reports: dict[str, CsvReport] = {}
    for artifact in latest:
        key = artifact.key or ""
        prefix, _, part = key.rpartition("-")
        if not key.startswith("csv-") or part not in _PARTS:
            continue
        report = reports.setdefault(
            prefix,
            CsvReport(name=prefix, updated=artifact.updated, flow_run_id=artifact.flow_run_id),
        )
        if part == "profile":
            data: Any = artifact.data
            rows = json.loads(data) if isinstance(data, str) else data
            report.profile = [dict(row) for row in rows or []]
        else:
            setattr(report, part, str(artifact.data or ""))
    return list(reports.values())[:limit]


def check_location(location: str) -> str:
    """A CSV location the nightly flow can read: an existing local file or a bucket URL."""
    location = location.strip()
    if not location:
        raise InvalidRequest("Give the path or s3:// gs:// az:// URL of the CSV file to analyse.")
    if parse_location(location) is not None:
        return location
    path = Path(location).expanduser()
    if not path.is_file():
        raise InvalidRequest(f"The CSV file {location[:200]!r} does not exist or is not a file.")
    return str(path.resolve())


def start_analysis(location: str) -> UUID:
    """Start a run of ``csv-analysis/nightly`` on ``location`` now (deployed by ``ensure``)."""
    from prefect.deployments import run_deployment

    flow_run = run_deployment(NIGHTLY, parameters={"csv_location": location}, timeout=0)
    return flow_run.id  # type: ignore[union-attr]  # timeout=0 returns the FlowRun
