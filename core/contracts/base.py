"""The vocabulary every contract shares: bounded text types, literals, the base model.

Field names follow the seed's dict schemas. Every string and list is bounded: that keeps
artifacts readable and lets a small local model produce valid JSON against these schemas.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

CloudProvider = Literal["aws", "gcp", "azure", "local"]
ProjectKind = Literal["rest_api", "web_app", "ml_pipeline", "etl_pipeline", "microservices"]
FieldType = Literal["str", "int", "float", "bool", "date", "datetime"]
Operation = Literal["create", "read", "update", "delete", "list"]
ALL_OPERATIONS: tuple[Operation, ...] = ("create", "read", "update", "delete", "list")
Severity = Literal["info", "low", "medium", "high"]
WorkflowStatus = Literal[
    "pending", "running", "awaiting_approval", "completed", "failed", "rejected", "cancelled"
]

CLOUD_PROVIDERS: tuple[str, ...] = ("aws", "gcp", "azure", "local")
PROJECT_KINDS: tuple[str, ...] = (
    "rest_api",
    "web_app",
    "ml_pipeline",
    "etl_pipeline",
    "microservices",
)
PROJECT_NAME_PATTERN = r"^[a-z][a-z0-9-]{1,62}$"

Text = Annotated[str, Field(max_length=500)]
ShortText = Annotated[str, Field(max_length=120)]
Identifier = Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]{0,62}$")]


class Contract(BaseModel):
    """Base for every contract: unknown keys are refused so a model cannot smuggle data in."""

    model_config = ConfigDict(extra="forbid")


class LLMTrace(Contract):
    """What one agent's model consultation cost and where its answer came from."""

    backend: ShortText = Field(description="Backend that answered: offline, openai, local, ...")
    model: ShortText = Field(description="Model name reported by the backend.")
    source: Literal["model", "offline", "offline-fallback"] = Field(
        description="Whether the answer came from the model, the offline client, or a fallback."
    )
    prompt_tokens: int = Field(
        0, ge=0, le=100_000_000, description="Input tokens, as the backend reported."
    )
    completion_tokens: int = Field(
        0, ge=0, le=100_000_000, description="Output tokens, as the backend reported."
    )
    calls: int = Field(0, ge=0, le=100, description="Model calls, schema repairs included.")
    latency_s: float = Field(0.0, ge=0, le=86_400, description="Wall time of the consultation.")
    cost_usd: float | None = Field(
        0.0, ge=0, le=1_000_000, description="From the price table; None when unlisted."
    )
    rejections: list[Text] = Field(
        default_factory=list, max_length=5, description="Why model answers were refused."
    )

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens
