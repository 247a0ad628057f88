"""Agent 2, the Code Generator: renders the plan's kind of project from ``templates/apps``.

Five kinds, one serving contract: every project exposes ``app.main:app`` (ASGI) with a
``/health`` route, so packaging, review and deployment need no per-kind branches.

The model is asked for a small design (table names, routes, sample values for tests, a README
summary); the plan's measured facts win over it. Everything that reaches generated code is a
sanitized identifier or a value rendered through the ``py`` filter.
"""

from __future__ import annotations

import builtins
import datetime as dt
import keyword
import logging
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from agents import offline, sample_data
from agents.contracts import (
    AnalysisResult,
    CodeStatistics,
    Entity,
    EntityField,
    GeneratedCode,
    GeneratedFile,
    ProjectKind,
    ReviewReport,
)
from agents.errors import ToolFailed
from agents.llm import BackendSpec, consult_sync
from agents.rendering import Renderer, default_renderer

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
SAMPLE_FILE = "data/sample.csv"
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
_LANGUAGES = {
    ".py": "Python", ".md": "Markdown", ".toml": "TOML", ".txt": "Text", ".yml": "YAML",
    ".yaml": "YAML", ".json": "JSON", ".cfg": "INI", ".ini": "INI", ".sh": "Shell", ".tf": "HCL",
    ".html": "HTML", ".css": "CSS", ".js": "JavaScript", ".sql": "SQL", ".j2": "Jinja",
    "Makefile": "Makefile", "Dockerfile": "Dockerfile", ".gitignore": "Ignore file",
}  # fmt: skip
_SKIPPED_DIRS = {".git", ".venv", "venv", "__pycache__", ".pytest_cache", ".ruff_cache"}
_SKIPPED_SUFFIXES = {".db", ".sqlite", ".sqlite3", ".pyc"}

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


def _heuristic_value(field: EntityField) -> Any:
    if field.type == "str":
        return f"{(field.name.strip('_').replace('_', ' ').capitalize() or 'Text')[:36]} 1"
    if field.type == "int":
        return 2024 if "year" in field.name else 7
    others = {"float": 9.5, "bool": True, "date": "2024-01-15"}
    return others.get(field.type, "2024-01-15T10:30:00")


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
        sample = {f.name: _heuristic_value(f) for f in entity.fields}
        route = "/" + table.replace("_", "-")
        resources.append(
            ResourceDesign(entity=entity.name, table=table, route=route, sample=sample)
        )
    names = ", ".join(dict.fromkeys(e.name for e in analysis.entities))
    goals = analysis.project_plan.goals
    summary = goals[0] if goals else f"A REST API for {names}."
    return CodeDesign(resources=resources, readme_summary=summary)


def _checked(kind: str, value: Any) -> Any:
    """``value`` in canonical JSON form if it is valid for a field of type ``kind``, else None."""
    if isinstance(value, bool) or kind == "bool":
        return value if isinstance(value, bool) and kind == "bool" else None
    if kind == "int" and isinstance(value, int) and abs(value) < 2**53:
        return value
    if kind == "float" and isinstance(value, int | float) and math.isfinite(value):
        return float(value) if abs(value) < 1e15 else None
    if kind == "str" and isinstance(value, str) and 0 < len(value) <= 40 and value.isprintable():
        return value
    if kind in ("date", "datetime") and isinstance(value, str):
        try:
            if kind == "date":
                return dt.date.fromisoformat(value).isoformat()
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
        # SQLite keeps no time zone and the tests compare round trips: naive, whole seconds.
        return None if moment.tzinfo else moment.replace(microsecond=0).isoformat()
    return None


def _changed(kind: str, value: Any) -> Any:
    """A second valid value, different from ``value``, for update and filter tests."""
    if kind in ("str", "bool"):
        return f"{value} v2" if kind == "str" else not value
    if kind in ("int", "float"):
        return value + (1 if kind == "int" else 1.5)
    step = dt.timedelta(days=1) if kind == "date" else dt.timedelta(hours=1)
    parsed = dt.date.fromisoformat(value) if kind == "date" else dt.datetime.fromisoformat(value)
    try:
        return (parsed + step).isoformat()
    except OverflowError:
        return (parsed - step).isoformat()


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
        value = _checked(field.type, sample.get(field.name))
        value = _heuristic_value(field) if value is None else value
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
                "changed": _changed(field.type, value),
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


