"""SQL text for the CSV profile: explicit ``read_csv`` options, the full-pass aggregates, errors.

Column names never reach SQL: columns are read as ``c0 .. cN`` and mapped back by position.
Values (the file path, category values, outlier fences) travel as query parameters; only our
own identifiers, DuckDB type names and the sniffed delimiter appear in the SQL text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import duckdb

from agents.profiling.measures import Sample
from agents.profiling.sniff import Dialect
from core.errors import InvalidRequest

NULL_STRINGS = ("", "NA", "N/A", "NULL", "null", "None", "NaN", "nan")
BOOL_TRUE = ("true", "yes", "y", "t")
BOOL_WORDS = (*BOOL_TRUE, "false", "no", "n", "f")
NUMERIC = frozenset({"BIGINT", "HUGEINT", "DOUBLE"})
TEMPORAL = frozenset({"DATE", "TIMESTAMP", "TIMESTAMPTZ"})
EXACT_TOP_MAX_DISTINCT = 50
# What a bad file makes DuckDB's CSV reader raise; anything else is a bug and propagates.
READ_ERRORS = (
    duckdb.InvalidInputException,
    duckdb.ConversionException,
    duckdb.IOException,
    duckdb.OutOfMemoryException,
)


def _number_pattern() -> str:
    return "[-+]?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?"


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _words(words: Sequence[str]) -> str:
    return ", ".join(literal(w) for w in words)


def _options(dialect: Dialect) -> list[str]:
    return [
        "header = true",
        f"delim = {literal(dialect.delimiter)}",
        "quote = '\"'",
        "escape = '\"'",
        "strict_mode = true",
        "null_padding = false",
        f"nullstr = [{_words(NULL_STRINGS)}]",
        f"encoding = {literal('latin-1' if dialect.encoding == 'latin-1' else 'utf-8')}",
    ]


def canonical_type(duck_type: str) -> str:
    """The one DuckDB type we read a sniffed column as (integers widen, decimals are doubles)."""
    upper = duck_type.upper()
    if upper in {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"}:
        return "BIGINT"
    if upper in {"UBIGINT", "HUGEINT", "UHUGEINT"}:
        return "HUGEINT"
    if upper in {"FLOAT", "DOUBLE"} or upper.startswith("DECIMAL"):
        return "DOUBLE"
    if upper in {"BOOLEAN", "DATE", "TIMESTAMP"}:
        return upper
    if upper.startswith("TIMESTAMP"):
        return "TIMESTAMPTZ"
    return "VARCHAR"


def read_csv_sql(
    dialect: Dialect,
    types: Sequence[str],
    *,
    dateformat: str | None = None,
    tsformat: str | None = None,
) -> str:
    """``read_csv(?, ...)`` with every option explicit and columns ``c<i>`` of ``types``."""
    columns = ", ".join(
        f"'c{i}': '{'VARCHAR' if t == 'BOOLWORDS' else t}'" for i, t in enumerate(types)
    )
    options = [*_options(dialect), "auto_detect = false", f"columns = {{{columns}}}"]
    if dateformat:
        options.append(f"dateformat = {literal(dateformat)}")
    if tsformat:
        options.append(f"timestampformat = {literal(tsformat)}")
    return f"read_csv(?, {', '.join(options)})"


def select_sql(selects: Sequence[str], source: str) -> str:
    """``SELECT <selects> FROM <source>``: both built here from our own ids, never from data."""
    return f"SELECT {', '.join(selects)} FROM {source}"  # noqa: S608 - see the module docstring


def sniff_sql(dialect: Dialect) -> str:
    """DuckDB's type sniffer over a whole (sample) file, with our dialect fixed."""
    names = ", ".join(f"'c{i}'" for i in range(len(dialect.names)))
    options = [*_options(dialect), "sample_size = -1", f"names = [{names}]"]
    return f"SELECT Columns, DateFormat, TimestampFormat FROM sniff_csv(?, {', '.join(options)})"  # noqa: S608 - our options


