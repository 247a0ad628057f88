"""The analyzer over the 1,200 real requests of SRDD (ChatDev's software requirement dataset).

The sweep runs the full ``analyze`` (offline AG2 round-trip included) on every request: about
25 s on two cores, most of it pydantic building the AnalysisResult JSON schema per call. The
kind distribution is recorded by ``python -m bench.srdd``, not here: tests write no tracked file.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from agents.analyzer import analyze
from agents.llm import BackendSpec
from core.contracts import AnalysisResult, PipelineRequest, ProjectKind, slugify

ROOT = Path(__file__).resolve().parents[3]
SRDD = ROOT.parent / "shared" / "data" / "srdd.csv"
KINDS: tuple[ProjectKind, ...] = (
    "rest_api",
    "web_app",
    "ml_pipeline",
    "etl_pipeline",
    "microservices",
)


def _srdd_rows() -> list[dict[str, str]]:
    if not SRDD.is_file():
        pytest.skip(f"SRDD is not at {SRDD}; see ../shared/data/README.md")
    with SRDD.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def srdd_plans() -> list[tuple[dict[str, str], AnalysisResult]]:
    """Every SRDD request through the full analyzer (offline AG2 round-trip included)."""
    spec = BackendSpec()
    return [
        (
            row,
            analyze(
                PipelineRequest.from_inputs(text=row["Description"], name=slugify(row["Name"])),
                spec=spec,
            ),
        )
        for row in _srdd_rows()
    ]


class TestSrddSweep:
    """The analyzer plans every real request of SRDD, and says what it leaves out."""

    def test_every_request_gets_a_valid_plan(
        self, srdd_plans: list[tuple[dict[str, str], AnalysisResult]]
    ) -> None:
        """All 1,200 requests go through `analyze` (not only `plan_for`) and validate again."""
        assert len(srdd_plans) == 1200
        for row, plan in srdd_plans:
            again = AnalysisResult.model_validate(plan.model_dump())
            assert again.analysis.project_type in KINDS, row["Name"]
            assert again.entities, row["Name"]
            assert again.refused_instructions == [], row["Name"]

    def test_games_map_to_a_web_app_and_say_what_is_left_out(
        self, srdd_plans: list[tuple[dict[str, str], AnalysisResult]]
    ) -> None:
        """SRDD's game categories map to web_app, the closest kind, and name what is left out."""
        games = [plan for row, plan in srdd_plans if row["Category"].endswith("_Game")]
        assert len(games) == 300
        # The categories are labels, not truth: some "Sport_Game" requests are stat trackers.
        mapped = [
            plan
            for plan in games
            if plan.analysis.project_type == "web_app"
            and (
                plan.analysis.not_covered
                or any("Not one of the five kinds" in line for line in plan.analysis.evidence)
            )
        ]
        assert len(mapped) >= 270

    def test_requests_naming_a_game_say_what_is_left_out(
        self, srdd_plans: list[tuple[dict[str, str], AnalysisResult]]
    ) -> None:
        """Every request whose text says "game" gets a plain not-covered sentence."""
        silent = [
            row["Name"]
            for row, plan in srdd_plans
            if re.search(r"\bgames?\b", row["Description"], re.IGNORECASE)
            and not plan.analysis.not_covered
        ]
        assert silent == []

    def test_every_request_lands_in_one_of_the_five_kinds(
        self, srdd_plans: list[tuple[dict[str, str], AnalysisResult]]
    ) -> None:
        """The inferred kinds add up to the 1,200 requests, and web_app takes at least 300."""
        counted = Counter(plan.analysis.project_type for _, plan in srdd_plans)
        assert set(counted) <= set(KINDS)
        assert sum(counted[kind] for kind in KINDS) == 1200
        # Games alone are 300 of the 1,200: most requests are apps used through a screen.
        assert counted["web_app"] >= 300
