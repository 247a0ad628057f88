"""The pipeline's agent stages, from the request to the approver's summary.

Each agent is a cached, retried task; this module sequences them, keeps the ledger of their
model calls (checked before every call, so a spent budget stops the run before the next one),
and hands each artifact to the publisher as soon as it is ready.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from prefect import get_run_logger

from agents.llm import BackendSpec, Ledger
from core.contracts import (
    GeneratedCode,
    PipelineOutcome,
    PipelineRequest,
    RepairResult,
    ReviewReport,
)
from core.locations import parse_location
from core.settings import get_settings
from services.workspace import Workspace
from tasks.analyzer import analyze_request, publish_analysis
from tasks.code_generator import generate_code, publish_code
from tasks.common import ArtifactPublisher, publish_llm_usage
from tasks.csv_source import fetch_csv_task
from tasks.devops import build_deployment, publish_deployment
from tasks.reviewer import publish_review, repair_code, review_code
from tasks.validator import publish_validation, validate_release


@dataclass(frozen=True)
class CloudBlocks:
    """The names of the credentials blocks that read CSV locations in buckets."""

    aws: str = ""
    gcp: str = ""
    azure: str = ""


def workspace_for(request: PipelineRequest) -> Workspace:
    """The run's workspace: same request, same directory (so cached results stay valid)."""
    return Workspace.for_project(
        get_settings().workspaces_dir, request.project_name, request.fingerprint()
    )


def file_digest(request: PipelineRequest) -> str:
    """SHA-256 of the request's CSV file, or "" for a text request."""
    if not request.csv_location:
        return ""
    with open(request.csv_location, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def review_until_clean(
    code: GeneratedCode,
    *,
    env_dir: str,
    rounds: int,
    run_tests: bool,
    llm: BackendSpec,
    ledger: Ledger,
) -> tuple[GeneratedCode, ReviewReport]:
    """Review, and repair while the review blocks, at most ``rounds`` times; each repaired
    project is reviewed again from scratch and the last review decides. Its report carries
    every round's changes (with diffs) and refused patches."""
    review = review_code.with_options(refresh_cache=not Path(env_dir).is_dir())
    ledger.ensure_room("reviewer")
    report = review(code, env_dir, llm, run_tests)
    ledger.record("reviewer", report.llm)
    repairs: list[RepairResult] = []
    for _ in range(rounds):
        if not report.is_blocking:
            break
        ledger.ensure_room("code-repair")
        code, repaired = repair_code(code, report, llm)
        ledger.record("code-repair", repaired.llm)
        repairs.append(repaired)
        ledger.ensure_room("reviewer")
        report = review(code, env_dir, llm, run_tests)
        ledger.record("reviewer", report.llm)
    changes = [change for repaired in repairs for change in repaired.changes]
    rejected = [patch for repaired in repairs for patch in repaired.rejected_patches]
    return code, report.model_copy(
        update={
            "changes": changes[-60:],
            "refactored_files": sorted({change.path for change in changes})[:200],
            "rejected_patches": rejected[-20:],
        }
    )


def _local_request(
    request: PipelineRequest, workspace: Workspace, blocks: CloudBlocks
) -> PipelineRequest:
    """The request as the analyzer reads it: default options, a bucket's CSV fetched here."""
    local = request.without_options()
    if request.csv_location and parse_location(request.csv_location) is not None:
        path = fetch_csv_task(
            request.csv_location,
            str(workspace.root / "input"),
            blocks.aws,
            blocks.gcp,
            blocks.azure,
        )
        local = local.model_copy(update={"csv_location": path})
    return local


def run_agents(
    request: PipelineRequest,
    *,
    llm: BackendSpec,
    ledger: Ledger,
    artifacts: ArtifactPublisher,
    blocks: CloudBlocks,
) -> PipelineOutcome:
    """The five agents up to the approver's summary.

    Raises:
        ModelUnavailable | BudgetExceeded: the model failed, or the budget is spent.
    """
    workspace, name = workspace_for(request), request.project_name
    env_dir = str(workspace.root / "venv")
    get_run_logger().info("Workspace for %s: %s", name, workspace.root)
    to_analyze = _local_request(request, workspace, blocks)
    # The digest keys the analyzer's cache on the file's content, not only on its path.
    digest = file_digest(to_analyze)
    ledger.ensure_room("analyzer")
    analysis = analyze_request(to_analyze, llm, csv_digest=digest)
    ledger.record("analyzer", analysis.llm)
    artifacts.submit(publish_analysis, analysis)
    # A cached result is only as good as the files it describes: regenerate (and re-review, which
    # also rebuilds the environment the release deploys from) when they are gone.
    ledger.ensure_room("code_generator")
    code = generate_code.with_options(refresh_cache=not workspace.project_dir.is_dir())(
        analysis, str(workspace.project_dir), llm, to_analyze.csv_location or "", digest
    )
    ledger.record("code_generator", code.llm)
    code, report = review_until_clean(
        code,
        env_dir=env_dir,
        rounds=request.options.review_rounds,
        run_tests=request.options.run_generated_tests,
        llm=llm,
        ledger=ledger,
    )
    artifacts.submit(publish_code, name, code)
    artifacts.submit(publish_review, name, report)
    ledger.ensure_room("devops")
    bundle = build_deployment(code, name, request.cloud_provider, llm)
    ledger.record("devops", bundle.llm)
    artifacts.submit(publish_deployment, name, bundle)
    ledger.ensure_room("validator")
    validation = validate_release(analysis, code, report, bundle, llm)
    ledger.record("validator", validation.llm)
    artifacts.submit(publish_validation, name, validation)
    return PipelineOutcome(
        project_name=name,
        project_path=code.project_path,
        analysis=analysis,
        generated_code=code,
        review=report,
        deployment=bundle,
        validation=validation,
        llm_tokens=ledger.tokens,
        llm_cost_usd=ledger.cost,
        llm_fallbacks=ledger.fallbacks,
    )


def publish_ledger(name: str, ledger: Ledger, artifacts: ArtifactPublisher) -> None:
    """The ledger goes out with the other artifacts, whether the agents finished or not."""
    artifacts.submit(publish_llm_usage, name, ledger)
