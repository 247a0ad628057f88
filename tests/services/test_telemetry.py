"""Traces leave the process over OTLP only when the standard variable names an endpoint."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from services.telemetry import configure_tracing
from tests.servers import serving


class _Collector(BaseHTTPRequestHandler):
    """A loopback OTLP/HTTP receiver: keeps what is posted to /v1/traces, answers 200."""

    received: list[tuple[str, str, bytes]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.received.append((self.path, self.headers.get("Content-Type", ""), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output quiet


@pytest.fixture
def collector() -> Iterator[tuple[str, list[tuple[str, str, bytes]]]]:
    received: list[tuple[str, str, bytes]] = []
    handler = type("Handler", (_Collector,), {"received": received})
    with serving(handler) as port:
        yield f"http://127.0.0.1:{port}", received


def _analyze(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", "analyze", "--text", "A todo API with tasks."],
        capture_output=True, text=True, env=env, timeout=180, check=False,
    )  # fmt: skip # one command


class TestOtlpExport:
    """The CLI's agents export their spans to the configured collector, and nowhere else."""

    def test_spans_are_posted_to_the_endpoint_when_it_is_set(
        self, collector: tuple[str, list[tuple[str, str, bytes]]]
    ) -> None:
        """One analyze run posts OTLP protobuf to /v1/traces with the agent's chat span."""
        url, received = collector
        done = _analyze({**os.environ, "OTEL_EXPORTER_OTLP_ENDPOINT": url})
        assert done.returncode == 0, done.stderr
        assert received, "nothing reached the collector"
        path, content_type, body = received[0]
        assert path == "/v1/traces"
        assert content_type == "application/x-protobuf"
        assert b"invoke_agent analyzer" in body
        assert b"gen_ai.usage.input_tokens" in body

    def test_without_the_variable_nothing_is_exported(
        self, collector: tuple[str, list[tuple[str, str, bytes]]], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """No endpoint, no exporter: the collector hears nothing and tracing stays off."""
        _, received = collector
        env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_EXPORTER_OTLP")}
        assert _analyze(env).returncode == 0
        assert received == []
        monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
        monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
        assert configure_tracing() is False
