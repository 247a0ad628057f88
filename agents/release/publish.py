"""The release half of the Validator & Release Manager: runs only after an explicit approval."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from core.contracts import Approval, DeploymentStatus, ReleaseResult, ValidationReport
from core.errors import ApprovalDenied
from services.deploy import LocalDeployer
from services.git import GitPublisher

logger = logging.getLogger(__name__)


def public_url(remote: str) -> str:
    """A shareable form of a remote: credentials removed, local paths as ``file://`` URIs."""
    parts = urlsplit(remote)
    if not parts.scheme:
        return Path(remote).resolve().as_uri()
    if "@" in parts.netloc:
        parts = parts._replace(netloc=parts.netloc.rsplit("@", 1)[1])
    return urlunsplit(parts)


def release(
    report: ValidationReport,
    approval: Approval,
    *,
    project_dir: Path,
    project_name: str,
    git: GitPublisher,
    deployer: LocalDeployer | None,
    venv: Path | None,
    health_path: str = "/health",
    remote_url: str | None = None,
    keep_running: bool = True,
) -> ReleaseResult:
    """Commit, push and deploy an approved, gate-passing release.

    Raises:
        ApprovalDenied: the approval is missing, negative, or the gates did not pass.
        PublishError: the push or the deployment failed.
    """
    if not approval.approved or not approval.reviewer:
        raise ApprovalDenied("Nothing is published without an explicit approval.")
    if not report.validation_results.ready_for_deployment:
        raise ApprovalDenied("The release gates did not pass; nothing is published.")
    reviewer = approval.reviewer
    message = f"Release {project_name}\n\nApproved-by: {reviewer}\n"
    if approval.comment:
        message += f"Approval-comment: {approval.comment}\n"
    git.continue_history(project_dir, repo_name=project_name, remote_url=remote_url)
    sha = git.commit(
        project_dir,
        message=message,
        author_name=reviewer,
        author_email="approver@ag2-sdlc.invalid",
    )
    repository = git.push(project_dir, repo_name=project_name, remote_url=remote_url)
    if deployer is not None and venv is not None:
        status = deployer.deploy(
            project_dir,
            venv=venv,
            name=project_name,
            health_path=health_path,
            keep_running=keep_running,
        )
    else:
        status = DeploymentStatus(target="none", status="skipped", detail="No deploy target set.")
    logger.info("released %s at %s: %s", project_name, sha[:12], status.status)
    return ReleaseResult(
        validation_results=report.validation_results,
        approval=approval,
        git_repository=public_url(repository),
        commit_sha=sha,
        deployment_status=status,
        published=True,
    )
