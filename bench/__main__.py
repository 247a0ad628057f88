"""Pipeline benchmarks, side by side in one process: `make bench` -> bench/results.json.

Figures (offline backend, a Prefect test server, fresh project names unless cached):
- request_to_awaiting_approval_s / approval_to_released_s: median of N full runs.
- plain_agents_s: the same five agent functions called in plain Python on the same request;
  orchestration_overhead_ratio = flow (to the approval pause) / plain.
- cached_rerun_ratio: a re-run of an already analysed request, to the pause, / its first run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.figures import figure

RESULTS = Path(__file__).resolve().parent / "results.json"
REQUEST = (
    "A library API where books have a title, an author and a publication year, "
    "and members have a name and an email."
)


def _plain_run(name: str) -> float:
    from agents import analyzer, devops, generator, release, reviewer
    from agents.llm import BackendSpec
    from core.contracts import PipelineRequest
    from core.settings import get_settings
    from flows.stages import workspace_for
    from services.sandbox import Sandbox

    spec = BackendSpec()
    settings = get_settings()
    started = time.perf_counter()
    request = PipelineRequest.from_inputs(text=REQUEST, name=name)
    workspace = workspace_for(request)
    plan = analyzer.analyze(request, spec=spec)
    code = generator.generate(plan, project_dir=workspace.project_dir, spec=spec)
    report = reviewer.review(
        workspace.project_dir,
        spec=spec,
        sandbox=Sandbox(cache_dir=settings.uv_cache_dir),
        env_dir=workspace.root / "venv",
    )
    bundle = devops.build_deployment(
        workspace.project_dir, project_name=name, cloud="local", spec=spec
    )
    release.validate(plan, code, report, bundle, spec=spec)
    return time.perf_counter() - started


def _flow_run(name: str, *, approve: bool) -> tuple[float, float]:
    """Seconds to the approval pause, and from approval to the end (0 when not approving)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

    from flows.sdlc import sdlc_pipeline
    from ui.runs import resume

    run_name = f"bench-{uuid.uuid4().hex[:8]}"
    flow = sdlc_pipeline.with_options(flow_run_name=run_name)
    params = {"request": REQUEST, "project_name": name, "keep_deployment_running": False}
    if not approve:
        params["approval_timeout"] = 1
    thread = threading.Thread(target=lambda: flow(**params, return_state=True), daemon=True)
    started = time.perf_counter()
    thread.start()
    run_filter = FlowRunFilter(name=FlowRunFilterName(any_=[run_name]))
    with get_client(sync_client=True) as client:
        while True:
            runs = client.read_flow_runs(flow_run_filter=run_filter)
            state = runs[0].state if runs else None
            if state and state.is_paused() and state.state_details.run_input_keyset:
                break
            if not thread.is_alive():
                raise RuntimeError(f"bench run {name} ended before the pause: {state}")
            time.sleep(0.05)
    paused_at = time.perf_counter()
    if not approve:
        thread.join()
        return paused_at - started, 0.0
    resume(runs[0].id, approved=True, reviewer="bench", comment="")
    thread.join()
    return paused_at - started, time.perf_counter() - paused_at


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("AG2_SDLC_HOME", tempfile.mkdtemp(prefix="ag2-sdlc-bench-"))
    from prefect.testing.utilities import prefect_test_harness

    figures: dict[str, Any] = {}
    with prefect_test_harness(server_startup_timeout=90):
        _flow_run("bench-warmup", approve=False)  # imports, server warm-up, uv cache
        to_pause, to_release, plain = [], [], []
        for index in range(args.runs):
            # Alternate which goes first, so warm caches favour neither side.
            if index % 2:
                plain.append(_plain_run(f"bench-plain-{index}"))
            flow_pause, flow_release = _flow_run(f"bench-flow-{index}", approve=True)
            to_pause.append(flow_pause)
            to_release.append(flow_release)
            if not index % 2:
                plain.append(_plain_run(f"bench-plain-{index}"))
        cached = [_flow_run(f"bench-flow-{i}", approve=False)[0] for i in range(args.runs)]
    figures["request_to_awaiting_approval_s"] = figure(to_pause)
    figures["approval_to_released_s"] = figure(to_release)
    figures["plain_agents_s"] = figure(plain)
    figures["orchestration_overhead_ratio"] = figure(
        [f / p for f, p in zip(to_pause, plain, strict=True)], unit="ratio"
    )
    figures["cached_rerun_ratio"] = figure(
        [c / f for c, f in zip(cached, to_pause, strict=True)], unit="ratio"
    )
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    results |= {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        },
        "versions": {name: version(name) for name in ("prefect", "ag2", "pydantic")},
        "goals": {
            "request_to_awaiting_approval_s": "<= 20",
            "orchestration_overhead_ratio": "<= 1.10",
            "cached_rerun_ratio": "<= 0.15",
        },
        "figures": figures,
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
