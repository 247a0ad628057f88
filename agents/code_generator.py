"""Agent 2, the Code Generator: renders the plan's kind of project from ``templates/apps``.

Five kinds, one serving contract: every project exposes ``app.main:app`` (ASGI) with a
``/health`` route, so packaging, review and deployment need no per-kind branches.

The model is asked for a small design (table names, routes, sample values for tests, a README
summary); the plan's measured facts win over it. Everything that reaches generated code is a
sanitized identifier or a value rendered through the ``py`` filter.
"""

from __future__ import annotations

import builtins
import keyword
import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from agents import offline, sample_data
from agents.code_stats import scan_project
from agents.contracts import (
    AnalysisResult,
    Entity,
    GeneratedCode,
    ProjectKind,
    ReviewReport,
)
from agents.errors import ToolFailed
from agents.llm import BackendSpec, consult_sync
from agents.rendering import Renderer, default_renderer
from agents.sample_data import SAMPLE_FILE

logger = logging.getLogger(__name__)

_COMMON = {"pydantic": "2.14.3", "pydantic-settings": "2.16.3", "pytest": "9.2.0"}
_ASGI = {"fastapi": "0.165.0", "uvicorn": "0.54.0", "httpx": "0.28.1"}
PINS_BY_KIND: dict[ProjectKind, dict[str, str]] = {
    "rest_api": {**_ASGI, "sqlalchemy": "2.1.9", **_COMMON},
    "web_app": {
        "flask": "3.1.3", "flask-wtf": "1.3.0", "wtforms": "3.3.2", "sqlalchemy": "2.1.9",
        "a2wsgi": "1.10.10", "uvicorn": "0.54.0", **_COMMON,
    },
    "ml_pipeline": {
        "scikit-learn": "1.9.1", "joblib": "1.6.0", "pandas": "3.1.1", "numpy": "2.4.6",
        **_ASGI, **_COMMON,
    },
    # Prefect 3.8's own server (used by its test harness) needs fastapi < 0.151.
    "etl_pipeline": {
        "prefect": "3.8.8", "fastapi": "0.150.0", "uvicorn": "0.54.0", "httpx": "0.28.1",
        **_COMMON,
    },
    "microservices": {**_ASGI, "sqlalchemy": "2.1.9", **_COMMON},
}  # fmt: skip
RUFF_PIN = "0.17.6"
# How pipeline kinds run end to end on their sample data (arguments to the project's python).
PIPELINE_COMMANDS: dict[str, list[list[str]]] = {
    "ml_pipeline": [["-m", "pipeline.train"], ["-m", "pipeline.predict", SAMPLE_FILE]],
    "etl_pipeline": [["-m", "etl.flow"]],
}


def tech_stack_of(kind: ProjectKind) -> list[str]:
    """The generated project's stack as reported: Python, storage and the pinned packages."""
    pins = PINS_BY_KIND[kind]
    return ["Python 3.11", "SQLite", *(f"{name} {version}" for name, version in pins.items())]


_TABLE = re.compile(r"^(?!sqlite_)[a-z][a-z0-9_]{0,62}$")
_ROUTE = re.compile(r"^/[a-z][a-z0-9-]{0,62}$")
# Names that would shadow Python, SQLAlchemy, pydantic or the generated modules' own names.
_RESERVED_ATTRS = {
    *keyword.kwlist, *keyword.softkwlist, *dir(builtins), "id", "metadata", "registry", "sa",
    "dt", "mapped_column", "session", "limit", "offset", "copy", "dict", "json", "schema",
    "schema_json", "construct", "validate", "parse_obj", "parse_raw", "parse_file", "from_orm",
    "update_forward_refs", "self", "cls",
}  # fmt: skip
_RESERVED_CLASSES = {*keyword.kwlist, *dir(builtins), "Base", "Mapped"}

SampleValue = Annotated[str, Field(max_length=200)] | bool | int | float


class ResourceDesign(BaseModel):
    """How one entity of the plan becomes a REST resource."""

    model_config = ConfigDict(extra="forbid")

    entity: str = Field(max_length=41, description="Entity name exactly as in the plan.")
    table: str = Field(max_length=63, description="SQL table name, snake_case plural.")
    route: str = Field(max_length=64, description='URL path of the collection, e.g. "/books".')
    sample: dict[Annotated[str, Field(max_length=63)], SampleValue] = Field(
        max_length=40, description="One valid value per field name, for the generated tests."
    )


