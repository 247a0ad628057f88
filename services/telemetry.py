"""OpenTelemetry traces: exported over OTLP when the standard variables ask for it, else none.

``configure_tracing`` installs a tracer provider with an OTLP/HTTP exporter once per process
when ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``..._TRACES_ENDPOINT``) is set; without it the
OpenTelemetry API stays a no-op and spans cost nothing. The spans come from the engines that
run the work: Prefect's run telemetry opens one per flow run and per task run (each agent is
a task), and AG2's ``TelemetryMiddleware`` one per agent turn and per model call, with the
GenAI semantic-convention attributes, nested under the task that asked.
"""

from __future__ import annotations

import os
import threading

from opentelemetry import trace

SERVICE_NAME = "ag2-sdlc"
_ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
_LOCK = threading.Lock()
_configured = False


def configure_tracing() -> bool:
    """Export spans over OTLP if the environment names an endpoint; True when exporting."""
    global _configured
    if not any(os.environ.get(name) for name in _ENDPOINT_VARIABLES):
        return False
    with _LOCK:
        if _configured:
            return True
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        provider = TracerProvider(resource=Resource.create({"service.name": SERVICE_NAME}))
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        trace.set_tracer_provider(provider)
        _configured = True
    return True


def flush_traces(timeout_ms: int = 5000) -> None:
    """Send what the exporter still holds (a short-lived process would lose it)."""
    provider = trace.get_tracer_provider()
    force_flush = getattr(provider, "force_flush", None)
    if force_flush is not None:
        force_flush(timeout_ms)


def annotate_span(**attributes: str) -> None:
    """Add attributes to the current span (a no-op when nothing records)."""
    trace.get_current_span().set_attributes(attributes)
