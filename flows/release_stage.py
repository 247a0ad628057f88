"""After the agents: notify, pause for the approver, check the answer against the rules, release.

The rules are checked here, on the answer the pause returned, so they bind the Prefect UI's
Resume dialog as much as the launcher and the REST API. Every decision leaves an audit artifact;
every refusal ends the run in one sentence with nothing published.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from prefect import get_run_logger
from prefect.runtime import flow_run
from prefect.states import Failed, State

from agents.release import ApprovalRules, ReleaseFailed
from core.contracts import Approval, PipelineOutcome, PipelineRequest
from core.errors import ApprovalDenied, InvalidRequest, PublishError
from flows.approval import ApprovalMode, request_approval
from flows.stages import workspace_for
from tasks.release_audit import notify_approvers, publish_audit
from tasks.validator import (
    ReleaseConfig,
    publish_failed_release,
    publish_release,
    release_project,
)


@dataclass(frozen=True)
class ApprovalSettings:
    timeout: int
    mode: ApprovalMode
    rules: ApprovalRules
    requested_by: str = ""
    notifier: Any = None


def run_url() -> str:
    """The run's page in the Prefect UI (its API URL when no UI URL is configured)."""
    return str(flow_run.ui_url or flow_run.api_url or "")


def approve_and_release(
    req: PipelineRequest,
    outcome: PipelineOutcome,
    *,
    approval: ApprovalSettings,
    config: ReleaseConfig,
    remote_url: Any,
) -> PipelineOutcome | State[Any]:
    """Pause on the form, then release if the answer is allowed; one sentence otherwise."""
    logger = get_run_logger()
    name, validation = req.project_name, outcome.validation
    ready = validation.validation_results.ready_for_deployment
    # A suspended run replays from the top once resumed: the approvers heard about it already.
    replay = approval.mode == "suspend" and (flow_run.run_count or 0) > 1
    if approval.notifier is not None and not replay:
        notify_approvers(
            approval.notifier,
            name=name,
            run_url=config.run_url,
            summary=validation.summary_markdown,
        )
    decision = request_approval(
        validation.summary_markdown,
        timeout=approval.timeout,
        mode=approval.mode,
        ready=ready,
        requested_by=approval.requested_by,
    )
    if not decision.approved:
        reason = (
            f"Rejected by {decision.reviewer}: {decision.comment}"
            if decision.reviewer
            else f"Approval timed out after {approval.timeout} s; nothing was published."
        )
        logger.info(reason)
        publish_audit(name, decision, outcome=reason)
        return Failed(message=reason)
    try:
        approval.rules.check(decision, ready=ready)
    except ApprovalDenied as exc:
        logger.info("%s", exc)
        publish_audit(name, decision, outcome=f"Refused: {exc}")
        return Failed(message=str(exc))
    return _release(req, outcome, decision, config=config, remote_url=remote_url)


def _release(
    req: PipelineRequest,
    outcome: PipelineOutcome,
    decision: Approval,
    *,
    config: ReleaseConfig,
    remote_url: Any,
) -> PipelineOutcome | State[Any]:
    """Run the release task on an allowed approval; a failure ends the run in one sentence."""
    logger, name = get_run_logger(), req.project_name
    try:
        result = release_project(
            outcome.validation,
            decision,
            name,
            outcome.project_path,
            str(workspace_for(req).root / "venv"),
            outcome.deployment.health_path,
            req.options,
            remote_url,
            config,
        )
    except InvalidRequest as exc:  # a release block went missing since the run started
        publish_audit(name, decision, outcome=f"Approved; the release could not start: {exc}")
        return Failed(message=f"Approved, but the release could not start: {exc}")
    except PublishError as exc:  # e.g. the remote refused the push: one sentence
        logger.error("Release failed: %s", exc)
        if isinstance(exc, ReleaseFailed):
            publish_failed_release(name, exc.steps, str(exc))
        publish_audit(name, decision, outcome=f"Approved; the release failed: {exc}")
        return Failed(message=f"Approved, but the release failed: {exc}")
    keys = publish_release(name, result)
    publish_audit(name, decision, outcome="Released.", result=result)
    logger.info("Published artifacts: %s", ", ".join(keys))
    return outcome.model_copy(update={"release": result})
