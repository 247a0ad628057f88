"""Agent 4, the DevOps Engineer: the deployment kit for a generated project, and its checks."""

from agents.devops.agent import build_deployment
from agents.devops.consistency import consistency_problems
from agents.devops.design import DeploymentDesign, DevOpsInput, design_for, settle_design
from agents.devops.facts import detect_kind, inspect_project
from agents.devops.layouts import build_spec
from agents.devops.spec import KitSpec

__all__ = [
    "DeploymentDesign",
    "DevOpsInput",
    "KitSpec",
    "build_deployment",
    "build_spec",
    "consistency_problems",
    "design_for",
    "detect_kind",
    "inspect_project",
    "settle_design",
]
