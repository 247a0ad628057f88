"""Build a project of any kind through the real analyzer and generator, then check it for real.

The check is the acceptance bar for generated code: its pinned requirements install into a fresh
virtual environment (uv, shared wheel cache), its own tests pass, ruff with security rules and
bandit find nothing of medium or high severity, its own `make lint` (ruff check and format with
the project's configuration) passes, ``app.main:app`` boots and answers ``/health``,
and pipelines run end to end on their sample data.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from agents.analyzer import analyze
from agents.generator import PIPELINE_COMMANDS, generate
from agents.llm import BackendSpec
from core.contracts import AnalysisResult, GeneratedCode, PipelineRequest
from services import linters
from services.deploy import LocalDeployer
from services.sandbox import Sandbox


def plan(
    kind: str | None, *, text: str | None = None, csv: Path | None = None, name: str | None = None
) -> AnalysisResult:
    """The analyzer's offline plan for a request of ``kind`` (None: inferred), text or CSV."""
    request = PipelineRequest.from_inputs(
        text=text, csv=str(csv) if csv else None, name=name, kind=kind
    )
    return analyze(request, spec=BackendSpec())


def build(
    kind: str,
    root: Path,
    *,
    text: str | None = None,
    csv: Path | None = None,
    name: str | None = None,
) -> tuple[GeneratedCode, AnalysisResult]:
    """Analyse and generate a project of ``kind`` under ``root``; return both results."""
    analysis = plan(kind, text=text, csv=csv, name=name)
    project = root / analysis.project_plan.project_name
    code = generate(analysis, project_dir=project, spec=BackendSpec(), csv_path=csv)
    return code, analysis


@dataclass
class Verdict:
    """What checking a generated project found; ``problems`` is empty when it passed."""

    problems: list[str] = field(default_factory=list)
    install_seconds: float = 0.0
    test_seconds: float = 0.0
    tests_output: str = ""

    def explain(self) -> str:
        return "\n".join(self.problems) + "\n--- pytest ---\n" + self.tests_output[-4000:]


def verify(project: Path, *, kind: str, sandbox: Sandbox, state_dir: Path) -> Verdict:
    """Install, test, lint, boot and (pipelines) run ``project``; collect every problem."""
    verdict = Verdict()
    started = time.perf_counter()
    env_dir = project.parent / f"{project.name}-venv"
    try:
        sandbox.ensure_env(project / "requirements.txt", env_dir)
    except Exception as exc:  # noqa: BLE001 - reported as the verdict
        verdict.problems.append(f"install failed: {exc}")
        return verdict
    verdict.install_seconds = time.perf_counter() - started
    python = str(env_dir / "bin" / "python")
    started = time.perf_counter()
    done = sandbox.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project, venv=env_dir
    )
    verdict.test_seconds = time.perf_counter() - started
    verdict.tests_output = done.stdout + done.stderr
    if done.returncode != 0 or " passed" not in done.stdout:
        verdict.problems.append(f"pytest exited {done.returncode}")
    for finding in linters.compile_check(project) + linters.ruff_check(project):
        verdict.problems.append(
            f"ruff {finding.code} {finding.path}:{finding.line} {finding.message}"
        )
    for args in (["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]):
        # The project's own `make lint`, with its own configuration, as its users run it.
        ruff = [linters.binary("ruff"), *args]
        own = subprocess.run(ruff, cwd=project, capture_output=True, text=True, check=False)
        if own.returncode != 0:
            verdict.problems.append(f"ruff {args[0]} (project's config): {own.stdout[-1500:]}")
    for finding in linters.bandit_check(project):
        if finding.severity in ("medium", "high"):
            where = f"{finding.path}:{finding.line}"
            verdict.problems.append(
                f"bandit {finding.code} {finding.severity} {where} {finding.message}"
            )
    for command in PIPELINE_COMMANDS.get(kind, []):
        ran = sandbox.run([python, *command], cwd=project, venv=env_dir)
        if ran.returncode != 0:
            tail = (ran.stderr or ran.stdout)[-1500:]
            verdict.problems.append(f"{' '.join(command)} exited {ran.returncode}: {tail}")
    deployer = LocalDeployer(state_dir=state_dir, sandbox=sandbox)
    status = deployer.deploy(project, venv=env_dir, name=project.name, keep_running=False)
    if status.status != "healthy":
        verdict.problems.append(f"health check failed: {status.detail}")
    return verdict
