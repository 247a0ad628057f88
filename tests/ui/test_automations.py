"""The automation that reschedules runs whose worker died, on a real Prefect API."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from ui.automations import AUTOMATION, ensure_reschedule_automation
from ui.deploy import worker_environment


def test_the_automation_is_created_once_and_watches_our_runs_heartbeats(
    prefect_api: None,
) -> None:
    """Deploying twice leaves one automation: a proactive trigger on our flows' runs that
    reschedules a run silent for three heartbeats, and lets paused or finished runs be."""
    from prefect.client.orchestration import get_client
    from prefect.events.schemas.automations import EventTrigger, Posture

    first = asyncio.run(ensure_reschedule_automation())
    assert asyncio.run(ensure_reschedule_automation()) == first
    with get_client(sync_client=True) as client:
        (automation,) = client.read_automations_by_name(AUTOMATION)
    trigger = automation.trigger
    assert isinstance(trigger, EventTrigger)
    assert trigger.posture == Posture.Proactive
    assert trigger.after == {"prefect.flow-run.heartbeat"}
    assert {"prefect.flow-run.Paused", "prefect.flow-run.Completed"} <= trigger.expect
    assert trigger.within == timedelta(seconds=90)
    assert trigger.match_related.get("prefect.resource.name") == ["sdlc-pipeline", "csv-analysis"]
    (action,) = automation.actions
    assert action.type == "change-flow-run-state"
    assert action.state == "SCHEDULED"  # type: ignore[union-attr]


def test_workers_runs_send_heartbeats_often_enough_for_it() -> None:
    env = worker_environment({"PREFECT_API_URL": "http://127.0.0.1:1/api"})
    assert int(env["PREFECT_FLOWS_HEARTBEAT_FREQUENCY"]) * 3 == 90
