"""Launcher and REST API timings: `python -m bench.ui` -> bench/results.json ("ui").

Figures (a Prefect test server in this process, one pipeline run that ends at its approval
timeout so the run view has agents, logs and artifacts to draw):
- launcher_first_draw_s: a new browser session's first draw of the New run page (AppTest;
  modules already imported, as in a running launcher).
- launcher_run_view_draw_s: a redraw of that run's page (agents, logs, artifacts).
- api_workflow_state_ms / api_workflows_page_ms / api_metrics_ms: one request each, served
  in process (FastAPI's TestClient), median of N; metrics once its cache has expired.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.figures import figure

RESULTS = Path(__file__).resolve().parent / "results.json"
APP = str(Path(__file__).resolve().parents[1] / "ui" / "streamlit_app.py")
KEY = "bench-key-0123456789abcdef"


def _timed(action: Callable[[], Any], runs: int, *, scale: float = 1.0) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * scale)
    return samples


def _pipeline_run() -> str:
    """A run that stops at its (1 s) approval timeout: every agent done, nothing released."""
    from flows.sdlc import sdlc_pipeline

    state = sdlc_pipeline(
        request="A library API where books have a title and an author.",
        project_name="bench-ui",
        approval_timeout=1,
        return_state=True,
    )
    return str(state.state_details.flow_run_id)


def _launcher(run_id: str, runs: int) -> dict[str, Any]:
    from streamlit.testing.v1 import AppTest

    def first_draw() -> None:
        AppTest.from_file(APP, default_timeout=120).run()

    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params["run"] = run_id
    app.run()
    return {
        "launcher_first_draw_s": figure(_timed(first_draw, runs)),
        "launcher_run_view_draw_s": figure(_timed(app.run, runs)),
    }


def _api(run_id: str, runs: int) -> dict[str, Any]:
    from fastapi.testclient import TestClient
    from pydantic import SecretStr

    from ui.api import create_app

    headers = {"X-API-Key": KEY}
    with TestClient(create_app(api_key=SecretStr(KEY), rate_limit="100000/minute")) as client:

        def get(path: str, **params: Any) -> Callable[[], Any]:
            return lambda: client.get(path, headers=headers, params=params).raise_for_status()

        def metrics() -> None:
            time.sleep(5.1)  # past the collector's cache: every sample reads Prefect
            started = time.perf_counter()
            get("/metrics")()
            samples.append((time.perf_counter() - started) * 1000)

        samples: list[float] = []
        for _ in range(min(runs, 5)):
            metrics()
        return {
            "api_workflow_state_ms": figure(
                _timed(get(f"/api/workflow/{run_id}"), runs, scale=1e3), "ms"
            ),
            "api_workflows_page_ms": figure(
                _timed(get("/api/workflows", page_size=20), runs, scale=1e3), "ms"
            ),
            "api_metrics_ms": figure(samples, "ms"),
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("AG2_SDLC_HOME", tempfile.mkdtemp(prefix="ag2-sdlc-bench-ui-"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # no telemetry writes
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        run_id = _pipeline_run()
        figures = _launcher(run_id, max(3, args.runs // 4)) | _api(run_id, args.runs)
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    results["ui"] = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "figures": figures}
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
