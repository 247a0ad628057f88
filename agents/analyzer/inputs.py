"""What the analyzer's model sees: the request and, for a CSV, its measured profile, slimmed."""

from __future__ import annotations

from pydantic import BaseModel, Field

from agents.profiling import CsvProfile
from core.contracts import CloudProvider, FieldType, ProjectKind


class ColumnSummary(BaseModel):
    """One column as the model sees it: enough to plan fields, small enough for a local model."""

    name: str = Field(max_length=300)
    identifier: str = Field(max_length=64)
    field_type: FieldType
    kind: str = Field(max_length=20)
    missing: int = Field(ge=0)
    distinct: int = Field(ge=0)


class ProfileSummary(BaseModel):
    """The measured CSV profile, slimmed for the prompt (full profile: the csv-analysis flow)."""

    stem: str = Field(max_length=200)
    rows: int = Field(ge=0)
    delimiter: str = Field(max_length=1)
    encoding: str = Field("utf-8", max_length=20)
    columns: list[ColumnSummary] = Field(max_length=500)
    candidate_key: str | None = Field(None, max_length=300)
    candidate_target: str | None = Field(None, max_length=300)
    insights: list[str] = Field(default_factory=list, max_length=20)

    @classmethod
    def of(cls, profile: CsvProfile) -> ProfileSummary:
        return cls(
            stem=profile.stem,
            rows=profile.rows,
            delimiter=profile.delimiter,
            encoding=profile.encoding,
            columns=[
                ColumnSummary(
                    name=c.name,
                    identifier=c.identifier,
                    field_type=c.field_type,
                    kind=c.kind,
                    missing=c.missing,
                    distinct=c.distinct,
                )
                for c in profile.columns
            ],
            candidate_key=profile.candidate_key,
            candidate_target=profile.candidate_target,
            insights=profile.insights,
        )


class AnalyzerInput(BaseModel):
    """What the analyzer's model sees: the request and, for CSV input, the measured profile."""

    project_name: str
    cloud_provider: CloudProvider
    text: str | None = Field(None, max_length=20_000)
    csv_profile: ProfileSummary | None = None
    project_kind: ProjectKind | None = Field(None, description="Chosen by the user; else infer.")
