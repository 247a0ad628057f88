"""Build the AG2 model config for the chosen backend, and ask an agent for a validated answer.

Backends: ``offline`` (default, deterministic, no network), ``local`` (an OpenAI-compatible
server on loopback such as llama.cpp's ``llama-server``), ``openai``, ``anthropic`` and
``ollama``. Which one answers is configuration: the ``LLMBackend`` block or ``AG2_SDLC_LLM*``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import json
import logging
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from ag2 import Agent
from ag2.config import AnthropicConfig, ModelConfig, OllamaConfig, OpenAIConfig
from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from agents.llm import offline  # the sibling module, not the package surface
from core.contracts import LLMTrace
from core.errors import InvalidRequest
from core.settings import LLMBackendName, Settings

logger = logging.getLogger(__name__)
T = TypeVar("T", bound=BaseModel)
R = TypeVar("R")

_PROMPTS = SandboxedEnvironment(
    loader=FileSystemLoader(Path(__file__).parent / "prompts"),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    autoescape=False,
)


class BackendSpec(BaseModel):
    """Everything needed to reach one LLM backend.

    The key is a ``SecretStr``: masked in reprs, logs and JSON, so a spec can be a task's
    parameter (its cache key hashes the masked form) without the key leaving the process.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    backend: LLMBackendName = "offline"
    model: str = Field("", max_length=200)
    base_url: str = Field("", max_length=500)
    api_key: SecretStr | None = None
    temperature: float = Field(0.0, ge=0, le=2)
    max_tokens: int = Field(2048, ge=64, le=32768)

    @classmethod
    def from_settings(cls, settings: Settings) -> BackendSpec:
        return cls(
            backend=settings.llm,
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key,
        )

    def key(self) -> str | None:
        """The API key in clear, for the client that sends it (never for a log line)."""
        return self.api_key.get_secret_value() if self.api_key else None


def build_model_config(spec: BackendSpec) -> ModelConfig:
    """The AG2 model config for ``spec``."""
    if spec.backend == "offline":
        return offline.OfflineConfig()
    if not spec.model:
        raise InvalidRequest(f"The {spec.backend} LLM backend needs a model name.")
    if spec.backend in ("local", "openai"):
        if spec.backend == "local" and not spec.base_url:
            raise InvalidRequest("The local LLM backend needs the server's base URL.")
        return OpenAIConfig(
            model=spec.model,
            base_url=spec.base_url or None,
            # llama-server ignores the key but the OpenAI client insists on one.
            api_key=spec.key() or ("unused" if spec.backend == "local" else None),
            temperature=spec.temperature,
            max_tokens=spec.max_tokens,
        )
    if spec.backend == "anthropic":
        return AnthropicConfig(
            model=spec.model,
            api_key=spec.key(),
            base_url=spec.base_url or None,
            temperature=spec.temperature,
            max_tokens=spec.max_tokens,
        )
    # AG2 declares OllamaConfig's files client abstract; chat does not need it.
    return OllamaConfig(  # type: ignore[abstract]  # AG2 leaves the unused files client abstract
        model=spec.model, host=spec.base_url or "http://127.0.0.1:11434"
    )


@functools.lru_cache(maxsize=64)
def system_prompt(role: str, schema: type[BaseModel]) -> str:
    """The agent's system prompt, rendered from ``agents/llm/prompts/<role>.md.j2`` (cached: the
    JSON schema of a large contract takes milliseconds to build)."""
    template = _PROMPTS.get_template(f"{role}.md.j2")
    return template.render(schema_json=json.dumps(schema.model_json_schema()))


async def consult(
    *,
    role: str,
    payload: BaseModel,
    schema: type[T],
    spec: BackendSpec,
    config: ModelConfig | None = None,
) -> tuple[T, LLMTrace]:
    """Ask the ``role`` agent about ``payload``; return its schema-valid answer and a trace.

    An answer that fails the schema is retried once through AG2; if it still fails, or the
    backend cannot be reached, the offline heuristic answers and the rejection is recorded.
    ``config``, when given, is the AG2 model config to ask instead of the one ``spec`` builds
    (AG2's scripted ``ag2.testing.TestConfig`` in tests).
    """
    injected = config is not None
    config = config or build_model_config(spec)
    agent = Agent(role, prompt=system_prompt(role, schema), config=config)
    source = "offline" if spec.backend == "offline" and not injected else "model"
    try:
        reply = await agent.ask(offline.compose_message(role, payload), response_schema=schema)
        result = await reply.content(retries=1)
        if result is None:
            raise ValueError("the model returned an empty answer")
        usage = (await reply.usage()).total
    # A hosted backend fails in many provider-specific ways (HTTP, auth, schema); each one
    # means the same here: use the deterministic answer and say why in the artifact.
    except Exception as exc:
        if source == "offline":
            raise
        logger.warning(
            "%s: model answer rejected (%s); using the offline answer", role, type(exc).__name__
        )
        fallback = schema.model_validate(
            offline.answer(role, payload.model_dump(mode="json")).model_dump()
        )
        trace = LLMTrace(
            backend=spec.backend,
            model=spec.model[:120],
            source="offline-fallback",
            rejections=[f"{type(exc).__name__}: {str(exc)[:400]}"],
        )
        return fallback, trace
    trace = LLMTrace(
        backend=spec.backend,
        model=(spec.model or config.model)[:120],
        source=source,  # type: ignore[arg-type]  # one of the Literal values, chosen above
        prompt_tokens=int(usage.prompt_tokens or 0),
        completion_tokens=int(usage.completion_tokens or 0),
    )
    return result, trace


def run_sync(coro: Coroutine[Any, Any, R]) -> R:
    """Run ``coro`` to completion from sync code, even when this thread already has a loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def consult_sync(
    *,
    role: str,
    payload: BaseModel,
    schema: type[T],
    spec: BackendSpec,
    config: ModelConfig | None = None,
) -> tuple[T, LLMTrace]:
    """``consult`` for sync callers."""
    return run_sync(
        consult(role=role, payload=payload, schema=schema, spec=spec, config=config)
    )