def _tolerant(i: int, duck_type: str, sample: Sample) -> str:
    column = f"c{i}"
    if duck_type == "DATE" and sample.dateformat:
        return f"TRY_CAST(try_strptime({column}, {literal(sample.dateformat)}) AS DATE)"
    if duck_type.startswith("TIMESTAMP") and sample.tsformat:
        return f"try_strptime({column}, {literal(sample.tsformat)})"
    if duck_type == "BIGINT":  # a cast to BIGINT would round '1.5'; a whole number is required
        return f"CASE WHEN regexp_full_match(trim({column}), '[-+]?[0-9]+') THEN TRY_CAST({column} AS BIGINT) END"  # noqa: E501 - one SQL expression; split, it is harder to check
    return f"TRY_CAST({column} AS {duck_type})"


def full_pass_selects(
    sample: Sample, *, tolerant: bool
) -> tuple[list[str], list[Any], list[dict[str, int]]]:
    """The aggregates of the full pass, their parameters, and where each column's figures land.

    ``slots[i]`` maps a figure (``nonnull``, ``valid``, ``min``, ``top:<value>``, ...) of column
    ``i`` to its position in the result row (position 0 holds ``count(*)``). In tolerant mode
    every column is read as text and cast with ``TRY_CAST``; ``nonnull - valid`` values do not
    fit the sampled type.
    """
    selects: list[str] = []
    params: list[Any] = []
    slots: list[dict[str, int]] = []
    for i, duck_type in enumerate(sample.types):
        slot: dict[str, int] = {}
        facts = sample.columns[i]
        typed = duck_type not in {"VARCHAR", "BOOLWORDS"}
        value = _tolerant(i, duck_type, sample) if tolerant and typed else f"c{i}"

        def add(key: str, sql: str, *values: Any, slot: dict[str, int] = slot) -> None:
            slot[key] = len(selects) + 1
            selects.append(sql)
            params.extend(values)

        add("nonnull", f"count(c{i})")
        if tolerant and typed:
            add("valid", f"count({value})")
        if duck_type in NUMERIC:
            add("min", f"min({value})::DOUBLE")
            add("max", f"max({value})::DOUBLE")
            # Sums around the sample's median: cheaper than avg + stddev_samp, and the shift
            # keeps the variance free of cancellation (see ``moments``).
            shift = moment_shift(facts.quantiles)
            add("sum", f"sum({value}::DOUBLE - ?)", shift)
            centred = f"({value}::DOUBLE - ?)"  # a product: pow() is six times slower
            add("squares", f"sum({centred} * {centred})", shift, shift)
            fences = _fences(facts.quantiles)
            if fences is not None:
                add("outliers", f"count_if({value} < ? OR {value} > ?)", *fences)
        elif duck_type in TEMPORAL:
            add("min", f"min({value})::VARCHAR")
            add("max", f"max({value})::VARCHAR")
        elif duck_type == "BOOLEAN":
            add("true", f"count_if({value})")
        elif duck_type == "BOOLWORDS":
            add("true", f"count_if(lower(trim(c{i})) IN ({_words(BOOL_TRUE)}))")
            add("bad", f"count_if(lower(trim(c{i})) NOT IN ({_words(BOOL_WORDS)}))")
        if sample.sampled:
            add("distinct", f"approx_count_distinct(c{i})")
            repeated = bool(facts.top) and facts.top[0][1] > 1
            if duck_type == "VARCHAR" and repeated and facts.distinct <= EXACT_TOP_MAX_DISTINCT:
                for top, _ in facts.top:
                    add(f"top:{top}", f"count_if(c{i} = ?)", top)
        slots.append(slot)
    return selects, params, slots


def moment_shift(quantiles: list[float] | None) -> float:
    """The value the full pass sums around: the sample's median, else zero."""
    return float(quantiles[2]) if quantiles and quantiles[2] is not None else 0.0


