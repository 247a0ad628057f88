"""A run whose worker died is put back in the queue, by a Prefect automation.

A flow run sends a heartbeat event every ``HEARTBEAT_SECONDS`` (Prefect's
``PREFECT_FLOWS_HEARTBEAT_FREQUENCY``, set for the workers by ``ui.deploy``). A worker that
dies takes its runs' processes with it, and nobody reports their end: the run stays
"Running" forever. Prefect's server can notice what did not happen (a proactive trigger): when
a run of our flows sent a heartbeat and then, for ``MISSED_HEARTBEATS`` intervals, neither
another heartbeat nor any state of its own (finished, failed, crashed, cancelled, paused or
suspended), the automation sets it to Scheduled, the same as the UI's Retry. Another worker
then picks it up, and its finished agents come from the result storage as cache hits.

A run rescheduled more than ``flows.reschedules.MAX_RESCHEDULES`` times in a row refuses to
start again (the automation cannot count; the run can).

A run whose process ended while its worker lived is reported Crashed by that worker: it is not
retried (the cause is more likely the run than the machine). A paused run keeps sending
heartbeats; a suspended one stops after saying so.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from flows.reschedules import RESCHEDULED

if TYPE_CHECKING:
    from prefect.events.schemas.automations import AutomationCore

AUTOMATION = "ag2-sdlc: reschedule runs whose worker died"
HEARTBEAT_SECONDS = 30  # Prefect's minimum
MISSED_HEARTBEATS = 3
FLOWS = ("sdlc-pipeline", "csv-analysis")
# Events that say a run is alive or ended on its own terms.
_ACCOUNTED_FOR = (
    "prefect.flow-run.heartbeat",
    "prefect.flow-run.Completed",
    "prefect.flow-run.Failed",
    "prefect.flow-run.Crashed",
    "prefect.flow-run.Cancelled",
    "prefect.flow-run.Cancelling",
    "prefect.flow-run.Paused",
    "prefect.flow-run.Suspended",
)


def reschedule_automation() -> AutomationCore:
    """The automation, not yet saved."""
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import AutomationCore, EventTrigger, Posture

    silence = timedelta(seconds=HEARTBEAT_SECONDS * MISSED_HEARTBEATS)
    return AutomationCore(
        name=AUTOMATION,
        description=(
            f"A run of {', '.join(FLOWS)} that sent no heartbeat and no state for "
            f"{int(silence.total_seconds())} s lost its worker: schedule it again."
        ),
        trigger=EventTrigger(
            match={"prefect.resource.id": "prefect.flow-run.*"},
            match_related={"prefect.resource.role": "flow", "prefect.resource.name": list(FLOWS)},
            after={"prefect.flow-run.heartbeat"},
            expect=set(_ACCOUNTED_FOR),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=silence,
        ),
        actions=[
            ChangeFlowRunState(
                state=StateType.SCHEDULED,
                name=RESCHEDULED,
                message=f"Its worker stopped answering for {int(silence.total_seconds())} s.",
                force=True,
            )
        ],
    )


async def ensure_reschedule_automation() -> str:
    """Create the automation, or bring an existing one of the same name up to date.

    Uses the Prefect API in force (``PREFECT_API_URL``). Returns the automation's id.
    """
    from prefect.client.orchestration import get_client

    wanted = reschedule_automation()
    async with get_client() as client:
        existing = await client.read_automations_by_name(AUTOMATION)
        if existing:
            first, *duplicates = existing
            await client.update_automation(first.id, wanted)
            for duplicate in duplicates:
                await client.delete_automation(duplicate.id)
            return str(first.id)
        return str(await client.create_automation(wanted))
