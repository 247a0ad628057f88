"""What the profiler measures before it becomes a profile: the sample's facts, the full pass'.

Plain dataclasses shared by the SQL builders (``agents.profiling.sql``), the queries that fill
them (``agents.profiling.stats``) and the profile built from them (``agents.profiling.profile``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SampleColumn:
    """What the sample says about one column (raw text values)."""

    nonnull: int = 0
    distinct: int = 0
    boolish: bool = False
    leading_zero: bool = False
    spaces: bool = False
    formula_cells: int = 0
    top: list[tuple[str, int]] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    quantiles: list[float] | None = None


@dataclass
class Sample:
    """The sample's rows, read types and per-column facts."""

    rows: int
    sampled: bool
    types: list[str]
    dateformat: str | None
    tsformat: str | None
    columns: list[SampleColumn]
    correlations: list[tuple[int, int, float]]


@dataclass
class FullColumn:
    """One column measured over every row."""

    nonnull: int
    bad_values: int = 0
    minimum: Any = None
    maximum: Any = None
    mean: float | None = None
    std: float | None = None
    outliers: int | None = None
    true_count: int | None = None
    distinct: int | None = None
    top_counts: dict[str, int] = field(default_factory=dict)
