"""The REST API as `ag2-sdlc api` serves it, against a real Prefect server and worker: a run
started, approved and refused through it; its error shape, key, limits and metrics; and
schemathesis with every check over the whole schema."""

from __future__ import annotations

import re
import socket
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from services.processes import free_port, stop_process
from tests.ui.conftest import API_KEY, API_PROJECT, CLI, Backend, RestApi, prefect_in, wait_until
from ui.api import create_app

PROJECT = API_PROJECT

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]


def one_sentence(body: dict[str, Any]) -> str:
    """The message of an error answer, checked to be one sentence in the one shape."""
    assert set(body) == {"error", "message"}, body
    message = str(body["message"])
    assert message.endswith("."), message
    assert not re.search(r"\.\s+[A-Z]", message), message
    return message


class TestWorkflow:
    """The seed's routes start, show, approve and list a real run."""

    def test_started_run_is_released_with_its_state_and_artifacts(
        self, api: RestApi, released: str, backend: Backend
    ) -> None:
        """After approval the WorkflowState holds the release; artifacts render as given."""
        state = api.state(released)
        assert state["status"] == "completed"
        assert state["project_name"] == PROJECT
        assert state["release"]["approval"]["reviewer"] == "dana"
        assert state["release"]["git_repository"].endswith(f"{PROJECT}.git")
        artifacts = api.client.get(f"/api/workflow/{released}/artifacts").json()
        by_key = {a["key"]: a for a in artifacts}
        assert by_key[f"{PROJECT}-validation"]["markdown"].startswith("# Release review")
        assert by_key[f"{PROJECT}-analysis-table"]["table"][0]["entity"] == "Recipe"
        assert by_key[f"{PROJECT}-repository"]["link"].endswith(f"{PROJECT}.git")
        assert (backend.settings.git_remotes_dir / f"{PROJECT}.git").is_dir()

    def test_the_requester_is_recorded_for_the_four_eyes_rule(
        self, released: str, backend: Backend
    ) -> None:
        """The body's ``requested_by`` becomes the run's parameter the four-eyes rule reads."""
        from prefect.client.orchestration import get_client

        with prefect_in(backend), get_client(sync_client=True) as client:
            parameters = client.read_flow_run(released).parameters
        assert parameters["requested_by"] == "carol"

    def test_deciding_a_run_that_is_not_paused_is_409(self, api: RestApi, released: str) -> None:
        """Approve and reject on a finished run answer 409 with one sentence; nothing changes."""
        for action, body in (("approve", {"reviewer": "eve"}),
                             ("reject", {"reviewer": "eve", "comment": "too late"})):  # fmt: skip
            response = api.client.post(f"/api/workflow/{released}/{action}", json=body)
            assert response.status_code == 409
            message = one_sentence(response.json())
            assert message == f"Run {released} is not waiting for approval (it is Completed)."
        assert api.state(released)["release"]["approval"]["reviewer"] == "dana"

    def test_workflows_are_paginated(self, api: RestApi, released: str) -> None:
        """`GET /api/workflows` pages through runs, newest first, with the total."""
        page = api.client.get("/api/workflows", params={"page": 1, "page_size": 1}).json()
        assert page["page_size"] == 1
        assert page["total"] >= 1
        assert len(page["items"]) == 1
        everything = api.client.get("/api/workflows", params={"page_size": 100}).json()
        assert released in {item["workflow_id"] for item in everything["items"]}

    def test_metrics_count_runs_approvals_and_agent_durations(
        self, api: RestApi, released: str
    ) -> None:
        """/metrics is Prometheus text with this API's counters and Prefect's figures."""
        response = api.client.get("/metrics")
        assert response.headers["content-type"].startswith("text/plain")
        text = response.text
        assert 'ag2_sdlc_runs_started_total{input_type="text"} 1.0' in text
        assert 'ag2_sdlc_approvals_total{decision="approve"} 1.0' in text
        assert re.search(r'ag2_sdlc_pipeline_runs\{state="completed"\} [1-9]', text)
        assert re.search(r'ag2_sdlc_agent_duration_seconds\{agent="reviewer",stat="last"\}', text)