class CodeDesign(BaseModel):
    """The model's part of the generated code: names, sample values and a README summary."""

    model_config = ConfigDict(extra="forbid")

    resources: list[ResourceDesign] = Field(max_length=10)
    readme_summary: str = Field(max_length=500, description="Two sentences for the README.")


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def _plural(word: str) -> str:
    if re.search(r"(s|x|z|ch|sh)$", word):
        return f"{word}es"
    return f"{word[:-1]}ies" if re.search(r"[^aeiou]y$", word) else f"{word}s"


def _unique(name: str, used: set[str], separator: str = "_") -> str:
    candidate, number = name, 2
    while candidate in used:
        candidate, number = f"{name}{separator}{number}", number + 1
    used.add(candidate)
    return candidate


def design_for(analysis: AnalysisResult) -> CodeDesign:
    """The deterministic design for ``analysis``: names derived from entities, typed samples.

    Args:
        analysis: The analyzer's plan.

    Returns:
        A design with one resource per entity; the offline answer of this agent.
    """
    resources = []
    for entity in analysis.entities:
        table = _plural(_snake(entity.name)[:60])
        sample = {f.name: sample_data.heuristic_value(f) for f in entity.fields}
        route = "/" + table.replace("_", "-")
        resources.append(
            ResourceDesign(entity=entity.name, table=table, route=route, sample=sample)
        )
    names = ", ".join(dict.fromkeys(e.name for e in analysis.entities))
    goals = analysis.project_plan.goals
    summary = goals[0] if goals else f"A REST API for {names}."
    return CodeDesign(resources=resources, readme_summary=summary)


def _safe_attr(name: str) -> str:
    attr = name.lstrip("_") or "field"  # a leading underscore makes a pydantic private attribute
    if attr[0].isdigit() or attr.startswith("model_"):
        attr = f"field_{attr}"
    return f"{attr}_" if attr in _RESERVED_ATTRS else attr


def _fields(entity: Entity, sample: dict[str, Any]) -> list[dict[str, Any]]:
    """Per field: safe attribute, JSON and query names, and checked sample values."""
    # Plan names stay the JSON names; only "id" (the primary key's) must move aside.
    names = {f.name for f in entity.fields if f.name != "id"}
    attrs, queries = set[str](), {"limit", "offset"}
    fields = []
    for field in entity.fields:
        json_name = _unique("external_id", names) if field.name == "id" else field.name
        value = sample_data.checked_value(field.type, sample.get(field.name))
        value = sample_data.heuristic_value(field) if value is None else value
        query = f"{json_name}_eq" if json_name in queries else json_name
        fields.append(
            {
                "attr": _unique(_safe_attr(field.name), attrs),
                "json": json_name,
                "source": field.source_name or json_name,
                "query": _unique(query, queries),
                "type": field.type,
                "required": field.required,
                "sample": value,
                "changed": sample_data.changed_value(field.type, value),
            }
        )
    return fields


def _resources(analysis: AnalysisResult, design: CodeDesign) -> list[dict[str, Any]]:
    """Re-check the model's design against the plan: one valid resource per entity."""
    proposed = {r.entity: r for r in design.resources}
    defaults = {r.entity: r for r in design_for(analysis).resources}
    # "audit" is the microservices kind's own service; "common" and "app" its shared packages.
    used: dict[str, set[str]] = {
        "entity": set(), "class": set(), "module": {"health", "audit", "common", "app"},
    }  # fmt: skip
    used.update(table=set(), route={"/health", "/docs", "/redoc", "/audit"})

    def pick(kind: str, mine: str | None, default: str, pattern: re.Pattern[str]) -> str:
        if mine and pattern.fullmatch(mine) and mine not in used[kind]:
            return _unique(mine, used[kind])
        return _unique(default, used[kind], "_" if kind == "table" else "-")

    resources: list[dict[str, Any]] = []
    for entity in analysis.entities:
        if entity.name in used["entity"]:
            logger.warning("entity %s appears twice in the plan; generating it once", entity.name)
            continue
        used["entity"].add(entity.name)
        mine, default = proposed.get(entity.name), defaults[entity.name]
        fields = _fields(entity, mine.sample if mine else {})
        class_name = f"{entity.name}Item" if entity.name in _RESERVED_CLASSES else entity.name
        module = _snake(entity.name)
        resources.append(
            {
                "class_name": _unique(class_name, used["class"]),
                "module": _unique(
                    f"{module}_" if keyword.iskeyword(module) else module, used["module"]
                ),
                "table": pick("table", mine.table if mine else None, default.table, _TABLE),
                "route": pick("route", mine.route if mine else None, default.route, _ROUTE),
                "label": _snake(entity.name).replace("_", " "),
                "fields": fields,
                "required": [f for f in fields if f["required"]],
                "sample": {f["json"]: f["sample"] for f in fields},
                "changed": {f["json"]: f["changed"] for f in fields},
            }
        )
    return resources


