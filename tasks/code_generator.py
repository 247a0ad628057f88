"""Prefect wrappers of the Code Generator agent."""

from __future__ import annotations

from pathlib import Path

from agents import generator
from agents.llm import BackendSpec
from agents.rendering import default_renderer
from core.contracts import AnalysisResult, GeneratedCode
from tasks.common import agent_task, publish


@agent_task("code-generator")
def generate_code(
    analysis: AnalysisResult,
    project_dir: str,
    llm: BackendSpec,
    csv_path: str = "",
    csv_digest: str = "",
) -> GeneratedCode:
    """Render the project the plan describes into ``project_dir``.

    ``csv_path`` is the request's (fetched) CSV, whose first rows become the project's test
    data; ``csv_digest`` only keys the cache on the file's content.
    """
    return generator.generate(
        analysis,
        project_dir=Path(project_dir),
        spec=llm,
        csv_path=Path(csv_path) if csv_path else None,
    )


def publish_code(project_name: str, code: GeneratedCode) -> list[str]:
    """The generated files as a markdown summary and a file table."""
    rows = [
        {"path": f.path, "language": f.language, "lines": f.lines} for f in code.generated_files
    ]
    return publish(
        project_name,
        "code",
        markdown=default_renderer().render("reports/code.md.j2", {"code": code}),
        table=rows,
        description="Code Generator: files, languages, line counts",
    )
