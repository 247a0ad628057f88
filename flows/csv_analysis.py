"""The scheduled CSV analysis: profile a file, publish the report, and say what drifted.

Deployed as ``csv-analysis/nightly`` (prefect.yaml). Each run profiles the file in bounded
memory, publishes ``csv-<stem>-profile`` (table), ``csv-<stem>-insights`` and
``csv-<stem>-drift`` (markdown), and keeps the profile for the next run's comparison.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.runtime import flow_run
from prefect.states import Failed, State
from pydantic import BaseModel, Field

from agents.profiling import CsvProfile, DriftReport
from core.errors import Ag2SdlcError, InvalidRequest
from core.locations import parse_location
from core.settings import get_settings
from flows.reschedules import endless_reschedules
from tasks.csv_analysis import (
    drift_since_last_run,
    profile_file,
    publish_report,
    refusal,
    resolve_location,
)
from tasks.csv_source import fetch_csv_task


class CsvAnalysisOutcome(BaseModel):
    """What one run measured and published."""

    location: str = Field(max_length=1000)
    profile: CsvProfile
    drift: DriftReport | None = Field(None, description="None on the first run of a location.")
    artifact_keys: list[str] = Field(max_length=10)


@flow(name="csv-analysis")
def csv_analysis(
    csv_location: str,
    drift_threshold: float = 0.1,
    aws_block: str = "",
    gcp_block: str = "",
    azure_block: str = "",
) -> CsvAnalysisOutcome | State[Any]:
    """Profile the CSV file at ``csv_location`` and report drift since the previous run.

    Args:
        csv_location: Path or s3:// gs:// az:// URL of the CSV file (the same on every run).
        drift_threshold: Smallest change reported as drift: relative for row counts and means,
            absolute for missing rates (0.1 = 10%).
        aws_block: ``AwsCredentials`` block for ``s3://`` locations.
        gcp_block: ``GcpCredentials`` block for ``gs://`` locations.
        azure_block: ``AzureBlobStorageCredentials`` block for ``az://`` locations.
    """
    logger = get_run_logger()
    if refused := endless_reschedules(flow_run.id):
        logger.error("%s", refused)
        return Failed(message=refused)
    try:
        if not 0 <= drift_threshold <= 10:
            raise InvalidRequest(
                f"The drift threshold must be between 0 and 10, not {drift_threshold}."
            )
        in_cloud = parse_location(csv_location.strip()) is not None
        path = None if in_cloud else resolve_location(csv_location)
    except InvalidRequest as exc:
        return Failed(message=str(exc))
    if path is None:
        inputs = get_settings().data_home / "csv-inputs"
        fetched = fetch_csv_task(
            csv_location.strip(), str(inputs), aws_block, gcp_block, azure_block, return_state=True
        )
        if not fetched.is_completed():
            error = fetched.result(raise_on_failure=False)
            return Failed(
                message=str(error) if isinstance(error, Ag2SdlcError) else refusal(fetched)
            )
        path = Path(fetched.result())
    state = profile_file(str(path), return_state=True)
    profile = state.result(raise_on_failure=False) if state.is_completed() else None
    if not isinstance(profile, CsvProfile):
        return Failed(message=refusal(state))
    drift = drift_since_last_run(str(path), profile, drift_threshold)
    keys = publish_report(profile, drift)
    logger.info(
        "Profiled %s: %d rows, %d columns, %s",
        path.name,
        profile.rows,
        len(profile.columns),
        f"{len(drift.changes)} drift changes" if drift else "first run",
    )
    return CsvAnalysisOutcome(location=str(path), profile=profile, drift=drift, artifact_keys=keys)
