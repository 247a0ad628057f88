"""A secret in the reviewed code never leaves the reviewer: not in the JSON report, the
artifacts, the repair diffs or the logs, even when a failing test prints it."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ag2.testing import TestConfig

from agents.llm import BackendSpec, answering_with
from agents.reviewer import repair, review
from services.sandbox import Sandbox, uv_cache_dir
from tasks.reviewer import review_markdown, review_rows

CORPUS = Path(__file__).resolve().parents[2] / "data" / "review_corpus"
SECRET = "q8Vt2mJx9LpR4sWn7YbZ3cKf6HdG1aTe5uNiOoPl"  # the corpus' hard-coded AWS secret key
KEY_ID = "AKIAZQ3DRSTUVWXY7ABC"
CLI = Path(sys.executable).with_name("ag2-sdlc")
LEAKING_TEST = """\
from storage import credentials


def test_secret_is_the_rotated_one() -> None:
    assert credentials()["secret"] == "rotated-value"
"""
# Context lines of a unified diff start with a space, blank ones too: joined, not a literal.
TO_ENVIRONMENT = "\n".join([
    "--- a/storage.py",
    "+++ b/storage.py",
    "@@ -1,7 +1,9 @@",
    ' """Uploads to a bucket with credentials written into the code."""',
    " ",
    "+import os",
    "+",
    f' AWS_ACCESS_KEY_ID = "{KEY_ID}"',
    f'-AWS_SECRET_ACCESS_KEY = "{SECRET}"',
    '+AWS_SECRET_ACCESS_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY", "")',
    " ",
    " ",
    " def credentials() -> dict[str, str]:",
    "",
])  # fmt: skip


@pytest.fixture
def leaky_project(tmp_path: Path) -> Path:
    """The corpus' cloud-key project plus a failing test whose assertion prints the secret."""
    project = shutil.copytree(CORPUS / "cloud_key", tmp_path / "project")
    (project / "tests" / "test_leak.py").write_text(LEAKING_TEST)
    return project


class TestNoLeak:
    """The secret value appears in no output of the reviewer."""

    def test_report_artifacts_diffs_and_logs_are_clean(
        self, leaky_project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Review and repair (with a model diff that moves the key to the environment): the
        secret is in none of the report's JSON, the markdown and table artifacts, the diffs or
        the log records; the review still names the secret and the failing test."""
        caplog.set_level(logging.DEBUG)
        sandbox = Sandbox(cache_dir=uv_cache_dir(), timeout=300)
        report = review(
            leaky_project, spec=BackendSpec(), sandbox=sandbox, env_dir=tmp_path / "env"
        )
        assert report.tests_failed == 1
        assert any("detect-secrets:secret" in f.rules for f in report.blocking_findings)
        answer = json.dumps({"diff": TO_ENVIRONMENT, "explanation": "Read it from the env."})
        scripted = TestConfig(answer, answer, model="scripted")
        with answering_with(scripted):
            repaired = repair(
                leaky_project, report, spec=BackendSpec(backend="openai", model="scripted")
            )
        assert [change.source for change in repaired.changes] == ["model"]
        outputs = [
            report.model_dump_json(),
            review_markdown(report),
            json.dumps(review_rows(report)),
            repaired.model_dump_json(),
            caplog.text,
        ]
        for output in outputs:
            assert SECRET not in output
            assert KEY_ID not in output
        assert "[REDACTED]" in repaired.changes[0].diff

    def test_the_cli_prints_no_secret_and_exits_blocking(
        self, leaky_project: Path, tmp_path: Path
    ) -> None:
        """`ag2-sdlc review DIR` prints the report without the secret and exits 1 (blocking);
        the tests are left out here (the test above covers what a failing test prints)."""
        env = {**os.environ, "AG2_SDLC_HOME": str(tmp_path / "home")}
        done = subprocess.run(
            [str(CLI), "review", str(leaky_project), "--no-tests"],
            env=env, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        assert done.returncode == 1, done.stderr
        report = json.loads(done.stdout)
        rules = [r for f in report["review_results"]["security_warnings"] for r in f["rules"]]
        assert "detect-secrets:secret" in rules
        assert SECRET not in done.stdout + done.stderr
        assert KEY_ID not in done.stdout + done.stderr
