"""The pipeline: analyze -> generate -> review (-> repair) -> devops -> validate -> approve
-> release.

Each agent is a cached, retried task; the flow only sequences them, publishes their artifacts
and asks a human before anything leaves the workspace.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Literal

from prefect import flow, get_run_logger
from prefect.states import Failed, State

from agents.llm import BackendSpec
from blocks import load_llm_spec, load_remote_url
from core.contracts import (
    CloudProvider,
    GeneratedCode,
    PipelineOutcome,
    PipelineRequest,
    RepairResult,
    RequestOptions,
    ReviewReport,
)
from core.errors import InvalidRequest, PublishError
from core.locations import parse_location
from core.settings import get_settings
from flows.approval import request_approval
from services.workspace import Workspace
from tasks.analyzer import analyze_request, publish_analysis
from tasks.code_generator import generate_code, publish_code
from tasks.common import ArtifactPublisher, publish_llm_usage
from tasks.csv_source import fetch_csv_task
from tasks.devops import build_deployment, publish_deployment
from tasks.reviewer import publish_review, repair_code, review_code
from tasks.validator import publish_release, publish_validation, release_project, validate_release


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
    code: GeneratedCode, *, env_dir: str, rounds: int, run_tests: bool, llm: BackendSpec
) -> tuple[GeneratedCode, ReviewReport]:
    """Review, and repair while the review blocks, at most ``rounds`` times; each repaired
    project is reviewed again from scratch and the last review decides. Its report carries
    every round's changes (with diffs) and refused patches."""
    review = review_code.with_options(refresh_cache=not Path(env_dir).is_dir())
    report = review(code, env_dir, llm, run_tests)
    repairs: list[RepairResult] = []
    for _ in range(rounds):
        if not report.is_blocking:
            break
        code, repaired = repair_code(code, report, llm)
        repairs.append(repaired)
        report = review(code, env_dir, llm, run_tests)
    changes = [change for repaired in repairs for change in repaired.changes]
    rejected = [patch for repaired in repairs for patch in repaired.rejected_patches]
    return code, report.model_copy(
        update={
            "changes": changes[-60:],
            "refactored_files": sorted({change.path for change in changes})[:200],
            "rejected_patches": rejected[-20:],
        }
    )


