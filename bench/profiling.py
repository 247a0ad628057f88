"""CSV profiling benchmark: ``python -m bench.profiling [--runs N] [--large]``.

Generates synthetic 20-column CSVs (about 10 MB and 100 MB; 1 GB with ``--large``) in a temp
dir, then for each file runs, interleaved in fresh subprocesses, ``agents.profiling.profile_csv``
(the full profile: types, quantiles, top values, correlations, outliers, insights) and a bare
DuckDB ``SELECT count(*) FROM read_csv(file)``. Per run it records the call's wall and CPU
seconds (measured inside the child, imports excluded) and the child's peak RSS (``wait4``).
Figures (median/min/max/runs) are merged into ``bench/results.json`` under ``"profiling"``;
other keys, and sizes not measured this time, are kept.

With ``--ydata``, ydata-profiling in minimal mode (``pandas.read_csv`` + ``ProfileReport(...,
minimal=True).get_description()``) runs on the 10 MB and 100 MB files too. It needs pandas < 3,
so it gets a virtual environment of its own, built once with uv (``--ydata-venv``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import duckdb

from bench.figures import figure

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results.json"
SIZES = {"10mb": 10_000_000, "100mb": 100_000_000, "1gb": 1_000_000_000}
_BYTES_PER_ROW = 167  # measured on the generator below
_GOALS = {
    "profile_vs_count_ratio_at_1gb": "<= 4",
    "profile_peak_rss_mb": "< 512",
    "vs_ydata_profiling_minimal_at_100mb": ">= 20x faster",
}

YDATA_SIZES = ("10mb", "100mb")
_CHILD = """
import json, resource, sys, time
from pathlib import Path
kind, path = sys.argv[1], sys.argv[2]
if kind == "profile":
    from agents.profiling import profile_csv
    run = lambda: profile_csv(Path(path)).rows
elif kind == "count":
    import duckdb
    run = lambda: duckdb.execute("SELECT count(*) FROM read_csv(?)", [path]).fetchone()[0]
else:
    import pandas
    from ydata_profiling import ProfileReport
    def run():
        frame = pandas.read_csv(path)
        ProfileReport(frame, minimal=True, progress_bar=False).get_description()
        return len(frame)
