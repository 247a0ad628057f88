"""The launcher's New run page: a text request or a CSV upload, checked, then started."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.contracts import CLOUD_PROVIDERS, PROJECT_KINDS, PipelineRequest
from core.errors import InvalidRequest
from core.settings import get_settings
from ui import navigation
from ui.launch import DeployChoice, launch, save_upload, upload_limit_bytes

DEPLOY_LABELS: dict[DeployChoice, str] = {
    "local": "Deploy here and keep it running",
    "check": "Deploy, health-check, then stop it",
    "none": "Only publish the repository",
}


def _form() -> dict[str, Any] | None:
    """Draw the form; return what was entered when it is submitted."""
    limit_mb = upload_limit_bytes() / (1024 * 1024)
    with st.form("new-run"):
        text = st.text_area(
            "Request",
            height=120,
            placeholder="A library API where books have a title, an author and a year",
            help="Describe the software in words, or leave this empty and upload a CSV file.",
        )
        # No type filter here: every refusal, a wrong type too, is our one sentence.
        upload = st.file_uploader(
            f"or a CSV file (at most {limit_mb:g} MB)", accept_multiple_files=False
        )
        left, right = st.columns(2)
        kind = left.selectbox("Project kind", ["auto", *PROJECT_KINDS])
        cloud = right.selectbox("Cloud provider", CLOUD_PROVIDERS, index=len(CLOUD_PROVIDERS) - 1)
        name = left.text_input(
            "Project name", max_chars=63, placeholder="derived from the request when empty"
        )
        deploy = right.selectbox(
            "After approval",
            list(DEPLOY_LABELS),
            format_func=lambda choice: DEPLOY_LABELS[choice],
        )
        requester = st.text_input(
            "Your name",
            max_chars=120,
            help="Recorded as the run's requester: with the four-eyes rule, you cannot approve it.",
        )
        if not st.form_submit_button("Start run", type="primary"):
            return None
    return {"text": text, "upload": upload, "kind": kind, "cloud": cloud, "name": name,
            "deploy": deploy, "requested_by": requester.strip()}  # fmt: skip


def _request(entered: dict[str, Any]) -> PipelineRequest:
    """The checked request; the CSV is kept only once everything else is valid."""
    text: str = entered["text"] or ""
    upload = entered["upload"]
    options = {
        "name": entered["name"].strip() or None,
        "cloud": entered["cloud"],
        "kind": None if entered["kind"] == "auto" else entered["kind"],
    }
    if upload is None:
        return PipelineRequest.from_inputs(text=text if text else None, **options)
    if text.strip():
        raise InvalidRequest("Give exactly one of a request text or a CSV file.")
    # Name, cloud and kind first (with a stand-in text), so a bad name writes no upload.
    PipelineRequest.from_inputs(text="check", **options)
    path = save_upload(upload.name, upload.getvalue(), settings=get_settings())
    return PipelineRequest.from_inputs(csv=str(path), **options)


def new_run_page() -> None:
    st.title("Start a pipeline run")
    st.caption(
        "Five agents analyse, generate, review, package and validate; the run then waits for "
        "your approval before anything is published."
    )
    entered = _form()
    if entered is None:
        return
    try:
        request = _request(entered)
        with st.spinner("Starting the run (deploying sdlc-pipeline/default if needed) ..."):
            run_id = launch(
                request,
                settings=get_settings(),
                deploy=entered["deploy"],
                requested_by=entered["requested_by"],
            )
    except InvalidRequest as exc:
        st.error(str(exc))
        return
    navigation.flash("info", f"Started run {run_id} for {request.project_name}.")
    navigation.goto("Run", run_id)
