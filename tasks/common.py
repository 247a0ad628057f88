"""What every agent task shares: cache policy, retry rule, artifacts."""

from __future__ import annotations

import contextvars
import functools
import hashlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from prefect import Task, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import INPUTS, TASK_SOURCE, CacheKeyFnPolicy
from prefect.client.schemas.objects import TaskRun
from prefect.states import State

from agents.llm import Ledger
from core.errors import Ag2SdlcError, SandboxTimeout, ToolFailed

AgentParams = ParamSpec("AgentParams")
AgentResult = TypeVar("AgentResult")
# A table artifact's rows, as Prefect's create_table_artifact takes them (JSON-able values).
TableRows = list[dict[str, Any]]
# What an agent's answer depends on besides its inputs: the agents, the contracts their results
# are pickled as, the services they call and the templates they render.
_CODE = ("core", "agents", "services", "templates")


@functools.cache
def code_version() -> str:
    """SHA-256 of the code behind every agent's answer, computed once per process.

    Prefect's TASK_SOURCE hashes only the task function; with it alone, a result cached by an
    older version (a field missing from its contract, an earlier rule) was served after an
    upgrade, from the same result storage, for the same request.
    """
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for package in _CODE:
        for path in sorted((root / package).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


CODE_VERSION = CacheKeyFnPolicy(cache_key_fn=lambda _context, _parameters: code_version())
# Same inputs, same task and same code behind it -> same answer, across runs and processes.
AGENT_CACHE = INPUTS + TASK_SOURCE + CODE_VERSION


def retry_transient(task: Task[..., Any], task_run: TaskRun, state: State[Any]) -> bool:
    """Retry infrastructure hiccups; never retry a bad request (it would fail the same way)."""
    error = state.result(raise_on_failure=False)
    if isinstance(error, ToolFailed | SandboxTimeout):
        return True
    return not isinstance(error, Ag2SdlcError)


def agent_task(
    name: str, *, retries: int = 2
) -> Callable[[Callable[AgentParams, AgentResult]], Task[AgentParams, AgentResult]]:
    """The decorator every agent task shares: retried on transient failures only, cached on
    its inputs and source, results persisted so re-runs and resumed runs reuse them."""
    return task(
        name=name,
        retries=retries,
        retry_delay_seconds=2,
        retry_condition_fn=retry_transient,
        cache_policy=AGENT_CACHE,
        persist_result=True,
    )


def artifact_key(project_name: str, suffix: str) -> str:
    """Artifact keys: lowercase letters, digits and dashes only."""
    return f"{project_name}-{suffix}".lower().replace("_", "-")


def publish(
    project_name: str,
    suffix: str,
    *,
    markdown: str,
    table: TableRows | None = None,
    description: str,
) -> list[str]:
    """Publish an agent's markdown summary and, optionally, its table; return the keys."""
    key = artifact_key(project_name, suffix)
    create_markdown_artifact(markdown=markdown, key=key, description=description)
    keys = [key]
    if table:
        create_table_artifact(table=table, key=f"{key}-table", description=description)
        keys.append(f"{key}-table")
    return keys


def publish_llm_usage(project_name: str, ledger: Ledger) -> list[str]:
    """The ledger as a table: one row per agent consultation, in pipeline order, then the total."""
    key = artifact_key(project_name, "llm-usage")
    create_table_artifact(
        table=ledger.rows(),
        key=key,
        description="Model calls per agent: tokens (as the backend reported), latency, cost",
    )
    return [key]


class ArtifactPublisher:
    """Publishes artifacts on a background thread so API round-trips overlap the next agent.

    Each call runs in a copy of the caller's context, so artifacts still attach to the flow run.
    ``close()`` waits for everything submitted, re-raises the first failure, and returns the
    published keys.
    """

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="artifacts")
        self._pending: list[Future[list[str]]] = []

    def submit(self, publish_fn: Callable[..., list[str]], *args: Any) -> None:
        context = contextvars.copy_context()
        self._pending.append(self._pool.submit(context.run, publish_fn, *args))

    def close(self) -> list[str]:
        try:
            return [key for future in self._pending for key in future.result()]
        finally:
            self._pool.shutdown(wait=True)
