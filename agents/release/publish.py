"""The release half of the Validator & Release Manager: runs only after an allowed approval.

Steps, each recorded as done, skipped (with why) or failed: the GitHub repository (when a
GitHub target is set), the commit with the approval as trailers, the tag, the bundle (archive
and SHA-256 manifest), the push (or, when GitHub already holds the project, a branch and a
pull request), the upload to the bucket, the CI run, the deployment. A failed step stops the
release there with one sentence; nothing after it runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from git import Repo
from github.Repository import Repository

from agents.release.rules import ApprovalRules
from agents.release.steps import StepLog
from core.contracts import Approval, DeploymentStatus, ReleaseResult, ValidationReport
from services.bundle import Bundle, build_bundle, upload_bundle
from services.git import GitPublisher
from services.git_tags import remote_branch, tag_release
from services.github import GitHubService, Visibility
from services.github_ci import run_ci
from services.storage import StorageClients

logger = logging.getLogger(__name__)

DEFAULT_GITIGNORE = "__pycache__/\n*.py[cod]\n.venv/\nvenv/\n.env\n*.log\n*.db\n*.sqlite3\n"
Deploy = Callable[[Path], DeploymentStatus]


def public_url(remote: str) -> str:
    """A shareable form of a remote: credentials removed, local paths as ``file://`` URIs."""
    parts = urlsplit(remote)
    if not parts.scheme:
        return Path(remote).resolve().as_uri()
    if "@" in parts.netloc:
        parts = parts._replace(netloc=parts.netloc.rsplit("@", 1)[1])
    return urlunsplit(parts)


@dataclass(frozen=True)
class GitHubPlan:
    service: GitHubService
    visibility: Visibility = "private"


@dataclass(frozen=True)
class BundlePlan:
    """Where the bundle goes: ``prefix`` is ``s3://bucket/path`` (or gs://, az://)."""

    clients: StorageClients
    prefix: str


@dataclass(frozen=True)
class ReleasePlan:
    """Everything a release needs besides the decision; targets left None are skipped."""

    project_dir: Path
    project_name: str
    git: GitPublisher
    bundle_dir: Path
    remote_url: str | None = None
    github: GitHubPlan | None = None
    bundle: BundlePlan | None = None
    deploy: Deploy | None = None
    deploy_target: str = "local"
    run_url: str = ""
    review_summary: str = ""


def commit_message(name: str, approval: Approval, run_url: str) -> str:
    """The release commit's message, the approval recorded as git trailers."""
    lines = [f"Release {name}", "", f"Approved-by: {approval.reviewer}"]
    if approval.comment:
        lines.append(f"Approval-comment: {' '.join(approval.comment.split())}")
    if approval.override:
        lines.append("Approval-override: released although the gates did not pass")
    if run_url:
        lines.append(f"Run-URL: {run_url}")
    return "\n".join(lines) + "\n"


def release(
    report: ValidationReport,
    approval: Approval,
    plan: ReleasePlan,
    *,
    rules: ApprovalRules | None = None,
) -> ReleaseResult:
    """Publish an approved release, step by step.

    Raises:
        ApprovalDenied: the approval is missing, negative, or not allowed by ``rules``.
        ReleaseFailed: a step failed (one sentence; ``steps`` says what was done).
    """
    (rules or ApprovalRules()).check(approval, ready=report.validation_results.ready_for_deployment)
    log = StepLog()
    remote_url, gh_repo = _repository(plan, log)
    sha = _commit(plan, approval, remote_url, log)
    repo = Repo(plan.project_dir)
    with log.step("tag") as step:
        known = remote_url or _existing_bare(plan)
        tag, created = tag_release(repo, remote_url=known, message=f"Release {sha[:12]}")
        step.done(f"{tag} {'created' if created else 'already marks this commit'}")
    with log.step("bundle") as step:
        bundle = build_bundle(
            plan.project_dir,
            ref=tag,
            name=plan.project_name,
            version=tag,
            out_dir=plan.bundle_dir,
        )
        step.done(f"{bundle.archive.name} sha256 {bundle.archive_sha256}")
    branch, pull_url, repository = _push(plan, repo, remote_url, gh_repo, tag, log)
    location = _upload(plan, bundle, tag, log)
    ci_url, conclusion = _ci(plan, gh_repo, branch, sha, log)
    status = _deploy(plan, conclusion, log)
    logger.info("released %s at %s: %s", plan.project_name, sha[:12], status.status)
    return ReleaseResult(
        validation_results=report.validation_results,
        approval=approval,
        git_repository=public_url(repository),
        commit_sha=sha,
        deployment_status=status,
        published=True,
        tag=tag,
        steps=log.steps,
        pull_request_url=pull_url,
        ci_run_url=ci_url,
        ci_conclusion=conclusion,
        bundle_location=location,
        manifest_sha256=bundle.manifest_sha256,
    )


def _repository(plan: ReleasePlan, log: StepLog) -> tuple[str | None, Repository | None]:
    if plan.github is None:
        log.skip("repository", "No GitHub target: the release goes to a plain git remote.")
        return plan.remote_url, None
    with log.step("repository") as step:
        gh = plan.github.service
        gh_repo, created = gh.ensure_repository(
            plan.project_name,
            visibility=plan.github.visibility,
            description=f"{plan.project_name}, generated and released by ag2-sdlc",
        )
        step.done("created" if created else "exists", url=str(gh_repo.html_url))
    return gh.push_url(gh_repo), gh_repo


