"""Seeded broken files, one per validator: each is caught by the right tool, at file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agents.devops.spec import KitSpec
from core.contracts import Finding
from services import linters
from tests.agents.devops.conftest import render_kit

Kit = tuple[KitSpec, Path]


@pytest.fixture(scope="module")
def kit(projects: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Kit:
    """A clean rest_api kit for AWS; each test breaks its own copy of one file."""
    out = tmp_path_factory.mktemp("seeded") / "kit"
    spec, _ = render_kit(projects["rest_api"], out, "aws")
    return spec, out


@pytest.fixture
def copy(kit: Kit, tmp_path: Path) -> Kit:
    spec, out = kit
    shutil.copytree(out, tmp_path / "kit")
    return spec, tmp_path / "kit"


def _insert_after(path: Path, anchor: str, text: str) -> int:
    """Insert ``text`` as the line after the first line containing ``anchor``; its 1-based line."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if anchor in line)
    lines.insert(index + 1, text)
    path.write_text("".join(lines), encoding="utf-8")
    return index + 2


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def _only(found: list[Finding], tool: str) -> Finding:
    blocking = [f for f in found if f.blocking]
    assert blocking, found
    assert {f.tool for f in blocking} == {tool}, blocking
    return blocking[0]


class TestEachValidatorCatchesItsSeededBreakage:
    """A broken file of each kind yields a blocking finding from its tool, with file and line."""

    def test_unknown_field_in_a_deployment(self, copy: Kit) -> None:
        """kubernetes-validate --strict points at the unknown field's own line."""
        _, out = copy
        path = out / "k8s" / "deployment.yaml"
        line = _insert_after(path, "imagePullPolicy: Always", "          bogusField: true\n")
        found = _only(linters.kubernetes_check(path, root=out), "kubernetes-validate")
        assert (found.path, found.line) == ("k8s/deployment.yaml", line)
        assert "bogusField" in found.message
        assert linters.kubernetes_check(out / "k8s" / "service.yaml", root=out) == []

    def test_wrong_type_in_an_hpa(self, copy: Kit) -> None:
        """A string where minReplicas takes an integer is refused at that line."""
        _, out = copy
        path = out / "k8s" / "hpa.yaml"
        path.write_text(path.read_text().replace("minReplicas: 2", 'minReplicas: "two"'))
        found = _only(linters.kubernetes_check(path, root=out), "kubernetes-validate")
        assert (found.path, found.line) == ("k8s/hpa.yaml", _line_of(path, "minReplicas"))
        assert "minReplicas" in found.message

    def test_argo_cd_application_without_destination(self, copy: Kit) -> None:
        """The Argo CD CRD schema requires spec.destination; the finding points at spec."""
        _, out = copy
        path = out / "argocd" / "application.yaml"
        text = path.read_text()
        start = text.index("  destination:")
        end = text.index("  syncPolicy:")
        path.write_text(text[:start] + text[end:])
        found = _only(linters.crd_check(path, root=out), "crd-schema")
        assert (found.path, found.line) == ("argocd/application.yaml", _line_of(path, "spec:"))
        assert "destination" in found.message

    def test_undefined_expression_in_a_workflow(self, copy: Kit) -> None:
        """actionlint reports an expression naming a step that does not exist, at its line."""
        _, out = copy
        path = out / ".github" / "workflows" / "ci.yml"
        line = _insert_after(
            path, "run: make test", "      - run: echo ${{ steps.nowhere.outputs.tag }}\n"
        )
        found = _only(linters.actionlint_check(path, root=out), "actionlint")
        assert (found.path, found.line) == (".github/workflows/ci.yml", line)
        assert "nowhere" in found.message

    def test_unclosed_hcl_block(self, copy: Kit) -> None:
        """python-hcl2 and terraform fmt both refuse a block that is never closed."""
        _, out = copy
        path = out / "terraform" / "aws" / "registry.tf"
        text = path.read_text()
        path.write_text(text + 'resource "aws_s3_bucket" "unclosed" {\n  bucket = "x"\n')
        found = _only(linters.hcl_check(path, root=out), "python-hcl2")
        assert found.path == "terraform/aws/registry.tf"
        assert found.line == len(path.read_text().splitlines()) + 1  # the end of the file
        formatted = linters.fmt_check(path.parent, root=out)
        assert [f.blocking for f in formatted["terraform/aws/registry.tf"]] == [True]

    def test_add_of_a_url_in_the_dockerfile(self, copy: Kit) -> None:
        """checkov's CKV_DOCKER_4 (COPY, not ADD) at the ADD line; hadolint allows remote ADD."""
        _, out = copy
        path = out / "Dockerfile"
        line = _insert_after(path, "WORKDIR /app", "ADD https://example.com/tool.tar.gz /tmp/\n")
        failed, unparsed = linters.checkov_scan(out)
        assert unparsed == []
        assert [(c.check_id, c.path, c.line) for c in failed if c.path == "Dockerfile"] == [
            ("CKV_DOCKER_4", "Dockerfile", line)
        ]

    def test_chart_template_that_does_not_parse(self, copy: Kit) -> None:
        """Helm's own parser names the template and the line; lint and render both refuse it."""
        spec, out = copy
        chart = out / "helm" / spec.name
        template = chart / "templates" / "broken.yaml"
        template.write_text("kind: ConfigMap\n{{- if .Values.name }}\ndata: {}\n")
        values = [chart / "values-production.yaml"]
        report = linters.helm_check(chart, values, root=out)
        relative = f"helm/{spec.name}/templates/broken.yaml"
        found = [f for f in report.findings[relative] if f.blocking]
        assert {f.tool for f in found} == {"helm-lint", "helm-render"}
        assert {f.line for f in found} == {4}  # Helm reports the unexpected end of the file
        assert all("broken.yaml" in f.message for f in found)


def test_a_clean_kit_passes_the_same_validators(kit: Kit) -> None:
    """The seeded tests mean something: the unbroken files give no finding at all."""
    spec, out = kit
    assert linters.kubernetes_check(out / "k8s" / "deployment.yaml", root=out) == []
    assert linters.kubernetes_check(out / "k8s" / "hpa.yaml", root=out) == []
    assert linters.crd_check(out / "argocd" / "application.yaml", root=out) == []
    assert linters.actionlint_check(out / ".github" / "workflows" / "ci.yml", root=out) == []
    assert linters.hcl_check(out / "terraform" / "aws" / "registry.tf", root=out) == []
    assert linters.hadolint(out / "Dockerfile", root=out) == []
    chart = out / "helm" / spec.name
    report = linters.helm_check(chart, [chart / "values-production.yaml"], root=out)
    assert all(found == [] for found in report.findings.values())
    assert report.rendered["values-production.yaml"]
