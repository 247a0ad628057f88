"""The REST API's request and response bodies (the seed's names), and its one error shape.

The schemas say as much as they can (patterns, enums, bounds) so that a request the OpenAPI
document accepts is one the API accepts; what no schema can say (whether a CSV location exists,
what an uploaded file holds) is answered with a 4xx in ``ApiError``'s shape.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core.contracts import PROJECT_NAME_PATTERN, CloudProvider, ProjectKind, WorkflowStatus
from core.contracts.request import MAX_REQUEST_CHARS
from ui.observe import RunSummary

# At least one character Python's str.strip() keeps (it also strips \x1c-\x1f).
NOT_BLANK = r"[^\s\x1c-\x1f]"


class ApiError(BaseModel):
    """Every 4xx and 5xx answer: a machine-readable code and one sentence for people."""

    error: str = Field(description="Short code: invalid_input, not_found, conflict, ...")
    message: str = Field(description="What went wrong, in one sentence.")


class ExecuteRequest(BaseModel):
    """The seed's request: what to build and where it goes."""

    model_config = ConfigDict(extra="forbid")

    input_type: Literal["text", "csv"] = Field(description="A text request or a CSV file.")
    input_data: str = Field(
        min_length=1,
        max_length=MAX_REQUEST_CHARS,
        pattern=NOT_BLANK,
        description="The request text, or the CSV's path or s3:// gs:// az:// URL.",
    )
    cloud_provider: CloudProvider = Field("local", description="Where the project is deployed.")
    project_name: str | None = Field(
        None, pattern=PROJECT_NAME_PATTERN, description="Derived from the request when null."
    )
    project_kind: ProjectKind | None = Field(None, description="Inferred when null.")
    deploy: Literal["local", "check", "none"] = Field(
        "local",
        description="After approval: keep the app running here, only health-check it, or skip.",
    )
    approval_timeout: int = Field(3600, ge=60, le=7 * 24 * 3600, description="Seconds to wait.")
    requested_by: str = Field(
        "",
        max_length=120,
        description="Who asks for the run; with the flow's four_eyes rule they may not approve it.",
    )


class ExecuteResponse(BaseModel):
    """The seed's answer: the run was created and where it stands."""

    success: bool
    workflow_id: str
    status: WorkflowStatus
    agents_completed: list[str] = Field(description="Agents whose task finished, in order.")
    current_agent: str | None = None
    ui_url: str = Field(description="The run in the Prefect UI.")


class DecisionRequest(BaseModel):
    """An approver's answer to the approval form."""

    model_config = ConfigDict(extra="forbid")

    reviewer: str = Field(min_length=1, max_length=120, pattern=NOT_BLANK, description="Who.")
    comment: str = Field("", max_length=500, description="Why (shown in the run).")


class RejectRequest(DecisionRequest):
    """A rejection says why."""

    comment: str = Field(min_length=1, max_length=500, pattern=NOT_BLANK, description="Why not.")


class DecisionResponse(BaseModel):
    workflow_id: str
    approved: bool
    reviewer: str
    status: WorkflowStatus = Field(description="The run's status right after the decision.")


class WorkflowPage(BaseModel):
    items: list[RunSummary]
    page: int = Field(ge=1)
    page_size: int = Field(ge=1, le=100)
    total: int = Field(ge=0)


class Health(BaseModel):
    status: Literal["ok"] = "ok"
