"""The launcher's building blocks, drawn alone under AppTest, and the chart data behind them."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from agents.profiling import profile_csv
from tests.ui.conftest import SAMPLE_CSV
from ui import charts


def _steps_app() -> None:
    from datetime import UTC, datetime

    from ui.components import agent_progress
    from ui.observe import AgentStep

    now = datetime.now(UTC)
    order = [("analyzer", "Analyzer & Planner", 1), ("code-generator", "Code Generator", 1),
             ("reviewer", "Code Reviewer", 1), ("code-repair", "Code Generator (repair)", 1),
             ("reviewer", "Code Reviewer", 2)]  # fmt: skip
    done = {"state": "Completed", "state_type": "COMPLETED", "duration_seconds": 1.25}
    agent_progress(
        [
            AgentStep(agent=agent, label=label, round=number, started_at=now, **done)
            for agent, label, number in order
        ]
    )


def _links_app(url: str) -> None:
    from ui.components import render_artifact
    from ui.observe import ArtifactView

    render_artifact(ArtifactView(key="x-repository", type="link", link=url, link_text="repo"))


class TestAgentProgress:
    """Review -> repair rounds are numbered and counted, agents counted once."""

    def test_repair_rounds_are_shown(self) -> None:
        """A second review is "round 2", the caption counts one repair and two reviews."""
        app = AppTest.from_function(_steps_app).run()
        table = app.table[0].value
        assert list(table["agent"]) == [
            "Analyzer & Planner", "Code Generator", "Code Reviewer",
            "Code Generator (repair)", "Code Reviewer (round 2)",
        ]  # fmt: skip
        assert set(table["duration"]) == {"1.2 s"}
        assert [c.value for c in app.caption] == ["Review → repair rounds: 1 repair(s), 2 reviews."]
        assert app.get("progress")[0].proto.text == "3 of 5 agents done"


class TestLinks:
    """Only http(s) links become buttons; anything else is shown as inert text."""

    @pytest.mark.parametrize(
        ("url", "is_button"),
        [
            ("https://github.com/acme/books", True),
            ("file:///srv/git/books.git", False),
            ("javascript:alert(1)", False),
        ],
    )
    def test_link_rendering(self, url: str, is_button: bool) -> None:
        """A web link is a link button; a file or script URL is a code block with its text."""
        app = AppTest.from_function(_links_app, args=(url,)).run()
        buttons = app.get("link_button")
        assert len(buttons) == (1 if is_button else 0)
        assert [c.value for c in app.code] == ([] if is_button else [url])


class TestChartData:
    """The charts' data comes from the profile: missing shares, symmetric correlations."""

    def test_missing_values_and_correlations(self, tmp_path: Path) -> None:
        """Every 10th price is empty (10%); the correlation table is symmetric with a unit
        diagonal; the sample holds the numeric columns as numbers."""
        path = tmp_path / "books.csv"
        path.write_text(SAMPLE_CSV, encoding="utf-8")
        profile = profile_csv(path)
        missing = charts.missing_frame(profile).set_index("column")["missing_rate"]
        assert missing["price"] == pytest.approx(0.1)
        assert missing["title"] == 0
        pairs = charts.correlation_frame(profile)
        for row in pairs.itertuples():
            mirror = pairs[(pairs.left == row.right) & (pairs.right == row.left)]
            assert list(mirror.pearson) == [row.pearson]
        assert set(pairs[pairs.left == pairs.right].pearson) <= {1.0}
        sample = charts.numeric_sample(path, profile)
        assert {"year", "pages", "price"} <= set(sample.columns)
        assert sample["price"].isna().sum() == 6
        assert len(charts.distribution_charts(path, profile)) >= 4
