"""Who may approve a release, and when a release that failed its gates may still go out.

The rules are checked in the flow on the answer the form returned, so they bind every front
end alike (the Prefect UI, the launcher, the REST API). A name is only as trustworthy as the
Prefect server's authentication that let its author answer the form.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.contracts import Approval
from core.errors import ApprovalDenied

MIN_OVERRIDE_COMMENT = 20


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


@dataclass(frozen=True)
class ApprovalRules:
    """``approvers``: who may approve (empty: anyone named); ``four_eyes``: not the requester."""

    approvers: tuple[str, ...] = ()
    four_eyes: bool = False

    def check(self, approval: Approval, *, ready: bool) -> None:
        """Refuse an approval the rules do not allow, in one sentence.

        Raises:
            ApprovalDenied: rejected or timed out, a reviewer outside ``approvers``, the
                requester approving under four eyes, or failed gates without a valid override.
        """
        reviewer = (approval.reviewer or "").strip()
        if not approval.approved or not reviewer:
            raise ApprovalDenied("Nothing is published without an explicit approval.")
        if self.approvers and not any(_same(reviewer, a) for a in self.approvers):
            raise ApprovalDenied(
                f"{reviewer} is not one of the approvers ({', '.join(self.approvers)}); "
                "nothing was published."
            )
        if self.four_eyes:
            requester = (approval.requested_by or "").strip()
            if not requester:
                raise ApprovalDenied(
                    "Four eyes is required but the run does not say who requested it; "
                    "nothing was published."
                )
            if _same(reviewer, requester):
                raise ApprovalDenied(
                    f"{reviewer} requested this run and cannot also approve it (four eyes); "
                    "nothing was published."
                )
        if not ready and not (
            approval.override and len(approval.comment.strip()) >= MIN_OVERRIDE_COMMENT
        ):
            raise ApprovalDenied(
                "The release gates did not pass: releasing needs the override ticked and a "
                f"comment of at least {MIN_OVERRIDE_COMMENT} characters; nothing was published."
            )
