"""The approval's audit trail and the approvers' notification, as Prefect artifacts and blocks.

One audit artifact per decision (``<name>-approval-audit``): who decided, when, what (commit,
tag, archive and manifest sums), the override if any, and what became of it. Nothing secret
is in it: names, shas and sums only.
"""

from __future__ import annotations

from typing import Any

from prefect.blocks.core import Block

from core.contracts import Approval, ReleaseResult
from core.errors import InvalidRequest
from tasks.common import publish


def load_notifier(block_ref: str) -> Any:
    """The notification block ``type-slug/name`` (e.g. ``custom-webhook/approvers``), or None.

    Raises:
        InvalidRequest: the reference is malformed or names no saved block.
    """
    if not block_ref:
        return None
    if block_ref.count("/") != 1:
        raise InvalidRequest(
            f"notify_block must be 'block-type/name' (e.g. custom-webhook/approvers), "
            f"not {block_ref!r}."
        )
    try:
        block = Block.load(block_ref)
    except (ValueError, KeyError) as exc:
        raise InvalidRequest(f"There is no notification block {block_ref!r}.") from exc
    if not callable(getattr(block, "notify", None)):
        raise InvalidRequest(f"The block {block_ref!r} is not a notification block.")
    return block


def notify_approvers(notifier: Any, *, name: str, run_url: str, summary: str) -> None:
    """Tell the approvers a release waits for them: the run's URL and the summary."""
    body = f"{name} waits for approval: {run_url}\n\n{summary[:3000]}"
    notifier.notify(body=body, subject=f"ag2-sdlc: {name} waits for approval")


def publish_audit(
    name: str,
    approval: Approval,
    *,
    outcome: str,
    result: ReleaseResult | None = None,
) -> list[str]:
    """The audit artifact of one decision; ``outcome`` says in a sentence what became of it."""
    rows: list[tuple[str, str]] = [
        ("decision", "approved" if approval.approved else "not approved"),
        ("reviewer", approval.reviewer or "nobody (timed out)"),
        ("decided at", approval.decided_at.isoformat()),
        ("requested by", approval.requested_by or "not recorded"),
        ("comment", approval.comment or "-"),
        (
            "override",
            "yes: released although the gates did not pass" if approval.override else "no",
        ),
        ("outcome", outcome),
    ]
    if result is not None:
        rows += [
            ("commit", result.commit_sha or "-"),
            ("tag", result.tag or "-"),
            ("manifest sha256", result.manifest_sha256 or "-"),
        ]
        rows += [(f"step {s.name}", s.status) for s in result.steps]
    lines = [f"# Approval audit: {name}", "", "| what | value |", "| --- | --- |"]
    lines += [f"| {k} | {v.replace('|', '/').replace(chr(10), ' ')} |" for k, v in rows]
    return publish(
        name,
        "approval-audit",
        markdown="\n".join(lines) + "\n",
        table=[{"what": k, "value": v} for k, v in rows],
        description="Who approved what, when; the override if any",
    )
