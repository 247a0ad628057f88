"""A cap on automatic reschedules: a run that keeps losing its worker stops being retried.

The automation of ``ui.automations`` schedules again a run whose worker died, naming the new
state ``Rescheduled``. If the run itself is what brings its machine down (memory, a process
storm), that would go on for ever. So a run counts, when it starts, the ``Rescheduled`` states
in its history since it was last scheduled by anything else (its first schedule, or a person's
Retry in the UI); after ``MAX_RESCHEDULES`` of them in a row it fails at once with one sentence
and waits for a person.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from uuid import UUID

if TYPE_CHECKING:  # the CLI imports this module through ui.automations; keep it light
    from prefect.states import State

RESCHEDULED = "Rescheduled"
MAX_RESCHEDULES = 2


def reschedules_in_a_row(states: Sequence[State[Any]]) -> int:
    """``Rescheduled`` states since the last Scheduled state of another name."""
    from prefect.client.schemas.objects import StateType

    count = 0
    for state in sorted(states, key=lambda state: state.timestamp):
        if state.type == StateType.SCHEDULED:
            count = count + 1 if state.name == RESCHEDULED else 0
    return count


def endless_reschedules(flow_run_id: UUID | str | None) -> str | None:
    """The sentence refusing this run when it was rescheduled too often in a row, else None.

    Uses the Prefect API in force; a run with no id (no API) is never refused.
    """
    if not flow_run_id:
        return None
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        count = reschedules_in_a_row(client.read_flow_run_states(UUID(str(flow_run_id))))
    if count <= MAX_RESCHEDULES:
        return None
    return (
        f"This run lost its worker {count} times in a row and is not started again "
        "automatically: look at the workers' logs and the machine, then retry it from the UI."
    )
