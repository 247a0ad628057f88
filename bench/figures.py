"""One figure of a benchmark: median, min, max and the number of runs."""

from __future__ import annotations

import statistics
from typing import Any


def figure(samples: list[float], unit: str = "s") -> dict[str, Any]:
    """Summarise ``samples`` the way every entry of bench/results.json is written."""
    return {
        "median": round(statistics.median(samples), 3),
        "min": round(min(samples), 3),
        "max": round(max(samples), 3),
        "runs": len(samples),
        "unit": unit,
    }
