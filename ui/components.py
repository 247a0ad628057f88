"""The launcher's building blocks: each renders one thing it is given, and reads nothing.

Text from a run (artifacts, logs, summaries) is shown as markdown without HTML, as tables or as
code; a link becomes a button only when it is http(s), anything else is shown as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import streamlit as st

from core.contracts import WorkflowState
from ui.observe import AgentStep, ArtifactView, LogLine, RunSummary

AGENT_ORDER = ("analyzer", "code-generator", "reviewer", "devops", "validator")
STATUS_COLOURS = {
    "pending": "gray",
    "running": "blue",
    "awaiting_approval": "orange",
    "completed": "green",
    "failed": "red",
    "rejected": "red",
    "cancelled": "gray",
}
# Artifact key suffix -> tab title, in pipeline order; anything else goes under "Other".
ARTIFACT_GROUPS = (
    ("analysis", "Analyzer & Planner"),
    ("code", "Code Generator"),
    ("review", "Code Reviewer"),
    ("devops", "DevOps Engineer"),
    ("validation", "Validator"),
    ("llm-usage", "LLM usage"),
    ("release", "Release"),
)
_LINK_SUFFIXES = ("repository", "deployment", "pull-request", "ci-run", "bucket-object")


def status_badge(status: str) -> None:
    colour = STATUS_COLOURS.get(status, "gray")
    st.markdown(f":{colour}-badge[{status.replace('_', ' ')}]")


def _seconds(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.1f} s" if value < 120 else f"{value / 60:.1f} min"


def agent_progress(steps: Sequence[AgentStep]) -> None:
    """Each agent's state and duration, review rounds numbered, and how far the run is."""
    done = {s.agent for s in steps if s.state_type == "COMPLETED"} & set(AGENT_ORDER)
    st.progress(len(done) / len(AGENT_ORDER), text=f"{len(done)} of 5 agents done")
    if not steps:
        st.caption("No agent has started yet; the worker picks the run up within seconds.")
        return
    reviews = sum(1 for s in steps if s.agent == "reviewer")
    if reviews > 1:
        st.caption(f"Review → repair rounds: {reviews - 1} repair(s), {reviews} reviews.")
    rows = [
        {
            "agent": step.label + (f" (round {step.round})" if step.round > 1 else ""),
            "state": step.state,
            "duration": _seconds(step.duration_seconds),
            "started": step.started_at.strftime("%H:%M:%S") if step.started_at else "",
        }
        for step in steps
    ]
    # A static table (not the canvas grid): a handful of rows, readable by screen readers.
    st.table(pd.DataFrame(rows), hide_index=True, border="horizontal")


def log_panel(lines: Sequence[LogLine]) -> None:
    """Log lines as plain text, newest last."""
    if not lines:
        st.caption("No log lines yet.")
        return
    text = "\n".join(
        f"{line.timestamp:%H:%M:%S} {line.level:<7} {line.source:<18} {line.message}"
        for line in lines
    )
    st.code(text, language=None, height=260)


def _is_web_link(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("http://", "https://"))


def link_row(label: str, url: str | None) -> None:
    if not url:
        return
    if _is_web_link(url):
        st.link_button(label, url)
    else:
        st.markdown(f"**{label}**")
        st.code(url, language=None)


def render_artifact(view: ArtifactView) -> None:
    """One artifact as what it is: markdown as markdown, a table as a table, a link as a link."""
    if view.description:
        st.caption(f"`{view.key or 'unnamed'}` · {view.description}")
    if view.markdown is not None:
        st.markdown(view.markdown)
    elif view.table is not None:
        st.dataframe(pd.DataFrame(view.table), hide_index=True, width="stretch")
    elif view.link is not None:
        link_row(view.link_text or view.key or "link", view.link)
    elif view.progress is not None:
        st.progress(min(max(view.progress / 100, 0.0), 1.0), text=f"{view.progress:.0f}%")


def _group(view: ArtifactView, project: str) -> str:
    suffix = (view.key or "").removeprefix(f"{project}-").removesuffix("-table")
    known = {name for name, _ in ARTIFACT_GROUPS}
    if suffix in _LINK_SUFFIXES:
        return "release"
    return suffix if suffix in known else "other"


def artifact_tabs(artifacts: Sequence[ArtifactView], project: str) -> None:
    """The run's artifacts, one tab per agent, in pipeline order."""
    if not artifacts:
        st.caption("No artifacts yet: each agent publishes its own when it finishes.")
        return
    groups: dict[str, list[ArtifactView]] = {}
    for view in artifacts:
        groups.setdefault(_group(view, project), []).append(view)
    titles = [
        (name, title) for name, title in (*ARTIFACT_GROUPS, ("other", "Other")) if name in groups
    ]
    for tab, (name, _) in zip(st.tabs([title for _, title in titles]), titles, strict=True):
        with tab:
            for view in groups[name]:
                render_artifact(view)


def release_panel(state: WorkflowState, links: Sequence[ArtifactView]) -> None:
    """What the release did: who approved, where the code went, where the app runs."""
    release = state.release
    if release is None:
        return
    st.subheader("Release")
    approval = release.approval
    if approval is not None:
        when = f"{approval.decided_at:%Y-%m-%d %H:%M} UTC"
        st.markdown(f"Approved by **{approval.reviewer or 'nobody'}** at {when}")
        if approval.comment:
            st.caption(approval.comment)
    deployment = release.deployment_status
    st.markdown(f"Deployment: **{deployment.status}** ({deployment.target})")
    if deployment.detail:
        st.caption(deployment.detail)
    link_row("Repository", release.git_repository)
    if release.commit_sha:
        st.caption(f"Commit {release.commit_sha}")
    shown = {release.git_repository}
    for view in links:
        if view.link and view.link not in shown:
            link_row(view.link_text or (view.key or "link").rsplit("-", 1)[-1], view.link)
            shown.add(view.link)


def runs_table(summaries: Sequence[RunSummary]) -> None:
    if not summaries:
        st.caption("No runs yet.")
        return
    frame = pd.DataFrame(
        [
            {
                "created": s.created_at.strftime("%Y-%m-%d %H:%M") if s.created_at else "",
                "project": s.project_name or Path(s.csv_location or "").name or s.name,
                "status": s.status,
                "message": (s.message or "")[:120],
                "id": s.workflow_id,
            }
            for s in summaries
        ]
    )
    st.dataframe(frame, hide_index=True, width="stretch")
