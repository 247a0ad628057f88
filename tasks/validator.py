"""Prefect wrappers of the Validator & Release Manager: gates before approval, release after."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prefect import task
from prefect.artifacts import create_link_artifact
from prefect.cache_policies import NO_CACHE
from pydantic import SecretStr

from agents import release
from agents.llm import BackendSpec
from agents.rendering import default_renderer, md_text
from blocks import load_bundle_plan, load_github_plan, load_kubernetes_deployer
from core.contracts import (
    AnalysisResult,
    Approval,
    DeploymentBundle,
    DeploymentStatus,
    GeneratedCode,
    ReleaseResult,
    ReleaseStep,
    RequestOptions,
    ReviewReport,
    ValidationReport,
)
from core.settings import get_settings
from services.deploy import LocalDeployer
from services.git import GitPublisher
from services.sandbox import Sandbox
from tasks.common import agent_task, artifact_key, publish


@agent_task("validator", retries=1)
def validate_release(
    analysis: AnalysisResult,
    code: GeneratedCode,
    report: ReviewReport,
    bundle: DeploymentBundle,
    llm: BackendSpec,
) -> ValidationReport:
    """Decide the release gates and write the approver's summary."""
    return release.validate(analysis, code, report, bundle, spec=llm)


@dataclass(frozen=True)
class ReleaseConfig:
    """What the flow's parameters say about where a release goes (block names, rules)."""

    cloud: str = "local"
    github_block: str = ""
    release_block: str = ""
    kubernetes_block: str = ""
    approvers: tuple[str, ...] = ()
    four_eyes: bool = False
    run_url: str = ""


# Side effects: never cached, and re-running is safe (every step is idempotent).
@task(name="release", retries=0, cache_policy=NO_CACHE)
def release_project(
    report: ValidationReport,
    approval: Approval,
    project_name: str,
    project_dir: str,
    env_dir: str,
    health_path: str,
    options: RequestOptions,
    remote_url: SecretStr | None = None,
    config: ReleaseConfig | None = None,
) -> ReleaseResult:
    """Check the approval against the rules, then commit, tag, push, upload, run CI, deploy."""
    config = config or ReleaseConfig()
    settings = get_settings()
    sandbox = Sandbox(cache_dir=settings.uv_cache_dir, timeout=settings.sandbox_timeout)
    rules = release.ApprovalRules(approvers=config.approvers, four_eyes=config.four_eyes)
    deploy = None
    cluster = load_kubernetes_deployer(config.kubernetes_block)
    if options.deploy_target == "kubernetes" and cluster is not None:

        def deploy(directory: Path) -> DeploymentStatus:
            return cluster.deploy(directory / "k8s", health_path=health_path)

    elif options.deploy_target == "local":
        deployer = LocalDeployer(state_dir=settings.deployments_dir, sandbox=sandbox)

        def deploy(directory: Path) -> DeploymentStatus:
            return deployer.deploy(
                directory,
                venv=Path(env_dir),
                name=project_name,
                health_path=health_path,
                keep_running=options.keep_deployment_running,
            )

    plan = release.ReleasePlan(
        project_dir=Path(project_dir),
        project_name=project_name,
        git=GitPublisher(remotes_dir=settings.git_remotes_dir),
        bundle_dir=Path(project_dir).parent / "release",
        remote_url=remote_url.get_secret_value() if remote_url else None,
        github=load_github_plan(config.github_block),
        bundle=load_bundle_plan(config.cloud, config.release_block),
        deploy=deploy,
        deploy_target=options.deploy_target,
        run_url=config.run_url,
        review_summary=report.summary_markdown,
    )
    return release.release(report, approval, plan, rules=rules)


def publish_validation(project_name: str, report: ValidationReport) -> list[str]:
    """The approver's summary as markdown and the gates as a table."""
    gates = report.validation_results
    rows = [
        {"gate": name, "passed": gate.passed, "summary": gate.summary}
        for name, gate in (
            ("code quality", gates.code_quality),
            ("security", gates.security),
            ("infrastructure", gates.infrastructure),
        )
    ]
    return publish(
        project_name,
        "validation",
        markdown=report.summary_markdown,
        table=rows,
        description="Validator: gates and the summary shown on the approval form",
    )


def publish_release(project_name: str, result: ReleaseResult) -> list[str]:
    """The release (approval, steps, repository, CI, bundle, deployment) as markdown plus links."""
    keys = publish(
        project_name,
        "release",
        markdown=default_renderer().render(
            "reports/release.md.j2", {"release": result, "name": project_name}
        ),
        table=[step.model_dump(mode="json") for step in result.steps],
        description="Release Manager: approval, steps, repository, CI, bundle, deployment",
    )
    for suffix, link in (
        ("repository", result.git_repository),
        ("pull-request", result.pull_request_url),
        ("ci", result.ci_run_url),
        ("bundle", result.bundle_location),
        ("deployment", result.deployment_status.url),
    ):
        if link:
            key = artifact_key(project_name, suffix)
            create_link_artifact(link=link, key=key, description=f"{suffix} of {project_name}")
            keys.append(key)
    return keys


def publish_failed_release(project_name: str, steps: list[ReleaseStep], reason: str) -> list[str]:
    """A release that stopped at a failed step: what was done before it, and why it stopped."""
    lines = [f"# Release of `{project_name}` failed", "", reason, "", "| step | status | detail |"]
    lines += ["| --- | --- | --- |"]
    lines += [f"| {s.name} | {s.status} | {md_text(s.detail)} |" for s in steps]
    return publish(
        project_name,
        "release",
        markdown="\n".join(lines) + "\n",
        table=[step.model_dump(mode="json") for step in steps],
        description="Release Manager: the release stopped at a failed step",
    )
