"""The launcher's list pages: recent pipeline runs, and the scheduled CSV analyses with drift."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.errors import InvalidRequest
from core.settings import get_settings
from ui import analyses, components, navigation, observe
from ui.launch import ensure_deployment

PAGE_SIZE = 20


def recent_runs_page() -> None:
    st.title("Recent runs")
    page = int(st.session_state.get("runs_page", 1))
    summaries, total = observe.recent_runs(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    st.caption(f"{total} pipeline runs; page {page} of {max(1, -(-total // PAGE_SIZE))}.")
    components.runs_table(summaries)
    left, middle, right = st.columns([1, 1, 4])
    if left.button("Newer", disabled=page <= 1):
        st.session_state["runs_page"] = page - 1
        st.rerun()
    if middle.button("Older", disabled=page * PAGE_SIZE >= total):
        st.session_state["runs_page"] = page + 1
        st.rerun()
    labels = {s.workflow_id: f"{s.project_name or s.name} · {s.status}" for s in summaries}
    chosen = right.selectbox(
        "Open a run", list(labels), format_func=labels.__getitem__, index=None,
        label_visibility="collapsed", placeholder="Open a run ...",
    )  # fmt: skip
    if chosen:
        navigation.goto("Run", chosen)


def _report(report: analyses.CsvReport) -> None:
    when = f"{report.updated:%Y-%m-%d %H:%M} UTC" if report.updated else ""
    st.subheader(f"{report.name.removeprefix('csv-')} · {when}")
    drift_tab, profile_tab, insights_tab = st.tabs(["Drift", "Profile", "Insights"])
    with drift_tab:
        st.markdown(report.drift or "_No drift report yet._")
    with profile_tab:
        if report.profile:
            frame = pd.DataFrame(report.profile)
            if {"column", "missing_rate"} <= set(frame.columns):
                st.bar_chart(frame, x="column", y="missing_rate", horizontal=True, height=220)
            st.dataframe(frame, hide_index=True, width="stretch")
    with insights_tab:
        st.markdown(report.insights or "_No insights yet._")


def _analyse_now() -> None:
    with st.form("csv-analysis"):
        location = st.text_input(
            "CSV location", placeholder="/data/orders.csv or s3://bucket/orders.csv"
        )
        if not st.form_submit_button("Analyse now"):
            return
    try:
        checked = analyses.check_location(location)
        with st.spinner("Starting csv-analysis/nightly ..."):
            ensure_deployment(get_settings())
            run_id = analyses.start_analysis(checked)
    except InvalidRequest as exc:
        st.error(str(exc))
        return
    st.success(f"Started analysis run {run_id}; its report appears below when it finishes.")


def csv_analyses_page() -> None:
    st.title("Scheduled CSV analyses")
    st.caption(
        "`csv-analysis/nightly` profiles a CSV file on a schedule and reports what drifted "
        "since its previous run. Run it now on any file:"
    )
    _analyse_now()
    summaries, total = observe.recent_runs(flow=observe.CSV_FLOW, limit=10)
    with st.expander(f"Recent analysis runs ({total})", expanded=False):
        components.runs_table(summaries)
    reports = analyses.csv_reports()
    if not reports:
        st.info("No analysis has finished yet.")
    for report in reports:
        _report(report)
