"""Approve or reject a paused run from the launcher or the REST API.

Both answer the same run-input form the Prefect UI's Resume dialog answers (``runs.resume``),
so every front end sees the same decision and the server validates every answer alike.

``ApprovalPolicy`` is where the release rules go once they exist (an override for failed
gates, a list of approvers, four eyes: the approver is not the requester). Until then
``OPEN_POLICY`` lets any named reviewer decide, as the Prefect UI does. A policy here guards
the launcher and the API only: a rule that must also bind the Prefect UI belongs in the flow,
which can check the answer it receives after the pause.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from core.errors import InvalidRequest
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


def decide(decision: Decision, *, policy: ApprovalPolicy = OPEN_POLICY) -> None:
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
