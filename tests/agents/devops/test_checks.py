"""An absent tool is never a pass: its files say "not checked" and why, and the gate shows it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agents.devops.checks import check_kit, found_verdict, missing_verdict, spread
from agents.release.gates import decide_gates
from core.contracts import DeploymentBundle, DeploymentFile, Finding, ReviewReport, ReviewResults
from core.errors import ToolUnavailable
from tests.agents.devops.conftest import render_kit


@pytest.fixture(scope="module")
def unchecked(
    projects: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[tuple[str, str, str]]]:
    """An AWS kit checked where checkov, the provider mirror and node are all missing."""
    out = tmp_path_factory.mktemp("unchecked") / "kit"
    spec, files = render_kit(projects["web_app"], out, "aws")
    empty_mirror = tmp_path_factory.mktemp("no-providers")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AG2_SDLC_CHECKOV", str(empty_mirror / "checkov"))
        patch.setenv("AG2_SDLC_TF_PLUGIN_DIR", str(empty_mirror))
        patch.setattr(
            shutil, "which", lambda name, *a, **k: None if name == "node" else _which(name)
        )
        verdicts, suppressions = check_kit(out, files, spec)
    assert suppressions == []
    return {
        path: [(v.validator, v.status, v.reason) for v in found] for path, found in verdicts.items()
    }


_which = shutil.which


class TestAbsentTools:
    """Missing checkov, providers or node yield "not_checked" with the reason, never "passed"."""

    def test_checkov_missing(self, unchecked: dict[str, list[tuple[str, str, str]]]) -> None:
        """Every file checkov scans says it was not checked, naming the missing executable."""
        for path in ("Dockerfile", "k8s/deployment.yaml", ".github/workflows/ci.yml"):
            [(_, status, reason)] = [v for v in unchecked[path] if v[0] == "checkov"]
            assert status == "not_checked"
            assert "checkov is not installed" in reason

    def test_terraform_provider_missing(
        self, unchecked: dict[str, list[tuple[str, str, str]]]
    ) -> None:
        """validate and plan are not checked without the provider; fmt and parsing still run."""
        verdicts = {v[0]: v for v in unchecked["terraform/aws/cluster.tf"]}
        for validator in ("terraform-validate", "terraform-plan"):
            assert verdicts[validator][1] == "not_checked"
            assert "hashicorp/aws is not in the local mirror" in verdicts[validator][2]
        assert verdicts["terraform-fmt"][1] == "passed"
        assert verdicts["python-hcl2"][1] == "passed"

    def test_node_missing_for_the_crd_schemas(
        self, unchecked: dict[str, list[tuple[str, str, str]]]
    ) -> None:
        """The Argo CD and External Secrets kinds are not checked without node."""
        for path in ("argocd/application.yaml", "k8s/externalsecret.yaml"):
            [(_, status, reason)] = [v for v in unchecked[path] if v[0] == "crd-schema"]
            assert (status, reason) == (
                "not_checked",
                "node is not installed, so the CRD schemas cannot be run.",
            )

    def test_nothing_unavailable_is_reported_as_passed(
        self, unchecked: dict[str, list[tuple[str, str, str]]]
    ) -> None:
        """Checks whose tool is here still pass; none of the missing ones does."""
        statuses = {(v[0], v[1]) for found in unchecked.values() for v in found}
        missing = {"checkov", "terraform-validate", "terraform-plan", "crd-schema"}
        assert not {s for s in statuses if s[0] in missing and s[1] == "passed"}
        assert ("hadolint", "passed") in statuses
        assert ("kubernetes-validate", "passed") in statuses


def test_a_directory_run_that_cannot_start_marks_every_file() -> None:
    """One failed directory-wide run is "not_checked" on each of its files, with the reason."""

    def run() -> dict[str, list[Finding]]:
        raise ToolUnavailable("no terraform binary is installed here.")

    verdicts = spread("terraform-fmt", ["a.tf", "b.tf"], run)
    assert {v.status for v in verdicts.values()} == {"not_checked"}
    assert {v.reason for v in verdicts.values()} == {"no terraform binary is installed here."}


def test_the_infrastructure_gate_lists_what_was_not_checked() -> None:
    """Not-checked validators do not block, but the approver reads which and why."""
    review = ReviewReport(review_results=ReviewResults(), code_quality_score=90, tests_passed=3)
    files = [
        DeploymentFile(
            path="Dockerfile", kind="dockerfile", verdicts=[found_verdict("hadolint", [])]
        ),
        DeploymentFile(
            path="terraform/gcp/main.tf",
            kind="terraform",
            verdicts=[
                missing_verdict("terraform-validate", ToolUnavailable("no google provider here"))
            ],
        ),
    ]
    bundle = DeploymentBundle(
        deployment_files=files, cloud_provider="gcp", k8s_manifests=["k8s/deployment.yaml"]
    )
    gate = decide_gates(review, bundle).infrastructure
    assert gate.passed
    assert "1 checks could not run here" in gate.summary
    assert gate.details == ["not checked: terraform-validate (no google provider here)"]
