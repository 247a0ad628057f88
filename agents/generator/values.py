"""Single sample values for the generated tests: plausible, checked, and a changed second one."""

from __future__ import annotations

import datetime as dt
import math

from agents.generator.data import Value
from core.contracts import EntityField, FieldType


def heuristic_value(field: EntityField) -> Value:
    """A plausible valid value for ``field`` when no row or model offers one."""
    if field.type == "str":
        return f"{(field.name.strip('_').replace('_', ' ').capitalize() or 'Text')[:36]} 1"
    if field.type == "int":
        return 2024 if "year" in field.name else 7
    others: dict[str, Value] = {"float": 9.5, "bool": True, "date": "2024-01-15"}
    return others.get(field.type, "2024-01-15T10:30:00")


def checked_value(kind: FieldType, value: object) -> Value:
    """``value`` in canonical JSON form if it is valid for a field of type ``kind``, else None."""
    if isinstance(value, bool) or kind == "bool":
        return value if isinstance(value, bool) and kind == "bool" else None
    if kind == "int" and isinstance(value, int) and abs(value) < 2**53:
        return value
    if kind == "float" and isinstance(value, int | float) and math.isfinite(value):
        return float(value) if abs(value) < 1e15 else None
    if kind == "str" and isinstance(value, str) and 0 < len(value) <= 40 and value.isprintable():
        return value
    if kind in ("date", "datetime") and isinstance(value, str):
        try:
            if kind == "date":
                return dt.date.fromisoformat(value).isoformat()
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
        # SQLite keeps no time zone and the tests compare round trips: naive, whole seconds.
        return None if moment.tzinfo else moment.replace(microsecond=0).isoformat()
    return None


def changed_value(kind: FieldType, value: Value) -> Value:
    """A second valid value, different from ``value``, for update and filter tests."""
    if kind == "str":
        return f"{value} v2"
    if kind == "bool":
        return not value
    if isinstance(value, int | float):
        return value + (1 if kind == "int" else 1.5)
    step = dt.timedelta(days=1) if kind == "date" else dt.timedelta(hours=1)
    text = str(value)
    parsed = dt.date.fromisoformat(text) if kind == "date" else dt.datetime.fromisoformat(text)
    try:
        return (parsed + step).isoformat()
    except OverflowError:
        return (parsed - step).isoformat()
