"""Analyzer & Planner: turn a request into a typed project plan.

The measuring half (CSV profile, keyword evidence, entity extraction) runs in plain Python; the
model is asked for the plan, and measured facts always win over its answer.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from agents import offline
from agents.contracts import (
    Analysis,
    AnalysisResult,
    CloudProvider,
    DatasetPlan,
    Entity,
    EntityField,
    FieldType,
    Infrastructure,
    ProjectKind,
    ProjectPlan,
    TaskItem,
)
from agents.errors import InvalidRequest
from agents.kind_inference import OUT_OF_SCOPE
from agents.kinds import KINDS, choose_key, choose_target, tech_stack
from agents.llm import BackendSpec, consult_sync
from agents.naming import entity_name, field_identifier
from agents.profiling import CsvProfile, profile_csv
from agents.request import PipelineRequest
from agents.text_analysis import extract_entities, infer_kind, refused_instructions

logger = logging.getLogger(__name__)


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


def _not_covered(text: str) -> list[str]:
    return [
        f"The plan builds the data service behind the request; it does not build {scope.what}."
        for scope in OUT_OF_SCOPE
        if scope.pattern.search(text)
    ][:10]


def _entities_from_profile(profile: ProfileSummary) -> list[Entity]:
    fields = [
        {
            "name": column.identifier,
            "type": column.field_type,
            "required": column.missing == 0,
            "source_name": column.name[:120],
        }
        for column in profile.columns[:40]
    ]
    return [Entity.model_validate({"name": entity_name(profile.stem), "fields": fields})]


def _with_target(entity: Entity, *, from_csv: bool) -> Entity:
    """An ML entity needs a feature and a target; text plans without one get a ``label``.

    Raises:
        InvalidRequest: a CSV with fewer than two usable columns (nothing to learn from).
    """
    if choose_target(entity) is not None:
        return entity
    if from_csv:
        raise InvalidRequest(
            "An ML pipeline needs a CSV with at least two columns: features and a target."
        )
    names = {f.name for f in entity.fields}
    label = next(n for n in ("label", "predicted_label", "target_label") if n not in names)
    field = EntityField(name=label, type="str", required=True)
    return entity.model_copy(update={"fields": [*entity.fields[:39], field]})


def _dataset(data: AnalyzerInput, kind: ProjectKind, entity: Entity) -> DatasetPlan | None:
    """The data plan: the CSV's facts, or synthetic rows for a pipeline asked for in text."""
    profile = data.csv_profile
    if profile is None:
        if kind not in ("ml_pipeline", "etl_pipeline"):
            return None
        target, key = choose_target(entity), choose_key(entity)
        return DatasetPlan(
            source="synthetic",
            target=target.name if target else None,
            key=key.name if key else None,
        )
    by_name = {c.name: c.identifier for c in profile.columns}
    target = choose_target(entity, by_name.get(profile.candidate_target or ""))
    key = choose_key(entity, by_name.get(profile.candidate_key or ""))
    return DatasetPlan(
        source="csv",
        file_name=f"{profile.stem[:110]}.csv",
        delimiter=profile.delimiter,
        encoding=profile.encoding,
        rows=profile.rows,
        target=target.name if target else None,
        key=key.name if key else None,
    )


