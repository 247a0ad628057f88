"""The pipeline benchmark on two commits, side by side in one run: did a change cost time?

`python -m bench.commits --base REF` checks REF out into a temporary git worktree, then runs
`python -m bench` there and here, alternating (base, head, head, base, ...) so a machine that
slows down mid-run favours neither side. Both use this environment's packages; each side
imports its own code (the worktree goes first on PYTHONPATH). Writes the figures of both and
their ratios (head / base) to bench/results.json under ``commit_comparison``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results.json"
COMPARED = ("request_to_awaiting_approval_s", "approval_to_released_s", "plain_agents_s")


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def _bench_once(tree: Path, runs: int) -> dict[str, float]:
    """Medians of one `python -m bench` in ``tree`` (its own results file, read back)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    env.pop("AG2_SDLC_HOME", None)  # each bench run takes a fresh data home
    subprocess.run(
        [sys.executable, "-m", "bench", "--runs", str(runs)],
        cwd=tree,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    figures = json.loads((tree / "bench" / "results.json").read_text())["figures"]
    return {name: float(figures[name]["median"]) for name in COMPARED}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True, help="The commit to compare HEAD with.")
    parser.add_argument("--rounds", type=int, default=2, help="Bench runs per side.")
    parser.add_argument("--runs", type=int, default=3, help="Pipeline runs per bench run.")
    args = parser.parse_args()
    base_sha = _git("rev-parse", args.base)
    samples: dict[str, list[dict[str, float]]] = {"base": [], "head": []}
    with tempfile.TemporaryDirectory(prefix="ag2-sdlc-base-") as temp:
        worktree = Path(temp) / "base"
        _git("worktree", "add", "--detach", str(worktree), base_sha)
        try:
            trees = {"base": worktree, "head": ROOT}
            for index in range(args.rounds):
                order = ("base", "head") if index % 2 == 0 else ("head", "base")
                for side in order:
                    samples[side].append(_bench_once(trees[side], args.runs))
        finally:
            _git("worktree", "remove", "--force", str(worktree))
    medians = {
        side: {name: statistics.median(s[name] for s in runs) for name in COMPARED}
        for side, runs in samples.items()
    }
    comparison: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "base": base_sha,
        "head": _git("rev-parse", "HEAD"),
        "rounds": args.rounds,
        "runs_per_round": args.runs,
        "base_s": medians["base"],
        "head_s": medians["head"],
        "head_over_base": {
            name: round(medians["head"][name] / medians["base"][name], 3) for name in COMPARED
        },
    }
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    results["commit_comparison"] = comparison
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(comparison, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
