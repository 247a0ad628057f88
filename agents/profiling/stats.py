"""DuckDB queries behind the CSV profile: a bounded sample for shape, one streaming full pass.

Files up to ``SAMPLE_BYTES`` are their own sample, so every figure is exact. Larger files are
sampled by whole lines from evenly spaced blocks (the head plus ``_BLOCKS`` slices), so types,
quantiles, top values and correlations come from about 4 MB whatever the file size; counts,
missing values, ranges, means, standard deviations, outlier counts, category counts and
approximate distinct counts come from one streaming pass over every row. DuckDB runs under a
memory limit and reads with explicit options (delimiter, quote, types), never auto-detection.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import duckdb

from agents.profiling.measures import FullColumn, Sample, SampleColumn
from agents.profiling.sniff import HEAD_BYTES, Dialect
from agents.profiling.sql import (
    NUMERIC,
    READ_ERRORS,
    SAMPLE_COUNTS_SQL,
    SAMPLE_TOP_SQL,
    canonical_type,
    explain,
    full_pass_selects,
    moment_shift,
    moments,
    read_csv_sql,
    sample_facts_sql,
    select_sql,
    sniff_sql,
)
from core.errors import InvalidRequest

SAMPLE_BYTES = 4 << 20
_BLOCKS = 14
_BLOCK_BYTES = (SAMPLE_BYTES - HEAD_BYTES) // _BLOCKS
_TOP_VALUES = 5
_MAX_CORRELATED = 15
_MIN_CORRELATED = 10


def connect(temp_dir: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that spills to ``temp_dir`` instead of growing past 256 MB."""
    con = duckdb.connect(
        config={
            "memory_limit": "256MB",
            "temp_directory": str(temp_dir),
            "preserve_insertion_order": False,
        }
    )
    con.execute("SET enable_progress_bar = false")  # it writes to stderr on long scans
    return con


def write_sample(path: Path, dialect: Dialect, temp_dir: Path) -> Path:
    """The head of ``path`` plus whole lines from evenly spaced blocks, as one CSV file."""
    sample = temp_dir / "sample.csv"
    with path.open("rb") as source, sample.open("wb") as target:
        head = source.read(HEAD_BYTES)
        target.write(head[: head.rfind(b"\n") + 1])
        step = max((dialect.size - HEAD_BYTES) // _BLOCKS, 1)
        for index in range(1, _BLOCKS + 1):
            source.seek(HEAD_BYTES + (index - 1) * step)
            block = source.read(_BLOCK_BYTES)
            start, end = block.find(b"\n") + 1, block.rfind(b"\n") + 1
            if 0 < start < end:
                target.write(block[start:end])
    return sample


def _head_only(path: Path, temp_dir: Path) -> Path:
    sample = temp_dir / "head.csv"
    with path.open("rb") as source:
        head = source.read(HEAD_BYTES)
    sample.write_bytes(head[: head.rfind(b"\n") + 1])
    return sample


def _column_facts(con: duckdb.DuckDBPyConnection, types: list[str]) -> list[SampleColumn]:
    columns = [SampleColumn() for _ in types]
    for col, nonnull, distinct, boolish, lead, spaces, formulas in con.execute(
        sample_facts_sql(types)
    ).fetchall():
        columns[int(col[1:])] = SampleColumn(
            nonnull=nonnull,
            distinct=distinct,
            boolish=bool(boolish),
            leading_zero=bool(lead),
            spaces=bool(spaces),
            formula_cells=int(formulas or 0),
        )
    for col, value, n in con.execute(SAMPLE_TOP_SQL, [_TOP_VALUES]).fetchall():
        columns[int(col[1:])].top.append((value, n))
    for row in con.execute("SELECT * FROM raw LIMIT 200").fetchall():
        for column, value in zip(columns, row, strict=True):
            if value is not None and value not in column.examples and len(column.examples) < 3:
                column.examples.append(value)
    return columns


def _numeric_facts(con: duckdb.DuckDBPyConnection, sample: Sample) -> None:
    """Quantiles and pairwise correlations of the numeric columns, over the sample's text."""
    numeric = [i for i, t in enumerate(sample.types) if t in NUMERIC]
    # Fewer than _MIN_CORRELATED rows make any two columns look correlated.
    pairs = list(itertools.combinations(numeric[:_MAX_CORRELATED], 2))
    pairs = pairs if sample.rows >= _MIN_CORRELATED else []
    if not numeric:
        return
    value = "TRY_CAST(c{} AS DOUBLE)".format
    selects = [f"quantile_cont({value(i)}, [0.05, 0.25, 0.5, 0.75, 0.95])" for i in numeric]
    selects += [f"corr({value(a)}, {value(b)})" for a, b in pairs]
    row = _one_row(con, select_sql(selects, "raw"), [])
    for i, quantiles in zip(numeric, row[: len(numeric)], strict=True):
        sample.columns[i].quantiles = quantiles
    for (a, b), r in zip(pairs, row[len(numeric) :], strict=True):
        if r is not None and r == r:  # NaN when a column is constant
            sample.correlations.append((a, b, float(r)))


def read_sample(
    con: duckdb.DuckDBPyConnection, path: Path, dialect: Dialect, temp_dir: Path
) -> Sample:
    """Detect column types on the sample and measure its shape (top values, quantiles, r)."""
    sampled = dialect.size > SAMPLE_BYTES
    source = write_sample(path, dialect, temp_dir) if sampled else path
    count = len(dialect.names)
    for attempt in ("sample", "head"):
        try:
            raw = read_csv_sql(dialect, ["VARCHAR"] * count)  # precise errors come from here
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE raw AS {select_sql(['*'], raw)}", [str(source)]
            )
            columns, dateformat, tsformat = _one_row(con, sniff_sql(dialect), [str(source)])
            break
        except READ_ERRORS as exc:
            if attempt == "head" or not sampled:
                raise explain(exc, path.name) from exc
            source = _head_only(path, temp_dir)  # a block began inside a quoted value
    types = [canonical_type(c["type"]) for c in columns]
    if len(types) != count:
        raise InvalidRequest(f"The CSV file {path.name!r} could not be read as a table.")
    rows = int(_one_row(con, "SELECT count(*) FROM raw", [])[0])
    con.execute(SAMPLE_COUNTS_SQL)
    facts = _column_facts(con, types)
    for i, fact in enumerate(facts):
        if types[i] in NUMERIC and fact.leading_zero:
            types[i] = "VARCHAR"  # codes such as zip codes keep their leading zeros
        elif types[i] == "VARCHAR" and fact.boolish and fact.nonnull:
            types[i] = "BOOLWORDS"
    sample = Sample(rows, sampled, types, dateformat, tsformat, facts, [])
    _numeric_facts(con, sample)
    return sample