@flow(name="sdlc-pipeline", persist_result=True)
def sdlc_pipeline(
    request: str = "",
    csv_location: str = "",
    cloud_provider: CloudProvider = "local",
    project_name: str = "",
    project_kind: Literal[
        "auto", "rest_api", "web_app", "ml_pipeline", "etl_pipeline", "microservices"
    ] = "auto",
    approval_timeout: int = 3600,
    approval_mode: Literal["pause", "suspend"] = "pause",
    review_rounds: int = 2,
    deploy_target: Literal["local", "none"] = "local",
    keep_deployment_running: bool = True,
    llm_block: str = "",
    git_block: str = "",
    aws_block: str = "",
    gcp_block: str = "",
    azure_block: str = "",
) -> PipelineOutcome | State[Any]:
    """From a request text or CSV file to a reviewed, approved, released project.

    Args:
        request: What to build, in words (or leave empty and give ``csv_location``).
        csv_location: A CSV file to build around.
        cloud_provider: aws, gcp, azure or local.
        project_name: Lowercase name with dashes; derived from the request when empty.
        project_kind: rest_api, web_app, ml_pipeline, etl_pipeline or microservices; ``auto``
            infers it from the request (a CSV alone gives a rest_api).
        approval_timeout: Seconds to wait for the approval form before giving up.
        approval_mode: ``pause`` keeps the worker waiting; ``suspend`` frees it.
        review_rounds: How many repair rounds a blocking review may trigger.
        deploy_target: ``local`` starts the approved app here; ``none`` only publishes.
        keep_deployment_running: Leave the local deployment running after its health check.
        llm_block: Name of an ``LLMBackend`` block; empty means ``AG2_SDLC_LLM*`` settings.
        git_block: Name of a ``GitRemote`` block; empty means a local bare repository.
        aws_block: ``AwsCredentials`` block for ``s3://`` CSV locations.
        gcp_block: ``GcpCredentials`` block for ``gs://`` CSV locations.
        azure_block: ``AzureBlobStorageCredentials`` block for ``az://`` CSV locations.
    """
    logger = get_run_logger()
    try:
        req = PipelineRequest.from_inputs(
            text=request or None,
            csv=csv_location or None,
            name=project_name or None,
            cloud=cloud_provider,
            kind=None if project_kind == "auto" else project_kind,
            options=RequestOptions(
                review_rounds=review_rounds,
                deploy_target=deploy_target,
                keep_deployment_running=keep_deployment_running,
            ),
        )
    except InvalidRequest as exc:
        return Failed(message=str(exc))

    llm = load_llm_spec(llm_block)
    workspace = workspace_for(req)
    name = req.project_name
    env_dir = str(workspace.root / "venv")
    logger.info("Workspace for %s: %s", name, workspace.root)

    to_analyze = req.without_options()
    if req.csv_location and parse_location(req.csv_location) is not None:
        local = fetch_csv_task(
            req.csv_location, str(workspace.root / "input"), aws_block, gcp_block, azure_block
        )
        to_analyze = to_analyze.model_copy(update={"csv_location": local})
    # The digest keys the analyzer's cache on the file's content, not only on its path.
    digest = file_digest(to_analyze)
    analysis = analyze_request(to_analyze, llm, csv_digest=digest)
    artifacts = ArtifactPublisher()  # artifacts go out while the next agent works
    artifacts.submit(publish_analysis, analysis)
    # A cached result is only as good as the files it describes: regenerate (and re-review, which
    # also rebuilds the environment the release deploys from) when they are gone.
    code = generate_code.with_options(refresh_cache=not workspace.project_dir.is_dir())(
        analysis, str(workspace.project_dir), llm, to_analyze.csv_location or "", digest
    )
    code, report = review_until_clean(
        code,
        env_dir=env_dir,
        rounds=req.options.review_rounds,
        run_tests=req.options.run_generated_tests,
        llm=llm,
    )
    artifacts.submit(publish_code, name, code)
    artifacts.submit(publish_review, name, report)
    bundle = build_deployment(code, name, req.cloud_provider, llm)
    artifacts.submit(publish_deployment, name, bundle)
    validation = validate_release(analysis, code, report, bundle, llm)
    artifacts.submit(publish_validation, name, validation)
    traces = [analysis.llm, code.llm, report.llm, bundle.llm, validation.llm]
    artifacts.submit(publish_llm_usage, name, traces)
    keys = artifacts.close()  # every agent's artifact is out before the approver looks
    outcome = PipelineOutcome(
        project_name=name,
        project_path=code.project_path,
        analysis=analysis,
        generated_code=code,
        review=report,
        deployment=bundle,
        validation=validation,
    )
    if not validation.validation_results.ready_for_deployment:
        return Failed(message="The release gates did not pass; nothing was published.")

    approval = request_approval(
        validation.summary_markdown,
        timeout=approval_timeout,
        mode=approval_mode,
    )
    if not approval.approved:
        reason = (
            f"Rejected by {approval.reviewer}: {approval.comment}"
            if approval.reviewer
            else f"Approval timed out after {approval_timeout} s; nothing was published."
        )
        logger.info(reason)
        return Failed(message=reason)

    try:
        result = release_project(
            validation,
            approval,
            name,
            code.project_path,
            env_dir,
            bundle.health_path,
            req.options,
            load_remote_url(git_block, name),
        )
    except PublishError as exc:  # e.g. the remote moved on: one sentence, the run fails
        logger.error("Release failed: %s", exc)
        return Failed(message=f"Approved, but the release failed: {exc}")
    keys += publish_release(name, result)
    logger.info("Published artifacts: %s", ", ".join(keys))
    return outcome.model_copy(update={"release": result})
