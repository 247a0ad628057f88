"""The code quality score, 0..100, from measured facts only; its parts go into the artifact."""

from __future__ import annotations

from core.contracts import Finding, ScorePart

FORMULA = (
    "100 - 25 x blocking findings - 15 x failed tests - min(30, 6 x high + 3 x medium + 1 x low "
    "non-blocking findings) - 10 if no test ran - min(10, (60 - coverage %) / 4) when coverage "
    "is under 60 %; clamped to 0..100. A failed test counts once; info findings are free."
)
FAILED_TEST = "failed-test"
_WEIGHTS = {"high": 6, "medium": 3, "low": 1, "info": 0}
MINOR_CAP = 30
COVERAGE_FLOOR = 60.0


def score_parts(
    findings: list[Finding], *, passed: int, failed: int, coverage: float | None
) -> list[ScorePart]:
    """The score's terms, each as points taken off (0 when it costs nothing)."""
    static = [f for f in findings if f.code != FAILED_TEST]
    blocking = sum(1 for f in static if f.blocking)
    minor = [f for f in static if not f.blocking]
    minor_points = min(MINOR_CAP, sum(_WEIGHTS[f.severity] for f in minor))
    untested = passed + failed == 0
    shortfall = max(0.0, COVERAGE_FLOOR - coverage) if coverage is not None else 0.0
    coverage_points = round(min(10.0, shortfall / 4), 1)
    covered = "not measured" if coverage is None else f"{coverage:.0f} % of lines"
    return [
        _part("blocking findings", 25.0 * blocking, f"{blocking} x 25"),
        _part("failed tests", 15.0 * failed, f"{failed} x 15"),
        _part(
            "other findings",
            float(minor_points),
            f"{len(minor)} findings, 6/3/1 per high/medium/low, at most {MINOR_CAP}",
        ),
        _part("no tests", 10.0 if untested else 0.0, f"{passed + failed} ran"),
        _part("coverage", coverage_points, covered),
    ]


def _part(name: str, off: float, detail: str) -> ScorePart:
    return ScorePart(name=name, points=-off if off else 0.0, detail=detail)


def quality_score(parts: list[ScorePart]) -> float:
    """100 plus the parts (each 0 or negative), clamped to 0..100."""
    return round(min(100.0, max(0.0, 100.0 + sum(part.points for part in parts))), 1)
