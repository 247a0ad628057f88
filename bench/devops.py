"""Per project kind and cloud: the time to write the deployment kit and check every file of it.

`python -m bench.devops [--runs N] [--clouds aws,gcp,azure]` generates one project per kind,
then times ``build_deployment`` (design, render, and every validator: hadolint, yamllint,
kubernetes-validate, CRD schemas, Helm lint and render, actionlint, terraform fmt / validate /
plan against moto where the provider is mirrored, checkov in its own run) N times per kind and
cloud, with the phases of one run. The goal is within 10 s per kind. The machine's load is
recorded beside the figures: on a shared 2-core machine it moves them a lot. Figures go to
``bench/results.json`` under ``"devops_kit"``; every other key is kept.
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
from agents.devops import build_deployment
from agents.devops.agent import plan_kit
from agents.devops.kit import write_kit
from agents.generator import generate
from agents.llm import BackendSpec
from agents.rendering import default_renderer
from bench.figures import figure
from core.contracts import CloudProvider, PipelineRequest
from core.errors import ToolUnavailable
from services import linters

RESULTS = Path(__file__).resolve().parent / "results.json"
REQUEST = (
    "Track sales: sales have an order id, a store, an amount, a sale date and a refunded flag."
)
KINDS = ("rest_api", "web_app", "ml_pipeline", "etl_pipeline", "microservices")


def _phases(project: Path, cloud: CloudProvider, out: Path) -> dict[str, float]:
    """One run split into its parts (each timed alone, so they add up to more than the whole)."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    spec, *_ = plan_kit(project, project_name=project.name, cloud=cloud, spec=BackendSpec())
    files = write_kit(spec, out, default_renderer())
    timings["design_and_render"] = time.perf_counter() - started
    started = time.perf_counter()
    linters.checkov_scan(out)
    timings["checkov"] = time.perf_counter() - started
    if cloud != "local":
        started = time.perf_counter()
        try:
            variables = {"vpc_id": "vpc-1", "private_subnet_ids": '["a", "b"]',
                         "github_owner": "o", "github_repo": "r"}  # fmt: skip
            linters.validate_and_plan(
                out / "terraform" / cloud, plan_variables=variables if cloud == "aws" else None
            )
        except ToolUnavailable:
            pass
        timings["terraform_validate_plan"] = time.perf_counter() - started
    timings["files"] = float(len(files))
    return timings


def _measure(kind: str, clouds: list[str], runs: int, root: Path) -> dict[str, Any]:
    spec = BackendSpec()
    analysis = analyze(PipelineRequest.from_inputs(text=REQUEST, kind=kind), spec=spec)
    project = root / kind / analysis.project_plan.project_name
    generate(analysis, project_dir=project, spec=spec)
    entry: dict[str, Any] = {}
    for cloud in clouds:
        samples = []
        for run in range(runs):
            out = root / f"{kind}-{cloud}-{run}"
            started = time.perf_counter()
            bundle = build_deployment(
                project, project_name=project.name, cloud=cloud,  # type: ignore[arg-type]
                spec=spec, out_dir=out,
            )  # fmt: skip
            samples.append(time.perf_counter() - started)
            shutil.rmtree(out, ignore_errors=True)
        phases = _phases(project, cloud, root / f"{kind}-{cloud}-phases")  # type: ignore[arg-type]
        entry[cloud] = {
            "build_and_validate": figure(samples),
            "phases_of_one_run": {k: round(v, 3) for k, v in phases.items()},
            "findings": len(bundle.findings),
            "not_checked": sorted(
                {v.validator for f in bundle.deployment_files for v in f.not_checked}
            ),
        }
        print(kind, cloud, entry[cloud]["build_and_validate"], flush=True)
    return entry


def _batch(root: Path) -> dict[str, Any]:
    """checkov once over every kit written above, against one run per kit."""
    kits = [p for p in root.iterdir() if p.is_dir() and p.name.endswith("-phases")]
    batch = root / "batch"
    batch.mkdir()
    for kit in kits:
        shutil.copytree(kit, batch / kit.name)
    started = time.perf_counter()
    linters.checkov_scan_many(batch)
    return {"kits": len(kits), "one_checkov_run_over_all": round(time.perf_counter() - started, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--clouds", default="aws,gcp,azure")
    args = parser.parse_args()
    clouds = args.clouds.split(",")
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-devops-") as scratch:
        figures = {kind: _measure(kind, clouds, args.runs, Path(scratch)) for kind in KINDS}
        batch = _batch(Path(scratch))
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    results["devops_kit"] = {
        "request": REQUEST,
        "cpus": os.cpu_count(),
        "load_average_before_and_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "goal": "build and validate the kit of one kind within 10 s (checkov included)",
        "note": "build_and_validate: build_deployment end to end, checkov in its own run and "
        "terraform validate + plan (AWS, moto) beside it in a thread",
        "kinds": figures,
        "checkov_batch": batch,
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results["devops_kit"], indent=2))


if __name__ == "__main__":
    main()
