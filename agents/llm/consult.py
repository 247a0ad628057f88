"""Ask an agent's model for a schema-valid answer, through AG2, and account for it.

Every agent asks the same way: an AG2 ``Agent`` with the role's prompt and the backend's config,
``ask`` with the answer's pydantic schema, one repair retry if the answer fails the schema. The
outcomes, each recorded in the ``LLMTrace`` the agent returns:

- a valid answer: ``source="model"`` (or ``"offline"`` for the offline backend);
- an answer that still fails the schema (not JSON, wrong shape, a field the schema forbids):
  the offline answer, ``source="offline-fallback"``, the rejection recorded;
- a backend failure: transient ones are retried by ``TransientRetry``; a persistent one raises
  ``ModelUnavailable`` with one sentence naming the backend, unless the spec says
  ``fallback="offline"``, when the offline answer is used and the failure recorded.

Model calls are traced with AG2's OpenTelemetry middleware (GenAI attributes, no message
content) when OpenTelemetry is configured.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import functools
import json
import logging
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from ag2 import Agent, ResponseSchema
from ag2.config import ModelConfig
from ag2.events import ModelResponse
from ag2.middleware.base import MiddlewareFactory
from ag2.middleware.builtin import TelemetryMiddleware
from ag2.usage import UsageReport
from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ValidationError

from agents.llm import offline
from agents.llm.backends import BackendSpec, build_model_config
from agents.llm.failures import TransientRetry, describe, provider_errors
from agents.llm.ledger import cost_usd
from core.contracts import LLMTrace
from core.errors import ModelUnavailable

logger = logging.getLogger(__name__)
T = TypeVar("T", bound=BaseModel)
R = TypeVar("R")

_PROMPTS = SandboxedEnvironment(
    loader=FileSystemLoader(Path(__file__).parent / "prompts"),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    autoescape=False,
)


@functools.lru_cache(maxsize=64)
def system_prompt(role: str, schema: type[BaseModel]) -> str:
    """The agent's system prompt, rendered from ``agents/llm/prompts/<role>.md.j2`` (cached: the
    JSON schema of a large contract takes milliseconds to build)."""
    template = _PROMPTS.get_template(f"{role}.md.j2")
    return template.render(schema_json=json.dumps(schema.model_json_schema()))


@functools.lru_cache(maxsize=64)
def _response_schema(schema: type[T]) -> ResponseSchema[T]:
    """What AG2 validates a reply against, built once per contract: AG2 otherwise builds the
    contract's JSON schema again on every call (16 ms for the analyzer's, of a 97 ms analysis)."""
    return ResponseSchema(schema)


def _middleware(role: str, spec: BackendSpec, config: ModelConfig) -> list[MiddlewareFactory]:
    telemetry = TelemetryMiddleware(
        capture_content=False,  # prompts hold the user's request; spans carry numbers only
        agent_name=role,
        provider_name=spec.provider_name,
        model_name=spec.model or config.model,
    )
    return [telemetry, TransientRetry()]


def _trace(
    spec: BackendSpec, model: str, *, source: str, usage: Any, calls: int, started: float
) -> LLMTrace:
    prompt = int(getattr(usage, "prompt_tokens", 0) or 0)
    completion = int(getattr(usage, "completion_tokens", 0) or 0)
    return LLMTrace(
        backend=spec.backend,
        model=model[:120],
        source=source,  # type: ignore[arg-type]  # one of the Literal values, chosen by the caller
        prompt_tokens=prompt,
        completion_tokens=completion,
        calls=calls,
        latency_s=round(time.perf_counter() - started, 3),
        cost_usd=cost_usd(spec.backend, model, prompt, completion),
    )


def _offline(role: str, payload: BaseModel, schema: type[T]) -> T:
    return schema.model_validate(offline.answer(role, payload.model_dump(mode="json")).model_dump())


async def consult(
    *, role: str, payload: BaseModel, schema: type[T], spec: BackendSpec
) -> tuple[T, LLMTrace]:
    """Ask the ``role`` agent about ``payload``; return its schema-valid answer and a trace.

    Raises:
        ModelUnavailable: the backend failed persistently and the spec has no offline fallback.
    """
    config = build_model_config(spec)
    model = spec.model or config.model
    agent = Agent(
        role,
        prompt=system_prompt(role, schema),
        config=config,
        middleware=_middleware(role, spec, config),
    )
    started = time.perf_counter()
    source = "offline" if spec.backend == "offline" else "model"
    try:
        message = offline.compose_message(role, payload)
        reply = await agent.ask(message, response_schema=_response_schema(schema))
        try:
            result = await reply.content(retries=1)
            rejection = None if result is not None else "the model returned an empty answer"
        except ValidationError as exc:
            result, rejection = None, f"schema: {_first_error(exc)}"
        events = await reply.history.get_events()
    except provider_errors() as exc:
        if spec.backend == "offline":
            raise
        sentence = describe(spec, role, exc)
        if spec.fallback != "offline":
            raise ModelUnavailable(sentence) from exc
        logger.warning("%s Answering offline, as the backend's fallback says.", sentence)
        trace = _trace(spec, model, source="offline-fallback", usage=None, calls=0, started=started)
        return _offline(role, payload, schema), trace.model_copy(update={"rejections": [sentence]})
    calls = sum(1 for event in events if isinstance(event, ModelResponse))
    report = UsageReport.from_events(events)
    if result is None:
        logger.warning("%s: model answer rejected (%s); using the offline answer", role, rejection)
        trace = _trace(
            spec, model, source="offline-fallback", usage=report.total, calls=calls, started=started
        )
        return _offline(role, payload, schema), trace.model_copy(
            update={"rejections": [str(rejection)[:500]]}
        )
    return result, _trace(
        spec, model, source=source, usage=report.total, calls=calls, started=started
    )


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return str(exc)[:400]
    first = errors[0]
    where = ".".join(str(part) for part in first.get("loc", ())) or "(answer)"
    return f"{where}: {first.get('msg', '')}"[:400]


def run_sync(coro: Coroutine[Any, Any, R]) -> R:
    """Run ``coro`` to completion from sync code, even when this thread already has a loop.

    The coroutine runs in a copy of the caller's context, so the current trace span (and
    anything else held in context variables) is its parent.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    context = contextvars.copy_context()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(context.run, asyncio.run, coro).result()


def consult_sync(
    *, role: str, payload: BaseModel, schema: type[T], spec: BackendSpec
) -> tuple[T, LLMTrace]:
    """``consult`` for sync callers."""
    return run_sync(consult(role=role, payload=payload, schema=schema, spec=spec))
