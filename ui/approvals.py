"""Approve or reject a paused run from the launcher or the REST API.

Both answer the same run-input form the Prefect UI's Resume dialog answers (``runs.resume``),
so every front end sees the same decision and the server validates every answer alike.

``RUN_RULES`` (the default) checks an approval against the run's own ``approvers``,
``four_eyes`` and ``requested_by`` parameters before it is sent, so a refused approver hears why
at once and the run stays paused for someone allowed. The flow checks the same rules on the
answer it receives (``agents.release.rules``), which is what binds the Prefect UI too; the
override for failed gates is the flow's alone (the form's ``override`` box). ``OPEN_POLICY``
lets any named reviewer decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from uuid import UUID

from prefect.exceptions import ObjectNotFound

from agents.release import ApprovalRules
from core.contracts import Approval
from core.errors import ApprovalDenied, InvalidRequest
from ui import runs


@dataclass(frozen=True)
class Decision:
    """One approver's answer to the approval form."""

    run_id: UUID
    approved: bool
    reviewer: str
    comment: str


class ApprovalPolicy(Protocol):
    """Decides whether a decision may be sent; raises ``InvalidRequest`` with the reason."""

    def check(self, decision: Decision) -> None: ...


class OpenPolicy:
    """Any named reviewer may approve or reject (the server requires the name)."""

    def check(self, decision: Decision) -> None:
        return None


OPEN_POLICY: ApprovalPolicy = OpenPolicy()


class RunRulesPolicy:
    """An approval must satisfy the run's ``approvers`` and ``four_eyes`` parameters."""

    def check(self, decision: Decision) -> None:
        if not decision.approved:
            return None
        if not decision.reviewer.strip():
            # The form's schema only refuses an empty name; a blank one would reach the flow,
            # whose rules would end the run instead of leaving it paused for a real answer.
            raise InvalidRequest(
                "The approval was refused: an approval needs the reviewer's name; "
                "the run stays paused."
            )
        try:
            parameters = runs.read_flow_run(decision.run_id).parameters
        except ObjectNotFound:
            return None  # the resume says there is no such run
        rules = ApprovalRules(
            approvers=tuple(parameters.get("approvers") or ()),
            four_eyes=bool(parameters.get("four_eyes")),
        )
        approval = Approval(
            approved=True,
            reviewer=decision.reviewer[:120],
            comment=decision.comment[:500],
            decided_at=datetime.now(UTC),
            requested_by=str(parameters.get("requested_by") or "")[:120] or None,
        )
        try:
            rules.check(approval, ready=True)
        except ApprovalDenied as exc:
            sentence = str(exc).replace("nothing was published", "the run stays paused")
            raise InvalidRequest(sentence) from None
        return None


RUN_RULES: ApprovalPolicy = RunRulesPolicy()


def decide(decision: Decision, *, policy: ApprovalPolicy = RUN_RULES) -> None:
    """Send ``decision`` to the paused run.

    Raises:
        runs.NotAwaitingApproval: The run is not paused on the approval form.
        InvalidRequest: The policy or the server refused the answer (the reason is the message).
    """
    policy.check(decision)
    if len(decision.comment) > 500:
        # The form's own limit, said before the server says it in schema words.
        raise InvalidRequest(
            f"The comment has {len(decision.comment)} characters; the form takes at most 500."
        )
    runs.resume(
        decision.run_id,
        approved=decision.approved,
        reviewer=decision.reviewer,
        comment=decision.comment,
    )
