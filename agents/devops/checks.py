"""Every file of the kit checked by the tool made for it; each tool's verdict kept per file.

A tool that is absent (or cannot run) gives "not_checked" with the reason, never "passed". The
slow directory-wide tools (checkov, terraform validate and plan) run in threads beside the
per-file ones.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import yaml

from agents.devops.spec import KitSpec
from agents.devops.suppressions import SUPPRESSED_CHECKS
from core.contracts import FileKind, Finding, Suppression, Verdict
from core.errors import ToolFailed, ToolUnavailable
from services import linters

logger = logging.getLogger(__name__)

Files = list[tuple[str, FileKind]]
ByPath = dict[str, list[Finding]]
CHECKOV_KINDS = frozenset({"dockerfile", "k8s", "argocd", "ci", "terraform"})
# Placeholder inputs of the plan: moto accepts any VPC and subnet ids.
PLAN_VARIABLES = {
    "vpc_id": "vpc-0a1b2c3d4e5f60718",
    "private_subnet_ids": '["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"]',
    "github_owner": "example",
    "github_repo": "app",
}


def verdict_of(validator: str, run: Callable[[], list[Finding]]) -> Verdict:
    """Run one check; a missing or failing tool makes the file "not_checked" with the reason."""
    try:
        return found_verdict(validator, run())
    except (ToolUnavailable, ToolFailed) as exc:
        return missing_verdict(validator, exc)


def found_verdict(validator: str, found: list[Finding]) -> Verdict:
    status = "findings" if found else "passed"
    return Verdict(validator=validator, status=status, findings=found[:50])


def missing_verdict(validator: str, exc: Exception) -> Verdict:
    """ "not_checked": the tool is absent (the reason says which), or it could not run."""
    reason = str(exc) if isinstance(exc, ToolUnavailable) else f"{validator} could not run: {exc}"
    return Verdict(validator=validator, status="not_checked", reason=reason[:500])


def spread(validator: str, paths: list[str], run: Callable[[], ByPath]) -> dict[str, Verdict]:
    """One directory-wide run as a verdict for each of ``paths``."""
    try:
        by_path = run()
    except (ToolUnavailable, ToolFailed) as exc:
        return {path: missing_verdict(validator, exc) for path in paths}
    return {path: found_verdict(validator, by_path.get(path, [])) for path in paths}


def _api_groups(path: Path) -> set[str]:
    """The API groups of a manifest's documents ("" for the core group); empty if unreadable."""
    try:
        documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, UnicodeDecodeError):
        return set()
    versions = [str(d.get("apiVersion", "")) for d in documents if isinstance(d, dict)]
    return {version.split("/")[0] if "/" in version else "" for version in versions}


def _file_checks(out: Path, path: str, kind: FileKind) -> list[Verdict]:
    target = out / path
    yaml_like = target.suffix in (".yaml", ".yml") and "/templates/" not in path
    verdicts = []
    if kind == "dockerfile":
        verdicts.append(verdict_of("hadolint", lambda: linters.hadolint(target, root=out)))
    if yaml_like:
        verdicts.append(verdict_of("yamllint", lambda: linters.yaml_check(target, root=out)))
    groups = _api_groups(target) if kind in ("k8s", "argocd") else set()
    if kind == "k8s" and (not groups or groups - linters.CRD_GROUPS):
        verdicts.append(
            verdict_of("kubernetes-validate", lambda: linters.kubernetes_check(target, root=out))
        )
    if groups & linters.CRD_GROUPS:
        verdicts.append(verdict_of("crd-schema", lambda: linters.crd_check(target, root=out)))
    if kind == "ci":
        verdicts.append(
            verdict_of("actionlint", lambda: linters.actionlint_check(target, root=out))
        )
    if kind == "terraform":
        verdicts.append(verdict_of("python-hcl2", lambda: linters.hcl_check(target, root=out)))
    return verdicts


def _helm_verdicts(out: Path, spec: KitSpec, paths: list[str]) -> dict[str, list[Verdict]]:
    chart = out / "helm" / spec.name
    values = [chart / f"values-{env}.yaml" for env in spec.environments]
    try:
        report = linters.helm_check(chart, values, root=out)
    except (ToolUnavailable, ToolFailed) as exc:
        return {path: [missing_verdict("helm", exc)] for path in paths}
    verdicts: dict[str, list[Verdict]] = {}
    for path in paths:
        found = report.findings.get(path, [])
        lint = [f for f in found if f.tool == "helm-lint"]
        rendered = [f for f in found if f.tool != "helm-lint"]
        verdicts[path] = [found_verdict("helm-lint", lint), found_verdict("helm-render", rendered)]
    return verdicts


