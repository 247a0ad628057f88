"""The human approval step: a form in the Prefect UI's Resume dialog."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from prefect.exceptions import FlowPauseTimeout
from prefect.flow_runs import pause_flow_run, suspend_flow_run
from prefect.input import RunInput
from pydantic import Field

from agents.release import MIN_OVERRIDE_COMMENT
from core.contracts import Approval

NOT_READY_WARNING = (
    "> **Warning: this release did not pass its gates.** It can only be released with "
    f"*override* ticked and a comment of at least {MIN_OVERRIDE_COMMENT} characters saying why.\n\n"
)

ApprovalMode = Literal["pause", "suspend"]


class ApprovalForm(RunInput):
    """What the approver fills in. ``reviewer`` has no default, so the form requires it."""

    approved: bool = Field(description="Publish and deploy this release?")
    reviewer: str = Field(min_length=1, max_length=120, description="Who decides.")
    comment: str = Field(default="", max_length=500, description="Why (shown in the run).")
    override: bool = Field(
        default=False,
        description="Release although the gates did not pass (needs a comment of at least "
        f"{MIN_OVERRIDE_COMMENT} characters; recorded in the commit and the audit).",
    )


def request_approval(
    summary: str,
    *,
    timeout: int,
    mode: ApprovalMode = "pause",
    poll_interval: int = 2,
    ready: bool = True,
    requested_by: str = "",
) -> Approval:
    """Pause the flow run on the approval form and return the decision.

    A timeout returns a negative approval without a reviewer. In ``suspend`` mode the process
    exits while waiting and the flow replays from the top (cached tasks) once resumed.
    """
    description = summary if ready else NOT_READY_WARNING + summary
    form = ApprovalForm.with_initial_data(description=description, approved=False, comment="")
    try:
        if mode == "suspend":
            answer = suspend_flow_run(wait_for_input=form, timeout=timeout, key="approval")
        else:
            answer = pause_flow_run(
                wait_for_input=form, timeout=timeout, poll_interval=poll_interval, key="approval"
            )
    except FlowPauseTimeout:
        return Approval(
            approved=False,
            reviewer=None,
            comment=f"No decision within {timeout} s.",
            decided_at=datetime.now(UTC),
            requested_by=requested_by or None,
        )
    return Approval(
        approved=answer.approved,
        reviewer=answer.reviewer,
        comment=answer.comment,
        decided_at=datetime.now(UTC),
        override=answer.override,
        requested_by=requested_by or None,
    )
