"""What a run tells the outside: traces (OTLP when configured), JSON logs on request, marks.

- Traces: ``services.telemetry`` exports spans when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set.
- Logs: ``AG2_SDLC_LOG_FORMAT=json`` writes every console log line as one JSON object with the
  flow run's id and the agent (the task) that wrote it.
- A run whose agents answered offline because the model failed is tagged ``llm-fallback``.
"""

from __future__ import annotations

import logging
import os
from typing import TextIO

from prefect import get_run_logger
from prefect.client.orchestration import get_client
from prefect.context import FlowRunContext, TaskRunContext
from prefect.logging.handlers import PrefectConsoleHandler
from pythonjsonlogger.json import JsonFormatter

from services.telemetry import configure_tracing

LOG_FORMAT_VARIABLE = "AG2_SDLC_LOG_FORMAT"
FALLBACK_TAG = "llm-fallback"
_JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(run_id)s %(agent)s"


class RunContextFilter(logging.Filter):
    """Stamps each record with the flow run's id and the agent task that wrote it."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Prefect's run loggers stamp flow_run_id / task_name themselves; other loggers (the
        # agents' own) get them from the run context of the thread that logs.
        flow_run = FlowRunContext.get()
        task_run = TaskRunContext.get()
        run_id = getattr(record, "flow_run_id", None)
        if run_id is None and flow_run is not None and flow_run.flow_run is not None:
            run_id = flow_run.flow_run.id
        agent = getattr(record, "task_name", None)
        if agent is None and task_run is not None:
            agent = task_run.task.name
        record.run_id = str(run_id) if run_id else None
        record.agent = agent
        return True


class JsonConsoleHandler(logging.StreamHandler):  # type: ignore[type-arg]  # TextIO stream
    """Writes each record as one JSON object per line (no colours, no wrapping)."""

    def __init__(self, stream: TextIO, level: int) -> None:
        super().__init__(stream)
        self.setLevel(level)
        self.setFormatter(JsonFormatter(_JSON_FIELDS))
        self.addFilter(RunContextFilter())


def use_json_logs() -> None:
    """Swap Prefect's console handlers for JSON ones writing to the same stream (idempotent)."""
    for logger in (logging.getLogger(), logging.getLogger("prefect")):
        for handler in list(logger.handlers):
            if isinstance(handler, PrefectConsoleHandler):
                logger.removeHandler(handler)
                logger.addHandler(JsonConsoleHandler(handler.stream, handler.level))


def configure_run_observability() -> None:
    """OTLP export if configured, JSON logs if asked for. Called when the flow module loads
    (a worker's run process imports it before the run's first log line) and as a run starts
    (in-process runs); idempotent."""
    configure_tracing()
    if os.environ.get(LOG_FORMAT_VARIABLE, "").lower() == "json":
        use_json_logs()


def mark_fallback(agents: list[str]) -> None:
    """Say, on the run itself, that some agents answered offline instead of the model."""
    get_run_logger().warning(
        "The model did not answer for %s; the offline answers were used (see the -llm-usage "
        "artifact for why).",
        ", ".join(agents),
    )
    context = FlowRunContext.get()
    if context is None or context.flow_run is None:
        return
    with get_client(sync_client=True) as client:
        tags = sorted({*context.flow_run.tags, FALLBACK_TAG})
        client.update_flow_run(context.flow_run.id, tags=tags)
