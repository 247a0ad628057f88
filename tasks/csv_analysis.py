"""Prefect tasks of the scheduled CSV analysis: profile the file, compare with the last run."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from prefect import Task, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import TASK_SOURCE, CacheKeyFnPolicy
from prefect.client.schemas.objects import TaskRun
from prefect.context import TaskRunContext
from prefect.states import Failed, State

import agents.profiling
from agents.profiling import CsvProfile, DriftReport, compare, neutralise, profile_csv
from agents.rendering import default_renderer
from core.errors import InvalidRequest
from core.settings import get_settings
from tasks.common import CODE_VERSION, retry_transient

_TEMPLATE = "reports/csv_profile.md.j2"
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def resolve_location(csv_location: str) -> Path:
    """The local CSV file behind ``csv_location``, resolved; one sentence if there is none."""
    if not csv_location.strip():
        raise InvalidRequest("Give csv_location: the path of the CSV file to analyse.")
    if _URL.match(csv_location):
        raise InvalidRequest(
            f"The location {csv_location[:200]!r} is not a local path; csv-analysis reads "
            "local files only so far."
        )
    path = Path(csv_location).expanduser().resolve()
    if not path.is_file():
        raise InvalidRequest(
            f"The CSV file {csv_location[:200]!r} does not exist or is not a file."
        )
    return path


def _profiler_source() -> str:
    """Hash of the profiler's modules, so a new profiler never reuses an old cached profile."""
    digest = hashlib.sha256()
    package = Path(str(agents.profiling.__file__)).parent
    for module in sorted(package.glob("*.py")):
        digest.update(module.read_bytes())
    return digest.hexdigest()


_PROFILER_SOURCE = _profiler_source()


def _file_version(context: TaskRunContext, parameters: dict[str, Any]) -> str:
    """Same file (path, size, modification time) and same profiler -> same profile."""
    path = Path(parameters["path"])
    stat = path.stat()
    key = f"{path}|{stat.st_size}|{stat.st_mtime_ns}|{_PROFILER_SOURCE}"
    return hashlib.sha256(key.encode()).hexdigest()


# A refusal of the file is returned as a Failed state whose message starts with this.
_REFUSAL = "Refused: "


def _retry_crashes(task: Task[..., Any], task_run: TaskRun, state: State[Any]) -> bool:
    """Retry an unexpected crash; a refusal of the file is final."""
    if (state.message or "").startswith(_REFUSAL):
        return False
    return retry_transient(task, task_run, state)


@task(
    name="profile-csv",
    retries=1,
    retry_delay_seconds=2,
    retry_condition_fn=_retry_crashes,
    cache_policy=TASK_SOURCE + CODE_VERSION + CacheKeyFnPolicy(cache_key_fn=_file_version),
    persist_result=True,
)
def profile_file(path: str) -> CsvProfile | State[Any]:
    """Profile the file in bounded memory; a bad file ends this task Failed with one sentence."""
    try:
        return profile_csv(Path(path))
    except InvalidRequest as exc:
        return Failed(message=f"{_REFUSAL}{exc}")


def refusal(state: State[Any]) -> str:
    """The one-sentence reason of a failed ``profile_file`` run."""
    message = state.message or "The CSV file could not be profiled."
    return message.removeprefix(_REFUSAL)


def profile_store(location: str) -> Path:
    """Where the last profile of ``location`` is kept: one JSON file per location."""
    digest = hashlib.sha256(location.encode()).hexdigest()
    return get_settings().data_home / "csv-profiles" / f"{digest}.json"


def load_previous(location: str) -> CsvProfile | None:
    """The profile saved by the previous run on ``location``, if any and still readable."""
    try:
        return CsvProfile.model_validate_json(profile_store(location).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:  # unreadable or from an incompatible version
        get_run_logger().warning("Ignoring the stored profile of %s: %s", location, exc)
        return None


def save_profile(location: str, profile: CsvProfile) -> Path:
    """Replace the stored profile atomically (write a temporary file, then rename)."""
    target = profile_store(location)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=target.parent, suffix=".tmp", delete=False
    ) as handle:
        handle.write(profile.model_dump_json())
    os.replace(handle.name, target)
    return target


@task(name="csv-drift", retries=1, retry_delay_seconds=2, retry_condition_fn=retry_transient)
def drift_since_last_run(
    location: str, profile: CsvProfile, threshold: float
) -> DriftReport | None:
    """Compare with the previous run's profile (None on the first run), then store this one."""
    previous = load_previous(location)
    report = compare(previous, profile, threshold=threshold) if previous else None
    save_profile(location, profile)
    return report


def artifact_prefix(stem: str) -> str:
    """``csv-<slug of the file stem>``: artifact keys allow lowercase letters, digits, dashes."""
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:40].strip("-")
    return f"csv-{slug or 'file'}"


def profile_rows(profile: CsvProfile) -> list[dict[str, Any]]:
    """One table row per column; every cell from the file is already neutralised."""
    return [
        {
            "column": neutralise(c.name),
            "identifier": c.identifier,
            "type": c.field_type,
            "kind": c.kind,
            "missing_rate": round(c.missing_rate, 4),
            "distinct": c.distinct,
            "min": c.minimum or "",
            "max": c.maximum or "",
            "mean": "" if c.mean is None else round(c.mean, 4),
            "std": "" if c.std is None else round(c.std, 4),
            "median": "" if c.quantiles is None else round(c.quantiles.p50, 4),
            "outliers": "" if c.outliers is None else c.outliers,
            "top_values": "; ".join(f"{t.value} ({t.count:,})" for t in c.top_values),
            "role": "key" if c.is_candidate_key else "target" if c.is_candidate_target else "",
        }
        for c in profile.columns
    ]


def publish_report(profile: CsvProfile, drift: DriftReport | None) -> list[str]:
    """The profile as a table, the insights and the drift as markdown; returns the keys."""
    prefix = artifact_prefix(profile.stem)
    rows = profile_rows(profile)
    renderer = default_renderer()
    context = {"profile": profile, "rows": rows, "drift": drift}
    create_table_artifact(
        table=rows, key=f"{prefix}-profile", description=f"Profile of {profile.stem[:100]}"
    )
    create_markdown_artifact(
        markdown=renderer.render(_TEMPLATE, {**context, "part": "insights"}),
        key=f"{prefix}-insights",
        description=f"Key insights on {profile.stem[:100]}",
    )
    create_markdown_artifact(
        markdown=renderer.render(_TEMPLATE, {**context, "part": "drift"}),
        key=f"{prefix}-drift",
        description=f"Drift of {profile.stem[:100]} since the previous run",
    )
    return [f"{prefix}-profile", f"{prefix}-insights", f"{prefix}-drift"]
