"""Clean generated projects of every kind pass the whole review, fuzzing included.

Each kind is generated from a text request and reviewed for real: static checks, its tests under
coverage in the sandbox, and (for the kinds that serve OpenAPI) the booted app fuzzed by
schemathesis with every check. None may score under 90, block, or break its contract. A
test that starts a server brings its own time limit instead of the reviewer's per-test one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.llm import BackendSpec
from agents.reviewer import review
from agents.reviewer.suite import tool_requirements
from core.contracts import ProjectKind
from services.sandbox import Sandbox, uv_cache_dir
from tests.generated import build

pytestmark = pytest.mark.e2e

REQUESTS: dict[ProjectKind, str] = {
    "rest_api": "A REST API for a library: books have a title, an ISBN, a price, an available "
    "flag and a publication date; members have a name, an email and a joined date.",
    "web_app": "A web app where a bakery manages products with a name, a price and a baked date.",
    "ml_pipeline": "Train a model to predict house prices. Houses have an area, a bedroom count, "
    "a city, a build date and a price.",
    "etl_pipeline": "Nightly ETL that loads sales records with an order id, a store, an amount, "
    "a sale date and a refunded flag into a warehouse.",
    "microservices": "An online shop split into microservices: products with a name, a price and "
    "a stock count; orders with a customer email, a quantity and a placed date.",
}
SERVES_OPENAPI = {"rest_api", "ml_pipeline", "etl_pipeline", "microservices"}


class TestGeneratedProjectsPassTheReview:
    """Every kind scores at least 90, is not blocking, and keeps its API contract."""

    @pytest.mark.parametrize("kind", list(REQUESTS))
    def test_kind_scores_90_and_passes_fuzzing(self, kind: ProjectKind, tmp_path: Path) -> None:
        """The generated project's review: score >= 90, no blocking finding, tests pass, and
        schemathesis finds no server error and no contract mismatch."""
        code, _ = build(kind, tmp_path, text=REQUESTS[kind])
        sandbox = Sandbox(cache_dir=uv_cache_dir(), timeout=600)
        report = review(
            Path(code.project_path), spec=BackendSpec(), sandbox=sandbox, env_dir=tmp_path / "env"
        )
        found = [f"{f.tool} {f.path}: {f.message}" for f in report.findings]
        assert report.code_quality_score >= 90, (report.score_parts, found)
        assert not report.is_blocking, [f.message for f in report.blocking_findings]
        assert report.tests_passed > 0
        assert report.tests_failed == 0
        assert report.fuzzing is not None
        if kind in SERVES_OPENAPI:
            assert report.fuzzing.ran, report.fuzzing.note
            assert report.fuzzing.operations > 0
            assert (report.fuzzing.failures, report.fuzzing.server_errors) == (0, 0)
            assert [f for f in report.findings if f.tool == "schemathesis"] == []
        else:
            assert "no /openapi.json" in report.fuzzing.note


class TestTestsThatStartAServer:
    def test_the_etl_flow_test_brings_its_own_time_limit(self, tmp_path: Path) -> None:
        """The ETL flow test starts a Prefect server first (~15 s idle, minutes on a busy
        machine), so it sets its own pytest-timeout budget: it passes under a one-second
        default as it must under the reviewer's two minutes on a loaded CI runner."""
        code, _ = build("etl_pipeline", tmp_path, text=REQUESTS["etl_pipeline"])
        project = Path(code.project_path)
        requirements = project / "requirements.txt"
        sandbox = Sandbox(cache_dir=uv_cache_dir(), timeout=600)
        env = sandbox.ensure_env(
            requirements, tmp_path / "env", extra=tool_requirements(requirements)
        )
        argv = [str(env / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        done = sandbox.run([*argv, "--timeout=1", "tests/test_flow.py"], cwd=project, venv=env)
        assert done.returncode == 0, (done.stdout + done.stderr)[-2000:]
        assert "1 passed" in done.stdout
