"""Charts of a CSV profile: distributions, missing values, correlations (Altair, no Streamlit).

The profile comes from ``agents.profiling`` (the analyzer's and the nightly analysis's own
profiler); histograms read a bounded sample of the file's numeric columns. Every label that
comes from the file is the profile's neutralised text.
"""

from __future__ import annotations

from pathlib import Path

import altair as alt
import pandas as pd

from agents.profiling import CsvProfile, neutralise

SAMPLE_ROWS = 20_000
MAX_HISTOGRAMS = 6
_NUMERIC_KINDS = {"int", "float"}


def missing_frame(profile: CsvProfile) -> pd.DataFrame:
    """One row per column: its name and the share of empty cells."""
    return pd.DataFrame(
        {
            "column": [neutralise(c.name) for c in profile.columns],
            "missing_rate": [c.missing_rate for c in profile.columns],
        }
    )


def missing_chart(profile: CsvProfile) -> alt.Chart:
    return (
        alt.Chart(missing_frame(profile), title="Missing values per column")
        .mark_bar()
        .encode(
            x=alt.X("missing_rate:Q", title="share of rows empty", scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("column:N", sort="-x", title=None),
            tooltip=["column", alt.Tooltip("missing_rate:Q", format=".1%")],
        )
    )


def numeric_sample(path: Path, profile: CsvProfile, *, rows: int = SAMPLE_ROWS) -> pd.DataFrame:
    """The first ``rows`` rows of up to ``MAX_HISTOGRAMS`` numeric columns, as numbers."""
    numeric = [c for c in profile.columns if c.kind in _NUMERIC_KINDS][:MAX_HISTOGRAMS]
    if not numeric:
        return pd.DataFrame()
    frame = pd.read_csv(
        path,
        sep=profile.delimiter,
        encoding="utf-8-sig" if profile.encoding == "utf-8-sig" else profile.encoding,
        usecols=[c.name for c in numeric],
        nrows=rows,
        dtype=str,
        on_bad_lines="skip",
    )
    return pd.DataFrame(
        {neutralise(c.name): pd.to_numeric(frame[c.name], errors="coerce") for c in numeric}
    )


def distribution_charts(path: Path, profile: CsvProfile) -> list[alt.Chart]:
    """A histogram per numeric column (from the sample) and a bar chart of the top values of
    each category column (from the profile)."""
    charts: list[alt.Chart] = []
    sample = numeric_sample(path, profile)
    for column in sample.columns:
        values = pd.DataFrame({"value": sample[column].dropna()})
        charts.append(
            alt.Chart(values, title=str(column))
            .mark_bar()
            .encode(
                x=alt.X("value:Q", bin=alt.Bin(maxbins=30), title=None),
                y=alt.Y("count():Q", title="rows"),
            )
            .properties(height=160)
        )
    for column in profile.columns:
        if column.kind != "category" or not column.top_values:
            continue
        top = pd.DataFrame(
            {
                "value": [t.value for t in column.top_values],
                "rows": [t.count for t in column.top_values],
            }
        )
        charts.append(
            alt.Chart(top, title=neutralise(column.name))
            .mark_bar()
            .encode(x=alt.X("rows:Q"), y=alt.Y("value:N", sort="-x", title=None))
            .properties(height=160)
        )
    return charts


def correlation_frame(profile: CsvProfile) -> pd.DataFrame:
    """Pearson correlations as a symmetric long table (the diagonal is 1)."""
    rows: list[dict[str, object]] = []
    names: set[str] = set()
    for pair in profile.correlations:
        left, right = neutralise(pair.left), neutralise(pair.right)
        names.update((left, right))
        rows += [
            {"left": left, "right": right, "pearson": pair.pearson},
            {"left": right, "right": left, "pearson": pair.pearson},
        ]
    rows += [{"left": name, "right": name, "pearson": 1.0} for name in sorted(names)]
    return pd.DataFrame(rows, columns=["left", "right", "pearson"])


def correlation_chart(profile: CsvProfile) -> alt.LayerChart | None:
    frame = correlation_frame(profile)
    if frame.empty:
        return None
    base = alt.Chart(frame, title="Correlations (Pearson)").encode(
        x=alt.X("left:N", title=None), y=alt.Y("right:N", title=None)
    )
    cells = base.mark_rect().encode(
        color=alt.Color("pearson:Q", scale=alt.Scale(domain=[-1, 1], scheme="redblue")),
        tooltip=["left", "right", alt.Tooltip("pearson:Q", format=".2f")],
    )
    labels = base.mark_text().encode(text=alt.Text("pearson:Q", format=".2f"))
    return alt.LayerChart(layer=[cells, labels])
