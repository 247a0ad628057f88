"""The deterministic plan: the kind from keyword evidence, entities from text or CSV columns.

It is the offline answer of the analyzer and the measured half every model answer is merged
with (``agents.analyzer.agent``).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field

from agents.analyzer.columns import fields_from_columns
from agents.analyzer.inference import OUT_OF_SCOPE
from agents.analyzer.inputs import AnalyzerInput, ProfileSummary
from agents.analyzer.kinds import KINDS, choose_key, choose_target, tech_stack
from agents.analyzer.model import extract_domain
from agents.analyzer.text import infer_kind, refused_instructions
from core.contracts import (
    MAX_FIELDS,
    Analysis,
    AnalysisResult,
    DatasetPlan,
    Entity,
    EntityField,
    Infrastructure,
    ProjectKind,
    ProjectPlan,
    Relation,
    TaskItem,
)
from core.errors import InvalidRequest
from core.naming import entity_name

logger = logging.getLogger(__name__)


def _not_covered(text: str) -> list[str]:
    return [
        f"The plan builds the data service behind the request; it does not build {scope.what}."
        for scope in OUT_OF_SCOPE
        if scope.pattern.search(text)
    ][:10]


def _entities_from_profile(profile: ProfileSummary) -> list[Entity]:
    fields = fields_from_columns(profile).fields
    evidence = f"the rows of {profile.stem[:100]}"
    return [Entity(name=entity_name(profile.stem), fields=fields, evidence=evidence)]


def with_target(entity: Entity, *, from_csv: bool) -> Entity:
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
    label_field = EntityField(name=label, type="str", required=True)
    return entity.model_copy(update={"fields": [*entity.fields[: MAX_FIELDS - 1], label_field]})


def dataset_plan(data: AnalyzerInput, kind: ProjectKind, entity: Entity) -> DatasetPlan | None:
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
    cut = fields_from_columns(profile)
    return DatasetPlan(
        source="csv",
        file_name=f"{profile.stem[:110]}.csv",
        delimiter=profile.delimiter,
        encoding=profile.encoding,
        rows=profile.rows,
        target=target.name if target else None,
        key=key.name if key else None,
        columns_left_out=cut.left_out,
        left_out_reason=cut.reason[:500],
    )


@dataclass
class _Reading:
    """What the request says before any kind-specific planning."""

    kind: ProjectKind
    entities: list[Entity]
    relations: list[Relation]
    evidence: list[str]
    shape: str
    insights: list[str]
    not_covered: list[str] = field(default_factory=list)


def _read_profile(profile: ProfileSummary) -> _Reading:
    cut = fields_from_columns(profile)
    return _Reading(
        kind="rest_api",
        entities=_entities_from_profile(profile),
        relations=[],
        evidence=[f"CSV input with {len(profile.columns)} columns: serve its rows as an API."],
        shape=(
            f"{profile.rows:,} rows x {len(profile.columns)} columns, "
            f"delimiter {profile.delimiter!r}"
        ),
        insights=profile.insights,
        not_covered=[cut.reason[:500]] if cut.left_out else [],
    )


def _read_text(text: str) -> _Reading:
    kind, evidence = infer_kind(text)
    domain = extract_domain(text)
    entities = domain.entities
    named = 0 if entities[0].generic else len(entities)
    insights = [
        f"{e.name} has {len(e.fields)} fields: " + ", ".join(f.name for f in e.fields)
        for e in entities
    ]
    insights += [
        f"{r.parent} 1-n {r.child}" if r.kind == "one_to_many" else f"{r.parent} n-n {r.child}"
        for r in domain.relations
    ]
    if not named:
        insights.insert(
            0,
            "The request names nothing the software would keep; the plan uses a "
            "generic Item with a name and a description.",
        )
    return _Reading(
        kind=kind,
        entities=entities,
        relations=domain.relations,
        evidence=evidence,
        shape=f"text request of {len(text.split())} words; {named} entities named",
        insights=insights,
        not_covered=_not_covered(text),
    )


# Who does what in every project: the seed's five agents and the human approver.
_TASKS = (
    TaskItem(title="Analyse the request and plan the project", owner="analyzer"),
    TaskItem(title="Generate the code and its tests", owner="code_generator"),
    TaskItem(title="Review with static analysis and the test suite", owner="reviewer"),
    TaskItem(title="Write container and Kubernetes manifests", owner="devops"),
    TaskItem(title="Validate gates and release after approval", owner="validator"),
    TaskItem(title="Approve or reject the release", owner="human"),
)


def plan_for(data: AnalyzerInput) -> AnalysisResult:
    """The deterministic plan: keyword evidence for the kind, entities from text or columns.

    The last few inputs' plans are kept: offline, ``analyze`` asks for the same input's plan
    twice (once as the model's answer, once as the measured half), and reading a request's
    domain is most of its cost. Each caller gets its own copy."""
    return _plan(data.model_dump_json()).model_copy(deep=True)


@functools.lru_cache(maxsize=16)
def _plan(input_json: str) -> AnalysisResult:
    data = AnalyzerInput.model_validate_json(input_json)
    text = data.text or ""
    reading = _read_profile(data.csv_profile) if data.csv_profile else _read_text(text)
    kind, entities, evidence = reading.kind, reading.entities, reading.evidence
    if data.project_kind is not None and data.project_kind != kind:
        evidence = [f"The request asks for a {data.project_kind} explicitly.", *evidence]
        kind = data.project_kind
    if kind == "ml_pipeline":
        entities[0] = with_target(entities[0], from_csv=data.csv_profile is not None)
    names = ", ".join(e.name for e in entities)
    profile_of_kind = KINDS[kind]
    complexity = min(10, 2 + len(entities) + sum(len(e.fields) for e in entities) // 8)
    return AnalysisResult(
        analysis=Analysis(
            data_shape=reading.shape[:500],
            key_insights=[i[:500] for i in reading.insights[:20]],
            project_type=kind,
            evidence=[e[:500] for e in evidence[:10]],
            not_covered=reading.not_covered,
        ),
        project_plan=ProjectPlan(
            project_name=data.project_name,
            goals=[profile_of_kind.goal.format(names=names)[:500]],
            requirements=[r.format(names=names)[:500] for r in profile_of_kind.requirements]
            + ["Expose /health for orchestration.", "Ship with automated tests."],
        ),
        folder_structure=list(profile_of_kind.folders),
        tech_stack=tech_stack(kind),
        task_breakdown=list(_TASKS),
        infrastructure=Infrastructure(
            cloud_provider=data.cloud_provider, services=list(profile_of_kind.services)
        ),
        entities=entities,
        relations=reading.relations,
        complexity=complexity,
        refused_instructions=refused_instructions(text),
        dataset=dataset_plan(data, kind, entities[0]),
    )
