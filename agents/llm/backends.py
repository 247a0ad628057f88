"""Which model answers: ``BackendSpec`` and the AG2 model config it builds.

Backends: ``offline`` (default, deterministic, no network), ``local`` (an OpenAI-compatible
server on loopback such as llama.cpp's ``llama-server``), ``openai``, ``anthropic`` and
``ollama``. Which one answers is configuration: the ``LLMBackend`` block or ``AG2_SDLC_LLM*``.
Agents never see a provider: they get a spec and call ``agents.llm.consult``.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Literal

from ag2.config import AnthropicConfig, ModelConfig, OllamaConfig, OpenAIConfig
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from agents.llm.offline import OfflineConfig
from core.errors import InvalidRequest
from core.settings import LLMBackendName, Settings


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
    timeout_s: float = Field(
        120.0, ge=1, le=3600, description="Seconds one call may take; longer is a timeout."
    )
    fallback: Literal["none", "offline"] = Field(
        "none",
        description="What a persistent backend failure does: fail the run, or answer offline "
        "(recorded in the artifacts and on the run).",
    )

    @classmethod
    def from_settings(cls, settings: Settings) -> BackendSpec:
        return cls(
            backend=settings.llm,
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key,
            max_tokens=settings.llm_max_tokens,
            timeout_s=settings.llm_timeout,
            fallback=settings.llm_fallback,
        )

    def key(self) -> str | None:
        """The API key in clear, for the client that sends it (never for a log line)."""
        return self.api_key.get_secret_value() if self.api_key else None

    @property
    def provider_name(self) -> str:
        """The provider's name as OpenTelemetry's GenAI conventions spell it."""
        return {"local": "openai", "offline": "ag2-sdlc"}.get(self.backend, self.backend)


# A model config that answers instead of the spec's backend: the seam through which tests
# (and tools such as an evaluation harness) put AG2's scripted models behind real agents.
_OVERRIDE: contextvars.ContextVar[ModelConfig | None] = contextvars.ContextVar(
    "ag2_sdlc_model_override", default=None
)


@contextlib.contextmanager
def answering_with(config: ModelConfig) -> Iterator[ModelConfig]:
    """Within this block every agent asks ``config`` (e.g. ``ag2.testing.TestConfig``)."""
    token = _OVERRIDE.set(config)
    try:
        yield config
    finally:
        _OVERRIDE.reset(token)


def build_model_config(spec: BackendSpec) -> ModelConfig:
    """The AG2 model config for ``spec`` (or the one ``answering_with`` put in place).

    The provider SDKs' own retries are off (``max_retries=0``): transient failures are retried
    once, visibly, by ``agents.llm.failures.TransientRetry`` for every backend alike.
    """
    override = _OVERRIDE.get()
    if override is not None:
        return override
    if spec.backend == "offline":
        return OfflineConfig()
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
            timeout=spec.timeout_s,
            max_retries=0,
        )
    if spec.backend == "anthropic":
        return AnthropicConfig(
            model=spec.model,
            api_key=spec.key(),
            base_url=spec.base_url or None,
            temperature=spec.temperature,
            max_tokens=spec.max_tokens,
            timeout=spec.timeout_s,
            max_retries=0,
        )
    return OllamaConfig(  # type: ignore[abstract]  # AG2 leaves the unused files client abstract
        model=spec.model, host=spec.base_url or "http://127.0.0.1:11434"
    )
