"""GitHub through PyGithub: the repository, its default branch, pull requests and CI runs.

Every call goes through ``call``, which retries rate-limit answers (HTTP 403 with no requests
left, or 429) after the wait the server names (``Retry-After``, else ``X-RateLimit-Reset``),
and server errors with exponential backoff; PyGithub's own retrying is switched off so that
one policy, with a bounded total, is in charge. The token lives only in the PyGithub client
and in the push URL handed to git for one command; neither is logged or returned.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import tenacity
from github import Auth, Github, GithubException, UnknownObjectException
from github.Repository import Repository

from core.errors import PublishError

logger = logging.getLogger(__name__)

T = TypeVar("T")
ATTEMPTS = 6
MAX_WAIT_S = 120.0
Visibility = Literal["private", "public", "internal"]


def rate_limit_wait(exc: BaseException, *, now: float | None = None) -> float | None:
    """Seconds a rate-limit answer asks us to wait, or None when ``exc`` is no such answer."""
    if not isinstance(exc, GithubException):
        return None
    headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
    limited = exc.status == 429 or (
        exc.status == 403
        and (headers.get("x-ratelimit-remaining") == "0" or "retry-after" in headers)
    )
    if not limited:
        return None
    if (after := headers.get("retry-after", "")).strip().isdigit():
        return min(float(after), MAX_WAIT_S)
    if (reset := headers.get("x-ratelimit-reset", "")).strip().isdigit():
        return min(max(float(reset) - (now if now is not None else time.time()), 0.0), MAX_WAIT_S)
    return 60.0


def _retryable(exc: BaseException) -> bool:
    if rate_limit_wait(exc) is not None:
        return True
    return isinstance(exc, GithubException) and exc.status >= 500


def _wait(state: tenacity.RetryCallState) -> float:
    exc = state.outcome.exception() if state.outcome else None
    named = rate_limit_wait(exc) if exc else None
    if named is not None:
        logger.info("GitHub asked us to wait %.0f s (rate limit)", named)
        return named
    return float(min(2 ** (state.attempt_number - 1), 30))


def _sentence(exc: GithubException, doing: str) -> str:
    data = exc.data if isinstance(exc.data, dict) else {}
    message = str(data.get("message") or "no reason given").rstrip(".")[:200]
    return f"GitHub refused to {doing} (HTTP {exc.status}: {message})."


@dataclass
class GitHubService:
    """One owner (user or organisation) on one GitHub API.

    Attributes:
        token: A token with repo and workflow rights (never logged).
        owner: The user or organisation that holds the repositories.
        api_url: ``https://api.github.com``, or GitHub Enterprise's ``https://host/api/v3``.
        sleep: How waiting happens (tests record the waits instead of sleeping).
    """

    token: str = field(repr=False)
    owner: str
    api_url: str = "https://api.github.com"
    sleep: Callable[[float], None] = time.sleep
    _client: Github | None = field(default=None, init=False, repr=False)

    @property
    def client(self) -> Github:
        if self._client is None:
            self._client = Github(
                auth=Auth.Token(self.token),
                base_url=self.api_url.rstrip("/"),
                retry=None,
                seconds_between_requests=0,
                seconds_between_writes=0,
                timeout=30,
            )
        return self._client

    def call(self, doing: str, action: Callable[[], T]) -> T:
        """``action()`` with the retry policy; a final failure is one sentence naming ``doing``.

        Raises:
            PublishError: GitHub refused, or kept failing past the retries.
        """
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(_retryable),
            stop=tenacity.stop_after_attempt(ATTEMPTS),
            wait=_wait,
            sleep=self.sleep,
            reraise=True,
        )
        try:
            return retrying(action)
        except GithubException as exc:
            raise PublishError(_sentence(exc, doing)) from exc
        except OSError as exc:  # requests' connection errors derive from OSError
            raise PublishError(
                f"GitHub at {self.api_url} could not be reached to {doing}."
            ) from exc

    def find_repository(self, name: str) -> Repository | None:
        """The repository ``owner/name``, or None when it does not exist."""

        def get() -> Repository | None:
            try:
                return self.client.get_repo(f"{self.owner}/{name}")
            except UnknownObjectException:
                return None

        return self.call(f"read the repository {self.owner}/{name}", get)

    def ensure_repository(
        self, name: str, *, visibility: Visibility, description: str
    ) -> tuple[Repository, bool]:
        """The repository ``owner/name``, created (empty) when absent; and whether it was."""
        found = self.find_repository(name)
        if found is not None:
            return found, False

        def create() -> Repository:
            user = self.client.get_user()
            options: dict[str, Any] = {"description": description[:300], "auto_init": False}
            if user.login == self.owner:
                return user.create_repo(name, private=visibility != "public", **options)  # type: ignore[union-attr]
            org = self.client.get_organization(self.owner)
            return org.create_repo(name, visibility=visibility, **options)

        repo = self.call(f"create the repository {self.owner}/{name}", create)
        logger.info("Created the GitHub repository %s", repo.full_name)
        return repo, True

    def set_default_branch(self, repo: Repository, branch: str) -> None:
        if repo.default_branch != branch:
            self.call("set the default branch", lambda: repo.edit(default_branch=branch))

    def open_pull_request(
        self, repo: Repository, *, head: str, base: str, title: str, body: str
    ) -> str:
        """The URL of the open pull request from ``head`` into ``base``, opened if none is."""

        def find_or_open() -> str:
            for pull in repo.get_pulls(state="open", head=f"{self.owner}:{head}", base=base):
                return str(pull.html_url)
            return str(
                repo.create_pull(title=title, body=body[:60_000], head=head, base=base).html_url
            )

        return self.call("open a pull request", find_or_open)

    def push_url(self, repo: Repository) -> str:
        """The HTTPS clone URL with the token as its password: for git's one push, never stored."""
        scheme, _, rest = str(repo.clone_url).partition("://")
        return f"{scheme}://x-access-token:{self.token}@{rest}"
