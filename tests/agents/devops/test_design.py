"""What the agent reads from a project and designs: facts win, bounds hold, names stay valid."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from agents.devops import (
    DeploymentDesign,
    DevOpsInput,
    design_for,
    detect_kind,
    inspect_project,
    settle_design,
)
from agents.devops.agent import kit_name, plan_kit
from agents.llm import BackendSpec
from core.errors import InvalidRequest

MAIN = """\
from fastapi import FastAPI

app = FastAPI()


@app.get("{health}")
def health() -> dict[str, str]:
    return {{"status": "ok"}}
"""
DNS_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")


def _project(root: Path, *, health: str = "/health", extra: str = "", reqs: str = "") -> Path:
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "main.py").write_text(MAIN.format(health=health) + extra)
    (root / "requirements.txt").write_text(reqs or "fastapi==0.115.0\nuvicorn==0.30.6\n")
    return root


class TestProjectFacts:
    """Port, health path, kind and dependencies come from the project's own files."""

    def test_port_and_health_path_come_from_the_project(self, tmp_path: Path) -> None:
        """A `uvicorn.run(..., port=8080)` and a `/healthz` route win over the defaults."""
        runner = (
            '\nif __name__ == "__main__":\n    import uvicorn\n\n    uvicorn.run(app, port=8080)\n'
        )
        project = _project(tmp_path, health="/healthz", extra=runner)
        kit, *_ = plan_kit(project, project_name="api-one", cloud="aws", spec=BackendSpec())
        assert (kit.port, kit.health_path) == (8080, "/healthz")
        assert kit.components[0].args[-1] == "8080"

    def test_database_and_test_ports_are_not_mistaken_for_the_app_port(
        self, tmp_path: Path
    ) -> None:
        """A `DB_PORT = 5432` setting or a port in a test leaves the app on the default port."""
        project = _project(tmp_path, extra="\nDB_PORT = 5432\n")
        (project / "tests").mkdir()
        (project / "tests" / "test_api.py").write_text("port = 5555\n")
        facts = inspect_project(project, project_name="db-app", cloud="local")
        assert facts.detected_port is None
        assert design_for(facts).container_port == 8000

    def test_each_generated_kind_is_recognised_from_its_files(
        self, projects: dict[str, Path]
    ) -> None:
        """The kind is read back from what each kind's templates write."""
        assert {kind: detect_kind(path) for kind, path in projects.items()} == {
            kind: kind for kind in projects
        }
        facts = inspect_project(projects["microservices"], project_name="shop", cloud="aws")
        assert "audit" in facts.service_modules
        assert len(facts.service_modules) >= 3

    def test_data_libraries_get_more_memory(self, tmp_path: Path) -> None:
        """A project that needs pandas is given larger memory requests than a plain API."""
        plain = design_for(
            inspect_project(_project(tmp_path / "a"), project_name="aa", cloud="aws")
        )
        heavy_project = _project(tmp_path / "b", reqs="fastapi==0.115.0\npandas>=2.1\n")
        heavy = design_for(inspect_project(heavy_project, project_name="bb", cloud="aws"))
        assert (plain.memory_request, heavy.memory_request) == ("128Mi", "512Mi")

    def test_local_target_runs_one_replica_whatever_the_model_says(self, tmp_path: Path) -> None:
        """SQLite on one volume: a model asking for three local replicas is overruled."""
        facts = inspect_project(_project(tmp_path), project_name="aa", cloud="local")
        proposed = design_for(facts).model_copy(update={"replicas": 3})
        assert settle_design(proposed, facts).replicas == 1

    def test_missing_requirements_is_a_blocking_dockerfile_finding(
        self, projects: dict[str, Path], tmp_path: Path
    ) -> None:
        """The image build needs requirements.txt; without it the bundle says so."""
        from agents.devops import build_deployment

        project = _project(tmp_path / "p")
        (project / "requirements.txt").unlink()
        bundle = build_deployment(
            project, project_name="no-reqs", cloud="local", spec=BackendSpec(),
            out_dir=tmp_path / "out",
        )  # fmt: skip
        dockerfile = next(f for f in bundle.deployment_files if f.path == "Dockerfile")
        assert [(f.code, f.blocking) for f in dockerfile.findings] == [("no-requirements", True)]


class TestNames:
    """Names reaching Kubernetes and the clouds are valid labels; bad names never get in."""

    @pytest.mark.parametrize(
        ("project_name", "k8s_name"),
        [("inventory-api-v2", "inventory-api-v2"), ("ab-", "ab"), ("a" * 60, "a" * 40)],
    )
    def test_names_become_valid_dns_labels(self, project_name: str, k8s_name: str) -> None:
        """Dashes are kept; a trailing dash is dropped; long names leave room for suffixes."""
        assert kit_name(project_name) == k8s_name
        assert DNS_LABEL.match(k8s_name)

    def test_invalid_project_names_are_refused(self, tmp_path: Path) -> None:
        """A name that is no valid project name never reaches a template."""
        with pytest.raises(InvalidRequest):
            plan_kit(
                _project(tmp_path), project_name='x"; rm -rf /', cloud="aws", spec=BackendSpec()
            )

    def test_a_missing_project_directory_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(InvalidRequest, match="does not exist"):
            plan_kit(tmp_path / "nope", project_name="abc", cloud="aws", spec=BackendSpec())


class TestDesignValidation:
    """The model's design is bounded: unknown images, huge sizes and unsafe strings are refused."""

    def _design(self, **changes: Any) -> dict[str, Any]:
        base = {
            "replicas": 2, "cpu_request": "100m", "cpu_limit": "500m", "memory_request": "128Mi",
            "memory_limit": "256Mi", "container_port": 8000, "health_path": "/health",
            "base_image": "python:3.11-slim",
        }  # fmt: skip
        return {**base, **changes}

    @pytest.mark.parametrize(
        "changes",
        [
            {"base_image": "python:latest"},
            {"base_image": "evil.example.com/python:3.11-slim"},
            {"replicas": 50},
            {"cpu_limit": "lots"},
            {"memory_request": "100MB"},
            {"health_path": '/health"\nmalicious: true'},
            {"container_port": 80},
            {"extra_field": "smuggled"},
        ],
    )
    def test_out_of_bounds_designs_are_refused(self, changes: dict[str, Any]) -> None:
        """Unknown images, unbounded sizes and unsafe strings fail the schema."""
        with pytest.raises(ValidationError):
            DeploymentDesign.model_validate(self._design(**changes))

    def test_measured_facts_and_limit_floor_override_the_model(self) -> None:
        """A detected port and health path win; limits are raised to at least the requests."""
        proposed = DeploymentDesign.model_validate(
            self._design(container_port=9000, cpu_limit="50m", memory_limit="64Mi")
        )
        facts = DevOpsInput(
            project_name="api", cloud_provider="aws", detected_port=8080,
            detected_health_path="/healthz", app_module="app.main:app",
        )  # fmt: skip
        settled = settle_design(proposed, facts)
        assert (settled.container_port, settled.health_path) == (8080, "/healthz")
        assert (settled.cpu_limit, settled.memory_limit) == ("100m", "128Mi")


def test_dockerignore_ships_sample_data_but_no_local_state() -> None:
    """Pipelines need data/sample.csv in the image; databases, models and the kit stay out."""
    from agents.rendering import TEMPLATES_ROOT

    entries = (TEMPLATES_ROOT / "infra" / "docker" / ".dockerignore").read_text().splitlines()
    assert "data" not in entries
    assert {"*.db", "models", ".prefect", ".env", "terraform", "helm", "k8s"} <= set(entries)
