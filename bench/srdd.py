"""The analyzer on real requests and at its input limit: `python -m bench.srdd [--runs N]`.

Runs the full ``analyze`` (offline AG2 round-trip included) once on each of the 1,200 requests
of SRDD (``../shared/data/srdd.csv``; skipped with a note when absent) and records the kinds it
infers, how many plans say what they leave out, how many name entities of their own, and the
seconds per request. Then plans the largest allowed request (20,000 characters of one repeated
phrase) N times per phrase with ``plan_for``. Figures go to ``bench/results.json`` under
``"srdd_kind_distribution"`` and ``"analyzer_largest_request"``; every other key is kept.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from agents.analyzer import AnalyzerInput, analyze, plan_for
from agents.llm import BackendSpec
from bench.figures import figure
from core.contracts import MAX_REQUEST_CHARS, PROJECT_KINDS, PipelineRequest, slugify

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results.json"
SRDD = ROOT.parent / "shared" / "data" / "srdd.csv"
# Repetitive on purpose: every phrase, sentence and field list repeats until the limit.
LARGEST_REQUEST_UNITS = (
    "Each book has a title, an author and a year; members borrow books. ",
    "skip ",
    "the big dogs with ",
    "tasks with a name, ",
)


def srdd_distribution(srdd: Path) -> dict[str, Any]:
    """Every SRDD request through ``analyze``: the kinds inferred and the time per request."""
    with srdd.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    spec = BackendSpec()
    plans, seconds = [], []
    for row in rows:
        request = PipelineRequest.from_inputs(text=row["Description"], name=slugify(row["Name"]))
        started = time.perf_counter()
        plans.append(analyze(request, spec=spec))
        seconds.append(time.perf_counter() - started)
    counted = Counter[str](plan.analysis.project_type for plan in plans)
    return {
        "requests": len(plans),
        "source": "../shared/data/srdd.csv through agents.analyzer.analyze, offline backend",
        "kinds": {kind: counted[kind] for kind in PROJECT_KINDS},
        "with_not_covered": sum(1 for plan in plans if plan.analysis.not_covered),
        "with_named_entities": sum(
            1 for plan in plans if not any(entity.generic for entity in plan.entities)
        ),
        "with_relations": sum(1 for plan in plans if plan.relations),
        "analyze_per_request": figure(seconds),
    }


def largest_request(runs: int) -> dict[str, Any]:
    """Seconds ``plan_for`` takes on a request of the maximum length, per repeated phrase."""
    phrases = []
    for unit in LARGEST_REQUEST_UNITS:
        text = (unit * (MAX_REQUEST_CHARS // len(unit) + 1))[:MAX_REQUEST_CHARS]
        request = AnalyzerInput(project_name="big", cloud_provider="local", text=text)
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            plan_for(request)
            samples.append(time.perf_counter() - started)
        phrases.append({"phrase": unit, "plan_for": figure(samples)})
    return {"characters": MAX_REQUEST_CHARS, "goal_s": "<= 1.0", "phrases": phrases}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="Runs per largest-request phrase.")
    parser.add_argument("--srdd", type=Path, default=SRDD)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args()
    measured: dict[str, Any] = {"analyzer_largest_request": largest_request(args.runs)}
    if args.srdd.is_file():
        measured["srdd_kind_distribution"] = srdd_distribution(args.srdd)
    else:
        print(f"SRDD is not at {args.srdd}; its distribution is left as it was.", file=sys.stderr)
    results = json.loads(args.results.read_text()) if args.results.is_file() else {}
    results |= measured
    args.results.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(measured, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
