"""Prefect wrapper of the Analyzer & Planner agent."""

from __future__ import annotations

from agents import analyzer
from agents.llm import BackendSpec
from agents.rendering import default_renderer
from core.contracts import AnalysisResult, PipelineRequest
from tasks.common import agent_task, publish


@agent_task("analyzer")
def analyze_request(
    request: PipelineRequest, llm: BackendSpec, csv_digest: str = ""
) -> AnalysisResult:
    """Analyse the request into a project plan (``csv_digest`` only keys the cache)."""
    return analyzer.analyze(request, spec=llm)


def publish_analysis(result: AnalysisResult) -> list[str]:
    """The analysis as a markdown artifact and an entity table."""
    rows = [
        {"entity": e.name, "field": f.name, "type": f.type, "source": f.source_name or ""}
        for e in result.entities
        for f in e.fields
    ]
    return publish(
        result.project_plan.project_name,
        "analysis",
        markdown=default_renderer().render("reports/analysis.md.j2", {"analysis": result}),
        table=rows,
        description="Analyzer & Planner: project kind, entities, plan",
    )