usage = resource.getrusage(resource.RUSAGE_SELF)
started = time.perf_counter()
rows = run()
seconds = time.perf_counter() - started
after = resource.getrusage(resource.RUSAGE_SELF)
cpu = (after.ru_utime + after.ru_stime) - (usage.ru_utime + usage.ru_stime)
print(json.dumps({"rows": rows, "seconds": seconds, "cpu_seconds": cpu}))
"""


def generate(path: Path, target_bytes: int) -> int:
    """A 20-column CSV of about ``target_bytes``: ints, floats, id, bool, date, timestamp,
    categories, text and a float column with 10% gaps. Returns the row count."""
    rows = max(target_bytes // _BYTES_PER_ROW, 1)
    columns = [f"(hash(i * {k + 7}) % 100000)::BIGINT AS int_{k}" for k in range(4)]
    columns += [
        f"round((hash(i * {k + 11}) % 1000000) / 1000.0 - 500, 3) AS float_{k}" for k in range(4)
    ]
    columns += [
        "i AS id",
        "(hash(i * 3) % 2 = 0) AS flag",
        "(DATE '2020-01-01' + (hash(i * 5) % 1500)::INT) AS day",
        "(TIMESTAMP '2020-01-01' + to_seconds((hash(i * 13) % 100000000)::BIGINT)) AS ts",
    ]
    columns += [
        f"['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'][(hash(i * {k + 17}) % 6)::INT + 1]"
        f" AS cat_{k}"
        for k in range(4)
    ]
    columns += [f"md5((i * {k + 19})::VARCHAR)[1:{8 + 4 * k}] AS text_{k}" for k in range(3)]
    columns.append(
        "CASE WHEN hash(i * 23) % 10 = 0 THEN NULL ELSE round((hash(i * 29) % 10000) / 10.0, 1) END"
        " AS sparse"
    )
    query = f"SELECT {', '.join(columns)} FROM range({rows}) t(i)"  # noqa: S608 - constants
    duckdb.execute(f"COPY ({query}) TO '{path}' (HEADER, DELIMITER ',')")
    return rows


def ydata_python(venv: Path) -> Path:
    """The interpreter of a venv with ydata-profiling and pandas < 3, built with uv if missing."""
    python = venv / "bin" / "python"
    if not python.exists():
        uv = Path(sys.executable).parent / "uv"
        subprocess.run([uv, "venv", venv, "--python", sys.executable], check=True)
        packages = ["ydata-profiling", "pandas<3", "setuptools<81"]  # it imports pkg_resources
        subprocess.run([uv, "pip", "install", "--python", python, *packages], check=True)
    return python


def measure(kind: str, path: Path, python: Path | None = None) -> dict[str, float]:
    """One run in a fresh interpreter: call seconds, CPU seconds, peak RSS in MB."""
    child = subprocess.Popen(
        [python or sys.executable, "-c", _CHILD, kind, str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    out = child.stdout.read().decode() if child.stdout else ""
    err = child.stderr.read().decode() if child.stderr else ""
    if child.returncode != 0:
        raise RuntimeError(f"{kind} on {path.name} failed: {err.strip()[-500:]}")
    figures = json.loads(out.strip().splitlines()[-1])
    figures["peak_rss_mb"] = usage.ru_maxrss / 1024
    return figures


def bench_size(
    label: str, target: int, runs: int, workdir: Path, ydata: Path | None
) -> dict[str, Any]:
    """Generate one file, run profile and bare scan interleaved ``runs`` times, summarise."""
    path = workdir / f"synthetic-{label}.csv"
    rows = generate(path, target)
    samples: dict[str, list[dict[str, float]]] = {"profile": [], "count": [], "ydata": []}
    for _ in range(runs):
        for kind in ("profile", "count"):
            samples[kind].append(measure(kind, path))
    if ydata is not None and label in YDATA_SIZES:
        samples["ydata"] = [measure("ydata", path, ydata) for _ in range(min(runs, 2))]
    size = path.stat().st_size
    path.unlink()
    profile, count = samples["profile"], samples["count"]
    figures = _ydata_figures(samples["ydata"], profile)
    return figures | {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "file": {"bytes": size, "rows": rows, "columns": 20},
        "profile_s": figure([p["seconds"] for p in profile], "s"),
        "count_s": figure([c["seconds"] for c in count], "s"),
        "profile_vs_count_ratio": figure(
            [p["seconds"] / c["seconds"] for p, c in zip(profile, count, strict=True)], "ratio"
        ),
        "profile_cpu_s": figure([p["cpu_seconds"] for p in profile], "s"),
        "count_cpu_s": figure([c["cpu_seconds"] for c in count], "s"),
        "profile_peak_rss_mb": figure([p["peak_rss_mb"] for p in profile], "MB"),
        "count_peak_rss_mb": figure([c["peak_rss_mb"] for c in count], "MB"),
        "profile_mb_per_s": figure([size / 1e6 / p["seconds"] for p in profile], "MB/s"),
    }


def _ydata_figures(
    ydata: list[dict[str, float]], profile: list[dict[str, float]]
) -> dict[str, Any]:
    if not ydata:
        return {}
    ours = statistics.median(p["seconds"] for p in profile)
    return {
        "ydata_minimal_s": figure([y["seconds"] for y in ydata], "s"),
        "ydata_minimal_peak_rss_mb": figure([y["peak_rss_mb"] for y in ydata], "MB"),
        "ydata_vs_profile_ratio": figure([y["seconds"] / ours for y in ydata], "ratio"),
    }


def merge(results_path: Path, sizes: dict[str, Any], *, ydata: str) -> dict[str, Any]:
    """Read-modify-write ``results_path``: replace measured sizes under ``"profiling"`` only."""
    try:
        results = json.loads(results_path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        results = {}
    section = results.get("profiling", {})
    section.update(
        {
            "machine": {
                "platform": platform.platform(),
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
            },
            "versions": {name: version(name) for name in ("duckdb", "pydantic")},
            "goals": _GOALS,
            "ydata_profiling": ydata,
            "sizes": {**section.get("sizes", {}), **sizes},
        }
    )
    results["profiling"] = section
    results_path.write_text(json.dumps(results, indent=2) + "\n")
    return section


def _version_in(python: Path) -> str:
    done = subprocess.run(
        [python, "-c", "import importlib.metadata as m; print(m.version('ydata-profiling'))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per size (default 3)")
    parser.add_argument("--large", action="store_true", help="also the 1 GB file")
    parser.add_argument("--ydata", action="store_true", help="also ydata-profiling (minimal)")
    parser.add_argument(
        "--ydata-venv", type=Path, default=Path(tempfile.gettempdir()) / "ag2-sdlc-ydata-venv"
    )
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    labels = ["10mb", "100mb", *(["1gb"] if args.large else [])]
    ydata = ydata_python(args.ydata_venv) if args.ydata else None
    measured: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="ag2-sdlc-bench-csv-") as workdir:
        for label in labels:
            measured[label] = bench_size(label, SIZES[label], args.runs, Path(workdir), ydata)
            print(label, json.dumps(measured[label]), flush=True)
    note = (
        f"ydata-profiling {_version_in(ydata)} minimal mode on {', '.join(YDATA_SIZES)}"
        if ydata
        else "not run this time (pass --ydata)"
    )
    merge(args.results, measured, ydata=note)
    print(f"merged into {args.results}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
