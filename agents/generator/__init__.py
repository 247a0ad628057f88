"""Agent 2, the Code Generator: the plan's kind of project, rendered from ``templates/apps``."""

from agents.generator.code_stats import scan_project
from agents.generator.data import SAMPLE_FILE
from agents.generator.design import CodeDesign, ResourceDesign, design_for
from agents.generator.generator import generate, rescan
from agents.generator.pins import PINS_BY_KIND, PIPELINE_COMMANDS, RUFF_PIN, tech_stack_of

__all__ = [
    "PINS_BY_KIND",
    "PIPELINE_COMMANDS",
    "RUFF_PIN",
    "SAMPLE_FILE",
    "CodeDesign",
    "ResourceDesign",
    "design_for",
    "generate",
    "rescan",
    "scan_project",
    "tech_stack_of",
]