def _dataset(
    analysis: AnalysisResult,
    resources: list[dict[str, Any]],
    csv_path: Path | None,
    project_dir: Path,
    *,
    write_file: bool,
) -> dict[str, Any] | None:
    """Rows for the project: the CSV's first rows or synthetic ones; samples for its tests.

    CSV rows replace the first resource's sample values (the tests then use rows from the file);
    pipelines also get them as ``data/sample.csv`` with the source's own headers.
    """
    plan = analysis.dataset
    if plan is None or not resources:
        return None
    resource = resources[0]
    fields = resource["fields"]
    columns = [
        sample_data.Column(
            header=f["source"], name=f["json"], type=f["type"], required=f["required"]
        )
        for f in fields
    ]
    by_name = {f["json"]: f for f in fields}
    plan_to_json = {
        e.name: f["json"] for e, f in zip(analysis.entities[0].fields, fields, strict=False)
    }
    target = by_name.get(plan_to_json.get(plan.target or "", ""))
    key = by_name.get(plan_to_json.get(plan.key or "", ""))
    if plan.source == "csv" and csv_path is not None:
        raw = sample_data.read_csv_rows(csv_path, plan, [c.header for c in columns])
    else:
        raw = sample_data.synthetic_rows(
            columns,
            target=target["json"] if target else None,
            key=key["json"] if key else None,
            seed=analysis.project_plan.project_name,
        )
    rows = sample_data.clean(raw, columns, key["json"] if key else None)
    _sample_from_rows(resource, rows)
    if write_file:
        sample_data.write_csv(project_dir / SAMPLE_FILE, [c.header for c in columns], raw)
    values = [row[target["json"]] for row in rows] if target else []
    task = sample_data.learning_task(target["type"] if target else None, values)
    classes = sorted({str(v) for v in values if v is not None}) if task == "classification" else []
    return {
        "path": SAMPLE_FILE,
        "source": "csv" if plan.source == "csv" and csv_path is not None else "synthetic",
        "file_name": plan.file_name,
        "columns": fields,
        "target": target,
        "key": key,
        "features": [f for f in fields if f is not target and f is not key],
        "task": task,
        "classes": classes[:50],
        "date_formats": list(sample_data.DATE_FORMATS),
        "datetime_formats": list(sample_data.DATETIME_FORMATS),
        "missing_words": sorted(sample_data.MISSING_WORDS),
        "true_words": sorted(sample_data.TRUE_WORDS),
        "false_words": sorted(sample_data.FALSE_WORDS),
        "raw_rows": len(raw),
        "clean_rows": len(rows),
        "first": rows[0] if rows else None,
    }


def _sample_from_rows(resource: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    """Use the first complete-enough rows as the resource's test samples, field by field."""
    for field in resource["fields"]:
        values = [row.get(field["json"]) for row in rows]
        value = next((v for v in values if _checked(field["type"], v) is not None), None)
        if value is None:
            continue
        value = _checked(field["type"], value)
        other = next(
            (c for v in values if (c := _checked(field["type"], v)) is not None and c != value),
            None,
        )
        field["sample"], field["changed"] = (
            value,
            other if other is not None else _changed(field["type"], value),
        )
    resource["sample"] = {f["json"]: f["sample"] for f in resource["fields"]}
    resource["changed"] = {f["json"]: f["changed"] for f in resource["fields"]}


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
    dataset = _dataset(
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


def scan_project(project_dir: Path) -> tuple[list[GeneratedFile], CodeStatistics]:
    """Count the project's text files, lines, and lines per language, as found on disk.

    Args:
        project_dir: The project's root directory; tool caches and virtualenvs are skipped.

    Returns:
        The files (path relative to the root, language, lines; at most 500) and their totals.
    """
    files: list[GeneratedFile] = []
    for root, dirs, names in os.walk(project_dir):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS)
        for name in sorted(names):
            path = Path(root, name)
            if path.is_symlink() or path.suffix in _SKIPPED_SUFFIXES:
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue  # binary or unreadable: not source
            language = _LANGUAGES.get(name) or _LANGUAGES.get(path.suffix, "Other")
            relative = path.relative_to(project_dir).as_posix()
            lines = len(text.splitlines())
            files.append(GeneratedFile(path=relative, language=language, lines=lines))
    languages: dict[str, int] = {}
    for file in files:
        languages[file.language] = languages.get(file.language, 0) + file.lines
    total = sum(f.lines for f in files)
    stats = CodeStatistics(files=len(files), lines=total, languages=dict(sorted(languages.items())))
    return files[:500], stats


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
