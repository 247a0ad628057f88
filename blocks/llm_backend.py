"""Which LLM answers the agents: a block, so keys live in Prefect, not in code or env files."""

from __future__ import annotations

from typing import Literal

from prefect.blocks.core import Block
from pydantic import Field, SecretStr

from agents.llm import BackendSpec
from core.settings import get_settings


class LLMBackend(Block):
    """An LLM backend for the five agents: offline (default), local, openai, anthropic, ollama."""

    _block_type_name = "ag2-sdlc LLM Backend"
    _block_type_slug = "ag2-sdlc-llm-backend"
    _description = "The LLM the ag2-sdlc agents ask; offline needs no model and no network."

    backend: Literal["offline", "local", "openai", "anthropic", "ollama"] = Field(
        default="offline", description="Which backend answers."
    )
    model: str = Field(default="", description="Model name, e.g. gpt-4o-mini or gemma3.")
    base_url: str = Field(
        default="", description="Server URL for local/OpenAI-compatible or Ollama backends."
    )
    api_key: SecretStr | None = Field(default=None, description="API key for hosted backends.")
    temperature: float = Field(default=0.0, ge=0, le=2, description="Sampling temperature.")
    max_tokens: int = Field(default=2048, ge=64, le=32768, description="Answer length limit.")
    timeout_s: float = Field(
        default=120.0, ge=1, le=3600, description="Seconds one model call may take."
    )
    fallback: Literal["none", "offline"] = Field(
        default="none",
        description="When the backend fails persistently: fail the run (none), or answer "
        "offline and mark the run (offline).",
    )

    def get_spec(self) -> BackendSpec:
        """The backend spec the agents take (holds the key: never log it)."""
        return BackendSpec(
            backend=self.backend,
            model=self.model,
            base_url=self.base_url,
            api_key=self.api_key,
            temperature=self.temperature,
            max_tokens=self.max_tokens,
            timeout_s=self.timeout_s,
            fallback=self.fallback,
        )


def load_llm_spec(block_name: str) -> BackendSpec:
    """The LLM backend: the named ``LLMBackend`` block, else the ``AG2_SDLC_LLM*`` settings."""
    if not block_name:
        return BackendSpec.from_settings(get_settings())
    block = LLMBackend.load(block_name)
    return block.get_spec()  # type: ignore[union-attr]  # Block.load is typed as returning Self | Coroutine
