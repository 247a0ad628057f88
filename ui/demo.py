"""`make demo`: a local Prefect server, one full pipeline run offline, the URLs to look at."""

from __future__ import annotations

import os
import sys

from core.settings import get_settings
from ui.server import LocalServer

SAMPLE_REQUEST = (
    "A library API where books have a title, an author, an ISBN and a publication year, "
    "and members have a name, an email and a joined date."
)
SAMPLE_NAME = "demo-library"


def _say(text: str = "") -> None:
    print(text, flush=True)


def main() -> int:
    settings = get_settings()
    server = LocalServer(settings)
    if not os.environ.get("PREFECT_API_URL"):
        _say(f"Starting the local Prefect server (data home {settings.data_home}) ...")
        server.start()
        os.environ.update(server.environment())
    from ui import runs
    from ui.deploy import deploy

    _say("Deploying sdlc-pipeline/default and starting a worker ...")
    deploy(settings, server.environment(), force=False)
    run_id = runs.start_run(
        {"request": SAMPLE_REQUEST, "project_name": SAMPLE_NAME, "cloud_provider": "local"}
    )
    _say(f"Run started: {runs.run_url(run_id)}")
    paused = runs.wait_for(run_id, until=runs.is_awaiting_approval, timeout=900)
    if not runs.is_awaiting_approval(paused):
        state = runs.workflow_state(run_id)
        _say(f"The run ended before approval: {state.status}: {state.state_message}")
        return 1
    _say("Paused for approval; approving as reviewer 'demo' (the UI shows the same form).")
    runs.resume(run_id, approved=True, reviewer="demo", comment="Approved by make demo.")
    runs.wait_for(run_id, until=runs.is_final, timeout=900)
    state = runs.workflow_state(run_id)
    _say()
    _say(f"Status:     {state.status}")
    _say(f"Run:        {state.ui_url}")
    _say(f"Artifacts:  {', '.join(state.artifacts)}")
    _say(f"Project:    {state.project_path}")
    if state.release is not None:
        release = state.release
        approval = release.approval
        if approval is not None:
            _say(f"Approval:   {approval.reviewer} at {approval.decided_at:%Y-%m-%d %H:%M:%S} UTC")
        _say(f"Repository: {release.git_repository} ({release.commit_sha})")
        deployment = release.deployment_status
        _say(f"Deployment: {deployment.status} at {deployment.url}")
    _say()
    _say(f"The Prefect UI stays up at {server.ui_url}.")
    _say("Stop the server, worker and demo app with `.venv/bin/ag2-sdlc server stop`.")
    return 0 if state.status == "completed" else 1


if __name__ == "__main__":
    sys.exit(main())
