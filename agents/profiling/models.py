"""The CSV profile's pydantic models: every string and list bounded."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from agents.profiling.sniff import MAX_COLUMNS, Encoding
from core.contracts import FieldType

ColumnKind = Literal["int", "float", "bool", "date", "datetime", "category", "text", "id"]


class _Bounded(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TopValue(_Bounded):
    value: str = Field(max_length=81, description="The value, neutralised, at most 80 chars.")
    count: int = Field(ge=0, description="Rows holding it.")
    share: float = Field(ge=0, le=1, description="Fraction of all rows.")
    estimated: bool = Field(False, description="Scaled up from the sample, not counted.")


class Quantiles(_Bounded):
    p05: float
    p25: float
    p50: float
    p75: float
    p95: float


class ColumnProfile(_Bounded):
    name: str = Field(max_length=300, description="The column's header as written.")
    identifier: str = Field(max_length=64, description="Safe Python identifier for it.")
    field_type: FieldType
    kind: ColumnKind = Field("text", description="Semantic kind: adds category, text and id.")
    missing: int = Field(ge=0)
    missing_rate: float = Field(0.0, ge=0, le=1)
    distinct: int = Field(0, ge=0, description="Distinct non-empty values.")
    distinct_is_estimate: bool = Field(False, description="HyperLogLog estimate (large files).")
    distinct_sample: int = Field(ge=0, description="Distinct values in the sample.")
    examples: list[str] = Field(default_factory=list, max_length=3)
    minimum: str | None = Field(None, max_length=80)
    maximum: str | None = Field(None, max_length=80)
    mean: float | None = None
    std: float | None = None
    quantiles: Quantiles | None = Field(None, description="From the sample on large files.")
    top_values: list[TopValue] = Field(default_factory=list, max_length=5)
    outliers: int | None = Field(None, ge=0, description="Values beyond Tukey's fences.")
    invalid_values: int = Field(0, ge=0, description="Values not fitting the sampled type.")
    is_candidate_key: bool = False
    is_candidate_target: bool = False


class Correlation(_Bounded):
    left: str = Field(max_length=300)
    right: str = Field(max_length=300)
    pearson: float = Field(ge=-1, le=1)


class CsvProfile(_Bounded):
    stem: str = Field(max_length=200)
    rows: int = Field(ge=0)
    delimiter: str = Field(max_length=1)
    encoding: Encoding = "utf-8"
    size_bytes: int = Field(0, ge=0)
    sampled: bool = Field(False, description="Whether shape figures come from a sample.")
    sample_rows: int = Field(0, ge=0)
    columns: list[ColumnProfile] = Field(max_length=MAX_COLUMNS)
    correlations: list[Correlation] = Field(default_factory=list, max_length=10)
    candidate_key: str | None = Field(None, max_length=300)
    candidate_target: str | None = Field(None, max_length=300)
    insights: list[str] = Field(default_factory=list, max_length=20)
    seconds: float = Field(0.0, ge=0, description="Wall time of the profile.")
