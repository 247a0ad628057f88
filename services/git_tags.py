"""The release tag ``v<major>.<minor>.<patch>``: reused when HEAD already carries one, else the
next patch version after every tag the remote and the workspace know."""

from __future__ import annotations

import re

from git import GitCommandError, Repo

from core.errors import PublishError
from services.git import _credential_config, _reason, _split_credentials, redact

_VERSION = re.compile(r"^v(\d+)\.(\d+)\.(\d+)$")
FIRST_VERSION = "v0.1.0"


def _ls_remote(repo: Repo, remote_url: str, *args: str) -> str:
    clean_url, userinfo = _split_credentials(remote_url)
    env = {"GIT_TERMINAL_PROMPT": "0", **_credential_config(clean_url, userinfo)}
    try:
        with repo.git.custom_environment(**env):
            return str(repo.git.ls_remote(*args, clean_url, kill_after_timeout=60))
    except GitCommandError as exc:
        reason = _reason(exc, secret=userinfo)
        raise PublishError(f"git could not read {redact(clean_url)}: {reason}") from exc


def remote_branch(repo: Repo, remote_url: str | None, branch: str) -> str | None:
    """The sha ``branch`` has on ``remote_url``, or None (no remote, or no such branch)."""
    if remote_url is None:
        return None
    listed = _ls_remote(repo, remote_url, "--heads").splitlines()
    return next((ln.split("\t")[0] for ln in listed if ln.endswith(f"refs/heads/{branch}")), None)


def remote_tags(repo: Repo, remote_url: str | None) -> dict[str, str]:
    """Tag name -> commit sha of every ``v*`` tag on ``remote_url`` ({} without a remote).

    Raises:
        PublishError: the remote cannot be read.
    """
    if remote_url is None:
        return {}
    listed = _ls_remote(repo, remote_url, "--tags")
    tags: dict[str, str] = {}
    for line in listed.splitlines():
        sha, _, ref = line.partition("\t")
        name = ref.removeprefix("refs/tags/")
        peeled = name.endswith("^{}")
        name = name.removesuffix("^{}")
        if _VERSION.match(name) and (peeled or name not in tags):
            tags[name] = sha  # an annotated tag's peeled line names its commit
    return tags


def next_version(tags: set[str]) -> str:
    """The patch after the highest ``vX.Y.Z`` in ``tags`` (``v0.1.0`` for none)."""
    versions = [tuple(int(n) for n in m.groups()) for t in tags if (m := _VERSION.match(t))]
    if not versions:
        return FIRST_VERSION
    major, minor, patch = max(versions)
    return f"v{major}.{minor}.{patch + 1}"


def tag_release(repo: Repo, *, remote_url: str | None, message: str) -> tuple[str, bool]:
    """Make sure HEAD carries a release tag.

    Returns:
        The tag, and whether it was created now (False: HEAD was already released as it).

    Raises:
        PublishError: git could not read the remote or write the tag.
    """
    head = repo.head.commit.hexsha
    known = remote_tags(repo, remote_url)
    local = {t.name: t.commit.hexsha for t in repo.tags if _VERSION.match(t.name)}
    for name, sha in sorted({**local, **known}.items()):
        if sha == head:
            if name not in local:
                repo.git.tag(name, head)  # the remote's tag, known here too
            return name, False
    name = next_version(set(known) | set(local))
    try:
        repo.git.tag("--annotate", "--force", "--no-sign", "-m", message, name, head)
    except GitCommandError as exc:
        raise PublishError(f"git could not tag the release as {name}: {_reason(exc)}") from exc
    return name, True
