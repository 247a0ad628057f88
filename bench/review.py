"""Per project kind: the whole review (fuzzing included) against installing the project and
running its tests alone.

`python -m bench.review [--runs N]` generates each kind from one text request, then per run:
the baseline installs the pinned requirements into a fresh virtual environment (warm uv cache)
and runs ``pytest`` there, unconfined; the review builds its own fresh environment (the project's
requirements plus the reviewer's pinned tools), runs every static check, the tests under coverage
in the sandbox, and boots and fuzzes the API with schemathesis. The goal: review / baseline
within 2x. Figures go to ``bench/results.json`` under ``"review"``; every other key is kept.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from agents.analyzer import analyze
from agents.generator import generate
from agents.llm import BackendSpec
from agents.reviewer import review
from bench.figures import figure
from core.contracts import PipelineRequest
from services.sandbox import Sandbox, uv_cache_dir

RESULTS = Path(__file__).resolve().parent / "results.json"
REQUEST = (
    "Track sales: sales have an order id, a store, an amount, a sale date and a refunded flag."
)
KINDS = ("rest_api", "web_app", "ml_pipeline", "etl_pipeline", "microservices")
GOAL_RATIO = 2.0


def _baseline(project: Path, env: Path) -> float:
    started = time.perf_counter()
    Sandbox(cache_dir=uv_cache_dir(), timeout=900).ensure_env(project / "requirements.txt", env)
    subprocess.run(
        [str(env / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project, capture_output=True, check=False, timeout=900,
    )  # fmt: skip
    return time.perf_counter() - started


def _measure(kind: str, runs: int, root: Path) -> dict[str, Any]:
    spec = BackendSpec()
    analysis = analyze(PipelineRequest.from_inputs(text=REQUEST, kind=kind), spec=spec)
    project = root / kind
    generate(analysis, project_dir=project, spec=spec)
    sandbox = Sandbox(cache_dir=uv_cache_dir(), timeout=900)
    baselines, reviews, fuzzing = [], [], []
    scores, findings = [], []
    for run in range(runs):
        baselines.append(_baseline(project, root / f"{kind}-baseline-{run}"))
        started = time.perf_counter()
        report = review(project, spec=spec, sandbox=sandbox, env_dir=root / f"{kind}-review-{run}")
        reviews.append(time.perf_counter() - started)
        fuzzing.append(report.fuzzing.seconds if report.fuzzing else 0.0)
        scores.append(report.code_quality_score)
        findings.append(len([f for f in report.findings if f.severity != "info"]))
    ratio = [r / b for r, b in zip(reviews, baselines, strict=True)]
    return {
        "install_and_test_alone": figure(baselines),
        "review": figure(reviews),
        "fuzzing_inside_review": figure(fuzzing),
        "ratio_review_to_alone": figure(ratio, unit="x"),
        "within_goal": max(ratio) <= GOAL_RATIO,
        "score": min(scores),
        "findings_above_info": max(findings),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-review-") as scratch:
        figures = {kind: _measure(kind, args.runs, Path(scratch)) for kind in KINDS}
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    results["review"] = {
        "request": REQUEST,
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "goal": f"review within {GOAL_RATIO:g}x of installing the project and running its tests",
        "note": "both from a fresh venv with the uv cache warm; the review adds the static checks, "
        "its tools in the env, coverage, the sandbox and schemathesis against the booted app",
        "kinds": figures,
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results["review"], indent=2))


if __name__ == "__main__":
    main()
