"""The scheduled CSV analysis: profile a file, publish the report, and say what drifted.

Deployed as ``csv-analysis/nightly`` (prefect.yaml). Each run profiles the file in bounded
memory, publishes ``csv-<stem>-profile`` (table), ``csv-<stem>-insights`` and
``csv-<stem>-drift`` (markdown), and keeps the profile for the next run's comparison.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger
from prefect.states import Failed, State
from pydantic import BaseModel, Field

from agents.drift import DriftReport
from agents.errors import InvalidRequest
from agents.profiling import CsvProfile
from tasks.csv_analysis import (
    drift_since_last_run,
    profile_file,
    publish_report,
    refusal,
    resolve_location,
)


class CsvAnalysisOutcome(BaseModel):
    """What one run measured and published."""

    location: str = Field(max_length=1000)
    profile: CsvProfile
    drift: DriftReport | None = Field(None, description="None on the first run of a location.")
    artifact_keys: list[str] = Field(max_length=10)


@flow(name="csv-analysis")
def csv_analysis(
    csv_location: str, drift_threshold: float = 0.1
) -> CsvAnalysisOutcome | State[Any]:
    """Profile the CSV file at ``csv_location`` and report drift since the previous run.

    Args:
        csv_location: Path of the CSV file (the same path on every scheduled run).
        drift_threshold: Smallest change reported as drift: relative for row counts and means,
            absolute for missing rates (0.1 = 10%).
    """
    logger = get_run_logger()
    try:
        path = resolve_location(csv_location)
        if not 0 <= drift_threshold <= 10:
            raise InvalidRequest(
                f"The drift threshold must be between 0 and 10, not {drift_threshold}."
            )
    except InvalidRequest as exc:
        return Failed(message=str(exc))
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
