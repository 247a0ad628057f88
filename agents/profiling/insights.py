"""Key insights of a CSV profile, as sentences a person would write."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agents.profiling.sniff import DELIMITER_WORDS

if TYPE_CHECKING:
    from agents.profiling.models import ColumnProfile, CsvProfile

MAX_INSIGHTS = 20
_SHOWN_NAME = 60


def quoted(name: str) -> str:
    """A column name as it reads inside a sentence."""
    short = " ".join(name.split())
    return f"'{short[:_SHOWN_NAME]}…'" if len(short) > _SHOWN_NAME else f"'{short}'"


def _percent(share: float) -> str:
    if 0 < share < 0.01:
        return "under 1%"
    if 0.99 < share < 1:
        return "over 99%"
    return f"{share:.0%}"


def _shape(profile: CsvProfile) -> list[str]:
    count = len(profile.columns)
    layout = (
        "a single column"
        if count == 1
        else f"{count} columns separated by {DELIMITER_WORDS[profile.delimiter]}"
    )
    lines = [f"The file has {profile.rows:,} rows and {layout}."]
    if profile.encoding == "latin-1":
        lines.append(
            "The file is not valid UTF-8, so it was read as Latin-1; check that accented "
            "letters look right."
        )
    if profile.sampled:
        lines.append(
            "Types, quantiles, top values and correlations were measured on "
            f"{profile.sample_rows:,} rows spread across the file; counts, gaps, ranges and "
            "means cover every row."
        )
    return lines


def _keys(profile: CsvProfile) -> list[str]:
    lines = []
    key = next((c for c in profile.columns if c.is_candidate_key), None)
    if key is None:
        lines.append("No single column identifies a row: there is no natural primary key.")
    else:
        how = "appears to be unique (estimated)" if key.distinct_is_estimate else "is unique"
        lines.append(f"{quoted(key.name)} can serve as the primary key: it {how} and never empty.")
    target = next((c for c in profile.columns if c.is_candidate_target), None)
    if target is not None:
        what = {
            "category": f"{target.distinct} categories",
            "bool": "yes or no",
            "int": "a whole number",
            "float": "a number",
        }.get(target.kind, target.kind)
        lines.append(f"{quoted(target.name)} looks like the column to predict ({what}).")
    return lines


def _gaps(columns: list[ColumnProfile]) -> list[str]:
    lines = []
    for column in sorted(columns, key=lambda c: -c.missing)[:5]:
        if not column.missing:
            break
        rate = _percent(column.missing_rate)
        if column.missing_rate == 1:
            lines.append(f"{quoted(column.name)} is empty in every row.")
        elif column.missing_rate >= 0.5:
            lines.append(f"{quoted(column.name)} is mostly empty ({rate} of rows).")
        else:
            lines.append(f"{quoted(column.name)} is empty in {rate} of rows ({column.missing:,}).")
    for column in columns:
        if column.distinct == 1 and not column.missing:
            lines.append(
                f"{quoted(column.name)} holds the same value in every row, "
                "so it tells no row apart."
            )
    return lines


def _values(columns: list[ColumnProfile]) -> list[str]:
    lines = []
    for column in [c for c in columns if c.kind == "category" and c.top_values][:3]:
        top = column.top_values[0]
        lines.append(
            f"{quoted(column.name)} has {column.distinct} categories; the most common, "
            f"{quoted(top.value)}, covers {_percent(top.share)} of rows."
        )
    for column in [c for c in columns if c.kind == "bool" and c.top_values][:2]:
        true = next((t.share for t in column.top_values if t.value == "true"), 0.0)
        lines.append(f"{quoted(column.name)} is true in {_percent(true)} of rows.")
    for column in [c for c in columns if c.kind in ("date", "datetime")][:2]:
        if column.minimum and column.maximum:
            lines.append(f"{quoted(column.name)} runs from {column.minimum} to {column.maximum}.")
    for column in [c for c in columns if c.invalid_values][:3]:
        lines.append(
            f"{quoted(column.name)} looked typed in the sample, but {column.invalid_values:,} "
            "values further down do not fit, so it is profiled as text."
        )
    return lines


def _relations(profile: CsvProfile, rows: int) -> list[str]:
    lines = []
    for pair in profile.correlations[:3]:
        direction = "rise and fall together" if pair.pearson > 0 else "move in opposite directions"
        lines.append(
            f"{quoted(pair.left)} and {quoted(pair.right)} {direction} (r = {pair.pearson:.2f})."
        )
    outlying = sorted((c for c in profile.columns if c.outliers), key=lambda c: -(c.outliers or 0))
    for column in outlying[:3]:
        count = column.outliers or 0
        lines.append(
            f"{quoted(column.name)} has {count:,} outliers ({_percent(count / rows)} of rows) "
            "beyond 1.5 interquartile ranges from its quartiles."
        )
    return lines


def insights_for(profile: CsvProfile, formula_columns: list[str]) -> list[str]:
    """The profile's key findings, most important first, at most ``MAX_INSIGHTS`` sentences."""
    lines = _shape(profile)
    if formula_columns:
        names = ", ".join(quoted(n) for n in formula_columns[:3])
        lines.append(
            f"Some values in {names} start like spreadsheet formulas (=, +, -, @); they are "
            "shown with a leading apostrophe so no spreadsheet runs them."
        )
    lines += _keys(profile) + _gaps(profile.columns)
    lines += _values(profile.columns) + _relations(profile, max(profile.rows, 1))
    return [line[:300] for line in lines[:MAX_INSIGHTS]]