def _commit(plan: ReleasePlan, approval: Approval, remote_url: str | None, log: StepLog) -> str:
    with log.step("commit") as step:
        ignore = plan.project_dir / ".gitignore"
        if not ignore.is_file():
            ignore.write_text(DEFAULT_GITIGNORE, encoding="utf-8")
        plan.git.continue_history(
            plan.project_dir, repo_name=plan.project_name, remote_url=remote_url
        )
        before = _head(plan.project_dir)
        sha = plan.git.commit(
            plan.project_dir,
            message=commit_message(plan.project_name, approval, plan.run_url),
            author_name=approval.reviewer or "ag2-sdlc",
            author_email="approver@ag2-sdlc.invalid",
        )
        if sha == before:
            step.skipped(f"Nothing changed since {sha[:12]}: no new commit.")
        else:
            step.done(f"{sha[:12]} with the approval as trailers")
    return sha


def _existing_bare(plan: ReleasePlan) -> str | None:
    bare = plan.git.remotes_dir / f"{plan.project_name}.git"
    return str(bare) if bare.is_dir() else None


def _head(project_dir: Path) -> str | None:
    if not (project_dir / ".git").exists():
        return None
    repo = Repo(project_dir)
    return repo.head.commit.hexsha if repo.head.is_valid() else None


def _push(
    plan: ReleasePlan,
    repo: Repo,
    remote_url: str | None,
    gh_repo: Repository | None,
    tag: str,
    log: StepLog,
) -> tuple[str, str | None, str]:
    """Push main and the tag, or (GitHub already holding the project) a branch and a PR."""
    main = "main"
    on_remote = remote_branch(repo, remote_url, main) if gh_repo is not None else None
    head = repo.head.commit.hexsha
    if gh_repo is None or on_remote is None or on_remote == head:
        with log.step("push") as step:
            where = plan.git.push(
                plan.project_dir,
                repo_name=plan.project_name,
                remote_url=remote_url,
                tags=(tag,),
            )
            step.done(f"{main} and {tag} to {public_url(where)}")
        if gh_repo is not None:
            with log.step("default_branch") as step:
                plan.github.service.set_default_branch(gh_repo, main)  # type: ignore[union-attr]
                step.done(main)
        log.skip("pull_request", "The release went straight to main.")
        return main, None, where
    branch = f"release/{tag}"
    with log.step("push") as step:
        where = plan.git.push(
            plan.project_dir, repo_name=plan.project_name, remote_url=remote_url, branch=branch
        )
        step.done(f"{branch} to {public_url(where)}; {tag} waits for the merge")
    with log.step("pull_request") as step:
        url = plan.github.service.open_pull_request(  # type: ignore[union-attr]
            gh_repo,
            head=branch,
            base=main,
            title=f"Release {plan.project_name} {tag}",
            body=plan.review_summary,
        )
        step.done("open", url=url)
    return branch, url, where


def _upload(plan: ReleasePlan, bundle: Bundle, tag: str, log: StepLog) -> str | None:
    if plan.bundle is None:
        log.skip("upload", "No release target block: the bundle stays in the workspace.")
        return None
    with log.step("upload") as step:
        prefix = f"{plan.bundle.prefix.rstrip('/')}/{plan.project_name}/{tag}"
        outcome = upload_bundle(bundle, prefix, clients=plan.bundle.clients)
        what = ", ".join(f"{loc.rsplit('/', 1)[-1]} {how}" for loc, how in outcome.items())
        step.done(what, url=prefix)
    return prefix


def _ci(
    plan: ReleasePlan, gh_repo: Repository | None, ref: str, sha: str, log: StepLog
) -> tuple[str | None, str | None]:
    if plan.github is None or gh_repo is None:
        log.skip("ci", "No GitHub target: no CI to run.")
        return None, None
    with log.step("ci") as step:
        run = run_ci(plan.github.service, gh_repo, ref=ref, sha=sha)
        verb = "dispatched" if run.dispatched else "already ran"
        step.done(f"{verb}; {run.conclusion}", url=run.url)
    return run.url, run.conclusion


def _deploy(plan: ReleasePlan, conclusion: str | None, log: StepLog) -> DeploymentStatus:
    if conclusion not in (None, "success"):
        why = f"CI ended {conclusion}: not deployed."
        log.skip("deploy", why)
        return DeploymentStatus(target="none", status="not_deployed", detail=why)
    if plan.deploy_target == "gitops":
        detail = "Pushed; the bundle's Argo CD Application (argocd/application.yaml) deploys it."
        log.skip("deploy", detail)
        return DeploymentStatus(target="gitops", status="pushed", detail=detail)
    if plan.deploy is None:
        log.skip("deploy", "No deploy target set.")
        return DeploymentStatus(target="none", status="skipped", detail="No deploy target set.")
    with log.step("deploy") as step:
        status = plan.deploy(plan.project_dir)
        step.done(f"{status.target}: {status.status}", url=status.url)
        if status.status != "healthy":
            step.status = "failed"
    return status
