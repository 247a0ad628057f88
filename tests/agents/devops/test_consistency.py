"""The kit's files agree: image, port, health path, settings and secret names, read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.devops.consistency import consistency_problems, kit_facts
from core.contracts import CloudProvider
from tests.agents.devops.conftest import KINDS, render_kit


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure", "local"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_agrees_with_itself_everywhere(
    projects: dict[str, Path], tmp_path: Path, kind: str, cloud: CloudProvider
) -> None:
    """No mismatch, and the facts are read from every kind of file that states them."""
    spec, _ = render_kit(projects[kind], tmp_path, cloud)
    assert consistency_problems(tmp_path, spec) == []
    sources = {fact.path.split("/")[0] for fact in kit_facts(tmp_path, spec)}
    expected = {"Dockerfile", "docker-compose.yml", "k8s", "helm", ".github"}
    assert expected | ({"terraform"} if cloud != "local" else set()) <= sources
    names = {fact.name for fact in kit_facts(tmp_path, spec)}
    assert {"image", "port", "health path", "setting"} <= names
    if spec.secrets:
        assert {"secret", "secret key"} <= names
    if spec.secrets and cloud != "local":
        assert "secret entry" in names  # ExternalSecret, values.yaml and Terraform agree


class TestSeededMismatches:
    """A value changed in one file is a blocking finding on that file, at its line."""

    def test_port_8080_in_the_service_against_8000_in_the_dockerfile(
        self, projects: dict[str, Path], tmp_path: Path
    ) -> None:
        """The targetPort disagrees with EXPOSE 8000: the Service is named, not the rest."""
        spec, _ = render_kit(projects["rest_api"], tmp_path, "aws")
        service = tmp_path / "k8s" / "service.yaml"
        service.write_text(service.read_text().replace("targetPort: 8000", "targetPort: 8080"))
        assert "EXPOSE 8000" in (tmp_path / "Dockerfile").read_text()
        [problem] = consistency_problems(tmp_path, spec)
        assert (problem.path, problem.code, problem.blocking) == (
            "k8s/service.yaml", "mismatch-port", True,
        )  # fmt: skip
        line = service.read_text().splitlines()[problem.line - 1]
        assert "8080" in line
        assert "Dockerfile" in problem.message

    def test_image_renamed_in_the_deploy_workflow(
        self, projects: dict[str, Path], tmp_path: Path
    ) -> None:
        """The workflow would push an image the manifests and Terraform do not know."""
        spec, _ = render_kit(projects["web_app"], tmp_path, "gcp")
        workflow = tmp_path / ".github" / "workflows" / "deploy.yml"
        text = workflow.read_text()
        workflow.write_text(text.replace(f"/{spec.image_name}\n", "/another-image\n", 1))
        problems = consistency_problems(tmp_path, spec)
        assert [(p.path, p.code) for p in problems] == [
            (".github/workflows/deploy.yml", "mismatch-image")
        ]

    def test_secret_entry_renamed_in_terraform(
        self, projects: dict[str, Path], tmp_path: Path
    ) -> None:
        """The ExternalSecret would read an entry the Terraform never creates."""
        spec, _ = render_kit(projects["rest_api"], tmp_path, "azure")
        secrets_tf = tmp_path / "terraform" / "azure" / "secrets.tf"
        entry = spec.secrets[0].remote
        secrets_tf.write_text(secrets_tf.read_text().replace(f'"{entry}"', '"db-url"'))
        problems = consistency_problems(tmp_path, spec)
        assert [(p.path, p.code) for p in problems] == [
            ("terraform/azure/secrets.tf", "mismatch-secret-entry")
        ]
