"""The DevOps agent renders a Dockerfile and manifests that pass their linters and agree."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from agents.devops import (
    DeploymentDesign,
    DevOpsInput,
    build_deployment,
    design_for,
    inspect_project,
    settle_design,
)
from agents.llm import BackendSpec
from core.contracts import DeploymentBundle
from core.errors import InvalidRequest
from services import linters

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


def _build(project: Path, out: Path, name: str = "inventory-api") -> DeploymentBundle:
    return build_deployment(
        project, project_name=name, cloud="aws", spec=BackendSpec(), out_dir=out
    )


def _manifests(out: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    deployment = yaml.safe_load((out / "k8s" / "deployment.yaml").read_text())
    service = yaml.safe_load((out / "k8s" / "service.yaml").read_text())
    return deployment, service


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[DeploymentBundle, Path]:
    project = _project(tmp_path_factory.mktemp("project"))
    out = tmp_path_factory.mktemp("deploy")
    return _build(project, out), out


class TestRenderedFiles:
    def test_every_file_is_written_and_listed(
        self, rendered: tuple[DeploymentBundle, Path]
    ) -> None:
        """The bundle lists the Dockerfile, .dockerignore and both manifests, all on disk."""
        bundle, out = rendered
        paths = [f.path for f in bundle.deployment_files]
        assert paths == ["Dockerfile", ".dockerignore", "k8s/deployment.yaml", "k8s/service.yaml"]
        assert all((out / path).is_file() for path in paths)
        assert bundle.k8s_manifests == ["k8s/deployment.yaml", "k8s/service.yaml"]
        assert bundle.cloud_provider == "aws"
        assert bundle.llm is not None
        assert bundle.llm.source == "offline"

    def test_dockerfile_passes_hadolint_without_any_finding(
        self, rendered: tuple[DeploymentBundle, Path]
    ) -> None:
        """Not even an info-level hadolint finding, with no rule ignored."""
        bundle, out = rendered
        assert linters.hadolint(out / "Dockerfile") == []
        assert bundle.deployment_files[0].findings == []

    def test_manifests_pass_strict_kubernetes_validation_and_yamllint(
        self, rendered: tuple[DeploymentBundle, Path]
    ) -> None:
        """Both manifests validate strictly against the bundled schemas and lint clean."""
        bundle, out = rendered
        for manifest in bundle.k8s_manifests:
            assert linters.kubernetes_check(out / manifest) == []
            assert linters.yaml_check(out / manifest) == []
        assert all(f.findings == [] for f in bundle.deployment_files)

    def test_selectors_match_the_pod_labels(self, rendered: tuple[DeploymentBundle, Path]) -> None:
        """The Deployment's selector and the Service's selector both pick the pods it creates."""
        _, out = rendered
        deployment, service = _manifests(out)
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
        assert service["spec"]["selector"].items() <= pod_labels.items()
        assert service["spec"]["type"] == "ClusterIP"

    def test_port_and_health_path_agree_everywhere(
        self, rendered: tuple[DeploymentBundle, Path]
    ) -> None:
        """Dockerfile, container, probes and Service target one port and one health path."""
        bundle, out = rendered
        dockerfile = (out / "Dockerfile").read_text()
        deployment, service = _manifests(out)
        [container] = deployment["spec"]["template"]["spec"]["containers"]
        port = bundle.container_port
        assert port == 8000
        assert f"EXPOSE {port}\n" in dockerfile
        assert f'"--port", "{port}"]' in dockerfile
        assert f"127.0.0.1:{port}{bundle.health_path}" in dockerfile
        assert container["ports"][0]["containerPort"] == port
        assert service["spec"]["ports"][0]["targetPort"] == port
        for probe in ("readinessProbe", "livenessProbe"):
            assert container[probe]["httpGet"] == {"path": bundle.health_path, "port": port}

    def test_runs_as_a_pinned_non_root_uvicorn_image(
        self, rendered: tuple[DeploymentBundle, Path]
    ) -> None:
        """Pinned slim base, cache-less pip, numeric non-root USER matching runAsUser."""
        _, out = rendered
        dockerfile = (out / "Dockerfile").read_text()
        deployment, _ = _manifests(out)
        pod_security = deployment["spec"]["template"]["spec"]["securityContext"]
        assert re.findall(r"^FROM (\S+)", dockerfile, re.MULTILINE) == ["python:3.11-slim"] * 2
        assert "pip install --no-cache-dir -r requirements.txt" in dockerfile
        assert "HEALTHCHECK" in dockerfile
        assert 'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"' in dockerfile
        user = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)
        assert user == [str(pod_security["runAsUser"])]
        assert pod_security["runAsNonRoot"] is True
        assert ".env" in (out / ".dockerignore").read_text().splitlines()


class TestProjectFacts:
    def test_port_and_health_path_come_from_the_project(self, tmp_path: Path) -> None:
        """A `uvicorn.run(..., port=8080)` and a `/healthz` route win over the defaults."""
        runner = (
            '\nif __name__ == "__main__":\n    import uvicorn\n\n    uvicorn.run(app, port=8080)\n'
        )
        project = _project(tmp_path / "p", health="/healthz", extra=runner)
        bundle = _build(project, tmp_path / "out")
        deployment, service = _manifests(tmp_path / "out")
        [container] = deployment["spec"]["template"]["spec"]["containers"]
        assert (bundle.container_port, bundle.health_path) == (8080, "/healthz")
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": 8080}
        assert service["spec"]["ports"][0]["targetPort"] == 8080
        assert "EXPOSE 8080" in (tmp_path / "out" / "Dockerfile").read_text()

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

    def test_data_libraries_get_more_memory(self, tmp_path: Path) -> None:
        """A project that needs pandas is given larger memory requests than a plain API."""
        plain_project = _project(tmp_path / "a")
        plain = design_for(inspect_project(plain_project, project_name="aa", cloud="aws"))
        heavy_project = _project(tmp_path / "b", reqs="fastapi==0.115.0\npandas>=2.1\n")
        heavy = design_for(inspect_project(heavy_project, project_name="bb", cloud="aws"))
        assert (plain.memory_request, heavy.memory_request) == ("128Mi", "512Mi")

    def test_local_target_runs_one_replica_and_clouds_two(self, tmp_path: Path) -> None:
        """Redundancy is only asked for where the cloud provides it."""
        project = _project(tmp_path)
        local = design_for(inspect_project(project, project_name="aa", cloud="local"))
        cloud = design_for(inspect_project(project, project_name="aa", cloud="gcp"))
        assert (local.replicas, cloud.replicas) == (1, 2)

    def test_missing_requirements_is_a_blocking_dockerfile_finding(self, tmp_path: Path) -> None:
        """The image build needs requirements.txt; without it the bundle says so."""
        project = _project(tmp_path / "p")
        (project / "requirements.txt").unlink()
        bundle = _build(project, tmp_path / "out")
        [finding] = bundle.deployment_files[0].findings
        assert (finding.code, finding.blocking) == ("no-requirements", True)


class TestNames:
    @pytest.mark.parametrize(
        ("project_name", "k8s_name"), [("inventory-api-v2", "inventory-api-v2"), ("ab-", "ab")]
    )
    def test_dashed_names_become_valid_kubernetes_names(
        self, tmp_path: Path, project_name: str, k8s_name: str
    ) -> None:
        """Dashes are kept; a trailing dash, invalid in a DNS label, is dropped."""
        bundle = _build(_project(tmp_path / "p"), tmp_path / "out", name=project_name)
        deployment, service = _manifests(tmp_path / "out")
        assert deployment["metadata"]["name"] == service["metadata"]["name"] == k8s_name
        assert DNS_LABEL.match(k8s_name)
        assert deployment["spec"]["template"]["spec"]["containers"][0]["image"].startswith(
            f"{k8s_name}:"
        )
        assert all(f.findings == [] for f in bundle.deployment_files)

    def test_invalid_project_names_are_refused(self, tmp_path: Path) -> None:
        """A name that is no valid project name never reaches a template."""
        with pytest.raises(InvalidRequest):
            _build(_project(tmp_path), tmp_path / "out", name='x"; rm -rf /')

    def test_files_go_into_the_project_without_out_dir(self, tmp_path: Path) -> None:
        """Without out_dir the Dockerfile lands in the project, the image's build context."""
        project = _project(tmp_path)
        build_deployment(project, project_name="in-place", cloud="local", spec=BackendSpec())
        assert (project / "Dockerfile").is_file()
        assert (project / "k8s" / "service.yaml").is_file()


class TestDesignValidation:
    def _design(self, **changes: Any) -> dict[str, Any]:
        base = {
            "replicas": 2,
            "cpu_request": "100m",
            "cpu_limit": "500m",
            "memory_request": "128Mi",
            "memory_limit": "256Mi",
            "container_port": 8000,
            "health_path": "/health",
            "base_image": "python:3.11-slim",
        }
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
    """Pipelines need data/sample.csv in the image; databases, models and Prefect state stay out."""
    from agents.rendering import TEMPLATES_ROOT

    entries = (TEMPLATES_ROOT / "infra" / "docker" / ".dockerignore").read_text().splitlines()
    assert "data" not in entries
    assert {"*.db", "models", ".prefect", ".env"} <= set(entries)
