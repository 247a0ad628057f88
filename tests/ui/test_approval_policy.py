"""The launcher's and the API's approval policy: the run's own rules, said before resuming."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import pytest

from core.errors import InvalidRequest
from ui import approvals, runs


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The run's parameters come from ``parameters``; resumes are recorded, not sent."""
    answers: list[dict[str, Any]] = []
    monkeypatch.setattr(runs, "resume", lambda run_id, **answer: answers.append(answer))
    return answers


def _run_with(monkeypatch: pytest.MonkeyPatch, **parameters: Any) -> uuid.UUID:
    monkeypatch.setattr(
        runs, "read_flow_run", lambda run_id: SimpleNamespace(parameters=parameters)
    )
    return uuid.uuid4()


@pytest.mark.parametrize(
    ("parameters", "reviewer", "sentence"),
    [
        (
            {},
            "  ",
            "The approval was refused: an approval needs the reviewer's name; "
            "the run stays paused.",
        ),
        (
            {"approvers": ["bob"]},
            "mallory",
            "mallory is not one of the approvers (bob); the run stays paused.",
        ),
        (
            {"four_eyes": True, "requested_by": "alice"},
            "alice",
            "alice requested this run and cannot also approve it (four eyes); "
            "the run stays paused.",
        ),
    ],
)
def test_a_refused_approval_is_not_sent(
    monkeypatch: pytest.MonkeyPatch,
    sent: list[dict[str, Any]],
    parameters: dict[str, Any],
    reviewer: str,
    sentence: str,
) -> None:
    run_id = _run_with(monkeypatch, **parameters)
    with pytest.raises(InvalidRequest) as caught:
        approvals.decide(approvals.Decision(run_id, True, reviewer, ""))
    assert str(caught.value) == sentence
    assert sent == []


def test_an_allowed_approval_and_any_rejection_are_sent(
    monkeypatch: pytest.MonkeyPatch, sent: list[dict[str, Any]]
) -> None:
    run_id = _run_with(monkeypatch, approvers=["bob"], four_eyes=True, requested_by="alice")
    approvals.decide(approvals.Decision(run_id, True, "Bob", "fine"))
    approvals.decide(approvals.Decision(run_id, False, "mallory", "no"))
    assert [a["reviewer"] for a in sent] == ["Bob", "mallory"]
