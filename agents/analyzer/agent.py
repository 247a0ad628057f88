"""Agent 1, the Analyzer & Planner: ask the model for the plan; measured facts win over it."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from agents.analyzer.inputs import AnalyzerInput, ProfileSummary
from agents.analyzer.planner import dataset_plan, plan_for, with_target
from agents.llm import BackendSpec, consult_sync, register
from agents.profiling import profile_csv
from core.contracts import AnalysisResult, PipelineRequest

logger = logging.getLogger(__name__)


register("analyzer", lambda payload: plan_for(AnalyzerInput.model_validate(payload)))


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
        # The CSV's columns are measured: its entities win, and no relation of the model's
        # may point at an entity the plan no longer has.
        updates["entities"] = measured.entities
        updates["relations"] = measured.relations
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
        entities[0] = with_target(entities[0], from_csv=profile is not None)
    dataset = dataset_plan(data, kind, entities[0])
    return merged.model_copy(update={"entities": entities, "dataset": dataset, "llm": trace})
