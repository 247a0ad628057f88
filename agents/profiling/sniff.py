"""Byte-level checks on a CSV file before DuckDB reads it: encoding, binary, delimiter, header.

Only the head of the file (``HEAD_BYTES``) is read, so the checks cost the same whatever the
file size; rows further down are checked by DuckDB's strict reader during the full pass.

Encoding policy: UTF-8 (with or without a byte-order mark) is read as is. A head that is not
valid UTF-8 and holds no valid UTF-8 multi-byte character is read as Latin-1, and the profile
says so; a head that mixes both, UTF-16, or invalid UTF-8 further down is refused.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from core.errors import InvalidRequest

HEAD_BYTES = 1 << 20
MAX_COLUMNS = 500
MAX_NAME_CHARS = 300
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_WORDS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes"}
_UNSUPPORTED_DELIMITERS = (":", "^", "~", "#")
_CHECKED_ROWS = 2000
_CONTROL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])

Encoding = Literal["utf-8", "utf-8-sig", "latin-1"]


@dataclass(frozen=True)
class Dialect:
    """What the head of the file says about how to read the rest."""

    delimiter: str
    encoding: Encoding
    names: list[str]  # header names, stripped; blank ones become ``column_<n>``
    size: int  # bytes


def _looks_binary(raw: bytes) -> bool:
    if b"\x00" in raw:
        return True
    controls = len(raw) - len(raw.translate(None, _CONTROL_BYTES))
    return controls > len(raw) / 100


def _decode(raw: bytes, name: str, *, complete: bool) -> tuple[str, Encoding]:
    encoding: Encoding = "utf-8-sig" if raw.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        return codecs.getincrementaldecoder(encoding)().decode(raw, final=complete), encoding
    except UnicodeDecodeError:
        pass
    lenient = raw.decode("utf-8", errors="replace")
    if re.search(r"[^\x00-\x7f\ufffd]", lenient):
        raise InvalidRequest(
            f"The CSV file {name!r} mixes UTF-8 with another encoding; save it as UTF-8."
        )
    return raw.decode("latin-1"), "latin-1"


def _field_counts(text: str, delimiter: str, *, complete: bool) -> list[tuple[int, int]]:
    """(line number, field count) of the first rows; the last row is dropped if cut short."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"', strict=False)
    counts: list[tuple[int, int]] = []
    try:
        for row in itertools.islice(reader, _CHECKED_ROWS + 1):
            if row:
                counts.append((reader.line_num, len(row)))
    except csv.Error:  # a cell beyond the csv module's field limit: DuckDB checks the rest
        return counts
    if not complete and len(counts) > 1:
        counts.pop()
    return counts


def _unsupported_delimiter(text: str) -> str | None:
    lines = [line for line in text.splitlines()[:_CHECKED_ROWS] if line.strip()]
    for char in _UNSUPPORTED_DELIMITERS:
        per_line = {line.count(char) for line in lines}
        if len(lines) > 1 and len(per_line) == 1 and per_line.pop() > 0:
            return char
    return None


def _choose_delimiter(text: str, name: str, *, complete: bool) -> str:
    counts = {d: _field_counts(text, d, complete=complete) for d in DELIMITERS}
    consistent = [
        d
        for d in DELIMITERS
        if counts[d] and counts[d][0][1] > 1 and all(n == counts[d][0][1] for _, n in counts[d])
    ]
    if consistent:
        return max(consistent, key=lambda d: counts[d][0][1])
    if all(all(n == 1 for _, n in counts[d]) for d in DELIMITERS):
        char = _unsupported_delimiter(text)
        if char is not None:
            raise InvalidRequest(
                f"The CSV file {name!r} seems to be separated by {char!r}; "
                "use commas, semicolons, tabs or pipes."
            )
        return ","
    return _refuse_uneven(counts, name)


def _refuse_uneven(counts: dict[str, list[tuple[int, int]]], name: str) -> str:
    def agreement(d: str) -> float:
        rows = counts[d]
        return sum(n == rows[0][1] for _, n in rows) / len(rows) if rows else 0.0

    candidates = [d for d in DELIMITERS if counts[d] and counts[d][0][1] > 1]
    best = max(candidates, key=agreement, default=None)
    if best is not None and agreement(best) >= 0.5:
        header = counts[best][0][1]
        line, found = next((ln, n) for ln, n in counts[best] if n != header)
        raise InvalidRequest(
            f"The CSV file {name!r} has rows of uneven length: line {line} has {found} fields "
            f"where the header has {header}."
        )
    header_delimiter = max(DELIMITERS, key=lambda d: counts[d][0][1] if counts[d] else 0)
    row_delimiter = max(
        DELIMITERS, key=lambda d: statistics.median(n for _, n in counts[d][1:] or [(0, 0)])
    )
    if header_delimiter != row_delimiter:
        raise InvalidRequest(
            f"The CSV file {name!r} mixes delimiters: its header is split by "
            f"{DELIMITER_WORDS[header_delimiter]} but its rows by {DELIMITER_WORDS[row_delimiter]}."
        )
    raise InvalidRequest(f"The CSV file {name!r} does not use one delimiter consistently.")


def _header(text: str, delimiter: str, name: str) -> tuple[list[str], int]:
    """The column names and the number of lines the header spans (blank lines before it too)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"', strict=False)
    raw = next((row for row in reader if row), [])
    if len(raw) > MAX_COLUMNS:
        raise InvalidRequest(
            f"The CSV file {name!r} has {len(raw):,} columns; "
            f"at most {MAX_COLUMNS} can be profiled."
        )
    names = [n.strip()[:MAX_NAME_CHARS] or f"column_{i}" for i, n in enumerate(raw, start=1)]
    seen: set[str] = set()
    for column in names:
        if column in seen:
            raise InvalidRequest(
                f"The CSV file {name!r} has the column name {column[:60]!r} more than once; "
                "give each column its own name."
            )
        seen.add(column)
    return names, reader.line_num


def sniff(path: Path) -> Dialect:
    """Check the head of ``path`` and return how to read the file.

    Raises:
        InvalidRequest: the file is missing, empty, binary, not text in a supported encoding,
            uses no consistent delimiter, has uneven rows, too many or duplicate columns, or
            only a header (one sentence says which).
    """
    name = path.name
    try:
        with path.open("rb") as handle:
            raw = handle.read(HEAD_BYTES)
            size = path.stat().st_size
    except OSError as exc:
        raise InvalidRequest(f"The CSV file {name!r} cannot be read ({exc.strerror}).") from exc
    if not raw.strip():
        raise InvalidRequest(f"The CSV file {name!r} is empty.")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InvalidRequest(f"The CSV file {name!r} is UTF-16 encoded; save it as UTF-8.")
    if _looks_binary(raw):
        raise InvalidRequest(f"The file {name!r} is binary, not a CSV text file.")
    complete = len(raw) >= size
    text, encoding = _decode(raw, name, complete=complete)
    if not complete and "\n" not in text:
        raise InvalidRequest(
            f"The first line of {name!r} is longer than 1 MB; it is no CSV header."
        )
    delimiter = _choose_delimiter(text, name, complete=complete)
    names, header_lines = _header(text, delimiter, name)
    if not any(line.strip() for line in text.splitlines()[header_lines:]):
        raise InvalidRequest(f"The CSV file {name!r} has a header but no rows.")
    return Dialect(
        delimiter=delimiter,
        encoding=encoding,
        names=names,
        size=size,
    )
