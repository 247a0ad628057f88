"""What every flow run pays before its first agent on a process worker: a fresh interpreter
importing the pipeline.

A process worker starts one Python process per flow run, so with N runs at once this cost is
paid N times on the same cores. `python -m bench.startup` imports, each in a fresh interpreter
and alternating: Prefect alone, AG2 alone, and the pipeline (`flows.sdlc`, which brings both and
the agents). CPU seconds (user + system, from the children's resource usage) say more than wall
time on a shared machine. Writes bench/results.json ``flow_run_startup``.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results.json"
MODULES = ("prefect", "ag2", "flows.sdlc")


def _cpu_seconds(module: str) -> float:
    """CPU seconds a fresh interpreter spends importing ``module``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT, check=True, timeout=300)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    samples: dict[str, list[float]] = {module: [] for module in MODULES}
    for _ in range(3):
        for module in MODULES:
            samples[module].append(_cpu_seconds(module))
    figures = {module: round(statistics.median(values), 2) for module, values in samples.items()}
    entry = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "unit": "CPU s, median of 3 fresh interpreters",
        "import_cpu_s": figures,
        "ag2_share_of_pipeline_import": round(figures["ag2"] / figures["flows.sdlc"], 2),
        "load_average_1_5_15": [round(value, 1) for value in os.getloadavg()],
    }
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    results["flow_run_startup"] = entry
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(entry, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
