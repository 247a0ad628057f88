"""The Streamlit launcher under Streamlit's AppTest, against a real Prefect server and worker:
the new-run form's refusals, the run view, the approval panel, and the list pages."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import StateType
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import Backend, pipeline_run_ids, prefect_in, wait_until
from ui import runs

APP = str(Path(__file__).resolve().parents[2] / "ui" / "streamlit_app.py")
PROJECT = "launcher-notes"

pytestmark = pytest.mark.timeout(900)


def launcher(*, run_id: UUID | None = None, page: str | None = None) -> AppTest:
    """A fresh browser session of the launcher, drawn once."""
    app = AppTest.from_file(APP, default_timeout=120)
    if run_id is not None:
        app.query_params["run"] = str(run_id)
    app.run()
    if page is not None:
        app.sidebar.radio[0].set_value(page).run()
    return app


def widget(widgets: Sequence[Any], label: str) -> Any:
    """The widget whose label starts with ``label``."""
    return next(w for w in widgets if w.label.startswith(label))


def submit_new_run(
    app: AppTest, *, text: str = "", name: str = "", upload: Any = None, requester: str = ""
) -> AppTest:
    widget(app.text_area, "Request").set_value(text)
    widget(app.text_input, "Project name").set_value(name)
    widget(app.text_input, "Your name").set_value(requester)
    widget(app.selectbox, "After approval").set_value("none")
    if upload is not None:
        app.file_uploader[0].set_value(upload)
    return widget(app.button, "Start run").click().run()


def uploaded(backend: Backend) -> set[Path]:
    """The CSV files the launcher has kept (other tests' uploads included)."""
    return set((backend.settings.data_home / "uploads").rglob("*.csv"))


def errors(app: AppTest) -> list[str]:
    return [str(element.value) for element in app.error]


class TestNewRunForm:
    """Bad input gets one sentence on the page, and no run starts and no upload is kept."""

    @pytest.mark.parametrize(
        ("text", "name", "upload", "expected"),
        [
            ("", "", None, "Give exactly one of a request text or a CSV file."),
            ("   ", "", None, "The request text is empty; describe the software you want."),
            ("A todo API", "", ("todo.csv", b"a,b\n1,2\n", "text/csv"),
             "Give exactly one of a request text or a CSV file."),
            ("", "", ("notes.txt", b"a,b\n1,2\n", "text/plain"),
             "Only .csv files can be uploaded; 'notes.txt' is not one."),
            ("", "", ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "text/csv"),
             "The file 'photo.csv' is binary, not a CSV text file."),
            ("", "../etc", ("books.csv", b"a,b\n1,2\n", "text/csv"),
             "Invalid project name '../etc': use 2-63 lowercase letters, digits and dashes, "
             "starting with a letter."),
        ],
    )  # fmt: skip
    def test_refused_with_one_sentence_and_nothing_started(
        self, connected: Backend, text: str, name: str, upload: Any, expected: str
    ) -> None:
        """The page shows exactly the refusal, no pipeline run appears, no upload is kept."""
        before = pipeline_run_ids(connected)
        kept = uploaded(connected)
        app = submit_new_run(launcher(), text=text, name=name, upload=upload)
        assert errors(app) == [expected]
        assert app.session_state["page"] == "New run"
        assert pipeline_run_ids(connected) == before
        assert uploaded(connected) == kept

    def test_upload_over_the_limit_is_refused(
        self, connected: Backend, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A CSV over AG2_SDLC_UPLOAD_LIMIT_MB is refused with its size and the limit."""
        monkeypatch.setenv("AG2_SDLC_UPLOAD_LIMIT_MB", "0.01")
        big = b"a,b\n" + b"1,2\n" * 5000
        app = submit_new_run(launcher(), upload=("big.csv", big, "text/csv"))
        assert errors(app) == [
            "The file 'big.csv' has 20,004 bytes; the upload limit is 10,485 bytes."
        ]


@pytest.fixture(scope="module")
def paused_run(backend: Backend) -> Iterator[UUID]:
    """A text request started from the form and left waiting at its approval form."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in backend.env.items():
            patch.setenv(key, value)
        app = submit_new_run(
            launcher(),
            text="A notes API where notes have a title and a body.",
            name=PROJECT,
            requester="erin",
        )
        assert errors(app) == []
        assert app.session_state["page"] == "Run"
        run_id = UUID(app.session_state["run_id"])
        with prefect_in(backend):
            flow_run = runs.wait_for(run_id, until=runs.is_awaiting_approval, timeout=600)
        assert runs.is_awaiting_approval(flow_run), flow_run.state
        assert flow_run.parameters["requested_by"] == "erin"  # what four_eyes compares
        yield run_id


def run_input_description(backend: Backend, run_id: UUID) -> str:
    """What the Prefect UI's Resume dialog shows above the form."""
    with prefect_in(backend), get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(run_id)
        assert flow_run.state is not None
        keyset = flow_run.state.state_details.run_input_keyset or {}
        return str(json.loads(client.read_flow_run_input(run_id, keyset["description"])))


def state_type(backend: Backend, run_id: UUID) -> StateType | None:
    with prefect_in(backend):
        state = runs.read_flow_run(run_id).state
    return state.type if state else None


class TestRunView:
    """A run's page shows each agent's state and duration, its logs and its artifacts."""

    def test_agents_logs_and_artifacts(self, connected: Backend, paused_run: UUID) -> None:
        """The five agents are Completed with durations; logs and markdown/table artifacts show."""
        app = launcher(run_id=paused_run)
        assert app.title[0].value == PROJECT
        agents = app.table[0].value
        for label in ("Analyzer & Planner", "Code Generator", "Code Reviewer", "DevOps Engineer",
                      "Validator & Release Manager"):  # fmt: skip
            row = agents[agents["agent"] == label]
            assert list(row["state"]) == ["Completed"], agents
            assert row["duration"].iloc[0].endswith(" s")

        def log_shows_the_pause() -> bool:  # log lines reach the API in batches, later
            app.run()
            return "Pausing flow" in "\n".join(str(code.value) for code in app.code)

        wait_until(log_shows_the_pause, timeout=120, every=2)
        tabs = [tab.label for tab in app.tabs]
        assert tabs[:5] == ["Analyzer & Planner", "Code Generator", "Code Reviewer",
                            "DevOps Engineer", "Validator"]  # fmt: skip
        shown = [str(m.value) for m in app.markdown]
        assert any(text.startswith(f"# Analysis: `{PROJECT}`") for text in shown)
        entity_tables = [df.value for df in app.dataframe if "entity" in df.value.columns]
        assert entity_tables
        assert "Note" in set(entity_tables[0]["entity"])


class TestApprovalPanel:
    """The panel answers the Prefect UI's own form: same summary, server-side refusals, reject."""

    def test_summary_refusal_and_rejection(self, connected: Backend, paused_run: UUID) -> None:
        """The summary is the form's; an approval without a reviewer is refused with the reason
        and the run stays paused; a rejection ends the run Rejected and publishes nothing."""
        app = launcher(run_id=paused_run)
        assert [s.value for s in app.subheader][:1] == ["Approval"]
        description = run_input_description(connected, paused_run)
        assert description.startswith(f"# Release review: `{PROJECT}`")
        assert description.strip() in [str(m.value).strip() for m in app.markdown]

        widget(app.button, "Approve and release").click().run()
        (refusal,) = errors(app)
        assert refusal.startswith("The approval was refused:")
        assert "reviewer" in refusal
        assert state_type(connected, paused_run) == StateType.PAUSED

        widget(app.text_input, "Reviewer").set_value("carol")
        widget(app.text_area, "Comment").set_value("Not this quarter.")
        widget(app.button, "Reject").click().run()
        assert errors(app) == []
        wait_until(lambda: state_type(connected, paused_run) == StateType.FAILED, timeout=120)
        app.run()
        assert [str(w.value) for w in app.warning] == ["Rejected by carol: Not this quarter."]
        assert not (connected.settings.git_remotes_dir / f"{PROJECT}.git").exists()


class TestListPages:
    """Recent runs and the CSV analyses page read the server; the analysis form checks input."""

    def test_recent_runs_lists_the_run(self, connected: Backend, paused_run: UUID) -> None:
        """The table holds the run with its project and the seed's status word."""
        app = launcher(page="Recent runs")
        table = app.dataframe[0].value
        row = table[table["id"] == str(paused_run)]
        assert list(row["project"]) == [PROJECT]
        assert row["status"].iloc[0] in {"awaiting_approval", "rejected"}

    @pytest.mark.parametrize(
        ("location", "expected"),
        [
            ("", "Give the path or s3:// gs:// az:// URL of the CSV file to analyse."),
            ("/no/such/orders.csv",
             "The CSV file '/no/such/orders.csv' does not exist or is not a file."),
        ],
    )  # fmt: skip
    def test_analysis_form_refuses_bad_locations(
        self, connected: Backend, location: str, expected: str
    ) -> None:
        """A missing or empty location is one sentence; no analysis run starts."""
        app = launcher(page="CSV analyses")
        widget(app.text_input, "CSV location").set_value(location)
        widget(app.button, "Analyse now").click().run()
        assert errors(app) == [expected]
