"""Concurrent pipeline runs through real workers, SQLite vs PostgreSQL, side by side.

`python -m bench.concurrency` starts a local server on each database in turn (SQLite under a
fresh data home; a throwaway PostgreSQL 15 cluster from Debian's initdb/pg_ctl on loopback),
deploys, starts two process workers (5 runs each at most) and submits 1, 4 and 10 runs at once
(offline backend, rest_api, no repair rounds, approved as soon as they pause). Per batch: the
wall time from submitting to the last run's end, and each run's latency (created -> ended, from
the API), and the CPU seconds the whole machine was busy meanwhile (per run, and the share of
the cores' time left idle). Writes bench/results.json ``concurrency``: the figures and the ratios
``ten_vs_one`` (goal: <= 3 on 2 cores) and ``postgresql_vs_sqlite`` per batch size.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from core.settings import Settings
from services.processes import free_port
from ui.deploy import deploy
from ui.server import LocalServer, stop_worker

RESULTS = Path(__file__).resolve().parent / "results.json"
BATCHES = (1, 4, 10)
WORKERS = ("worker", "worker-2")


@contextlib.contextmanager
def _cluster(database: str) -> Iterator[str]:
    """A server on ``database`` ("sqlite" or "postgresql") with two workers; its API URL."""
    home = Path(tempfile.mkdtemp(prefix=f"ag2-sdlc-bench-{database}-"))
    os.environ["AG2_SDLC_HOME"] = str(home)  # the workers' flow runs write here
    with contextlib.ExitStack() as stack:
        url = None
        if database == "postgresql":
            from tests.postgres import postgres_cluster

            url = SecretStr(stack.enter_context(postgres_cluster()).url)
        settings = Settings(home=home, server_port=free_port(), database_url=url)
        server = LocalServer(settings)
        server.start(timeout=180)
        stack.callback(server.stop)
        for name in WORKERS:
            stack.callback(stop_worker, settings, name=name)
        deploy(settings, server.environment(), workers=len(WORKERS), worker_limit=5)
        yield server.api_url


def _busy_seconds() -> float:
    """CPU seconds this machine has spent not idle since boot (every process, every core)."""
    import psutil

    times = psutil.cpu_times()
    return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))


def _batch(api_url: str, size: int) -> dict[str, float]:
    """Submit ``size`` runs at once, approve each at its pause; wall time, latencies, and the
    CPU the whole machine spent meanwhile (so a batch slower than its CPU shows as idle)."""
    from tests.e2e.cluster import approve_all, start_run

    tag = uuid.uuid4().hex[:6]
    busy = _busy_seconds()
    started = time.perf_counter()
    ids = [start_run(api_url, word=f"gadget{n}", name=f"b-{tag}-{n}") for n in range(size)]
    runs = approve_all(api_url, ids, timeout=1800)
    total = time.perf_counter() - started
    busy = _busy_seconds() - busy
    failed = [run.name for run in runs.values() if not (run.state and run.state.is_completed())]
    if failed:
        raise RuntimeError(f"bench runs did not complete: {failed}")
    latencies = [
        (run.end_time - run.created).total_seconds()
        for run in runs.values()
        if run.end_time and run.created
    ]
    return {
        "total_s": round(total, 2),
        "latency_median_s": round(statistics.median(latencies), 2),
        "latency_max_s": round(max(latencies), 2),
        "cpu_busy_s": round(busy, 1),
        "cpu_s_per_run": round(busy / size, 1),
        # Of the cores' time during the batch, the share nothing ran.
        "idle_share": round(max(0.0, 1 - busy / (total * (os.cpu_count() or 1))), 2),
    }


def measure(databases: tuple[str, ...]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for database in databases:
        with _cluster(database) as api_url:
            _batch(api_url, 1)  # warm-up: imports, uv cache, the server's first queries
            figures[database] = {str(size): _batch(api_url, size) for size in BATCHES}
    ratios: dict[str, Any] = {
        "ten_vs_one": {
            db: round(by_size["10"]["total_s"] / by_size["1"]["total_s"], 2)
            for db, by_size in figures.items()
        }
    }
    if {"sqlite", "postgresql"} <= set(figures):
        sqlite, postgres = figures["sqlite"], figures["postgresql"]
        ratios["postgresql_vs_sqlite"] = {
            size: round(postgres[size]["total_s"] / sqlite[size]["total_s"], 2) for size in sqlite
        }
    return {"figures": figures, "ratios": ratios}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    quiet = [round(value, 1) for value in os.getloadavg()]
    measured = measure(tuple(args.databases))
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    results["concurrency"] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "setup": "two process workers (limit 5 each), offline backend, rest_api, review_rounds=0",
        "goal": "ten_vs_one <= 3",
        # A shared 2-core machine: the load before the bench says how comparable the seconds
        # are (the load after it is mostly the bench's own).
        "load_average_before_1_5_15": quiet,
        "load_average_after_1_5_15": [round(value, 1) for value in os.getloadavg()],
        **measured,
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(measured, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
