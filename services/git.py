"""Commit a generated project and push it to a git remote (default: a local bare repository).

Credentials in a remote URL (``https://user:token@host/...``) never reach the repository: the
remote is configured with the clean URL, and the credentials are passed to the one push through
git's environment-only configuration (``GIT_CONFIG_COUNT``), then forgotten. Error messages
show URLs with their credentials replaced by ``***``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from git import GitCommandError, InvalidGitRepositoryError, NoSuchPathError, PushInfo, Repo

from core.errors import PublishError
from services.workspace import resolve_inside

logger = logging.getLogger(__name__)

BRANCH = "main"
REMOTE = "origin"
_REPO_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_CREDENTIALS = re.compile(r"(?<=://)[^/@\s]+@")


def redact(text: str) -> str:
    """``text`` with the user/password part of every URL in it replaced by ``***@``."""
    return _CREDENTIALS.sub("***@", text)


def _split_credentials(url: str) -> tuple[str, str | None]:
    """The URL without credentials, and the credentials' ``user:password@`` part (or None)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, host = parts.netloc.rpartition("@")
    return urlunsplit(parts._replace(netloc=host)), userinfo


@dataclass(frozen=True)
class GitPublisher:
    """Commits a project directory and pushes its ``main`` branch.

    Attributes:
        remotes_dir: Where the default remotes live, one bare repository per project.
    """

    remotes_dir: Path

    def commit(
        self, project_dir: Path, *, message: str, author_name: str, author_email: str
    ) -> str:
        """Stage everything (honouring ``.gitignore``) and commit it on ``main``.

        Initialises the repository on first use. Idempotent: with nothing changed since the
        last commit, no commit is made.

        Returns:
            The sha of HEAD after the call.

        Raises:
            PublishError: git failed, or there is nothing at all to commit.
        """
        try:
            if (project_dir / ".git").exists():
                repo = Repo(project_dir)
            else:
                repo = Repo.init(project_dir, initial_branch=BRANCH)
            repo.git.add(all=True)
            has_head = repo.head.is_valid()
            if has_head and not repo.index.diff("HEAD"):
                return repo.head.commit.hexsha
            if not has_head and not repo.index.entries:
                raise PublishError(f"There are no files to commit in {project_dir}.")
            identity = {
                "GIT_AUTHOR_NAME": author_name,
                "GIT_AUTHOR_EMAIL": author_email,
                "GIT_COMMITTER_NAME": author_name,
                "GIT_COMMITTER_EMAIL": author_email,
            }
            with repo.git.custom_environment(**identity):
                # Hooks and signing from the user's global config do not apply to generated code.
                repo.git.commit("--no-verify", "--no-gpg-sign", "--quiet", "-m", message)
            sha = repo.head.commit.hexsha
        except GitCommandError as exc:
            raise PublishError(f"git could not commit {project_dir}: {_reason(exc)}") from exc
        logger.info("Committed %s as %s", project_dir, sha[:10])
        return sha

    def continue_history(
        self, project_dir: Path, *, repo_name: str, remote_url: str | None = None
    ) -> bool:
        """Base a project on the remote's ``main`` when their histories are unrelated.

        A new workspace for an already released project (another request version, a re-run
        after the workspace was removed) then commits on top of the previous release, instead of
        pushing an unrelated history that the remote rightly refuses. The working tree is left as
        generated; only ``HEAD`` and the index move, so the next commit records the difference
        (a workspace's own unpushed commits, which never shared the remote's history, give way).
        A project whose history shares commits with the remote is left alone: a divergence is
        for a person to resolve, never for a force push.

        Returns:
            True if the project now continues the remote's history.

        Raises:
            PublishError: the remote has ``main`` but it cannot be fetched.
        """
        try:
            repo = Repo(project_dir) if (project_dir / ".git").exists() else None
            has_commits = repo is not None and repo.head.is_valid()
        except InvalidGitRepositoryError as exc:
            raise PublishError(f"{project_dir} holds a broken git repository.") from exc
        if remote_url is None:
            bare = self.remotes_dir / f"{repo_name}.git"
            if not bare.is_dir():
                return False
            remote_url = str(self._ensure_bare(repo_name))
        clean_url, userinfo = _split_credentials(remote_url)
        env = {"GIT_TERMINAL_PROMPT": "0", **_credential_config(clean_url, userinfo)}
        try:
            repo = repo or Repo.init(project_dir, initial_branch=BRANCH)
            with repo.git.custom_environment(**env):
                listed = repo.git.ls_remote("--heads", clean_url, BRANCH, kill_after_timeout=60)
                if not str(listed).strip():
                    return False  # an empty remote: the first release starts the history
                repo.git.fetch(clean_url, BRANCH, kill_after_timeout=120)
            if has_commits and repo.is_ancestor(repo.commit("FETCH_HEAD"), repo.head.commit):
                return False  # already continues it (a plain fast-forward push)
            if has_commits and _related(repo):
                return False  # shared history that diverged: a person decides, never a force
            repo.git.update_ref(f"refs/heads/{BRANCH}", "FETCH_HEAD")
            repo.git.reset("--quiet", "--mixed", "FETCH_HEAD")  # index = theirs, files = ours
        except GitCommandError as exc:
            reason = _reason(exc, secret=userinfo)
            raise PublishError(f"git could not read {redact(clean_url)}: {reason}") from exc
        logger.info("%s continues the history of %s", project_dir, redact(clean_url))
        return True

    def push(
        self,
        project_dir: Path,
        *,
        repo_name: str,
        remote_url: str | None = None,
        branch: str = BRANCH,
        tags: tuple[str, ...] = (),
    ) -> str:
        """Push HEAD to ``branch`` of ``remote_url`` (default: a local bare repo), with ``tags``.

        The default remote is ``remotes_dir/<repo_name>.git``, created if missing and reused
        otherwise.

        Args:
            project_dir: A repository made by ``commit``.
            repo_name: Name of the default remote repository.
            remote_url: Any git URL; credentials in it are used for this push only.

        Returns:
            The remote's URL (a path for the default remote), without credentials.

        Raises:
            PublishError: The remote is unreachable or refused the push (e.g. non-fast-forward).
        """
        if remote_url is None:
            remote_url = str(self._ensure_bare(repo_name))
        clean_url, userinfo = _split_credentials(remote_url)
        env = {"GIT_TERMINAL_PROMPT": "0", **_credential_config(clean_url, userinfo)}
        shown = redact(clean_url)
        try:
            repo = Repo(project_dir)
            if REMOTE in [remote.name for remote in repo.remotes]:
                remote = repo.remote(REMOTE)
                remote.set_url(clean_url)
            else:
                remote = repo.create_remote(REMOTE, clean_url)
            with repo.git.custom_environment(**env):
                refspecs = [f"HEAD:refs/heads/{branch}"] + [f"refs/tags/{t}" for t in tags]
                infos = remote.push(refspecs, kill_after_timeout=120)
            if not _refused(infos):
                infos.raise_if_error()  # push() returns rejections instead of raising them
        except GitCommandError as exc:
            reason = _reason(exc, secret=userinfo)
            raise PublishError(f"git could not push to {shown}: {reason}") from exc
        except (InvalidGitRepositoryError, NoSuchPathError) as exc:
            raise PublishError(f"{project_dir} is not a git repository; commit first.") from exc
        except ValueError as exc:  # GitPython's answer to an unusable remote
            reason = _hide(str(exc), secret=userinfo)[:300]
            raise PublishError(f"git could not push to {shown}: {reason}") from exc
        refused = _refused(infos)
        if refused or not infos:
            summary = refused[0].summary.strip().rstrip(".") if refused else "no ref was pushed"
            reason = _hide(summary, secret=userinfo)
            raise PublishError(f"The remote {shown} refused the push: {reason}.")
        logger.info("Pushed %s to %s", project_dir, shown)
        return clean_url

    def _ensure_bare(self, repo_name: str) -> Path:
        if not _REPO_NAME.fullmatch(repo_name) or ".." in repo_name:
            raise PublishError(f"The repository name {repo_name!r} is not a plain name.")
        self.remotes_dir.mkdir(parents=True, exist_ok=True)
        path = resolve_inside(self.remotes_dir, f"{repo_name}.git")
        if not path.exists():
            Repo.init(path, bare=True, initial_branch=BRANCH)
            logger.info("Created the bare repository %s", path)
        return path


