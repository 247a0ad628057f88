"""Prefect wrapper of the Code Reviewer agent."""

from __future__ import annotations

from pathlib import Path

from agents import reviewer
from agents.llm import BackendSpec
from agents.rendering import default_renderer
from core.contracts import GeneratedCode, ReviewReport
from core.settings import get_settings
from services.sandbox import Sandbox
from tasks.common import agent_task, publish


@agent_task("reviewer", retries=1)
def review_code(
    code: GeneratedCode, env_dir: str, llm: BackendSpec, run_tests: bool = True
) -> ReviewReport:
    """Static analysis and the project's own tests, in the project's own environment."""
    settings = get_settings()
    sandbox = Sandbox(cache_dir=settings.uv_cache_dir, timeout=settings.sandbox_timeout)
    return reviewer.review(
        Path(code.project_path),
        spec=llm,
        sandbox=sandbox,
        env_dir=Path(env_dir),
        run_tests=run_tests,
    )


def publish_review(project_name: str, report: ReviewReport) -> list[str]:
    """The review as a markdown summary and a findings table."""
    findings = report.review_results.security_warnings + report.review_results.issues_found
    rows = [
        {
            "tool": f.tool,
            "path": f.path,
            "line": f.line,
            "code": f.code,
            "severity": f.severity,
            "blocking": f.blocking,
            "message": f.message,
        }
        for f in findings
    ]
    return publish(
        project_name,
        "review",
        markdown=default_renderer().render("reports/review.md.j2", {"review": report}),
        table=rows,
        description="Code Reviewer: score, tests, findings",
    )
