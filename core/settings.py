"""One settings object for the whole project, read from ``AG2_SDLC_*`` environment variables."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

LLMBackendName = Literal["offline", "local", "openai", "anthropic", "ollama"]


class Settings(BaseSettings):
    """Where data lives and which LLM backend answers; every field has an env override."""

    model_config = SettingsConfigDict(env_prefix="AG2_SDLC_", extra="ignore")

    home: Path = Field(
        default=Path("~/.ag2-sdlc"), description="Data home: workspaces, git remotes, server DB."
    )
    llm: LLMBackendName = Field("offline", description="LLM backend (env AG2_SDLC_LLM).")
    llm_model: str = Field("", description="Model name for a real backend.")
    llm_base_url: str = Field("", description="Base URL for OpenAI-compatible or Ollama servers.")
    llm_api_key: SecretStr | None = Field(None, description="API key for a hosted backend.")
    llm_max_tokens: int = Field(2048, ge=64, le=32768, description="Answer length limit.")
    llm_timeout: float = Field(120.0, ge=1, le=3600, description="Seconds one model call may take.")
    llm_fallback: Literal["none", "offline"] = Field(
        "none", description="On a persistent model failure: fail, or answer offline (recorded)."
    )
    server_port: int = Field(4200, ge=1024, le=65535, description="Local Prefect server port.")
    database_url: SecretStr | None = Field(
        None,
        description="The local server's database, postgresql+asyncpg://...; unset: SQLite.",
    )
    uv_cache: Path | None = Field(None, description="uv cache for generated projects' installs.")
    environments: Path | None = Field(
        None,
        description="Where generated projects' environments are built once per requirement set;"
        " unset: the data home's environments/ (data homes on one machine may share one).",
    )
    sandbox_timeout: int = Field(600, ge=10, description="Seconds generated code may run.")
    unsafe_exec: bool = Field(
        False, description="Run generated code without bubblewrap where it is missing (unsafe)."
    )

    @cached_property
    def data_home(self) -> Path:
        return self.home.expanduser().resolve()

    @property
    def workspaces_dir(self) -> Path:
        return self.data_home / "workspaces"

    @property
    def git_remotes_dir(self) -> Path:
        return self.data_home / "git"

    @property
    def uv_cache_dir(self) -> Path | None:
        """uv's cache; by default uv's own (warmed by installing this project), else env."""
        return self.uv_cache.expanduser() if self.uv_cache else None

    @property
    def environments_dir(self) -> Path:
        """The store of built environments (``services.environments``)."""
        return (
            self.environments.expanduser() if self.environments else self.data_home / "environments"
        )

    @property
    def deployments_dir(self) -> Path:
        return self.data_home / "deployments"

    @property
    def prefect_home(self) -> Path:
        return self.data_home / "prefect"


def get_settings() -> Settings:
    """Fresh settings from the current environment (cheap; tests change the environment)."""
    return Settings()
