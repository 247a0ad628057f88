"""A CSV's columns as the plan's fields: every one up to the field limit, none dropped silently.

Up to ``MAX_FIELDS`` columns every column becomes a field, in file order. Beyond it the cut
keeps the columns that carry the data and says which it left out and why: the key and the
target always stay, then columns named like what data is about (an amount, a rate, a status,
a grade, a date), then by how much they hold (few missing values, more than one value). The
columns that go first are the constant ones (one value or none) and the mostly empty ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agents.analyzer.inputs import ColumnSummary, ProfileSummary
from core.contracts import MAX_FIELDS, EntityField

# Words of a column name that say it is what the data is about.
_DATA_WORDS = re.compile(
    r"(?:^|_)(?:amount|amt|total|price|cost|rate|balance|status|state|grade|score|value|"
    r"income|paid|payment|date|time|target|label|class|outcome|result|type|category|term|"
    r"name|title)(?:_|$)"
)


@dataclass(frozen=True)
class ColumnCut:
    """The columns that became fields, and those left out with the reason."""

    fields: list[EntityField]
    left_out: list[str]
    reason: str


def _field(column: ColumnSummary) -> EntityField:
    return EntityField(
        name=column.identifier,
        type=column.field_type,
        required=column.missing == 0,
        source_name=column.name[:120],
    )


def _weight(column: ColumnSummary, rows: int, keep: set[str]) -> tuple[int, float]:
    """How much a column carries: (tier, filled share); higher is kept first."""
    if column.name in keep:
        return 4, 1.0
    filled = 1 - column.missing / rows if rows else 0.0
    if column.distinct <= 1 or filled < 0.05:
        return 0, filled
    if _DATA_WORDS.search(column.identifier):
        return 3, filled
    return (2 if column.kind != "id" else 1), filled


def fields_from_columns(profile: ProfileSummary, limit: int = MAX_FIELDS) -> ColumnCut:
    """Every column as a field when they fit; else the ``limit`` that carry the data."""
    columns, rows = profile.columns, profile.rows
    if len(columns) <= limit:
        return ColumnCut([_field(c) for c in columns], [], "")
    keep = {name for name in (profile.candidate_key, profile.candidate_target) if name}
    ranked = sorted(
        range(len(columns)), key=lambda i: (*_weight(columns[i], rows, keep), -i), reverse=True
    )
    kept = sorted(ranked[:limit])
    left_out = [columns[i].name[:120] for i in sorted(ranked[limit:])]
    reason = (
        f"The CSV has {len(columns)} columns and a model holds at most {limit} fields: the plan "
        f"keeps the key, the target and the columns named like amounts, rates, statuses and "
        f"dates, then the fullest; it leaves out {len(left_out)} columns, constant or mostly "
        f"empty ones first."
    )
    return ColumnCut([_field(columns[i]) for i in kept], left_out, reason)
