"""The generated CI workflow on GitHub: dispatch it for a commit and follow its run to the end.

A commit that already has a run of the workflow is not dispatched again (re-releasing the same
commit is a no-op); its run is followed instead. Polling backs off exponentially up to a
bounded interval; rate-limit answers wait what the server names (``GitHubService.call``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import tenacity
from github.Repository import Repository
from github.WorkflowRun import WorkflowRun

from core.errors import PublishError
from services.github import GitHubService

logger = logging.getLogger(__name__)

WORKFLOW_FILE = "ci.yml"


@dataclass(frozen=True)
class CiRun:
    """Where a CI run can be seen and how it ended (``conclusion`` None while it runs)."""

    url: str
    status: str
    conclusion: str | None
    dispatched: bool


class _StillRunning(Exception):
    """The run has not reached a final state yet."""


def run_ci(
    github: GitHubService,
    repo: Repository,
    *,
    ref: str,
    sha: str,
    timeout_s: float = 1800,
    max_interval_s: float = 30,
) -> CiRun:
    """Dispatch ``WORKFLOW_FILE`` on ``ref`` unless ``sha`` already has a run; follow it.

    Raises:
        PublishError: the workflow is missing, GitHub refused, or the run outlasted ``timeout_s``.
    """
    workflow = github.call(
        f"find the workflow {WORKFLOW_FILE}", lambda: repo.get_workflow(WORKFLOW_FILE)
    )
    existing = github.call(
        "list the workflow's runs", lambda: next(iter(workflow.get_runs(head_sha=sha)), None)
    )
    dispatched = existing is None
    if existing is not None:
        run = existing
    else:
        run = github.call(
            f"dispatch {WORKFLOW_FILE}",
            lambda: workflow.create_dispatch(ref=ref, throw=True, return_run_details=True),
        )
        if not isinstance(run, WorkflowRun):
            raise PublishError(f"GitHub dispatched {WORKFLOW_FILE} but named no run to follow.")
        logger.info("Dispatched %s on %s: %s", WORKFLOW_FILE, ref, run.html_url)
    run_id = run.id

    def poll() -> WorkflowRun:
        current = github.call("read the CI run", lambda: repo.get_workflow_run(run_id))
        if current.status != "completed":
            raise _StillRunning(current.status)
        return current

    follow = tenacity.Retrying(
        retry=tenacity.retry_if_exception_type(_StillRunning),
        stop=tenacity.stop_after_delay(timeout_s),
        wait=tenacity.wait_exponential(multiplier=0.5, max=max_interval_s),
        sleep=github.sleep,
    )
    try:
        final = follow(poll)
    except tenacity.RetryError as exc:
        raise PublishError(
            f"The CI run {run.html_url} did not finish within {timeout_s:g} s."
        ) from exc
    return CiRun(
        url=str(final.html_url),
        status=str(final.status),
        conclusion=final.conclusion,
        dispatched=dispatched,
    )
