"""Prefect wrappers of the Code Reviewer agent: the review, and a repair round."""

from __future__ import annotations

from pathlib import Path

from agents import generator, reviewer
from agents.llm import BackendSpec
from agents.rendering import default_renderer
from core.contracts import GeneratedCode, RepairResult, ReviewReport
from core.settings import get_settings
from services.sandbox import Sandbox
from tasks.common import TableRows, agent_task, publish


@agent_task("reviewer", retries=1)
def review_code(
    code: GeneratedCode, env_dir: str, llm: BackendSpec, run_tests: bool = True
) -> ReviewReport:
    """Static analysis, the project's tests and its API fuzzed, in the project's environment."""
    settings = get_settings()
    sandbox = Sandbox(cache_dir=settings.uv_cache_dir, timeout=settings.sandbox_timeout)
    report = reviewer.review(
        Path(code.project_path),
        spec=llm,
        sandbox=sandbox,
        env_dir=Path(env_dir),
        run_tests=run_tests,
    )
    return report.model_copy(update={"review_round": code.repair_round + 1})


@agent_task("code-repair", retries=1)
def repair_code(
    code: GeneratedCode, report: ReviewReport, llm: BackendSpec
) -> tuple[GeneratedCode, RepairResult]:
    """Fix what the review found blocking (codemods, ruff, the model's diff); hand the project
    back, re-counted, for another review."""
    result = reviewer.repair(Path(code.project_path), report, spec=llm)
    return generator.rescan(code), result


def review_markdown(report: ReviewReport) -> str:
    """The review artifact's markdown: score and its parts, sandbox, fuzzing, changes."""
    return default_renderer().render("reports/review.md.j2", {"review": report})


def review_rows(report: ReviewReport) -> TableRows:
    """One table row per finding, in the seed's buckets."""
    return [
        {
            "bucket": f.bucket,
            "tool": f.tool,
            "rules": ", ".join(f.rules),
            "path": f.path,
            "line": f.line,
            "severity": f.severity,
            "blocking": f.blocking,
            "message": f.message,
        }
        for f in report.findings
    ]


def publish_review(project_name: str, report: ReviewReport) -> list[str]:
    """The review as a markdown summary and a findings table."""
    return publish(
        project_name,
        "review",
        markdown=review_markdown(report),
        table=review_rows(report),
        description="Code Reviewer: score, tests, fuzzing, findings, repairs",
    )
