"""Drift between two profiles of the same CSV location: what changed since the previous run."""

from __future__ import annotations

import logging

from pydantic import BaseModel, ConfigDict, Field

from agents.profiling.insights import quoted
from agents.profiling.profile import ColumnProfile, CsvProfile
from core.contracts import FieldType
from core.errors import InvalidRequest

logger = logging.getLogger(__name__)

_MAX_CHANGES = 50


class _Bounded(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TypeChange(_Bounded):
    column: str = Field(max_length=300)
    before: FieldType
    after: FieldType


class Shift(_Bounded):
    column: str = Field(max_length=300)
    before: float
    after: float


class DriftReport(_Bounded):
    """What changed between the previous and the current profile, as data and as sentences."""

    threshold: float = Field(ge=0, le=10, description="Relative change that counts as drift.")
    previous_rows: int = Field(ge=0)
    current_rows: int = Field(ge=0)
    columns_added: list[str] = Field(default_factory=list, max_length=500)
    columns_removed: list[str] = Field(default_factory=list, max_length=500)
    type_changes: list[TypeChange] = Field(default_factory=list, max_length=500)
    missing_shifts: list[Shift] = Field(default_factory=list, max_length=500)
    mean_shifts: list[Shift] = Field(default_factory=list, max_length=500)
    changes: list[str] = Field(
        default_factory=list, max_length=_MAX_CHANGES, description="One sentence per change."
    )
    has_drift: bool = False


def _relative(before: float, after: float, scale: float) -> float:
    return abs(after - before) / scale if scale > 0 else float(after != before)


def _mean_scale(column: ColumnProfile) -> float:
    """The previous mean's size; its standard deviation when the mean sits near zero."""
    mean = abs(column.mean or 0.0)
    return mean if mean > 1e-9 else (column.std or 0.0)


def _signed_percent(before: float, after: float) -> str:
    if before == 0:
        return "from zero"
    return f"{(after - before) / abs(before):+.0%}"


def _mean_shift(
    name: str, old: ColumnProfile, new: ColumnProfile, threshold: float
) -> Shift | None:
    if old.mean is None or new.mean is None:
        return None
    if _relative(old.mean, new.mean, _mean_scale(old)) <= threshold:
        return None
    return Shift(column=name, before=old.mean, after=new.mean)


def _column_changes(
    report: DriftReport, name: str, old: ColumnProfile, new: ColumnProfile, threshold: float
) -> list[str]:
    """Record one column's type, missing-rate and mean changes in ``report``; say each."""
    changes = []
    if old.field_type != new.field_type:
        report.type_changes.append(
            TypeChange(column=name, before=old.field_type, after=new.field_type)
        )
        changes.append(
            f"Column {quoted(name)} changed type from {old.field_type} to {new.field_type}."
        )
    if abs(new.missing_rate - old.missing_rate) > threshold:
        report.missing_shifts.append(
            Shift(column=name, before=old.missing_rate, after=new.missing_rate)
        )
        changes.append(
            f"Column {quoted(name)} is now empty in {new.missing_rate:.0%} of rows "
            f"(was {old.missing_rate:.0%})."
        )
    shift = _mean_shift(name, old, new, threshold)
    if shift is not None:
        report.mean_shifts.append(shift)
        changes.append(
            f"The mean of {quoted(name)} moved from {shift.before:.4g} to {shift.after:.4g} "
            f"({_signed_percent(shift.before, shift.after)})."
        )
    return changes


def compare(previous: CsvProfile, current: CsvProfile, *, threshold: float = 0.1) -> DriftReport:
    """Compare two profiles of one location.

    Args:
        previous: The profile of the previous run.
        current: The profile of this run.
        threshold: Smallest change that counts: relative for row counts and means
            (0.1 = 10%), absolute for missing rates (0.1 = ten percentage points).

    Returns:
        The report; ``changes`` names each change in one sentence, ``has_drift`` is true when
        there is any.

    Raises:
        InvalidRequest: the threshold is negative or above 10.
    """
    if not 0 <= threshold <= 10:
        raise InvalidRequest(f"The drift threshold must be between 0 and 10, not {threshold}.")
    before = {c.name: c for c in previous.columns}
    after = {c.name: c for c in current.columns}
    report = DriftReport(
        threshold=threshold,
        previous_rows=previous.rows,
        current_rows=current.rows,
        columns_added=[n for n in after if n not in before],
        columns_removed=[n for n in before if n not in after],
    )
    changes: list[str] = []
    if _relative(previous.rows, current.rows, previous.rows) > threshold:
        changes.append(
            f"The row count went from {previous.rows:,} to {current.rows:,} "
            f"({_signed_percent(previous.rows, current.rows)})."
        )
    changes += [f"Column {quoted(n)} was added." for n in report.columns_added]
    changes += [f"Column {quoted(n)} was removed." for n in report.columns_removed]
    for name in (n for n in after if n in before):
        changes += _column_changes(report, name, before[name], after[name], threshold)
    if len(changes) > _MAX_CHANGES:
        hidden = len(changes) - _MAX_CHANGES + 1
        changes = [*changes[: _MAX_CHANGES - 1], f"{hidden} more changes are not listed."]
    logger.info("Drift: %d changes", len(changes))
    return report.model_copy(update={"changes": changes, "has_drift": bool(changes)})