def _refused(infos: list[PushInfo]) -> list[PushInfo]:
    """The refs the remote refused (a hook, a protected branch, a non-fast-forward)."""
    return [info for info in infos if info.flags & (PushInfo.ERROR | PushInfo.REJECTED)]


def _related(repo: Repo) -> bool:
    """Whether ``HEAD`` and ``FETCH_HEAD`` have a common ancestor."""
    try:
        repo.git.merge_base("HEAD", "FETCH_HEAD")
    except GitCommandError:
        return False  # exit status 1: unrelated histories
    return True


def _credential_config(clean_url: str, userinfo: str | None) -> dict[str, str]:
    """Environment-only git config that adds ``userinfo`` to ``clean_url`` for one command."""
    if userinfo is None:
        return {}
    scheme, _, rest = clean_url.partition("://")
    return {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"url.{scheme}://{userinfo}@{rest}.insteadOf",
        "GIT_CONFIG_VALUE_0": clean_url,
    }


def _hide(text: str, *, secret: str | None = None) -> str:
    """``text`` without credentials: URL userinfo redacted, and ``secret`` wherever it appears."""
    if secret:
        password = secret.partition(":")[2]
        for hidden in (secret, password if len(password) >= 4 else ""):
            text = text.replace(hidden, "***") if hidden else text
    return redact(text)


def _reason(exc: GitCommandError, *, secret: str | None = None) -> str:
    """The last meaningful line git printed, credentials removed."""
    lines = [line.strip() for line in str(exc.stderr or exc).splitlines() if line.strip()]
    # A refused ref (`! [remote rejected] main -> main (pre-receive hook declined)`) says more
    # than git's closing "failed to push some refs".
    refused = [line for line in lines if line.startswith("! [")]
    text = refused[0] if refused else lines[-1] if lines else "unknown error"
    text = text.removeprefix("stderr: ").strip("'").rstrip(".")
    return _hide(text, secret=secret)[:300] + "."