def generate(
    analysis: AnalysisResult,
    *,
    project_dir: Path,
    spec: BackendSpec,
    renderer: Renderer | None = None,
    csv_path: Path | None = None,
) -> GeneratedCode:
    """Render the plan's kind of project for its entities into ``project_dir``.

    Args:
        analysis: The analyzer's plan; its kind picks the template tree, its entities become
            models, routes, forms or pipeline columns.
        project_dir: Directory the project is written into (created if missing).
        spec: The LLM backend asked for the design.
        renderer: Template renderer; a default one over ``templates/`` if omitted.
        csv_path: The request's CSV (already fetched); its first rows become the tests' data.

    Returns:
        The generated project's files and statistics, counted on disk.
    """
    kind = analysis.analysis.project_type
    renderer = renderer or default_renderer()
    if not (renderer.root / "apps" / kind / "base").is_dir():
        raise ToolFailed(f"No templates for {kind} projects under {renderer.root / 'apps'}.")
    design, trace = consult_sync(
        role="code_generator", payload=analysis, schema=CodeDesign, spec=spec
    )
    resources = _resources(analysis, design)
    project_dir = project_dir.resolve()
    project_dir.mkdir(parents=True, exist_ok=True)
    dataset = sample_data.dataset_context(
        analysis,
        resources,
        csv_path,
        project_dir,
        write_file=kind in ("ml_pipeline", "etl_pipeline"),
    )
    fields = [f for r in resources for f in r["fields"]]
    context = {
        "kind": kind,
        "project_name": analysis.project_plan.project_name,
        "summary": design.readme_summary.strip() or design_for(analysis).readme_summary,
        "goals": analysis.project_plan.goals,
        "resources": resources,
        "modules": sorted(r["module"] for r in resources),
        "uses_dates": any(f["type"] in ("date", "datetime") for f in fields),
        "dataset": dataset,
        "pins": PINS_BY_KIND[kind],
        "ruff_pin": RUFF_PIN,
    }
    renderer.render_tree(f"apps/{kind}/base", project_dir, context)
    if (renderer.root / "apps" / kind / "resource").is_dir():
        for resource in resources:
            extra = {"resource": resource, "module": resource["module"]}
            renderer.render_tree(f"apps/{kind}/resource", project_dir, {**context, **extra})
    # Long identifiers make long lines; the formatter wraps them the same way every time.
    _ruff(["format", "--quiet", "."], project_dir)
    files, stats = scan_project(project_dir)
    logger.info(
        "generated %s: %d files, %d lines in %s", kind, stats.files, stats.lines, project_dir
    )
    return GeneratedCode(
        project_path=str(project_dir),
        project_kind=kind,
        generated_files=files,
        tech_stack=tech_stack_of(kind),
        code_statistics=stats,
        llm=trace,
    )


def repair(code: GeneratedCode, report: ReviewReport) -> GeneratedCode:
    """Second chance after a blocking review: apply ruff's safe fixes and format the project.

    Args:
        code: The generated project as last reported.
        report: The review that blocked it.

    Returns:
        The project re-counted on disk, with ``repair_round`` one higher.
    """
    project_dir = Path(code.project_path)
    blocking = len(report.blocking_findings)
    logger.info("repair round %d: %d blocking findings", code.repair_round + 1, blocking)
    _ruff(["check", "--fix", "--exit-zero", "--quiet", "."], project_dir)
    _ruff(["format", "--quiet", "."], project_dir)
    files, stats = scan_project(project_dir)
    update = {"generated_files": files, "code_statistics": stats}
    return GeneratedCode.model_validate(
        {**code.model_dump(), **update, "repair_round": code.repair_round + 1}
    )


def _ruff(args: list[str], cwd: Path) -> None:
    beside = Path(sys.executable).with_name("ruff")
    binary = str(beside) if beside.is_file() else shutil.which("ruff")
    if binary is None:
        raise ToolFailed("ruff is not installed in this environment.")
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [binary, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise ToolFailed(f"ruff {args[0]} took longer than 120 s.") from exc
    if done.returncode != 0:
        raise ToolFailed(f"ruff {args[0]} failed: {(done.stderr or done.stdout).strip()[-400:]}")


offline.register("code_generator", lambda data: design_for(AnalysisResult.model_validate(data)))