def moments(
    count: int, shifted_sum: float, shifted_squares: float, shift: float
) -> tuple[float | None, float | None]:
    """Mean and sample standard deviation from sums of ``x - shift`` and ``(x - shift)²``."""
    if count < 1:
        return None, None
    mean = shift + shifted_sum / count
    if count < 2:
        return mean, None
    variance = (shifted_squares - shifted_sum * shifted_sum / count) / (count - 1)
    return mean, math.sqrt(max(variance, 0.0))


def _fences(quantiles: list[float] | None) -> tuple[float, float] | None:
    """Tukey's fences: 1.5 interquartile ranges beyond the quartiles."""
    if not quantiles or quantiles[1] is None or quantiles[3] is None:
        return None
    spread = quantiles[3] - quantiles[1]
    return quantiles[1] - 1.5 * spread, quantiles[3] + 1.5 * spread


def explain(exc: Exception, name: str) -> InvalidRequest:
    """One sentence for a DuckDB read error (uneven rows, bad bytes, open quotes, ...)."""
    message = str(exc).split("Possible fixes")[0].split("Possible Solution")[0]
    line = re.search(r"CSV Error on Line: (\d+)", message)
    at = f" (line {line.group(1)})" if line else ""
    columns = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
    if columns:
        where = f"line {line.group(1)}" if line else "a row"
        return InvalidRequest(
            f"The CSV file {name!r} has rows of uneven length: {where} has {columns.group(2)} "
            f"fields where the header has {columns.group(1)}."
        )
    if "Invalid unicode" in message:
        return InvalidRequest(
            f"The CSV file {name!r} has bytes that are not valid UTF-8{at}; save it as UTF-8."
        )
    if "unterminated quote" in message.lower():
        return InvalidRequest(f"The CSV file {name!r} has a quoted value that never ends{at}.")
    if isinstance(exc, duckdb.OutOfMemoryException):
        return InvalidRequest(f"The CSV file {name!r} could not be profiled within 256 MB.")
    if "maximum line size" in message.lower():
        return InvalidRequest(f"The CSV file {name!r} has a line longer than 2 MB{at}.")
    first = " ".join(message.splitlines()[0].split())[:200].rstrip(".")
    return InvalidRequest(f"The CSV file {name!r} could not be read as a table{at}: {first}.")


# The sample's distinct values per column, from its raw-text table ``raw``.
SAMPLE_COUNTS_SQL = """
    CREATE OR REPLACE TEMP TABLE counts AS
    SELECT col, v, count(*) AS n FROM (UNPIVOT raw ON COLUMNS(*) INTO NAME col VALUE v)
    GROUP BY col, v
"""


def sample_facts_sql(types: Sequence[str]) -> str:
    """Per column of the sample, over its distinct values (weighted by ``n``): non-empty
    count, distinct count, and, where they matter, yes/no words, leading zeros, spaces and
    formula-like cells."""
    text = [f"'c{i}'" for i, t in enumerate(types) if t == "VARCHAR"]
    numbers = [f"'c{i}'" for i, t in enumerate(types) if t in NUMERIC]
    is_text = f"col IN ({', '.join(text)})" if text else "FALSE"
    is_number = f"col IN ({', '.join(numbers)})" if numbers else "FALSE"
    return f"""
        SELECT col, sum(n)::BIGINT, count(*),
               bool_and(lower(trim(v)) IN ({_words(BOOL_WORDS)})) FILTER (WHERE {is_text}),
               bool_or(regexp_full_match(v, '[-+]?0[0-9]+')) FILTER (WHERE {is_number}),
               bool_or(contains(v, ' ')) FILTER (WHERE {is_text}),
               sum(n) FILTER (WHERE {is_text} AND left(v, 1) IN ('=', '+', '-', '@')
                              AND NOT regexp_full_match(v, '{_number_pattern()}'))
        FROM counts GROUP BY col
    """  # noqa: S608 - our column ids only


SAMPLE_TOP_SQL = """
    SELECT col, v, n FROM counts WHERE n > 1
    QUALIFY row_number() OVER (PARTITION BY col ORDER BY n DESC, v) <= ?
    ORDER BY col, n DESC, v
"""
