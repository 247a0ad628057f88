"""`ag2-sdlc devops DIR --cloud C --out OUT`: the kit is written and the bundle printed as JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.contracts import DeploymentBundle
from tests.generated import build
from tests.ui.test_cli import _cli


class TestDevopsCommand:
    """The DevOps agent runs alone on any generated project."""

    def test_writes_the_kit_and_prints_the_bundle(self, tmp_path: Path) -> None:
        """The JSON on stdout is a DeploymentBundle whose files are all on disk under --out."""
        code, _ = build(
            "rest_api", tmp_path / "projects", text="A REST API for notes with a title."
        )
        out = tmp_path / "deploy"
        done = _cli(
            "devops", code.project_path, "--cloud", "gcp", "--out", str(out),
            home=tmp_path / "home", cwd=tmp_path,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        bundle = DeploymentBundle.model_validate_json(done.stdout)
        assert bundle.cloud_provider == "gcp"
        assert bundle.project_kind == "rest_api"
        assert all((out / f.path).is_file() for f in bundle.deployment_files)
        assert "terraform/gcp/cluster.tf" in bundle.infrastructure_as_code["terraform"]
        assert not (Path(code.project_path) / "Dockerfile").exists()  # --out, not the project

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--cloud", "mars"], "Unknown cloud provider 'mars'"),
            (["--cloud", "aws", "--name", "../etc"], "Invalid project name"),
        ],
    )
    def test_bad_input_is_one_sentence_and_a_non_zero_exit(
        self, tmp_path: Path, args: list[str], message: str
    ) -> None:
        """An unknown cloud or an unsafe name is refused before anything is written."""
        project = tmp_path / "project"
        project.mkdir()
        done = _cli(
            "devops", str(project), *args, "--out", "kit", home=tmp_path / "h", cwd=tmp_path
        )
        assert done.returncode != 0
        [line] = done.stderr.strip().splitlines()
        assert message in line
        assert not (tmp_path / "kit").exists()
