"""Agent 2, the Code Generator: renders the plan's kind of project from ``templates/apps``.

Five kinds, one serving contract: every project exposes ``app.main:app`` (ASGI) with a
``/health`` route, so packaging, review and deployment need no per-kind branches.

The model is asked for a small design (table names, routes, sample values for tests, a README
summary); the plan's measured facts win over it. Everything that reaches generated code is a
sanitized identifier or a value rendered through the ``py`` filter.
"""

from __future__ import annotations

import logging
from pathlib import Path

from agents.generator.code_stats import scan_project
from agents.generator.data import SAMPLE_FILE, write_csv
from agents.generator.dataset import Dataset, build_dataset
from agents.generator.design import CodeDesign, ResourceSpec, design_for, resources_for
from agents.generator.pins import PINS_BY_KIND, RUFF_PIN, tech_stack_of
from agents.llm import BackendSpec, consult_sync, register
from agents.rendering import Renderer, TemplateContext, default_renderer
from core.contracts import AnalysisResult, GeneratedCode
from core.errors import ToolFailed
from services import linters

logger = logging.getLogger(__name__)

# Kinds whose code reads ``data/sample.csv`` (training, extraction); the others only test on it.
_SHIPS_SAMPLE = ("ml_pipeline", "etl_pipeline")


def _context(
    analysis: AnalysisResult,
    design: CodeDesign,
    resources: list[ResourceSpec],
    dataset: Dataset | None,
) -> TemplateContext:
    kind = analysis.analysis.project_type
    fields = [f for r in resources for f in r.fields]
    return {
        "kind": kind,
        "project_name": analysis.project_plan.project_name,
        "summary": design.readme_summary.strip() or design_for(analysis).readme_summary,
        "goals": analysis.project_plan.goals,
        "resources": resources,
        "modules": sorted(r.module for r in resources),
        "uses_dates": any(f.type in ("date", "datetime") for f in fields),
        "dataset": dataset,
        "pins": PINS_BY_KIND[kind],
        "ruff_pin": RUFF_PIN,
    }


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
    resources = resources_for(analysis, design)
    project_dir = project_dir.resolve()
    project_dir.mkdir(parents=True, exist_ok=True)
    dataset = None
    if resources and (built := build_dataset(analysis, resources[0], csv_path)) is not None:
        dataset, resources[0] = built
        if kind in _SHIPS_SAMPLE:
            write_csv(project_dir / SAMPLE_FILE, dataset.headers, dataset.raw)
    context = _context(analysis, design, resources, dataset)
    renderer.render_tree(f"apps/{kind}/base", project_dir, context)
    if (renderer.root / "apps" / kind / "resource").is_dir():
        for resource in resources:
            extra = {"resource": resource, "module": resource.module}
            renderer.render_tree(f"apps/{kind}/resource", project_dir, {**context, **extra})
    # Long identifiers make long lines; the formatter wraps them the same way every time.
    linters.ruff_format(project_dir)
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


def rescan(code: GeneratedCode) -> GeneratedCode:
    """The project re-counted on disk after a repair round, with ``repair_round`` one higher.

    Args:
        code: The generated project as last reported.

    Returns:
        Its files and statistics as they are now.
    """
    files, stats = scan_project(Path(code.project_path))
    update = {"generated_files": files, "code_statistics": stats}
    return GeneratedCode.model_validate(
        {**code.model_dump(), **update, "repair_round": code.repair_round + 1}
    )


register("code_generator", lambda data: design_for(AnalysisResult.model_validate(data)))