def _one_row(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> tuple[Any, ...]:
    row = con.execute(sql, params).fetchone()
    if row is None:  # aggregates always return a row; this guards the type, not a real case
        raise duckdb.InvalidInputException("the query returned no row")
    return row


def full_pass(
    con: duckdb.DuckDBPyConnection, path: Path, dialect: Dialect, sample: Sample
) -> tuple[int, list[FullColumn]]:
    """Every row, once: counts, ranges, means, outliers, category counts; typed, else tolerant."""
    for tolerant in (False, True):
        selects, params, slots = full_pass_selects(sample, tolerant=tolerant)
        types = ["VARCHAR" if tolerant else t for t in sample.types]
        read = read_csv_sql(dialect, types, dateformat=sample.dateformat, tsformat=sample.tsformat)
        try:
            row = _one_row(
                con, select_sql(["count(*)", *selects], read), [*params, str(path)]
            )  # textual order
        except duckdb.ConversionException as exc:
            if tolerant:
                raise explain(exc, path.name) from exc
            continue  # a value further down does not fit the sampled type: measure tolerantly
        except READ_ERRORS as exc:
            raise explain(exc, path.name) from exc
        columns = [
            _full_column(slot, row, moment_shift(facts.quantiles))
            for slot, facts in zip(slots, sample.columns, strict=True)
        ]
        return int(row[0]), columns
    raise AssertionError("unreachable")  # pragma: no cover


def _full_column(slot: dict[str, int], row: tuple[Any, ...], shift: float) -> FullColumn:
    def get(key: str) -> Any:
        return row[slot[key]] if key in slot else None

    nonnull = int(get("nonnull"))
    valid = get("valid")
    typed_values = int(valid) if valid is not None else nonnull
    mean, std = (
        moments(typed_values, get("sum") or 0.0, get("squares") or 0.0, shift)
        if "sum" in slot
        else (None, None)
    )
    return FullColumn(
        nonnull=nonnull,
        bad_values=nonnull - int(valid) if valid is not None else int(get("bad") or 0),
        minimum=get("min"),
        maximum=get("max"),
        mean=mean,
        std=std,
        outliers=get("outliers"),
        true_count=get("true"),
        distinct=get("distinct"),
        top_counts={k[4:]: int(row[v]) for k, v in slot.items() if k.startswith("top:")},
    )
