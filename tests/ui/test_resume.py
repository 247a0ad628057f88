"""An approval answered through a server whose response to it is lost.

Prefect's client sends a request again after a 503, a read timeout or a dropped connection.
A resume the server applied but whose response never arrived is then sent twice, and the
second finds the run no longer paused: seen in a clean-clone run of the ten-run scale-out test,
whose server, its PostgreSQL pool exhausted, was failing requests. The proxy here is our own fault
injector in front of the real test server: it forwards every request and, for the first
resume the server applies, throws the server's answer away and sends a 503 instead. (The busy
SQLite test server sometimes fails a resume itself, "database is locked", with a 503 of its
own; that answer passes as it is, and the client's next try is the one that gets lost.)
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName
from prefect.client.schemas.objects import FlowRun
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.approval import Approval, request_approval
from services.processes import poll
from tests.servers import Fault, Reply, fault_proxy
from ui.runs import is_awaiting_approval, resume


@dataclass
class LossyApi:
    """The proxy's API address, the upstream status of every resume it forwarded, and which of
    them (an index into ``resumes``) had its answer lost."""

    url: str
    resumes: list[int]
    lost: list[int]


def _loses_first_applied_resume(resumes: list[int], lost: list[int]) -> Fault:
    """Forwards everything; the first ``/resume`` the server applies (201) reaches it, its
    answer does not."""

    def fault(method: str, path: str, forward: Callable[[], Reply]) -> Reply:
        reply = forward()
        if path.endswith("/resume"):
            resumes.append(reply.status)
            if reply.status == 201 and not lost:
                lost.append(len(resumes) - 1)
                return Reply(503, b'{"exception_message": "Service Unavailable"}')
        return reply

    return fault


@pytest.fixture
def lossy_api(prefect_api: None) -> Iterator[LossyApi]:
    """The proxy on a loopback port in front of the session's test server."""
    upstream = str(PREFECT_API_URL.value()).removesuffix("/api")
    resumes: list[int] = []
    lost: list[int] = []
    with fault_proxy(upstream, _loses_first_applied_resume(resumes, lost)) as proxy:
        yield LossyApi(f"{proxy}/api", resumes, lost)


@flow
def _awaits_approval() -> Approval:
    return request_approval("A summary to approve.", timeout=300, poll_interval=1)


def _paused(name: str) -> FlowRun | None:
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[name]))
        )
    return next((run for run in runs if is_awaiting_approval(run)), None)


def test_a_resume_whose_answer_was_lost_is_still_our_approval(lossy_api: LossyApi) -> None:
    """The first resume is applied and its response lost; the client's retry is refused as
    "not paused", and ``resume`` recognises the stored answer as its own: no error, and the
    flow goes on with the reviewer's decision."""
    name = f"approval-{uuid.uuid4().hex[:10]}"
    outcome: dict[str, Any] = {}
    awaits = _awaits_approval.with_options(flow_run_name=name)
    runner = threading.Thread(
        target=lambda: outcome.update(state=awaits(return_state=True)), daemon=True
    )
    runner.start()
    paused = poll(
        lambda: _paused(name),
        done=lambda run: run is not None or not runner.is_alive(),
        timeout=300,
        interval=0.5,
    )
    assert paused is not None, f"the flow never paused on its form: {outcome}"
    with temporary_settings(updates={PREFECT_API_URL: lossy_api.url}):
        resume(paused.id, approved=True, reviewer="dana", comment="looks right")
    runner.join(120)
    assert lossy_api.lost, f"the server applied no resume: {lossy_api.resumes}"
    retries = lossy_api.resumes[lossy_api.lost[0] + 1 :]
    assert retries, "the client sent the resume once more after the lost answer"
    assert 201 not in retries, "the retry found the run paused again"
    approval = outcome["state"].result()
    assert (approval.approved, approval.reviewer) == (True, "dana")