class TestRefusals:
    """Every refusal is a 4xx in one shape with one sentence, and the key never leaks."""

    @pytest.mark.parametrize(
        ("method", "path", "kwargs", "status"),
        [
            ("get", "/api/workflow/00000000-0000-4000-8000-000000000000", {}, 404),
            ("post", "/api/workflow/execute", {"json": {"input_type": "text"}}, 422),
            ("post", "/api/workflow/execute", {"content": b"{not json"}, 422),
            ("post", "/api/workflow/execute",
             {"json": {"input_type": "csv", "input_data": "/etc/passwd"}}, 403),
            ("post", "/api/workflow/execute/upload",
             {"files": {"file": ("notes.txt", b"a,b\n1,2\n")}}, 415),
            ("post", "/api/workflow/execute/upload",
             {"files": {"file": ("big.csv", b"a,b\n" + b"1,2\n" * 300_000)}}, 413),
            ("post", "/api/workflow/execute/upload",
             {"files": {"file": ("blob.csv", b"\x00\x01\x02binary")}}, 422),
            ("delete", "/api/workflows", {}, 405),
        ],
    )  # fmt: skip
    def test_refused_in_one_shape(
        self, api: RestApi, method: str, path: str, kwargs: dict[str, Any], status: int
    ) -> None:
        """The status is the documented one and the body is {error, message} in one sentence."""
        response = getattr(api.client, method)(path, **kwargs)
        assert response.status_code == status, response.text
        one_sentence(response.json())

    def test_a_missing_or_wrong_key_is_401_and_the_key_never_shows(self, api: RestApi) -> None:
        """Without the right X-API-Key every route but /health is refused; the key is not echoed
        in any answer or in the API's log."""
        bodies = []
        for headers in ({}, {"X-API-Key": API_KEY[:-1]}, {"X-API-Key": API_KEY + "x"}):
            for path in ("/api/workflows", "/metrics"):
                response = httpx.get(api.base + path, headers=headers, timeout=30)
                assert response.status_code == 401
                assert one_sentence(response.json()) == "A valid X-API-Key header is required."
                bodies.append(response.text)
        assert httpx.get(api.base + "/health", timeout=30).status_code == 200
        assert API_KEY not in "".join(bodies)
        assert API_KEY not in api.log.read_text()


class TestRateLimit:
    """Requests past the limit get 429 with Retry-After, counted per key."""

    def test_fourth_request_in_a_minute_is_429(self) -> None:
        """With 3/minute, the fourth request of one key is refused; another key is not."""
        app = create_app(api_key=SecretStr(API_KEY), rate_limit="3/minute")
        other = create_app(api_key=SecretStr(API_KEY), rate_limit="3/minute")
        with TestClient(app) as client, TestClient(other) as fresh:
            headers = {"X-API-Key": API_KEY}
            answers = [client.post("/api/workflow/execute", json={}, headers=headers)
                       for _ in range(4)]  # fmt: skip
            assert [a.status_code for a in answers] == [422, 422, 422, 429]
            assert int(answers[-1].headers["Retry-After"]) >= 1
            assert one_sentence(answers[-1].json()).startswith("Too many requests")
            assert fresh.post("/api/workflow/execute", json={}, headers=headers).status_code == 422


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


class TestBindRule:
    """The API refuses a non-loopback address without a key, before it starts anything."""

    @pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "example.org"])  # noqa: S104
    def test_non_loopback_without_key_refused(
        self, host: str, backend: Backend, tmp_path: Path
    ) -> None:
        """Exit 2, one line on stderr naming the rule, no server started, nothing listening."""
        env = backend.process_env(AG2_SDLC_HOME=str(tmp_path / "home"))
        env.pop("AG2_SDLC_API_KEY", None)
        port = free_port()
        done = subprocess.run(
            [str(CLI), "api", "--host", host, "--port", str(port)],
            env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert done.returncode == 2
        assert done.stderr.strip().splitlines() == [
            f"ag2-sdlc: The API would listen on {host}, which is not a loopback address; give it "
            "an API key (AG2_SDLC_API_KEY or --api-key-block NAME) or bind it to 127.0.0.1."
        ]
        assert not _listening(port)
        assert not (tmp_path / "home").exists()

    def test_key_from_a_secret_block_is_required_on_loopback_too(self, backend: Backend) -> None:
        """--api-key-block NAME loads the key from Prefect; requests without it get 401."""
        from prefect.blocks.system import Secret

        with prefect_in(backend):
            Secret(value=API_KEY).save("launcher-api-key", overwrite=True)
        port = free_port()
        env = backend.process_env()
        env.pop("AG2_SDLC_API_KEY", None)
        process = subprocess.Popen(
            [str(CLI), "api", "--port", str(port), "--api-key-block", "launcher-api-key"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        try:
            wait_until(lambda: _listening(port), timeout=60, every=0.5)
            url = f"http://127.0.0.1:{port}/api/workflows"
            assert httpx.get(url, timeout=30).status_code == 401
            assert httpx.get(url, headers={"X-API-Key": API_KEY}, timeout=30).status_code == 200
        finally:
            stop_process(process.pid, grace=10)
            process.wait(timeout=10)
