"""Every project kind on every cloud: the whole kit is written and every validator passes."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from agents.devops import build_deployment
from agents.llm import BackendSpec
from core.contracts import DeploymentBundle
from services import linters
from tests.agents.devops.conftest import CLOUDS, KINDS, render_kit

CANARY = "canary-4f1d9b2e7a-do-not-leak"
CASES = [(kind, cloud) for kind in KINDS for cloud in CLOUDS]
# What each kind of file must be checked by (besides consistency, where it reads the file).
REQUIRED = {
    "dockerfile": {"hadolint", "checkov"},
    "compose": {"yamllint"},
    "k8s": {"yamllint", "checkov"},  # + kubernetes-validate or, for custom resources, crd-schema
    "argocd": {"yamllint", "crd-schema", "checkov"},
    "ci": {"yamllint", "actionlint", "checkov"},
    "terraform": {"terraform-fmt", "python-hcl2", "terraform-validate", "checkov"},
}
# The only checks allowed not to run: terraform validate/plan where no provider is mirrored,
# and every terraform check on a machine without the binary (it comes with the image, if at all).
NO_PROVIDER_HERE = {"terraform-validate", "terraform-plan"} | (
    {"terraform-fmt"} if shutil.which("terraform") is None else set()
)


@pytest.fixture(scope="module")
def kits(
    projects: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str], tuple[DeploymentBundle, Path]]:
    """The 15 kits: checkov scans them all in one run, the rest runs two kits at a time.

    The kits are written once for that scan and again (identically: rendering is
    deterministic) by the agent, which takes each kit's part of the scan as its checkov run.
    """
    root = tmp_path_factory.mktemp("kits")
    for kind, cloud in CASES:
        render_kit(projects[kind], root / f"{kind}-{cloud}", cloud)  # type: ignore[arg-type]
    scanned = linters.checkov_scan_many(root)

    def one(case: tuple[str, str]) -> tuple[DeploymentBundle, Path]:
        kind, cloud = case
        out = root / f"{kind}-{cloud}"
        bundle = build_deployment(
            projects[kind], project_name=projects[kind].name, cloud=cloud,  # type: ignore[arg-type]
            spec=BackendSpec(), out_dir=out, checkov_scan=lambda kit: scanned[kit.name],
        )  # fmt: skip
        return bundle, out

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AG2_SDLC_LLM_API_KEY", CANARY)
        with ThreadPoolExecutor(max_workers=2) as pool:
            return dict(zip(CASES, pool.map(one, CASES), strict=True))


@pytest.mark.parametrize(("kind", "cloud"), CASES)
class TestEveryValidatorPasses:
    """For each kind x cloud, each file is checked by its tools and none finds anything."""

    def test_no_finding_and_no_unexplained_checkov_failure(
        self, kits: dict[tuple[str, str], tuple[DeploymentBundle, Path]], kind: str, cloud: str
    ) -> None:
        """Every verdict is "passed", or "not checked" only for a provider absent here."""
        bundle, _ = kits[(kind, cloud)]
        problems = [
            f"{file.path}: {verdict.validator} {verdict.status} {verdict.reason} "
            + "; ".join(f"{f.line} {f.code} {f.message}" for f in verdict.findings)
            for file in bundle.deployment_files
            for verdict in file.verdicts
            if verdict.status == "findings"
            or (verdict.status == "not_checked" and verdict.validator not in NO_PROVIDER_HERE)
        ]
        assert not problems, "\n".join(problems)
        assert all(s.reason and s.paths for s in bundle.suppressions)

    def test_each_file_kind_is_checked_by_its_own_tools(
        self, kits: dict[tuple[str, str], tuple[DeploymentBundle, Path]], kind: str, cloud: str
    ) -> None:
        """Dockerfile by hadolint, manifests by kubernetes-validate, Terraform by terraform, ..."""
        bundle, _ = kits[(kind, cloud)]
        for file in bundle.deployment_files:
            ran = {v.validator for v in file.verdicts}
            assert REQUIRED.get(file.kind, set()) <= ran, (file.path, ran)
            if file.kind == "helm":
                assert {"helm-lint", "helm-render"} <= ran, file.path
            if file.kind == "k8s":
                schema = (
                    "crd-schema" if "secret" in file.path.split("/")[-1] else "kubernetes-validate"
                )
                assert schema in ran, (file.path, ran)
        not_checked = {v.validator for f in bundle.deployment_files for v in f.not_checked}
        if cloud == "aws" and not not_checked:  # the mirror holds the AWS provider
            planned = [f for f in bundle.deployment_files if f.kind == "terraform"]
            assert all("terraform-plan" in {v.validator for v in f.verdicts} for f in planned)
        if cloud != "aws":  # no google/azurerm provider is installable here: said, not passed
            reasons = [v.reason for f in bundle.deployment_files for v in f.not_checked]
            assert reasons
            assert all(
                "not in the local mirror" in r or "no terraform binary" in r for r in reasons
            )

    def test_bundle_lists_every_written_file_with_its_kind(
        self, kits: dict[tuple[str, str], tuple[DeploymentBundle, Path]], kind: str, cloud: str
    ) -> None:
        """Nothing is written that the bundle does not list, and the lists agree with the kinds."""
        bundle, out = kits[(kind, cloud)]
        on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
        assert on_disk == {f.path for f in bundle.deployment_files}
        kinds = {f.path: f.kind for f in bundle.deployment_files}
        assert all(kinds[p] == "k8s" for p in bundle.k8s_manifests)
        assert all(kinds[p] == "terraform" for p in bundle.infrastructure_as_code["terraform"])
        assert {".github/workflows/ci.yml", ".github/workflows/deploy.yml"} <= set(
            bundle.ci_cd_config
        )
        assert bundle.infrastructure_as_code["terraform"]
        assert bundle.project_kind == kind

    def test_no_secret_value_reaches_any_file(
        self, kits: dict[tuple[str, str], tuple[DeploymentBundle, Path]], kind: str, cloud: str
    ) -> None:
        """A canary key in the environment appears nowhere; secrets are referenced by name."""
        bundle, out = kits[(kind, cloud)]
        for path in out.rglob("*"):
            if path.is_file():
                assert CANARY not in path.read_text(encoding="utf-8"), path
        assert CANARY not in bundle.model_dump_json()
