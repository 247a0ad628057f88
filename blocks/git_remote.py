"""Where approved releases are pushed: any git remote (GitHub or a server of your own)."""

from __future__ import annotations

from urllib.parse import quote, urlsplit, urlunsplit

from prefect.blocks.core import Block
from pydantic import Field, SecretStr


class GitRemote(Block):
    """A git remote for releases; without one, releases go to a local bare repository."""

    _block_type_name = "ag2-sdlc Git Remote"
    _block_type_slug = "ag2-sdlc-git-remote"
    _description = "A git remote URL template and an optional token for pushing releases."

    url_template: str = Field(
        description="Remote URL with {name} for the project, e.g. https://github.com/acme/{name}.git"
    )
    username: str = Field(default="x-access-token", description="User for token auth over HTTPS.")
    token: SecretStr | None = Field(default=None, description="Token with push rights.")

    def url_for(self, project_name: str) -> str:
        """The push URL for ``project_name`` (credentials embedded only for HTTPS with a token)."""
        url = self.url_template.format(name=project_name)
        parts = urlsplit(url)
        if self.token is None or parts.scheme != "https":
            return url
        auth = f"{quote(self.username, safe='')}:{quote(self.token.get_secret_value(), safe='')}"
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return urlunsplit(parts._replace(netloc=f"{auth}@{host}"))


def load_remote_url(block_name: str, project_name: str) -> SecretStr | None:
    """The push URL from the named ``GitRemote`` block (it may embed a token), or ``None``."""
    if not block_name:
        return None
    remote = GitRemote.load(block_name)
    return SecretStr(remote.url_for(project_name))  # type: ignore[union-attr]  # as above: Self | Coroutine
