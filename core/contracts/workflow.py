"""What a pipeline run returns, and the seed's workflow state read back from the Prefect API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from core.contracts.analysis import AnalysisResult
from core.contracts.base import WorkflowStatus
from core.contracts.code import GeneratedCode
from core.contracts.deployment import DeploymentBundle
from core.contracts.release import ReleaseResult, ValidationReport
from core.contracts.review import ReviewReport


class PipelineOutcome(BaseModel):
    """What a finished pipeline run returns (persisted as the flow run's result)."""

    project_name: str
    project_path: str
    analysis: AnalysisResult
    generated_code: GeneratedCode
    review: ReviewReport
    deployment: DeploymentBundle
    validation: ValidationReport
    release: ReleaseResult | None = None
    llm_tokens: int = Field(0, ge=0, description="Tokens the run's model calls used.")
    llm_cost_usd: float | None = Field(0.0, ge=0, description="Their cost; None if unpriced.")
    llm_fallbacks: list[str] = Field(
        default_factory=list, description="Agents that answered offline instead of the model."
    )


class WorkflowState(BaseModel):
    workflow_id: str
    status: WorkflowStatus
    current_agent: str | None = None
    state_message: str | None = None
    project_name: str | None = None
    project_path: str | None = None
    ui_url: str | None = None
    artifacts: list[str] = Field(default_factory=list)
    analysis: AnalysisResult | None = None
    generated_code: GeneratedCode | None = None
    review: ReviewReport | None = None
    deployment: DeploymentBundle | None = None
    validation: ValidationReport | None = None
    release: ReleaseResult | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
