"""One agent run in a process of its own, as a worker runs it: ``python -m
tests.flows.agent_worker TEXT NAME`` runs the analyzer task in a flow and prints, as JSON, the
task's final state name (``Completed`` when it ran, ``Cached`` when its result was read from
result storage) and the plan's entity names.

The environment decides everything else, as on a worker: ``PREFECT_API_URL``, and
``PREFECT_RESULTS_DEFAULT_STORAGE_BLOCK`` naming the bucket block results go to.
"""

from __future__ import annotations

import json
import sys

from prefect import flow

from agents.llm import BackendSpec
from core.contracts import PipelineRequest
from tasks.analyzer import analyze_request


@flow(name="agent-worker-probe")
def run_analyzer(text: str, name: str) -> dict[str, object]:
    state = analyze_request(
        PipelineRequest.from_inputs(text=text, name=name), BackendSpec(), return_state=True
    )
    plan = state.result()
    return {"state": state.name, "entities": [entity.name for entity in plan.entities]}


if __name__ == "__main__":
    print(json.dumps(run_analyzer(sys.argv[1], sys.argv[2])))
