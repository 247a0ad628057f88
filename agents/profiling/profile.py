"""CSV profiling: the analyzer's measuring half, streaming through DuckDB.

``profile_csv`` never loads the file into memory: the head is checked in Python
(``agents.profiling.sniff``), types and shape come from a bounded sample and one streaming DuckDB
pass measures every row (``agents.profiling.stats``), so peak memory stays bounded whatever the file
size. Every cell shown back (examples, top values) goes through ``neutralise``.
"""

from __future__ import annotations

import logging
import math
import re
import tempfile
import time
from pathlib import Path

from agents.profiling.insights import insights_for
from agents.profiling.measures import FullColumn, Sample, SampleColumn
from agents.profiling.models import (
    ColumnKind,
    ColumnProfile,
    Correlation,
    CsvProfile,
    Quantiles,
    TopValue,
)
from agents.profiling.sniff import Dialect, sniff
from agents.profiling.stats import connect, full_pass, read_sample
from core.contracts import FieldType
from core.errors import InvalidRequest
from core.naming import field_identifier

logger = logging.getLogger(__name__)

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
_ID_NAME = re.compile(r"(^|[^a-z])(id|key|code|uuid|guid|iata|sku|isbn)$|^id[^a-z]", re.I)
_TARGET_NAME = re.compile(
    r"(target|label|class|outcome|y|churn|churned|survived|species|default|fraud|is_fraud|"
    r"result|status|diagnosis|price|sales|revenue|score|rating|quality)"
)
_FIELD_TYPES: dict[str, FieldType] = {
    "BIGINT": "int",
    "HUGEINT": "int",
    "DOUBLE": "float",
    "BOOLEAN": "bool",
    "BOOLWORDS": "bool",
    "DATE": "date",
    "TIMESTAMP": "datetime",
    "TIMESTAMPTZ": "datetime",
}


