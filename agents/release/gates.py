"""Validator & Release Manager: decide the gates, summarise for the approver, release on approval.

Gates come from measured results only (review findings, test counts, infrastructure checks);
the model writes release notes and cannot move a gate. Instructions inside the request text
never reach a gate either.
"""

from __future__ import annotations

import logging

from pydantic import BaseModel, ConfigDict, Field

from agents.llm import BackendSpec, consult_sync, register
from agents.rendering import Renderer, default_renderer
from core.contracts import (
    AnalysisResult,
    DeploymentBundle,
    Finding,
    GateResult,
    GeneratedCode,
    ReviewReport,
    Text,
    ValidationReport,
    ValidationResults,
)

logger = logging.getLogger(__name__)

MIN_QUALITY_SCORE = 70.0
_SUMMARY_FINDINGS = 25


class ValidatorInput(BaseModel):
    """What the validator's model sees: measured outcomes, no raw user text."""

    project_name: str = Field(max_length=63)
    project_kind: str = Field(max_length=40)
    entities: list[str] = Field(max_length=10)
    score: float
    tests_passed: int
    tests_failed: int
    gates: dict[str, bool]
    findings: list[str] = Field(max_length=_SUMMARY_FINDINGS)


class ReleaseNotes(BaseModel):
    model_config = ConfigDict(extra="forbid")

    release_notes: list[Text] = Field(min_length=1, max_length=10)


def notes_for(data: ValidatorInput) -> ReleaseNotes:
    """Deterministic release notes from the measured input."""
    notes = [
        f"{data.project_kind} project {data.project_name} with "
        f"{', '.join(data.entities) or 'no'} resources.",
        f"Review score {data.score:.0f}/100; tests {data.tests_passed} passed, "
        f"{data.tests_failed} failed.",
    ]
    failed = [name for name, passed in data.gates.items() if not passed]
    notes.append(
        "All gates passed." if not failed else f"Gates failed: {', '.join(failed)}; do not approve."
    )
    notes += [f"Watch: {line}" for line in data.findings[:3]]
    return ReleaseNotes(release_notes=[n[:500] for n in notes])


register("validator", lambda payload: notes_for(ValidatorInput.model_validate(payload)))


def _gate(passed: bool, ok: str, failed: str, details: list[str]) -> GateResult:
    return GateResult(passed=passed, summary=ok if passed else failed, details=details[:30])


def _describe(finding: Finding) -> str:
    return f"{finding.path}:{finding.line} {finding.code} {finding.message}"[:500]


def decide_gates(review: ReviewReport, bundle: DeploymentBundle) -> ValidationResults:
    """The three release gates, from measured results only."""
    blocking = review.blocking_findings
    quality_ok = (
        review.code_quality_score >= MIN_QUALITY_SCORE
        and review.tests_failed == 0
        and review.tests_passed > 0
        and not [f for f in blocking if f.tool != "ruff" or not f.code.startswith("S")]
    )
    code_quality = _gate(
        quality_ok,
        f"Score {review.code_quality_score:.0f}, {review.tests_passed} tests pass.",
        f"Score {review.code_quality_score:.0f} (min {MIN_QUALITY_SCORE:.0f}), "
        f"{review.tests_passed} passed, {review.tests_failed} failed, {len(blocking)} blocking.",
        [_describe(f) for f in blocking],
    )
    high_security = [
        f for f in review.review_results.security_warnings if f.severity == "high" or f.blocking
    ]
    security = _gate(
        not high_security,
        f"No high-severity security findings ({len(review.review_results.security_warnings)} "
        "lower ones).",
        f"{len(high_security)} high-severity security findings.",
        [_describe(f) for f in high_security],
    )
    infra_blocking = [f for f in bundle.findings if f.blocking]
    kinds = {d.kind for d in bundle.deployment_files}
    infra_ok = not infra_blocking and "dockerfile" in kinds and bool(bundle.k8s_manifests)
    # A check that could not run here is no pass: the approver sees which and why.
    unchecked = sorted(
        {
            f"not checked: {v.validator} ({v.reason})"
            for d in bundle.deployment_files
            for v in d.not_checked
        }
    )
    infrastructure = _gate(
        infra_ok,
        f"{len(bundle.deployment_files)} deployment files pass their checks"
        + (f"; {len(unchecked)} checks could not run here." if unchecked else "."),
        "Deployment files are missing or failed their checks.",
        [_describe(f) for f in infra_blocking] + unchecked,
    )
    return ValidationResults(
        code_quality=code_quality,
        infrastructure=infrastructure,
        security=security,
        ready_for_deployment=quality_ok and not high_security and infra_ok,
    )


def validate(
    analysis: AnalysisResult,
    code: GeneratedCode,
    review: ReviewReport,
    bundle: DeploymentBundle,
    *,
    spec: BackendSpec,
    renderer: Renderer | None = None,
) -> ValidationReport:
    """Decide the gates and write the markdown summary shown on the approval form."""
    results = decide_gates(review, bundle)
    findings = review.review_results.security_warnings + review.review_results.issues_found
    findings += [f for d in bundle.deployment_files for f in d.findings]
    gates = {
        "code quality": results.code_quality,
        "security": results.security,
        "infrastructure": results.infrastructure,
    }
    data = ValidatorInput(
        project_name=analysis.project_plan.project_name,
        project_kind=code.project_kind,
        entities=[e.name for e in analysis.entities],
        score=review.code_quality_score,
        tests_passed=review.tests_passed,
        tests_failed=review.tests_failed,
        gates={name: gate.passed for name, gate in gates.items()},
        findings=[_describe(f) for f in findings[:_SUMMARY_FINDINGS]],
    )
    notes, trace = consult_sync(role="validator", payload=data, schema=ReleaseNotes, spec=spec)
    summary = (renderer or default_renderer()).render(
        "reports/approval_summary.md.j2",
        {
            "project_name": data.project_name,
            "ready": results.ready_for_deployment,
            "score": f"{review.code_quality_score:.0f}",
            "tests_passed": review.tests_passed,
            "tests_failed": review.tests_failed,
            "cloud": bundle.cloud_provider,
            "gates": [
                {"name": name, "passed": g.passed, "summary": g.summary}
                for name, g in gates.items()
            ],
            "findings": findings[:_SUMMARY_FINDINGS],
            "findings_total": len(findings),
            "refused": analysis.refused_instructions,
            "notes": notes.release_notes,
            "files": [f.path for f in code.generated_files]
            + [d.path for d in bundle.deployment_files],
        },
    )
    return ValidationReport(
        validation_results=results,
        summary_markdown=summary[:20_000],
        release_notes=[n[:500] for n in notes.release_notes],
        llm=trace,
    )
