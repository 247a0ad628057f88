"""Agent 4, the DevOps Engineer: the deployment kit for a generated project, and its checks."""

from agents.devops.kit import (
    DeploymentDesign,
    DevOpsInput,
    build_deployment,
    design_for,
    inspect_project,
    settle_design,
)

__all__ = [
    "DeploymentDesign",
    "DevOpsInput",
    "build_deployment",
    "design_for",
    "inspect_project",
    "settle_design",
]
