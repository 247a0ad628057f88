"""The pipeline: analyze -> generate -> review (-> repair) -> devops -> validate -> approve
-> release.

Each agent is a cached, retried task; the flow only sequences them, publishes their artifacts
and asks a human before anything leaves the workspace.
"""

from __future__ import annotations

from typing import Any, Literal

from prefect import flow, get_run_logger
from prefect.runtime import flow_run
from prefect.states import Failed, State

from agents.llm import BackendSpec, Ledger
from agents.release import ApprovalRules
from blocks import (
    load_bundle_plan,
    load_github_plan,
    load_kubernetes_deployer,
    load_llm_spec,
    load_remote_url,
)
from core.contracts import (
    CloudProvider,
    PipelineOutcome,
    PipelineRequest,
    RequestOptions,
)
from core.errors import BudgetExceeded, InvalidRequest, ModelUnavailable, WorkspaceBusy
from flows.observability import configure_run_observability, mark_fallback
from flows.release_stage import ApprovalSettings, approve_and_release, run_url
from flows.reschedules import endless_reschedules
from flows.stages import CloudBlocks, publish_ledger, run_agents, workspace_for
from services.telemetry import annotate_span
from tasks.common import ArtifactPublisher
from tasks.release_audit import load_notifier
from tasks.validator import ReleaseConfig

configure_run_observability()


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
    deploy_target: Literal["local", "kubernetes", "gitops", "none"] = "local",
    keep_deployment_running: bool = True,
    llm_block: str = "",
    git_block: str = "",
    aws_block: str = "",
    gcp_block: str = "",
    azure_block: str = "",
    github_block: str = "",
    release_block: str = "",
    kubernetes_block: str = "",
    approvers: list[str] | None = None,
    four_eyes: bool = False,
    requested_by: str = "",
    notify_block: str = "",
    budget_tokens: int = 0,
    budget_usd: float = 0.0,
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
        deploy_target: ``local`` starts the approved app here; ``kubernetes`` applies the kit
            to ``kubernetes_block``'s cluster; ``gitops`` only pushes (the bundle's Argo CD
            Application deploys it); ``none`` only publishes.
        keep_deployment_running: Leave the local deployment running after its health check.
        llm_block: Name of an ``LLMBackend`` block; empty means ``AG2_SDLC_LLM*`` settings.
        git_block: Name of a ``GitRemote`` block; empty means a local bare repository.
        aws_block: ``AwsCredentials`` block for ``s3://`` CSV locations.
        gcp_block: ``GcpCredentials`` block for ``gs://`` CSV locations.
        azure_block: ``AzureBlobStorageCredentials`` block for ``az://`` CSV locations.
        github_block: A ``GitHubTarget`` block: create the repository, push (or open a pull
            request on a re-release), run CI. Empty: ``git_block`` or a local bare repository.
        release_block: The cloud's release target block (``AwsReleaseTarget``,
            ``GcpReleaseTarget`` or ``AzureReleaseTarget``) whose bucket gets the bundle.
        kubernetes_block: A ``KubernetesTarget`` block (kubeconfig, context, namespace).
        approvers: Who may approve (empty: anyone named on the form).
        four_eyes: Refuse an approval by ``requested_by``.
        requested_by: Who started the run (set by the CLI, the API or the launcher).
        notify_block: A notification block as ``type-slug/name`` (``custom-webhook/x``,
            ``slack-webhook/x``): told the run's URL and summary when it pauses.
        budget_tokens: Stop before the next model call once the run has used this many
            tokens (0: no limit).
        budget_usd: The same in US dollars, from the price table (0: no limit).
    """
    configure_run_observability()
    logger = get_run_logger()
    if refused := endless_reschedules(flow_run.id):
        logger.error("%s", refused)
        return Failed(message=refused)
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
        llm = load_llm_spec(llm_block)
        gate = ApprovalSettings(
            timeout=approval_timeout,
            mode=approval_mode,
            rules=ApprovalRules(approvers=tuple(approvers or ()), four_eyes=four_eyes),
            requested_by=requested_by,
            notifier=load_notifier(notify_block),
        )
        ledger = Ledger(budget_tokens=budget_tokens, budget_usd=budget_usd)
        ledger.check_priced(llm.backend, llm.model)
        # Bad release blocks are said now, not after an approver has spent time on the form.
        load_github_plan(github_block)
        load_bundle_plan(cloud_provider, release_block)
        if deploy_target == "kubernetes" and load_kubernetes_deployer(kubernetes_block) is None:
            raise InvalidRequest("deploy_target kubernetes needs a kubernetes_block.")
    except InvalidRequest as exc:
        return Failed(message=str(exc))
    annotate_span(**{"ag2_sdlc.project": req.project_name})
    blocks = CloudBlocks(aws=aws_block, gcp=gcp_block, azure=azure_block)
    config = ReleaseConfig(
        cloud=cloud_provider,
        github_block=github_block,
        release_block=release_block,
        kubernetes_block=kubernetes_block,
        approvers=gate.rules.approvers,
        four_eyes=four_eyes,
        run_url=run_url(),
    )
    try:
        # One run at a time per request: a second one would write the same files.
        with workspace_for(req).claimed(_this_run()):
            outcome = _agents(req, llm=llm, ledger=ledger, blocks=blocks)
            if not isinstance(outcome, PipelineOutcome):
                return outcome
            remote_url = load_remote_url(git_block, req.project_name)
            return approve_and_release(
                req, outcome, approval=gate, config=config, remote_url=remote_url
            )
    except WorkspaceBusy as exc:
        logger.error("%s", exc)
        return Failed(message=str(exc))


def _this_run() -> str:
    """The flow run as a person finds it in the UI: its name and id."""
    return f"flow run {flow_run.name or '?'} ({flow_run.id or 'no id'})"


def _agents(
    req: PipelineRequest, *, llm: BackendSpec, ledger: Ledger, blocks: CloudBlocks
) -> PipelineOutcome | State[Any]:
    """The five agents with their artifacts; a failed model or a spent budget is one sentence
    and publishes nothing."""
    artifacts = ArtifactPublisher()  # artifacts go out while the next agent works
    try:
        outcome = run_agents(req, llm=llm, ledger=ledger, artifacts=artifacts, blocks=blocks)
    except (ModelUnavailable, BudgetExceeded) as exc:
        get_run_logger().error("%s", exc)
        return Failed(message=str(exc))
    finally:
        publish_ledger(req.project_name, ledger, artifacts)
        artifacts.close()  # every agent's artifact is out before the approver looks
    if outcome.llm_fallbacks:
        mark_fallback(outcome.llm_fallbacks)
    return outcome
