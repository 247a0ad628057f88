"""Typed models passed between the five agents.

Field names follow the seed's dict schemas. Every string and list is bounded: that keeps
artifacts readable and lets a small local model produce valid JSON against these schemas.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from agents.errors import InvalidRequest

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
MAX_REQUEST_CHARS = 20_000

Text = Annotated[str, Field(max_length=500)]
ShortText = Annotated[str, Field(max_length=120)]
Identifier = Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]{0,62}$")]


class Contract(BaseModel):
    """Base for every contract: unknown keys are refused so a model cannot smuggle data in."""

    model_config = ConfigDict(extra="forbid")


class RequestOptions(Contract):
    review_rounds: int = Field(2, ge=0, le=5, description="Repair rounds after a blocking review.")
    run_generated_tests: bool = Field(True, description="Run the generated project's tests.")
    deploy_target: Literal["local", "none"] = Field(
        "local", description="Where an approved release is deployed."
    )
    keep_deployment_running: bool = Field(
        True, description="Leave the locally deployed app running after its health check."
    )


class PipelineRequest(Contract):
    input_type: Literal["text", "csv"] = Field(description="What kind of request this is.")
    text: str | None = Field(None, max_length=MAX_REQUEST_CHARS, description="The request text.")
    csv_location: str | None = Field(
        None, max_length=1000, description="Path or URL of the CSV file to build around."
    )
    cloud_provider: CloudProvider = Field("local", description="Where the project is deployed.")
    project_name: str = Field(
        pattern=PROJECT_NAME_PATTERN, description="Lowercase name used for repo, image and dirs."
    )
    project_kind: ProjectKind | None = Field(
        None, description="The kind of project to build; inferred from the request when None."
    )
    options: RequestOptions = Field(default_factory=RequestOptions)

    @model_validator(mode="after")
    def _input_matches_type(self) -> PipelineRequest:
        if self.input_type == "text" and not (self.text and self.text.strip()):
            raise ValueError("a text request needs a non-empty description")
        if self.input_type == "csv" and not self.csv_location:
            raise ValueError("a CSV request needs a CSV location")
        return self

    def fingerprint(self) -> str:
        """Hash of what shapes the generated project (not of run options such as timeouts)."""
        import hashlib

        shape = self.model_dump_json(
            include={
                "input_type",
                "text",
                "csv_location",
                "cloud_provider",
                "project_name",
                "project_kind",
            }
        )
        return hashlib.sha256(shape.encode()).hexdigest()

    def without_options(self) -> PipelineRequest:
        """The request with default options, so run options do not split the agents' cache."""
        return self.model_copy(update={"options": RequestOptions()})

    @classmethod
    def from_inputs(
        cls,
        *,
        text: str | None = None,
        csv: str | None = None,
        name: str | None = None,
        cloud: str = "local",
        kind: str | None = None,
        options: RequestOptions | None = None,
    ) -> PipelineRequest:
        """Build a request from user inputs, raising ``InvalidRequest`` with one sentence."""
        if (text is None) == (csv is None):
            raise InvalidRequest("Give exactly one of a request text or a CSV file.")
        if text is not None and not text.strip():
            raise InvalidRequest("The request text is empty; describe the software you want.")
        if text is not None and len(text) > MAX_REQUEST_CHARS:
            raise InvalidRequest(
                f"The request text has {len(text):,} characters; "
                f"the limit is {MAX_REQUEST_CHARS:,}."
            )
        if csv is not None:
            _check_csv_location(csv)
        if cloud not in CLOUD_PROVIDERS:
            raise InvalidRequest(
                f"Unknown cloud provider {cloud!r}; choose one of {', '.join(CLOUD_PROVIDERS)}."
            )
        if kind is not None and kind not in PROJECT_KINDS:
            raise InvalidRequest(
                f"Unknown project kind {kind!r}; choose one of {', '.join(PROJECT_KINDS)}."
            )
        if name is None:
            name = slugify(text if text is not None else Path(str(csv)).stem)
        elif not re.fullmatch(PROJECT_NAME_PATTERN, name):
            raise InvalidRequest(
                f"Invalid project name {name!r}: use 2-63 lowercase letters, digits and dashes, "
                "starting with a letter."
            )
        return cls(
            input_type="text" if text is not None else "csv",
            text=text,
            csv_location=csv,
            cloud_provider=cloud,  # type: ignore[arg-type]  # checked against CLOUD_PROVIDERS
            project_name=name,
            project_kind=kind,  # type: ignore[arg-type]  # checked against PROJECT_KINDS
            options=options or RequestOptions(),
        )