Scanner = Callable[[Path], linters.ScanResult]


def _checkov(out: Path, scan: Scanner) -> tuple[ByPath, list[Suppression]]:
    failed, unparsed = scan(out)
    by_path: ByPath = {}
    suppressed: dict[str, Suppression] = {}
    for check in failed:
        if check.check_id in SUPPRESSED_CHECKS:
            entry = suppressed.setdefault(
                check.check_id,
                Suppression(check_id=check.check_id, reason=SUPPRESSED_CHECKS[check.check_id]),
            )
            if check.path not in entry.paths:
                entry.paths.append(check.path)
            continue
        message = f"{check.name.strip()} ({check.resource})"
        by_path.setdefault(check.path, []).append(
            Finding(
                tool="checkov",
                path=check.path,
                line=check.line,
                code=check.check_id,
                message=message[:500],
                severity="high",
                blocking=True,
            )
        )
    for path in unparsed:
        by_path.setdefault(path, []).append(
            Finding(
                tool="checkov",
                path=path,
                code="parsing-error",
                severity="high",
                blocking=True,
                message="checkov could not parse this file.",
            )
        )
    return by_path, sorted(suppressed.values(), key=lambda s: s.check_id)


def _terraform(out: Path, spec: KitSpec, paths: list[str]) -> dict[str, list[Verdict]]:
    directory = out / "terraform" / spec.cloud
    verdicts: dict[str, list[Verdict]] = {path: [] for path in paths}
    if not paths:
        return verdicts
    formatted = spread("terraform-fmt", paths, lambda: linters.fmt_check(directory, root=out))
    variables = PLAN_VARIABLES if spec.cloud == "aws" else None
    validators = ["terraform-validate"] + (["terraform-plan"] if variables else [])
    try:
        validated, planned = linters.validate_and_plan(
            directory, root=out, plan_variables=variables
        )
    except (ToolUnavailable, ToolFailed) as exc:
        for path in paths:
            verdicts[path] += [formatted[path], *(missing_verdict(v, exc) for v in validators)]
        return verdicts
    for path in paths:
        verdicts[path] += [
            formatted[path],
            found_verdict("terraform-validate", validated.get(path, [])),
        ]
        if isinstance(planned, Exception):
            verdicts[path].append(missing_verdict("terraform-plan", planned))
        elif planned is not None:
            verdicts[path].append(found_verdict("terraform-plan", planned.get(path, [])))
    return verdicts


def check_kit(
    out: Path, files: Files, spec: KitSpec, *, scan: Scanner | None = None
) -> tuple[dict[str, list[Verdict]], list[Suppression]]:
    """Every validator's verdict on every file of the kit, and the checkov suppressions used.

    ``scan`` runs checkov over the kit (default: one run for this kit alone); a caller that
    checks many kits may pass the results of one run over all of them.
    """
    verdicts: dict[str, list[Verdict]] = {path: [] for path, _ in files}
    terraform_paths = [p for p, kind in files if kind == "terraform"]
    checkov_paths = [p for p, kind in files if kind in CHECKOV_KINDS]
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="devops-check") as pool:
        checkov_run: Future[tuple[ByPath, list[Suppression]]] = pool.submit(
            _checkov, out, scan or linters.checkov_scan
        )
        terraform_run = pool.submit(_terraform, out, spec, terraform_paths)
        for path, kind in files:
            verdicts[path] += _file_checks(out, path, kind)
        helm_paths = [p for p, kind in files if kind == "helm"]
        for path, found in _helm_verdicts(out, spec, helm_paths).items():
            verdicts[path] += found
        for path, found in terraform_run.result().items():
            verdicts[path] += found
        suppressions: list[Suppression] = []
        try:
            by_path, suppressions = checkov_run.result()
        except (ToolUnavailable, ToolFailed) as exc:
            for path in checkov_paths:
                verdicts[path].append(missing_verdict("checkov", exc))
        else:
            for path in checkov_paths:
                verdicts[path].append(found_verdict("checkov", by_path.get(path, [])))
    return verdicts, suppressions
