"""The rows a generated project is built and tested with: from the user's CSV, or synthetic.

The same cleaning rules are written into the generated ETL pipeline; this module applies them
here too, so the generated tests can assert what the pipeline must load (computed, not guessed).

Rules, per cell: surrounding whitespace is stripped; empty, ``NA``, ``N/A``, ``null``, ``None``
and ``NaN`` (any case) are missing; ``int`` accepts ``[+-]digits``; ``float`` any finite float;
``bool`` true/false/yes/no/y/n/t/f/1/0; ``date`` one of ``DATE_FORMATS``; ``datetime`` ISO 8601
or one of ``DATETIME_FORMATS``, without a time zone, to whole seconds; ``str`` the stripped
text. A row is kept when every required field parses; an optional field that does not parse
becomes missing. Rows with the same key (or, with no key, the same cleaned values) collapse to
the last one.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import math
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.contracts import DatasetPlan, FieldType
from core.errors import InvalidRequest

MISSING_WORDS = frozenset({"", "na", "n/a", "null", "none", "nan"})
TRUE_WORDS = frozenset({"true", "yes", "y", "t", "1"})
FALSE_WORDS = frozenset({"false", "no", "n", "f", "0"})
_INT = re.compile(r"^[+-]?\d{1,18}$")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%d.%m.%Y")
DATETIME_FORMATS = ("%Y/%m/%d %H:%M:%S", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%Y/%m/%d %H:%M")
SAMPLE_FILE = "data/sample.csv"
MAX_SAMPLE_ROWS = 400
SYNTHETIC_ROWS = 80

Value = str | int | float | bool | None


@dataclass(frozen=True)
class Column:
    """One field as the sample file spells it: its header, JSON name, type and requiredness."""

    header: str
    name: str
    type: FieldType
    required: bool


def parse(text: str, kind: FieldType) -> Value:
    """``text`` as a value of ``kind`` by the rules above, or None if missing or invalid."""
    value = text.strip()
    if value.lower() in MISSING_WORDS:
        return None
    try:
        if kind == "int":
            return int(value) if _INT.fullmatch(value) else None
        if kind == "float":
            number = float(value)
            return number if math.isfinite(number) else None
        if kind == "bool":
            lowered = value.lower()
            return True if lowered in TRUE_WORDS else False if lowered in FALSE_WORDS else None
        if kind == "date":
            return _first_format(value, DATE_FORMATS, date_only=True)
        if kind == "datetime":
            try:
                moment = dt.datetime.fromisoformat(value)
            except ValueError:
                return _first_format(value, DATETIME_FORMATS, date_only=False)
            return None if moment.tzinfo else moment.replace(microsecond=0).isoformat()
    except ValueError:
        return None
    return value[:200]


def _first_format(value: str, formats: Sequence[str], *, date_only: bool) -> str | None:
    for pattern in formats:
        try:
            moment = dt.datetime.strptime(value, pattern)
        except ValueError:
            continue
        return moment.date().isoformat() if date_only else moment.isoformat()
    return None


def clean(
    rows: Sequence[dict[str, str]], columns: Sequence[Column], key: str | None
) -> list[dict[str, Value]]:
    """The rows the cleaning rules keep, typed and keyed by JSON name, in first-seen order."""
    kept: dict[Any, dict[str, Value]] = {}
    for raw in rows:
        row = {c.name: parse(raw.get(c.header) or "", c.type) for c in columns}
        if any(row[c.name] is None for c in columns if c.required):
            continue
        identity = row[key] if key else tuple(row.values())
        kept.pop(identity, None)  # a later duplicate replaces the earlier row, moved to the end
        kept[identity] = row
    return list(kept.values())


def read_csv_rows(
    path: Path, plan: DatasetPlan, headers: Sequence[str], limit: int = MAX_SAMPLE_ROWS
) -> list[dict[str, str]]:
    """The first ``limit`` data rows of the user's CSV, as text keyed by header.

    Raises:
        InvalidRequest: the file cannot be read with the profiled encoding and delimiter.
    """
    encoding = "utf-8-sig" if plan.encoding.lower().startswith("utf") else plan.encoding
    try:
        with path.open(encoding=encoding, errors="replace", newline="") as handle:
            reader = csv.reader(handle, delimiter=plan.delimiter)
            header = next(reader, [])
            index = {name: position for position, name in enumerate(header)}
            rows = []
            for record in _bounded(reader, limit):
                rows.append({h: _cell(record, index.get(h)) for h in headers})
            return rows
    except (OSError, csv.Error, LookupError) as exc:
        raise InvalidRequest(f"The CSV file {path.name} could not be read again: {exc}.") from exc


def _bounded(reader: Iterator[list[str]], limit: int) -> Iterator[list[str]]:
    count = 0
    for record in reader:
        if count >= limit:
            return
        if any(cell.strip() for cell in record):
            count += 1
            yield record


def _cell(record: list[str], position: int | None) -> str:
    if position is None or position >= len(record):
        return ""
    text = record[position].replace("\x00", "")
    return "".join(ch for ch in text if ch.isprintable() or ch == " ")[:200]


def synthetic_rows(
    columns: Sequence[Column],
    *,
    target: str | None,
    key: str | None,
    seed: str,
    count: int = SYNTHETIC_ROWS,
) -> list[dict[str, str]]:
    """Deterministic made-up rows in which ``target`` depends on a feature, as text.

    A few rows carry what cleaning must handle: padding, a duplicate and a missing value.
    """
    rng = random.Random(int(hashlib.sha256(seed.encode()).hexdigest()[:16], 16))  # noqa: S311 - test data
    start = dt.datetime(2024, 1, 1, 9, 0, 0)
    # Without a key, one text field numbers the rows so that cleaning keeps them apart.
    unique = key or next((c.name for c in columns if c.type == "str" and c.name != target), None)
    typed: list[dict[str, Value]] = []
    for number in range(count):
        row: dict[str, Value] = {}
        for column in columns:
            is_key = column.name == unique
            row[column.name] = _synthetic_value(column, number, rng, start, is_key=is_key)
        typed.append(row)
    driver = next(
        (c for c in columns if c.type in ("int", "float") and c.name not in (target, key)), None
    )
    target_column = next((c for c in columns if c.name == target), None)
    if target_column is not None:
        _make_learnable(typed, target_column, driver, rng)
    rows = [{c.header: _text(row[c.name]) for c in columns} for row in typed]
    if rows and columns:
        first = columns[0]
        rows[1][first.header] = f"  {rows[1][first.header]}  "  # padding is stripped
        rows.append(dict(rows[2]))  # an exact duplicate collapses
        optional = next((c for c in columns if not c.required), None)
        if optional is not None:
            rows[3][optional.header] = "N/A"  # a missing optional value is kept as missing
    return rows


def _synthetic_value(
    column: Column, number: int, rng: random.Random, start: dt.datetime, *, is_key: bool
) -> Value:
    if is_key:
        return number + 1 if column.type == "int" else f"K{number + 1:05d}"
    if column.type == "int":
        return rng.randint(1990, 2024) if "year" in column.name else rng.randint(1, 100)
    if column.type == "float":
        return round(rng.uniform(1, 100), 2)
    if column.type == "bool":
        return rng.random() < 0.5
    if column.type == "date":
        return (start + dt.timedelta(days=rng.randint(0, 365))).date().isoformat()
    if column.type == "datetime":
        return (start + dt.timedelta(minutes=rng.randint(0, 525_600))).isoformat()
    label = column.name.strip("_").replace("_", " ").capitalize() or "Value"
    return f"{label[:30]} {rng.randint(1, 4)}"


def _make_learnable(
    rows: list[dict[str, Value]], target: Column, driver: Column | None, rng: random.Random
) -> None:
    """Rewrite ``target`` so it follows ``driver`` (or the row order): a model can learn it."""
    drivers = [float(r[driver.name]) if driver else float(i) for i, r in enumerate(rows)]  # type: ignore[arg-type]  # a driver is int or float
    middle = sorted(drivers)[len(drivers) // 2] if drivers else 0.0
    for row, x in zip(rows, drivers, strict=True):
        high = x >= middle
        if target.type == "float":
            row[target.name] = round(3 * x + rng.gauss(0, 1), 2)
        elif target.type == "int":
            row[target.name] = int(3 * x + rng.randint(-1, 1))
        elif target.type == "bool":
            row[target.name] = high
        else:
            row[target.name] = "high" if high else "low"


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_csv(path: Path, headers: Sequence[str], rows: Sequence[dict[str, str]]) -> None:
    """Write ``rows`` as a UTF-8, comma-separated file with ``headers``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(headers), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def learning_task(target_type: FieldType | None, values: Sequence[Value]) -> str | None:
    """``classification`` or ``regression`` for a target of ``target_type`` with ``values``."""
    if target_type is None:
        return None
    if target_type == "float":
        return "regression"
    if target_type == "int":
        distinct = {v for v in values if v is not None}
        return "classification" if len(distinct) <= 10 else "regression"
    return "classification"
