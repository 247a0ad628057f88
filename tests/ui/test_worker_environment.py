"""What a worker's flow runs inherit: Prefect's client sends a request again after a 500.

The server here is a fake of our own (a loopback HTTP server that fails the first request and
answers the next), so the test shows the retry without making a real server fail on purpose.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from tests.servers import serving
from ui.deploy import worker_environment

CALL_HEALTH = """
from prefect.client.orchestration import get_client
with get_client(sync_client=True) as client:
    print(client._client.get("/health").status_code)
"""


class _FailsOnce(BaseHTTPRequestHandler):
    seen: list[str] = []  # the fake server's state: which paths it was asked for

    def do_GET(self) -> None:
        type(self).seen.append(self.path)
        failing = len(type(self).seen) == 1
        body = b'{"detail": "Internal Server Error"}' if failing else b"true"
        self.send_response(500 if failing else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def flaky_api() -> Iterator[str]:
    """An API whose first answer is a 500; its URL."""
    _FailsOnce.seen = []
    with serving(_FailsOnce) as port:
        yield f"http://127.0.0.1:{port}/api"


def _call_health(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-c", CALL_HEALTH]
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_a_workers_run_sends_a_request_again_after_a_server_error(flaky_api: str) -> None:
    done = _call_health(worker_environment({"PREFECT_API_URL": flaky_api}))
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "200"
    assert _FailsOnce.seen == ["/api/health", "/api/health"]


def test_without_it_the_first_server_error_fails_the_call(flaky_api: str) -> None:
    env = worker_environment({"PREFECT_API_URL": flaky_api})
    env.pop("PREFECT_CLIENT_RETRY_EXTRA_CODES")
    done = _call_health(env)
    assert done.returncode != 0
    assert "500 Internal Server Error" in done.stderr
    assert _FailsOnce.seen == ["/api/health"]
