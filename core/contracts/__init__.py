"""Typed models passed between the five agents, the user's request and the workflow state.

Field names follow the seed's dict schemas. Every string and list is bounded: that keeps
artifacts readable and lets a small local model produce valid JSON against these schemas.
One module per agent; import the models from here.
"""

from core.contracts.analysis import (
    Analysis,
    AnalysisResult,
    DatasetPlan,
    Entity,
    EntityField,
    Infrastructure,
    ProjectPlan,
    TaskItem,
    TechChoice,
)
from core.contracts.base import (
    ALL_OPERATIONS,
    CLOUD_PROVIDERS,
    PROJECT_KINDS,
    PROJECT_NAME_PATTERN,
    CloudProvider,
    Contract,
    FieldType,
    Identifier,
    LLMTrace,
    Operation,
    ProjectKind,
    Severity,
    ShortText,
    Text,
    WorkflowStatus,
)
from core.contracts.code import CodeStatistics, GeneratedCode, GeneratedFile
from core.contracts.deployment import (
    DeploymentBundle,
    DeploymentFile,
    FileKind,
    Suppression,
    Verdict,
    VerdictStatus,
)
from core.contracts.release import (
    Approval,
    DeploymentStatus,
    GateResult,
    ReleaseResult,
    ReleaseStep,
    StepStatus,
    ValidationReport,
    ValidationResults,
)
from core.contracts.request import MAX_REQUEST_CHARS, PipelineRequest, RequestOptions, slugify
from core.contracts.review import Finding, ReviewReport, ReviewResults, ToolVersion
from core.contracts.workflow import PipelineOutcome, WorkflowState

__all__ = [
    "ALL_OPERATIONS",
    "CLOUD_PROVIDERS",
    "MAX_REQUEST_CHARS",
    "PROJECT_KINDS",
    "PROJECT_NAME_PATTERN",
    "Analysis",
    "AnalysisResult",
    "Approval",
    "CloudProvider",
    "CodeStatistics",
    "Contract",
    "DatasetPlan",
    "DeploymentBundle",
    "DeploymentFile",
    "DeploymentStatus",
    "Entity",
    "EntityField",
    "FieldType",
    "FileKind",
    "Finding",
    "GateResult",
    "GeneratedCode",
    "GeneratedFile",
    "Identifier",
    "Infrastructure",
    "LLMTrace",
    "Operation",
    "PipelineOutcome",
    "PipelineRequest",
    "ProjectKind",
    "ProjectPlan",
    "ReleaseResult",
    "ReleaseStep",
    "RequestOptions",
    "ReviewReport",
    "ReviewResults",
    "Severity",
    "ShortText",
    "StepStatus",
    "Suppression",
    "TaskItem",
    "TechChoice",
    "Text",
    "ToolVersion",
    "ValidationReport",
    "ValidationResults",
    "Verdict",
    "VerdictStatus",
    "WorkflowState",
    "WorkflowStatus",
    "slugify",
]
