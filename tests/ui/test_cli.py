"""The `ag2-sdlc` command: bad input gets one sentence, a non-zero exit and no files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CLI = Path(sys.executable).with_name("ag2-sdlc")


def _cli(*args: str, home: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI in ``cwd``: relative paths in ``args`` (``--out x``) resolve there."""
    env = {**os.environ, "AG2_SDLC_HOME": str(home)}
    env.pop("PREFECT_API_URL", None)
    return subprocess.run(
        [str(CLI), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class TestBadInput:
    """Usage mistakes are refused before anything is written."""

    @pytest.mark.parametrize(
        "args",
        [
            ["run", "--text", ""],
            ["run", "--csv", "does-not-exist.csv"],
            ["run", "--text", "a todo api", "--name", "../../etc"],
            ["run", "--text", "a todo api", "--cloud", "mars"],
            ["run", "--text", "a todo api", "--approve"],
            ["run"],
            ["status", "not-a-run-id"],
            ["approve", "not-a-run-id", "--reviewer", "me"],
            ["analyze", "--text", "   "],
            ["review", "no/such/dir"],
            ["generate", "--plan", "missing.json", "--out", "x"],
            ["api", "--host", "0.0.0.0"],  # noqa: S104 - refused before it binds
            ["api", "--rate-limit", "lots"],
            ["api", "--port", "70000"],
            ["ui", "--port", "0"],
            ["server", "start", "--database", "mysql://app:hunter2secret@127.0.0.1/prefect"],
            ["server", "start", "--database", "not a url at all"],
            ["server", "start", "--database", "postgresql+asyncpg://app:hunter2secret@/"],
            ["deploy", "--result-storage", "a bucket"],
            ["deploy", "--workers", "0"],
        ],
    )
    def test_one_sentence_nonzero_exit_nothing_written(
        self, tmp_path: Path, args: list[str]
    ) -> None:
        """Each mistake exits non-zero with a single stderr line, and neither a data home nor
        anything in the working directory (where `--out x` would go) appears."""
        home = tmp_path / "home"
        workdir = tmp_path / "workdir"
        workdir.mkdir()
        done = _cli(*args, home=home, cwd=workdir)
        assert done.returncode != 0
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr
        assert lines[0].startswith("ag2-sdlc: ")
        assert "Traceback" not in done.stderr
        assert "hunter2secret" not in done.stderr  # a database password is never repeated
        assert not home.exists(), list(home.rglob("*"))
        assert list(workdir.iterdir()) == []


class TestAgentCommands:
    """Each agent runs alone from the command line, without a server."""

    def test_analyze_prints_the_plan_as_json(self, tmp_path: Path) -> None:
        """`ag2-sdlc analyze` runs without a server and prints an AnalysisResult."""
        done = _cli(
            "analyze",
            "--text",
            "A shop API where products have a name and a price",
            home=tmp_path / "home",
            cwd=tmp_path,
        )
        assert done.returncode == 0, done.stderr
        plan = json.loads(done.stdout)
        product = plan["entities"][0]
        assert product["name"] == "Product"
        assert {f["name"]: f["type"] for f in product["fields"]} == {
            "name": "str",
            "price": "float",
        }

    def test_generate_refuses_a_plan_that_is_not_one(self, tmp_path: Path) -> None:
        """A JSON file that is not an analyzer result is refused in one sentence."""
        plan = tmp_path / "plan.json"
        plan.write_text('{"entities": []}')
        done = _cli("generate", "--plan", "plan.json", "--out", "out", home=tmp_path, cwd=tmp_path)
        assert done.returncode == 2
        assert "not an analyzer result" in done.stderr
        assert not (tmp_path / "out").exists()

    def test_generate_writes_a_relative_out_into_the_working_directory(
        self, tmp_path: Path
    ) -> None:
        """`--out x` is a directory of the working directory: where the mistakes above write
        nothing, a valid plan writes the project."""
        analyzed = _cli(
            "analyze",
            "--text",
            "A shop API where products have a name and a price",
            home=tmp_path / "home",
            cwd=tmp_path,
        )
        assert analyzed.returncode == 0, analyzed.stderr
        (tmp_path / "plan.json").write_text(analyzed.stdout, encoding="utf-8")
        done = _cli(
            "generate", "--plan", "plan.json", "--out", "x", home=tmp_path / "home", cwd=tmp_path
        )
        assert done.returncode == 0, done.stderr
        code = json.loads(done.stdout)
        assert Path(code["project_path"]) == (tmp_path / "x").resolve()
        assert (tmp_path / "x" / "requirements.txt").is_file()
