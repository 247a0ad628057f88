"""The generated project's names: the model's design, re-checked into typed resource specs.

The model proposes table names, routes and sample values (``CodeDesign``); ``resources_for``
keeps what passes a pattern and is not taken, derives the rest from the plan, and returns one
``ResourceSpec`` per entity with safe Python, JSON and query names for every field. Templates
read these specs; nothing else of the model's answer reaches generated code.
"""

from __future__ import annotations

import builtins
import keyword
import logging
import re
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from agents.generator.data import Value
from agents.generator.values import changed_value, checked_value, heuristic_value
from core.contracts import MAX_FIELDS, AnalysisResult, Entity, FieldType
from core.naming import plural

logger = logging.getLogger(__name__)

_TABLE = re.compile(r"^(?!sqlite_)[a-z][a-z0-9_]{0,62}$")
_ROUTE = re.compile(r"^/[a-z][a-z0-9-]{0,62}$")
# Names that would shadow Python, SQLAlchemy, pydantic or the generated modules' own names.
_RESERVED_ATTRS = {
    *keyword.kwlist,
    *keyword.softkwlist,
    *dir(builtins),
    "id",
    "metadata",
    "registry",
    "sa",
    "dt",
    "mapped_column",
    "session",
    "limit",
    "offset",
    "copy",
    "dict",
    "json",
    "schema",
    "schema_json",
    "construct",
    "validate",
    "parse_obj",
    "parse_raw",
    "parse_file",
    "from_orm",
    "update_forward_refs",
    "self",
    "cls",
}  # fmt: skip # a set of names reads better filled than one per line
_RESERVED_CLASSES = {*keyword.kwlist, *dir(builtins), "Base", "Mapped"}
# "audit" is the microservices kind's own service; "common" and "app" its shared packages.
_RESERVED_MODULES = ("health", "audit", "common", "app")
_RESERVED_ROUTES = ("/health", "/docs", "/redoc", "/audit")

# Bounded so a model's constrained decoding stays valid; JSON's safe integer range for ints.
SampleValue = (
    Annotated[str, Field(max_length=200)]
    | bool
    | Annotated[int, Field(ge=-(2**53), le=2**53)]
    | Annotated[float, Field(ge=-1e15, le=1e15)]
)


class ResourceDesign(BaseModel):
    """How one entity of the plan becomes a REST resource."""

    model_config = ConfigDict(extra="forbid")

    entity: str = Field(max_length=41, description="Entity name exactly as in the plan.")
    table: str = Field(max_length=63, description="SQL table name, snake_case plural.")
    route: str = Field(max_length=64, description='URL path of the collection, e.g. "/books".')
    sample: dict[Annotated[str, Field(max_length=63)], SampleValue] = Field(
        max_length=MAX_FIELDS,
        description="One valid value per field name, for the generated tests.",
    )


class CodeDesign(BaseModel):
    """The model's part of the generated code: names, sample values and a README summary."""

    model_config = ConfigDict(extra="forbid")

    resources: list[ResourceDesign] = Field(max_length=10)
    readme_summary: str = Field(max_length=500, description="Two sentences for the README.")


@dataclass(frozen=True)
class FieldSpec:
    """One field of a generated resource, named for each place it appears."""

    attr: str  # Python attribute (model, schema)
    json: str  # JSON key and form field (the plan's name, unless it was "id")
    source: str  # the CSV header or the plan's name
    query: str  # list filter parameter
    type: FieldType
    required: bool
    sample: Value  # a valid value for the generated tests
    changed: Value  # a second valid value, for update and filter tests


@dataclass(frozen=True)
class RelationSpec:
    """One relation between two generated resources, with every name a template needs."""

    kind: Literal["one_to_many", "many_to_many"]
    parent: str  # class names
    child: str
    parent_module: str
    child_module: str
    parent_table: str
    child_table: str
    parent_route: str
    child_route: str
    reference: str  # one_to_many: the child's attribute holding the parent's id
    nested_route: str  # the children of one parent: "/tutors/{id}/sessions"
    link_table: str  # many_to_many: the table joining both sides ("" otherwise)
    on_delete: Literal["restrict", "cascade"]
    evidence: str

    @property
    def many(self) -> bool:
        return self.kind == "many_to_many"


@dataclass(frozen=True)
class ResourceSpec:
    """One entity of the plan as the templates render it: names, route, table and fields."""

    class_name: str
    module: str
    table: str
    route: str
    label: str
    fields: list[FieldSpec] = field(default_factory=list)
    entity: str = ""  # the plan's entity name
    relations: list[RelationSpec] = field(default_factory=list)  # as parent or as child

    @property
    def parents(self) -> list[RelationSpec]:
        """One-to-many relations in which this resource is the child (it holds the reference)."""
        return [r for r in self.relations if not r.many and r.child == self.class_name]

    @property
    def children(self) -> list[RelationSpec]:
        """Relations this resource owns: its one-to-many children and many-to-many links."""
        return [r for r in self.relations if r.parent == self.class_name]

    @property
    def links(self) -> list[RelationSpec]:
        """Many-to-many relations this resource owns: it picks the other side's items."""
        return [r for r in self.relations if r.many and r.parent == self.class_name]

    @property
    def linked_by(self) -> list[RelationSpec]:
        """Many-to-many relations in which another resource picks this one."""
        return [r for r in self.relations if r.many and r.child == self.class_name]

    @property
    def required(self) -> list[FieldSpec]:
        return [f for f in self.fields if f.required]

    @property
    def sample(self) -> dict[str, Value]:
        return {f.json: f.sample for f in self.fields}

    @property
    def changed(self) -> dict[str, Value]:
        return {f.json: f.changed for f in self.fields}