def _check_csv_location(location: str) -> None:
    from services.storage import parse_location  # strict s3/gs/az URL rules live there

    if parse_location(location) is not None:
        return
    if not Path(location).is_file():
        raise InvalidRequest(f"The CSV file {location!r} does not exist or is not a file.")


def slugify(text: str) -> str:
    """A valid project name from free text: the first few words, lowercase, dashed."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    stop = {"a", "an", "the", "and", "or", "for", "of", "to", "with", "that", "i", "we", "want"}
    kept = [w for w in words if w not in stop][:4] or ["project"]
    slug = "-".join(kept)[:50].strip("-")
    if not slug[0].isalpha():
        slug = f"app-{slug}"
    return slug if len(slug) >= 2 else f"{slug}-app"


# --- LLM trace --------------------------------------------------------------------------------


class LLMTrace(Contract):
    backend: ShortText = Field(description="Backend that answered: offline, openai, local, ...")
    model: ShortText = Field(description="Model name reported by the backend.")
    source: Literal["model", "offline", "offline-fallback"] = Field(
        description="Whether the answer came from the model, the offline client, or a fallback."
    )
    prompt_tokens: int = Field(0, ge=0)
    completion_tokens: int = Field(0, ge=0)
    rejections: list[Text] = Field(
        default_factory=list, max_length=5, description="Why model answers were refused."
    )


# --- Agent 1: analyzer ------------------------------------------------------------------------


class EntityField(Contract):
    name: Identifier = Field(description="Python identifier for the field.")
    type: FieldType = Field(description="Field type.")
    required: bool = Field(True, description="Whether a value must be given on create.")
    source_name: ShortText | None = Field(None, description="Original name (CSV column or text).")


class Entity(Contract):
    name: Annotated[str, Field(pattern=r"^[A-Z][A-Za-z0-9]{0,40}$")] = Field(
        description="PascalCase model name."
    )
    fields: list[EntityField] = Field(min_length=1, max_length=40)
    operations: list[Operation] = Field(default_factory=lambda: list(ALL_OPERATIONS), max_length=5)

    @field_validator("fields")
    @classmethod
    def _unique_field_names(cls, fields: list[EntityField]) -> list[EntityField]:
        names = [f.name for f in fields]
        if len(names) != len(set(names)):
            raise ValueError("field names must be unique within an entity")
        return fields


class Analysis(Contract):
    data_shape: Text = Field(description="What the input looks like, measured.")
    key_insights: list[Text] = Field(default_factory=list, max_length=20)
    project_type: ProjectKind
    evidence: list[Text] = Field(default_factory=list, max_length=10)
    not_covered: list[Text] = Field(
        default_factory=list, max_length=10, description="Parts of the request the plan leaves out."
    )


class ProjectPlan(Contract):
    project_name: str = Field(pattern=PROJECT_NAME_PATTERN)
    goals: list[Text] = Field(max_length=10)
    requirements: list[Text] = Field(max_length=30)


class TechChoice(Contract):
    name: ShortText
    reason: Text


class TaskItem(Contract):
    title: Text
    owner: Literal["analyzer", "code_generator", "reviewer", "devops", "validator", "human"]


class Infrastructure(Contract):
    cloud_provider: CloudProvider
    services: list[ShortText] = Field(default_factory=list, max_length=20)
    needs_database: bool = True
    container_port: int = Field(8000, ge=1024, le=65535)


class DatasetPlan(Contract):
    """The data a project is built around: the CSV's measured facts, or synthetic rows."""

    source: Literal["csv", "synthetic"] = Field(description="Rows from the CSV or made up.")
    file_name: ShortText = Field("", description="The CSV's file name (no directory).")
    delimiter: str = Field(",", min_length=1, max_length=1)
    encoding: ShortText = "utf-8"
    rows: int = Field(0, ge=0, description="Rows in the CSV (0 for synthetic data).")
    target: Identifier | None = Field(None, description="Field a model predicts, if any.")
    key: Identifier | None = Field(None, description="Field that identifies a row, if any.")


class AnalysisResult(Contract):
    analysis: Analysis
    project_plan: ProjectPlan
    folder_structure: list[ShortText] = Field(max_length=60)
    tech_stack: list[TechChoice] = Field(max_length=15)
    task_breakdown: list[TaskItem] = Field(max_length=30)
    infrastructure: Infrastructure
    entities: list[Entity] = Field(min_length=1, max_length=10)
    complexity: int = Field(ge=1, le=10, description="1 trivial .. 10 very large.")
    refused_instructions: list[Text] = Field(
        default_factory=list,
        max_length=10,
        description="Instructions inside the request that try to change gates; recorded, ignored.",
    )
    dataset: DatasetPlan | None = Field(None, description="Set for CSV requests and pipelines.")
    llm: LLMTrace | None = None


