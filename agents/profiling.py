"""CSV profiling: the analyzer's measuring half.

Reads the file in chunks so memory stays bounded by the chunk size, not the file size.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, Field

from agents.contracts import FieldType
from agents.errors import InvalidRequest
from agents.naming import field_identifier

_CHUNK_ROWS = 50_000
_FORMULA_PREFIXES = ("=", "+", "-", "@")


class ColumnProfile(BaseModel):
    name: str = Field(max_length=300, description="The column's header as written.")
    identifier: str = Field(max_length=64, description="Safe Python identifier for it.")
    field_type: FieldType
    missing: int = Field(ge=0)
    distinct_sample: int = Field(ge=0, description="Distinct values in the first chunk.")
    examples: list[str] = Field(default_factory=list, max_length=3)


class CsvProfile(BaseModel):
    stem: str = Field(max_length=200)
    rows: int = Field(ge=0)
    delimiter: str = Field(max_length=1)
    columns: list[ColumnProfile] = Field(max_length=2000)
    insights: list[str] = Field(default_factory=list, max_length=20)


def neutralise(cell: str) -> str:
    """Prefix a spreadsheet-formula-looking cell so no consumer evaluates it."""
    return f"'{cell}" if cell.startswith(_FORMULA_PREFIXES) else cell


def _field_type(series: pd.Series) -> FieldType:
    values = series.dropna()
    if values.empty:
        return "str"
    lowered = values.astype(str).str.strip().str.lower()
    if lowered.isin({"true", "false", "yes", "no"}).all():
        return "bool"
    numeric = pd.to_numeric(values, errors="coerce")
    if numeric.notna().all():
        return "int" if (numeric % 1 == 0).all() else "float"
    parsed = pd.to_datetime(values.astype(str), errors="coerce", format="mixed")
    if parsed.notna().mean() > 0.95:
        has_time = (parsed.dt.hour + parsed.dt.minute + parsed.dt.second).fillna(0).any()
        return "datetime" if has_time else "date"
    return "str"


def _sniff_delimiter(path: Path) -> str:
    try:
        sample = path.read_bytes()[:65_536].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidRequest(f"The CSV file {path.name!r} is not UTF-8 text.") from exc
    if "\x00" in sample:
        raise InvalidRequest(f"The file {path.name!r} is binary, not a CSV file.")
    if not sample.strip():
        raise InvalidRequest(f"The CSV file {path.name!r} is empty.")
    try:
        return csv.Sniffer().sniff(sample.splitlines()[0], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def profile_csv(path: Path) -> CsvProfile:
    """Profile the CSV at ``path``; raise ``InvalidRequest`` with one sentence if it is unusable."""
    delimiter = _sniff_delimiter(path)
    try:
        chunks = pd.read_csv(path, sep=delimiter, dtype=str, chunksize=_CHUNK_ROWS)
        first = next(iter(chunks))
    except (pd.errors.ParserError, pd.errors.EmptyDataError, StopIteration, ValueError) as exc:
        raise InvalidRequest(f"The CSV file {path.name!r} could not be read as a table.") from exc
    if first.empty:
        raise InvalidRequest(f"The CSV file {path.name!r} has a header but no rows.")
    rows = len(first)
    missing = first.isna().sum()
    try:
        for chunk in chunks:
            rows += len(chunk)
            missing = missing.add(chunk.isna().sum(), fill_value=0)
    except pd.errors.ParserError as exc:
        raise InvalidRequest(f"The CSV file {path.name!r} has rows of uneven length.") from exc
    taken: set[str] = set()
    columns = [
        ColumnProfile(
            name=str(name)[:300],
            identifier=field_identifier(str(name), taken=taken),
            field_type=_field_type(first[name]),
            missing=int(missing[name]),
            distinct_sample=int(first[name].nunique()),
            examples=[neutralise(v)[:80] for v in first[name].dropna().astype(str).head(3)],
        )
        for name in first.columns
    ]
    insights = [f"The file has {rows:,} rows and {len(columns)} columns."]
    insights += [
        f"Column {c.name!r} is missing in {c.missing / rows:.0%} of rows."
        for c in columns
        if c.missing
    ][:10]
    return CsvProfile(
        stem=path.stem[:200], rows=rows, delimiter=delimiter, columns=columns, insights=insights
    )