def neutralise(cell: str) -> str:
    """Prefix a spreadsheet-formula-looking cell so no consumer evaluates it.

    Plain numbers (``-5``, ``+1.5e3``) are left alone: they evaluate to themselves.
    """
    if cell.startswith(_FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(cell):
        return f"'{cell}"
    return cell


def _finite(value: float | None) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def _shown(value: object, field_type: FieldType) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        return str(round(value)) if field_type == "int" else f"{value:.6g}"
    return neutralise(str(value))[:80]


def _top_values(
    facts: SampleColumn, full: FullColumn, field_type: FieldType, rows: int, sample: Sample
) -> list[TopValue]:
    if field_type == "bool" and full.true_count is not None:
        counts = [("true", full.true_count), ("false", full.nonnull - full.true_count)]
        pairs = [(v, n, False) for v, n in sorted(counts, key=lambda p: -p[1]) if n]
    elif full.top_counts or not sample.sampled:
        pairs = [(v, full.top_counts.get(v, n), False) for v, n in facts.top if n > 1]
    else:  # a value seen once is no top value
        pairs = [(v, round(n * rows / max(sample.rows, 1)), True) for v, n in facts.top if n > 1]
    return [
        TopValue(value=neutralise(v)[:80], count=n, share=min(n / rows, 1.0), estimated=est)
        for v, n, est in pairs
    ]


def _column(
    index: int, dialect: Dialect, sample: Sample, full: FullColumn, rows: int, taken: set[str]
) -> ColumnProfile:
    name, facts, duck_type = dialect.names[index], sample.columns[index], sample.types[index]
    field_type: FieldType = "str" if full.bad_values else _FIELD_TYPES.get(duck_type, "str")
    numeric = field_type in ("int", "float")
    quantiles = facts.quantiles if numeric and facts.quantiles else None
    distinct = full.distinct if full.distinct is not None else facts.distinct
    return ColumnProfile(
        name=name,
        identifier=field_identifier(name, taken=taken),
        field_type=field_type,
        missing=rows - full.nonnull,
        missing_rate=(rows - full.nonnull) / rows,
        distinct=min(distinct, full.nonnull),
        distinct_is_estimate=full.distinct is not None,
        distinct_sample=facts.distinct,
        examples=[neutralise(v)[:80] for v in facts.examples],
        minimum=_shown(full.minimum, field_type) if field_type != "str" else None,
        maximum=_shown(full.maximum, field_type) if field_type != "str" else None,
        mean=_finite(full.mean) if numeric else None,
        std=_finite(full.std) if numeric else None,
        quantiles=Quantiles(**dict(zip(Quantiles.model_fields, quantiles, strict=True)))
        if quantiles and None not in quantiles
        else None,
        top_values=_top_values(facts, full, field_type, rows, sample),
        outliers=full.outliers if numeric else None,
        invalid_values=full.bad_values,
    )


def _is_unique(column: ColumnProfile, facts: SampleColumn, rows: int) -> bool:
    if column.missing or rows < 2 or column.field_type not in ("int", "str") or facts.spaces:
        return False
    if column.distinct_is_estimate:  # HyperLogLog is within a few percent; the sample must agree
        return column.distinct >= 0.97 * rows and facts.distinct == facts.nonnull
    return column.distinct == rows


def _kind(column: ColumnProfile, rows: int, unique: bool) -> ColumnKind:
    if column.field_type in ("bool", "date", "datetime", "float"):
        return column.field_type  # type: ignore[return-value]  # the same literal in both
    if column.field_type == "int":
        return "id" if unique and _ID_NAME.search(column.name) else "int"
    if unique:
        return "id"
    nonnull = rows - column.missing
    if not nonnull:
        return "text"
    if column.distinct <= 100 and column.distinct * 5 <= nonnull:
        return "category"
    return "category" if column.distinct <= 10 and column.distinct < nonnull else "text"


def _key_index(columns: list[ColumnProfile], uniques: list[bool]) -> int | None:
    candidates = [i for i, unique in enumerate(uniques) if unique]
    named = [i for i in candidates if _ID_NAME.search(columns[i].name)]
    preferred = named or candidates
    return preferred[0] if preferred else None


def _target_index(columns: list[ColumnProfile]) -> int | None:
    """A column named like a label, else the last column when it is a category or a flag."""
    eligible = [
        i
        for i, c in enumerate(columns)
        if c.kind in ("category", "bool", "int", "float")
        and not c.is_candidate_key
        and c.missing_rate < 0.5
        and c.distinct > 1
    ]
    named = [i for i in eligible if _TARGET_NAME.fullmatch(columns[i].identifier.rstrip("_"))]
    if named:
        return named[-1]
    last = len(columns) - 1
    labels = columns[last].kind in ("category", "bool")
    return last if labels and eligible and eligible[-1] == last else None


def _correlations(columns: list[ColumnProfile], sample: Sample) -> list[Correlation]:
    numeric = {i for i, c in enumerate(columns) if c.kind in ("int", "float")}
    found = [
        Correlation(
            left=columns[a].name, right=columns[b].name, pearson=round(max(-1, min(1, r)), 3)
        )
        for a, b, r in sample.correlations
        if a in numeric and b in numeric and abs(r) >= 0.5
    ]
    return sorted(found, key=lambda c: -abs(c.pearson))[:10]


def profile_csv(path: Path) -> CsvProfile:
    """Profile the CSV at ``path`` in bounded memory.

    Args:
        path: A local CSV file (UTF-8, or Latin-1 noted in the insights).

    Returns:
        Per-column types, kinds, missing rates, distinct counts, ranges, means, quantiles, top
        values and outliers; correlations, candidate key and target; insights as sentences.

    Raises:
        InvalidRequest: the file cannot be profiled; the message is one sentence saying why.
    """
    started = time.perf_counter()
    dialect = sniff(path)
    with tempfile.TemporaryDirectory(prefix="ag2-sdlc-profile-") as temp:
        con = connect(Path(temp))
        try:
            sample = read_sample(con, path, dialect, Path(temp))
            rows, full = full_pass(con, path, dialect, sample)
        finally:
            con.close()
    if rows == 0:
        raise InvalidRequest(f"The CSV file {path.name!r} has a header but no rows.")
    taken: set[str] = set()
    columns = [_column(i, dialect, sample, full[i], rows, taken) for i in range(len(full))]
    uniques = [_is_unique(c, sample.columns[i], rows) for i, c in enumerate(columns)]
    key = _key_index(columns, uniques)
    columns = [
        c.model_copy(update={"kind": _kind(c, rows, uniques[i]), "is_candidate_key": i == key})
        for i, c in enumerate(columns)
    ]
    target = _target_index(columns)
    if target is not None:
        columns[target] = columns[target].model_copy(update={"is_candidate_target": True})
    profile = CsvProfile(
        stem=path.stem[:200],
        rows=rows,
        delimiter=dialect.delimiter,
        encoding=dialect.encoding,
        size_bytes=dialect.size,
        sampled=sample.sampled,
        sample_rows=sample.rows,
        columns=columns,
        correlations=_correlations(columns, sample),
        candidate_key=columns[key].name if key is not None else None,
        candidate_target=columns[target].name if target is not None else None,
        seconds=round(time.perf_counter() - started, 3),
    )
    formulas = [dialect.names[i] for i, f in enumerate(sample.columns) if f.formula_cells]
    logger.info("Profiled %s: %d rows x %d columns", path.name, rows, len(columns))
    return profile.model_copy(update={"insights": insights_for(profile, formulas)})


__all__ = [
    "ColumnKind",
    "ColumnProfile",
    "Correlation",
    "CsvProfile",
    "Quantiles",
    "TopValue",
    "neutralise",
    "profile_csv",
]