def snake(name: str) -> str:
    """``BookLoan`` -> ``book_loan``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def design_for(analysis: AnalysisResult) -> CodeDesign:
    """The deterministic design for ``analysis``: names derived from entities, typed samples.

    Args:
        analysis: The analyzer's plan.

    Returns:
        A design with one resource per entity; the offline answer of this agent.
    """
    resources = []
    for entity in analysis.entities:
        table = plural(snake(entity.name)[:60])
        sample = {f.name: heuristic_value(f) for f in entity.fields}
        route = "/" + table.replace("_", "-")
        resources.append(
            ResourceDesign(entity=entity.name, table=table, route=route, sample=sample)
        )
    names = ", ".join(dict.fromkeys(e.name for e in analysis.entities))
    goals = analysis.project_plan.goals
    summary = goals[0] if goals else f"A REST API for {names}."
    return CodeDesign(resources=resources, readme_summary=summary)


def _unique(name: str, used: set[str], separator: str = "_") -> str:
    candidate, number = name, 2
    while candidate in used:
        candidate, number = f"{name}{separator}{number}", number + 1
    used.add(candidate)
    return candidate


def _safe_attr(name: str) -> str:
    attr = name.lstrip("_") or "field"  # a leading underscore makes a pydantic private attribute
    if attr[0].isdigit() or attr.startswith("model_"):
        attr = f"field_{attr}"
    return f"{attr}_" if attr in _RESERVED_ATTRS else attr


def field_specs(entity: Entity, sample: dict[str, SampleValue]) -> list[FieldSpec]:
    """Per field: safe attribute, JSON and query names, and checked sample values."""
    # Plan names stay the JSON names; only "id" (the primary key's) must move aside.
    names = {f.name for f in entity.fields if f.name != "id"}
    attrs, queries = set[str](), {"limit", "offset"}
    specs = []
    for plan_field in entity.fields:
        json_name = _unique("external_id", names) if plan_field.name == "id" else plan_field.name
        value = checked_value(plan_field.type, sample.get(plan_field.name))
        value = heuristic_value(plan_field) if value is None else value
        query = f"{json_name}_eq" if json_name in queries else json_name
        specs.append(
            FieldSpec(
                attr=_unique(_safe_attr(plan_field.name), attrs),
                json=json_name,
                source=plan_field.source_name or json_name,
                query=_unique(query, queries),
                type=plan_field.type,
                required=plan_field.required,
                sample=value,
                changed=changed_value(plan_field.type, value),
            )
        )
    return specs


class _Names:
    """The names taken so far in one project, per namespace."""

    def __init__(self) -> None:
        self.used: dict[str, set[str]] = {
            "class": set(),
            "module": set(_RESERVED_MODULES),
            "table": set(),
            "route": set(_RESERVED_ROUTES),
        }  # fmt: skip # four namespaces on two lines

    def pick(self, kind: str, mine: str | None, default: str, pattern: re.Pattern[str]) -> str:
        """The model's name if it fits the pattern and is free, else the default, made unique."""
        if mine and pattern.fullmatch(mine) and mine not in self.used[kind]:
            return _unique(mine, self.used[kind])
        return _unique(default, self.used[kind], "_" if kind == "table" else "-")

    def take(self, kind: str, name: str) -> str:
        return _unique(name, self.used[kind])


def _shadows(module: str) -> bool:
    """A module named like a keyword or a builtin (``list``) would shadow it where imported."""
    return keyword.iskeyword(module) or module in dir(builtins)


def resources_for(analysis: AnalysisResult, design: CodeDesign) -> list[ResourceSpec]:
    """Re-check the model's design against the plan: one valid resource per entity."""
    proposed = {r.entity: r for r in design.resources}
    defaults = {r.entity: r for r in design_for(analysis).resources}
    names, seen = _Names(), set[str]()
    resources: list[ResourceSpec] = []
    for entity in analysis.entities:
        if entity.name in seen:
            logger.warning("entity %s appears twice in the plan; generating it once", entity.name)
            continue
        seen.add(entity.name)
        mine, default = proposed.get(entity.name), defaults[entity.name]
        class_name = f"{entity.name}Item" if entity.name in _RESERVED_CLASSES else entity.name
        module = snake(entity.name)
        resources.append(
            ResourceSpec(
                class_name=names.take("class", class_name),
                module=names.take("module", f"{module}_" if _shadows(module) else module),
                table=names.pick("table", mine.table if mine else None, default.table, _TABLE),
                route=names.pick("route", mine.route if mine else None, default.route, _ROUTE),
                label=snake(entity.name).replace("_", " "),
                fields=field_specs(entity, mine.sample if mine else {}),
                entity=entity.name,
            )
        )
    return resources
