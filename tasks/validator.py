"""Prefect wrappers of the Validator & Release Manager: gates before approval, release after."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.artifacts import create_link_artifact
from prefect.cache_policies import NO_CACHE
from pydantic import SecretStr

from agents import release
from agents.llm import BackendSpec
from agents.rendering import default_renderer
from core.contracts import (
    AnalysisResult,
    Approval,
    DeploymentBundle,
    GeneratedCode,
    ReleaseResult,
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


# Side effects: never cached, and re-running is safe (commit and push are idempotent).
@task(name="release", retries=1, retry_delay_seconds=3, cache_policy=NO_CACHE)
def release_project(
    report: ValidationReport,
    approval: Approval,
    project_name: str,
    project_dir: str,
    env_dir: str,
    health_path: str,
    options: RequestOptions,
    remote_url: SecretStr | None = None,
) -> ReleaseResult:
    """Commit, push and deploy the approved project."""
    settings = get_settings()
    sandbox = Sandbox(cache_dir=settings.uv_cache_dir, timeout=settings.sandbox_timeout)
    deployer = None
    if options.deploy_target == "local":
        deployer = LocalDeployer(state_dir=settings.deployments_dir, sandbox=sandbox)
    return release.release(
        report,
        approval,
        project_dir=Path(project_dir),
        project_name=project_name,
        git=GitPublisher(remotes_dir=settings.git_remotes_dir),
        deployer=deployer,
        venv=Path(env_dir),
        health_path=health_path,
        remote_url=remote_url.get_secret_value() if remote_url else None,
        keep_running=options.keep_deployment_running,
    )


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
    """The release (approval, repository, deployment) as markdown plus links."""
    keys = publish(
        project_name,
        "release",
        markdown=default_renderer().render(
            "reports/release.md.j2", {"release": result, "name": project_name}
        ),
        description="Release Manager: approval, repository, deployment",
    )
    for suffix, link in (
        ("repository", result.git_repository),
        ("deployment", result.deployment_status.url),
    ):
        if link:
            key = artifact_key(project_name, suffix)
            create_link_artifact(link=link, key=key, description=f"{suffix} of {project_name}")
            keys.append(key)
    return keys
