"""The flow's review loop: a really blocking first review goes through repair to a clean second.

A real generated rest_api gets a real defect (``shell=True``, exercised by a test); the loop's
tasks run against the Prefect test server, with the real reviewer, sandbox and codemods.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from prefect import flow

from agents.llm import BackendSpec, Ledger
from core.contracts import GeneratedCode, ReviewReport
from flows.stages import review_until_clean
from tests.generated import build

pytestmark = [pytest.mark.usefixtures("prefect_api"), pytest.mark.timeout(900)]

VERSION_MODULE = '''\
"""The version the build reports."""

import subprocess


def build_version() -> str:
    done = subprocess.run("echo 1.0.0", shell=True, capture_output=True, text=True, check=True)
    return done.stdout.strip()
'''
VERSION_TEST = """\
from app.version import build_version


def test_build_version() -> None:
    assert build_version() == "1.0.0"
"""


@flow(name="review-loop-under-test")
def review_loop(code: GeneratedCode, env_dir: str) -> tuple[GeneratedCode, ReviewReport]:
    return review_until_clean(
        code, env_dir=env_dir, rounds=2, run_tests=True, llm=BackendSpec(), ledger=Ledger()
    )


class TestReviewLoop:
    """A blocking review is repaired and reviewed again from scratch; the last review decides."""

    def test_blocking_first_review_is_repaired_to_a_clean_second(self, tmp_path: Path) -> None:
        """shell=True blocks round 1; the codemod fixes it; round 2 is clean, tests pass, and the
        report lists the change with its diff."""
        code, _ = build("rest_api", tmp_path, text="A REST API for notes with a title and a body.")
        project = Path(code.project_path)
        (project / "app" / "version.py").write_text(VERSION_MODULE)
        (project / "tests" / "test_version.py").write_text(VERSION_TEST)
        repaired, report = review_loop(code, str(tmp_path / "env"))
        assert repaired.repair_round == 1
        assert report.review_round == 2
        assert not report.is_blocking, [f.rules for f in report.blocking_findings]
        assert report.tests_failed == 0
        assert report.code_quality_score >= 90
        assert "app/version.py" in report.refactored_files
        [codemod] = [c for c in report.changes if c.source == "codemod:subprocess-shell-false"]
        assert '["echo", "1.0.0"]' in codemod.diff or "['echo', '1.0.0']" in codemod.diff
        assert "shell=True" not in (project / "app" / "version.py").read_text()
