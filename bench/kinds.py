"""Per project kind: generation time and environment-install time, side by side in one run.

`python -m bench.kinds [--runs N]` generates each kind from the same text request N times
(offline AG2 round-trip included), then installs each generated project's pinned requirements
into a fresh virtual environment twice: with the shared uv cache warm (what the reviewer pays on
every new project) and, with ``--cold``, from an empty cache (first use on a machine; downloads
from the package index, so network speed shows). Figures go to ``bench/results.json`` under
``"generated_kinds"``; every other key is kept.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from agents.analyzer import analyze
from agents.generator import generate
from agents.llm import BackendSpec
from bench.figures import figure
from core.contracts import PipelineRequest
from services.sandbox import Sandbox, uv_cache_dir

RESULTS = Path(__file__).resolve().parent / "results.json"
REQUEST = (
    "Track sales: sales have an order id, a store, an amount, a sale date and a refunded flag."
)
KINDS = ("rest_api", "web_app", "ml_pipeline", "etl_pipeline", "microservices")


def _measure(kind: str, runs: int, root: Path, cold: bool) -> dict[str, Any]:
    spec = BackendSpec()
    analysis = analyze(PipelineRequest.from_inputs(text=REQUEST, kind=kind), spec=spec)
    generation, project = [], root / kind
    for _ in range(runs):
        shutil.rmtree(project, ignore_errors=True)
        started = time.perf_counter()
        code = generate(analysis, project_dir=project, spec=spec)
        generation.append(time.perf_counter() - started)
    warm = []
    for run in range(runs):
        started = time.perf_counter()
        Sandbox(cache_dir=uv_cache_dir(), timeout=900).ensure_env(
            project / "requirements.txt", root / f"{kind}-warm-{run}"
        )
        warm.append(time.perf_counter() - started)
    entry: dict[str, Any] = {
        "generate": figure(generation),
        "install_warm_cache": figure(warm),
        "files": code.code_statistics.files,
        "lines": code.code_statistics.lines,
        "requirements": len((project / "requirements.txt").read_text().split("==")) - 1,
    }
    if cold:
        cache = root / f"{kind}-empty-cache"
        started = time.perf_counter()
        Sandbox(cache_dir=cache, timeout=900).ensure_env(
            project / "requirements.txt", root / f"{kind}-cold"
        )
        entry["install_cold_cache"] = figure([time.perf_counter() - started])
        shutil.rmtree(cache, ignore_errors=True)
    return entry


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="Also install from an empty cache.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-kinds-") as scratch:
        figures = {kind: _measure(kind, args.runs, Path(scratch), args.cold) for kind in KINDS}
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    results["generated_kinds"] = {
        "request": REQUEST,
        "cpus": os.cpu_count(),
        "note": "generate: analysis done once, then generate() per run; install: uv into a "
        "fresh venv with the shared cache warm (cold: empty cache, network included)",
        "kinds": figures,
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results["generated_kinds"], indent=2))


if __name__ == "__main__":
    main()