def plan_for(data: AnalyzerInput) -> AnalysisResult:
    """The deterministic plan: keyword evidence for the kind, entities from text or columns."""
    text = data.text or ""
    if data.csv_profile is not None:
        profile = data.csv_profile
        entities = _entities_from_profile(profile)
        kind: ProjectKind = "rest_api"
        evidence = [f"CSV input with {len(profile.columns)} columns: serve its rows as an API."]
        shape = (
            f"{profile.rows:,} rows x {len(profile.columns)} columns, "
            f"delimiter {profile.delimiter!r}"
        )
        insights = profile.insights
        not_covered: list[str] = []
    else:
        kind, evidence = infer_kind(text)
        entities = extract_entities(text)
        words = len(text.split())
        shape = f"text request of {words} words; {len(entities)} entities named"
        insights = [
            f"{e.name} has {len(e.fields)} fields: " + ", ".join(f.name for f in e.fields)
            for e in entities
        ]
        not_covered = _not_covered(text)
    if data.project_kind is not None and data.project_kind != kind:
        evidence = [f"The request asks for a {data.project_kind} explicitly.", *evidence]
        kind = data.project_kind
    if kind == "ml_pipeline":
        entities[0] = _with_target(entities[0], from_csv=data.csv_profile is not None)
    names = ", ".join(e.name for e in entities)
    profile_of_kind = KINDS[kind]
    complexity = min(10, 2 + len(entities) + sum(len(e.fields) for e in entities) // 8)
    return AnalysisResult(
        analysis=Analysis(
            data_shape=shape[:500],
            key_insights=[i[:500] for i in insights[:20]],
            project_type=kind,
            evidence=[e[:500] for e in evidence[:10]],
            not_covered=not_covered,
        ),
        project_plan=ProjectPlan(
            project_name=data.project_name,
            goals=[profile_of_kind.goal.format(names=names)[:500]],
            requirements=[r.format(names=names)[:500] for r in profile_of_kind.requirements]
            + ["Expose /health for orchestration.", "Ship with automated tests."],
        ),
        folder_structure=list(profile_of_kind.folders),
        tech_stack=tech_stack(kind),
        task_breakdown=[
            TaskItem(title="Analyse the request and plan the project", owner="analyzer"),
            TaskItem(title="Generate the code and its tests", owner="code_generator"),
            TaskItem(title="Review with static analysis and the test suite", owner="reviewer"),
            TaskItem(title="Write container and Kubernetes manifests", owner="devops"),
            TaskItem(title="Validate gates and release after approval", owner="validator"),
            TaskItem(title="Approve or reject the release", owner="human"),
        ],
        infrastructure=Infrastructure(
            cloud_provider=data.cloud_provider, services=list(profile_of_kind.services)
        ),
        entities=entities,
        complexity=complexity,
        refused_instructions=refused_instructions(text),
        dataset=_dataset(data, kind, entities[0]),
    )


offline.register("analyzer", lambda payload: plan_for(AnalyzerInput.model_validate(payload)))


def _merge_measured(
    answer: AnalysisResult, measured: AnalysisResult, *, from_csv: bool, chosen_kind: bool = False
) -> AnalysisResult:
    """Keep the model's prose, but measured facts (name, cloud, columns, refusals) win."""
    updates: dict[str, Any] = {
        "project_plan": answer.project_plan.model_copy(
            update={"project_name": measured.project_plan.project_name}
        ),
        "infrastructure": answer.infrastructure.model_copy(
            update={"cloud_provider": measured.infrastructure.cloud_provider}
        ),
        "refused_instructions": sorted(
            set(answer.refused_instructions) | set(measured.refused_instructions)
        )[:10],
    }
    if chosen_kind:
        updates["analysis"] = answer.analysis.model_copy(
            update={"project_type": measured.analysis.project_type}
        )
    if from_csv:
        updates["entities"] = measured.entities
        updates["analysis"] = updates.get("analysis", answer.analysis).model_copy(
            update={"data_shape": measured.analysis.data_shape}
        )
    return answer.model_copy(update=updates)


def analyze(request: PipelineRequest, *, spec: BackendSpec) -> AnalysisResult:
    """Analyse ``request`` and return the validated project plan.

    Raises:
        InvalidRequest: the CSV cannot be read as a table (one sentence says why).
    """
    profile = None
    if request.input_type == "csv" and request.csv_location:
        profile = profile_csv(Path(request.csv_location))
    data = AnalyzerInput(
        project_name=request.project_name,
        cloud_provider=request.cloud_provider,
        text=request.text,
        csv_profile=ProfileSummary.of(profile) if profile else None,
        project_kind=request.project_kind,
    )
    answer, trace = consult_sync(role="analyzer", payload=data, schema=AnalysisResult, spec=spec)
    merged = _merge_measured(
        answer,
        plan_for(data),
        from_csv=profile is not None,
        chosen_kind=request.project_kind is not None,
    )
    # Whatever kind and entities the model settled on, a pipeline gets its data plan from them
    # (and an ML entity a target), so the generator never meets a target that is not a field.
    kind = merged.analysis.project_type
    entities = list(merged.entities)
    if kind == "ml_pipeline":
        entities[0] = _with_target(entities[0], from_csv=profile is not None)
    dataset = _dataset(data, kind, entities[0])
    return merged.model_copy(update={"entities": entities, "dataset": dataset, "llm": trace})


__all__ = ["AnalyzerInput", "analyze", "entity_name", "field_identifier", "plan_for"]