# --- Agent 2: code generator ------------------------------------------------------------------


class GeneratedFile(Contract):
    path: str = Field(max_length=300, description="Path relative to the project root.")
    language: ShortText
    lines: int = Field(ge=0)


class CodeStatistics(Contract):
    files: int = Field(ge=0)
    lines: int = Field(ge=0)
    languages: dict[str, int] = Field(default_factory=dict, description="Lines per language.")


class GeneratedCode(Contract):
    project_path: str = Field(max_length=1000)
    project_kind: ProjectKind
    generated_files: list[GeneratedFile] = Field(max_length=500)
    tech_stack: list[ShortText] = Field(max_length=20)
    code_statistics: CodeStatistics
    repair_round: int = Field(0, ge=0, le=10, description="0 for the first generation.")
    llm: LLMTrace | None = None


# --- Agent 3: reviewer ------------------------------------------------------------------------


class Finding(Contract):
    tool: ShortText
    path: str = Field(max_length=300)
    line: int = Field(0, ge=0)
    code: ShortText = ""
    message: Text
    severity: Severity = "low"
    blocking: bool = Field(False, description="Whether this finding stops the release.")


class ReviewResults(Contract):
    issues_found: list[Finding] = Field(default_factory=list, max_length=200)
    suggestions: list[Text] = Field(default_factory=list, max_length=20)
    security_warnings: list[Finding] = Field(default_factory=list, max_length=100)
    performance_tips: list[Text] = Field(default_factory=list, max_length=20)


class ToolVersion(Contract):
    name: ShortText
    version: ShortText


class ReviewReport(Contract):
    review_results: ReviewResults
    code_quality_score: float = Field(ge=0, le=100)
    refactored_files: list[str] = Field(default_factory=list, max_length=200)
    tests_passed: int = Field(0, ge=0)
    tests_failed: int = Field(0, ge=0)
    tools: list[ToolVersion] = Field(default_factory=list, max_length=20)
    llm: LLMTrace | None = None

    @property
    def blocking_findings(self) -> list[Finding]:
        found = self.review_results.issues_found + self.review_results.security_warnings
        return [f for f in found if f.blocking]

    @property
    def is_blocking(self) -> bool:
        return bool(self.blocking_findings) or self.tests_failed > 0


# --- Agent 4: devops --------------------------------------------------------------------------


class DeploymentFile(Contract):
    path: str = Field(max_length=300)
    kind: Literal[
        "dockerfile", "dockerignore", "compose", "k8s", "ci", "terraform", "helm", "other"
    ]
    findings: list[Finding] = Field(default_factory=list, max_length=50)


class DeploymentBundle(Contract):
    deployment_files: list[DeploymentFile] = Field(max_length=100)
    cloud_provider: CloudProvider
    infrastructure_as_code: dict[str, list[str]] = Field(
        default_factory=dict, description="terraform / helm file lists."
    )
    ci_cd_config: list[str] = Field(default_factory=list, max_length=20)
    k8s_manifests: list[str] = Field(default_factory=list, max_length=50)
    container_port: int = Field(8000, ge=1024, le=65535)
    health_path: str = Field("/health", pattern=r"^/[a-z0-9/_-]*$")
    llm: LLMTrace | None = None


# --- Agent 5: validator & release manager -----------------------------------------------------


class GateResult(Contract):
    passed: bool
    summary: Text
    details: list[Text] = Field(default_factory=list, max_length=30)


class ValidationResults(Contract):
    code_quality: GateResult
    infrastructure: GateResult
    security: GateResult
    ready_for_deployment: bool


class ValidationReport(Contract):
    validation_results: ValidationResults
    summary_markdown: str = Field(max_length=20_000, description="Shown on the approval form.")
    release_notes: list[Text] = Field(default_factory=list, max_length=20)
    llm: LLMTrace | None = None


class Approval(Contract):
    approved: bool
    reviewer: ShortText | None = None
    comment: Text = ""
    decided_at: datetime


class DeploymentStatus(Contract):
    target: Literal["local", "kubernetes", "none"]
    status: Literal["healthy", "unhealthy", "skipped", "not_deployed"]
    url: str | None = Field(None, max_length=300)
    detail: Text = ""


class ReleaseResult(Contract):
    validation_results: ValidationResults
    approval: Approval | None
    git_repository: str | None = Field(None, max_length=500)
    commit_sha: str | None = Field(None, pattern=r"^[0-9a-f]{40}$")
    deployment_status: DeploymentStatus
    published: bool = Field(description="True once anything left the workspace.")
