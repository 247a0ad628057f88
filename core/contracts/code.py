"""Agent 2, the Code Generator: what it wrote, counted on disk."""

from __future__ import annotations

from pydantic import Field

from core.contracts.base import Contract, LLMTrace, ProjectKind, ShortText


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
