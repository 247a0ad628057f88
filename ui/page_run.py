"""The launcher's Run page: live agent progress and logs, the approval panel, the artifacts,
the CSV profile's charts and the release result."""

from __future__ import annotations

import os
from pathlib import Path
from uuid import UUID

import streamlit as st

from agents.profiling import CsvProfile, profile_csv
from core.errors import InvalidRequest
from ui import charts, components, navigation, observe, runs
from ui.approvals import Decision, decide

ACTIVE = {"pending", "running"}
FINAL = {"completed", "failed", "rejected", "cancelled"}


def refresh_seconds() -> float:
    """How often the live view re-reads the run (``AG2_SDLC_UI_REFRESH``, default 2 s)."""
    try:
        return max(float(os.environ.get("AG2_SDLC_UI_REFRESH", "2")), 0.5)
    except ValueError:
        return 2.0


def _live(run_id: UUID) -> None:
    """Status, agents and logs; when the status changes the whole page is drawn again."""
    flow_run = runs.read_flow_run(run_id)
    status = runs.workflow_status(flow_run)
    if status != st.session_state.get("shown_status"):
        st.session_state["shown_status"] = status
        st.rerun()
    components.status_badge(status)
    components.agent_progress(observe.agent_steps(run_id))
    with st.expander("Log", expanded=status in ACTIVE):
        components.log_panel(observe.run_logs(run_id))


_live_refreshing = st.fragment(run_every=refresh_seconds())(_live)


def _send(run_id: UUID, *, approved: bool, reviewer: str, comment: str) -> None:
    try:
        decide(Decision(run_id=run_id, approved=approved, reviewer=reviewer, comment=comment))
    except InvalidRequest as exc:  # the run moved on, or the server refused the answer
        st.error(str(exc))
        return
    word = "Approved" if approved else "Rejected"
    navigation.flash("success", f"{word} as {reviewer}; the run goes on.")
    st.rerun()


def approval_panel(run_id: UUID) -> None:
    """The validator's summary (as the Prefect UI's Resume dialog shows it) and the decision."""
    st.subheader("Approval")
    summary = observe.approval_summary(run_id)
    with st.container(border=True):
        st.markdown(summary or "_The validator's summary is not available._")
    with st.form(f"approval-{run_id}"):
        reviewer = st.text_input("Reviewer", max_chars=120, placeholder="your name")
        comment = st.text_area("Comment", max_chars=500, placeholder="why (shown in the run)")
        left, right = st.columns(2)
        approve = left.form_submit_button("Approve and release", type="primary")
        reject = right.form_submit_button("Reject")
    if approve or reject:
        _send(run_id, approved=bool(approve), reviewer=reviewer, comment=comment)


@st.cache_data(max_entries=16, show_spinner="Profiling the CSV file ...")
def _profile(path: str, stamp: str) -> CsvProfile:
    return profile_csv(Path(path))


def csv_panel(location: str) -> None:
    """Distributions, missing values and correlations of the run's CSV file."""
    path = Path(location)
    if not path.is_file():
        st.caption(f"The CSV file {location!r} is not on this machine; no charts.")
        return
    stat = path.stat()
    try:
        profile = _profile(str(path), f"{stat.st_size}:{stat.st_mtime_ns}")
    except InvalidRequest as exc:
        st.warning(str(exc))
        return
    st.caption(f"{profile.rows:,} rows, {len(profile.columns)} columns")
    st.altair_chart(charts.missing_chart(profile), width="stretch")
    columns = st.columns(2)
    for index, chart in enumerate(charts.distribution_charts(path, profile)):
        columns[index % 2].altair_chart(chart, width="stretch")
    correlation = charts.correlation_chart(profile)
    if correlation is not None:
        st.altair_chart(correlation, width="stretch")


def _outcome(
    run_id: UUID, status: str, message: str | None, links: list[observe.ArtifactView]
) -> None:
    if status == "completed":
        components.release_panel(runs.workflow_state(run_id), links)
    elif status == "rejected":
        st.warning(message or "Rejected; nothing was published.")
    else:
        st.error(message or f"The run ended {status}.")


def _choose_run() -> None:
    summaries, _ = observe.recent_runs(limit=30)
    if not summaries:
        st.info("No pipeline runs yet: start one on the New run page.")
        return
    labels = {
        s.workflow_id: f"{s.project_name or s.name} · {s.status} · {s.workflow_id[:8]}"
        for s in summaries
    }
    chosen = st.selectbox("Run", list(labels), format_func=labels.__getitem__, index=None)
    if chosen:
        navigation.goto("Run", chosen)


def run_page() -> None:
    run_id = navigation.current_run()
    if run_id is None:
        st.title("Run")
        _choose_run()
        return
    flow_run = observe.read_pipeline_run(run_id)
    if flow_run is None:
        st.error(f"There is no pipeline run {run_id} on this Prefect server.")
        return
    parameters = flow_run.parameters or {}
    st.title(parameters.get("project_name") or flow_run.name)
    st.caption(f"Run `{flow_run.name}` · [open in the Prefect UI]({runs.run_url(run_id)})")
    navigation.show_flash()
    status = runs.workflow_status(flow_run)
    st.session_state["shown_status"] = status
    (_live_refreshing if status in ACTIVE else _live)(run_id)
    if status == "awaiting_approval":
        approval_panel(run_id)
    artifacts = observe.run_artifacts(run_id)
    if status in FINAL:
        links = [a for a in artifacts if a.link]
        _outcome(run_id, status, flow_run.state.message if flow_run.state else None, links)
    st.subheader("Artifacts")
    project = parameters.get("project_name") or ""
    components.artifact_tabs(artifacts, project)
    if parameters.get("csv_location"):
        st.subheader("CSV profile")
        csv_panel(str(parameters["csv_location"]))
