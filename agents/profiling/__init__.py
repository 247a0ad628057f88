"""CSV profiles in bounded memory (DuckDB, streaming) and drift between two profiles.

Used by the analyzer for CSV requests and by the scheduled ``csv-analysis`` flow.
"""

from agents.profiling.drift import DriftReport, Shift, TypeChange, compare
from agents.profiling.models import (
    ColumnKind,
    ColumnProfile,
    Correlation,
    CsvProfile,
    Quantiles,
    TopValue,
)
from agents.profiling.profile import neutralise, profile_csv

__all__ = [
    "ColumnKind",
    "ColumnProfile",
    "Correlation",
    "CsvProfile",
    "DriftReport",
    "Quantiles",
    "Shift",
    "TopValue",
    "TypeChange",
    "compare",
    "neutralise",
    "profile_csv",
]
