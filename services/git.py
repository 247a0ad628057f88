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

from agents.errors import PublishError
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

    def push(self, project_dir: Path, *, repo_name: str, remote_url: str | None = None) -> str:
        """Push the project's HEAD to ``main`` of ``remote_url`` (default: a local bare repo).

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
        env = {"GIT_TERMINAL_PROMPT": "0"}
        if userinfo is not None:
            scheme, _, rest = clean_url.partition("://")
            env.update(
                GIT_CONFIG_COUNT="1",
                GIT_CONFIG_KEY_0=f"url.{scheme}://{userinfo}@{rest}.insteadOf",
                GIT_CONFIG_VALUE_0=clean_url,
            )
        shown = redact(clean_url)
        try:
            repo = Repo(project_dir)
            if REMOTE in [remote.name for remote in repo.remotes]:
                remote = repo.remote(REMOTE)
                remote.set_url(clean_url)
            else:
                remote = repo.create_remote(REMOTE, clean_url)
            with repo.git.custom_environment(**env):
                infos = remote.push(f"HEAD:refs/heads/{BRANCH}", kill_after_timeout=120)
            infos.raise_if_error()  # push() returns rejections instead of raising them
        except GitCommandError as exc:
            reason = _reason(exc, secret=userinfo)
            raise PublishError(f"git could not push to {shown}: {reason}") from exc
        except (InvalidGitRepositoryError, NoSuchPathError) as exc:
            raise PublishError(f"{project_dir} is not a git repository; commit first.") from exc
        except ValueError as exc:  # GitPython's answer to an unusable remote
            reason = _hide(str(exc), secret=userinfo)[:300]
            raise PublishError(f"git could not push to {shown}: {reason}") from exc
        refused = [info for info in infos if info.flags & (PushInfo.ERROR | PushInfo.REJECTED)]
        if refused or not infos:
            summary = refused[0].summary.strip() if refused else "no ref was pushed"
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
    text = lines[-1] if lines else "unknown error"
    return _hide(text.removeprefix("stderr: ").strip("'"), secret=secret)[:300]
