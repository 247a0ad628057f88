"""What the DevOps model designs (replicas, resources, base image) and how facts override it.

The model designs (one AG2 call, schema-bounded); facts found in the project win over its design
(port, health path, ASGI module); every value reaching a template has passed a pattern or an
allow-list.
"""

from __future__ import annotations

import logging
from typing import Annotated, Literal

from pydantic import Field

from agents.llm import register
from core.contracts import PROJECT_NAME_PATTERN, CloudProvider, Contract, ProjectKind, ShortText

logger = logging.getLogger(__name__)

BaseImage = Literal["python:3.11-slim", "python:3.12-slim"]
CpuQuantity = Annotated[str, Field(pattern=r"^([1-9][0-9]{0,3}m|[1-4])$")]
MemoryQuantity = Annotated[str, Field(pattern=r"^([1-9][0-9]{1,4}Mi|[1-8]Gi)$")]
HealthPath = Annotated[str, Field(pattern=r"^/[a-z0-9/_-]{0,60}$")]
ModuleName = Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]{0,40}$")]
DEFAULT_PORT = 8000
# Libraries that hold data in memory: services using them get larger resource requests.
_HEAVY_PACKAGES = frozenset({"pandas", "numpy", "scipy", "scikit-learn", "torch", "polars"})


class DevOpsInput(Contract):
    """What the DevOps agent knows about the project: the input of the model call."""

    project_name: str = Field(pattern=PROJECT_NAME_PATTERN)
    cloud_provider: CloudProvider
    project_kind: ProjectKind = "rest_api"
    detected_port: int | None = Field(None, ge=1024, le=65535)
    detected_health_path: HealthPath | None = None
    app_module: ShortText
    dependencies: list[ShortText] = Field(default_factory=list, max_length=40)
    service_modules: list[ModuleName] = Field(
        default_factory=list, max_length=20, description="microservices: services/<module>/."
    )


class DeploymentDesign(Contract):
    """How the service runs: the model's design, checked against allow-lists and patterns."""

    replicas: int = Field(ge=1, le=10)
    cpu_request: CpuQuantity = Field(description='Kubernetes CPU quantity, e.g. "100m" or "1".')
    cpu_limit: CpuQuantity
    memory_request: MemoryQuantity = Field(description='Memory quantity, e.g. "128Mi" or "1Gi".')
    memory_limit: MemoryQuantity
    container_port: int = Field(ge=1024, le=65535)
    health_path: HealthPath
    base_image: BaseImage


def design_for(data: DevOpsInput) -> DeploymentDesign:
    """The offline design: small, safe defaults sized by the project's dependencies."""
    heavy = any(name.lower() in _HEAVY_PACKAGES for name in data.dependencies)
    return DeploymentDesign(
        replicas=1 if data.cloud_provider == "local" else 2,
        cpu_request="250m" if heavy else "100m",
        cpu_limit="1" if heavy else "500m",
        memory_request="512Mi" if heavy else "128Mi",
        memory_limit="1Gi" if heavy else "256Mi",
        container_port=data.detected_port or DEFAULT_PORT,
        health_path=data.detected_health_path or "/health",
        base_image="python:3.11-slim",
    )


register("devops", lambda data: design_for(DevOpsInput.model_validate(data)))


def _millicores(quantity: str) -> int:
    return int(quantity[:-1]) if quantity.endswith("m") else int(quantity) * 1000


def _mebibytes(quantity: str) -> int:
    return int(quantity[:-2]) * (1024 if quantity.endswith("Gi") else 1)


def settle_design(design: DeploymentDesign, facts: DevOpsInput) -> DeploymentDesign:
    """The design with measured facts in place of the model's guesses and limits >= requests.

    The local target keeps one replica whatever the model says: its SQLite file lives on one
    volume, and a second pod would open a database of its own.
    """
    changes: dict[str, object] = {}
    if facts.detected_port not in (None, design.container_port):
        changes["container_port"] = facts.detected_port
    if facts.detected_health_path not in (None, design.health_path):
        changes["health_path"] = facts.detected_health_path
    if _millicores(design.cpu_limit) < _millicores(design.cpu_request):
        changes["cpu_limit"] = design.cpu_request
    if _mebibytes(design.memory_limit) < _mebibytes(design.memory_request):
        changes["memory_limit"] = design.memory_request
    if facts.cloud_provider == "local" and design.replicas != 1:
        changes["replicas"] = 1
    if changes:
        logger.info("devops: design corrected from measured facts: %s", sorted(changes))
    return design.model_copy(update=changes)
