"""The Code Reviewer measures real projects: ruff, compile, and their own tests in a sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from agents.llm import BackendSpec, offline
from agents.reviewer import (
    FAILED_TEST,
    ReviewInput,
    ReviewNarrative,
    narrative_for,
    quality_score,
    review,
    score_parts,
)
from core.contracts import Finding, ReviewReport
from core.errors import InvalidRequest
from services.sandbox import Sandbox

CALC = "def add(a: int, b: int) -> int:\n    return a + b\n"
PASSING_TEST = "from calc import add\n\n\ndef test_add() -> None:\n    assert add(2, 3) == 5\n"
FAILING_TEST = (
    "from calc import add\n\n\ndef test_add_wrong() -> None:\n    assert add(2, 2) == 5\n"
)
INSECURE = 'import os\n\nvalue = eval(input())\npassword = "hunter2"\nprint(os.sep, value)\n'


def _project(root: Path, files: dict[str, str], *, requirements: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    if requirements:
        files = {"requirements.txt": "pytest==9.2.0\n", **files}
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Sandbox:
    return Sandbox(cache_dir=tmp_path_factory.mktemp("uv-cache"))


@pytest.fixture(scope="session")
def env_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # One environment for every project here: they share requirements.txt, so it installs once.
    return tmp_path_factory.mktemp("review-env") / "venv"


def _review(
    project: Path, sandbox: Sandbox | None, env_dir: Path | None, **kw: Any
) -> ReviewReport:
    return review(project, spec=BackendSpec(), sandbox=sandbox, env_dir=env_dir, **kw)


class TestCleanProject:
    def test_clean_passing_project_scores_100_and_does_not_block(
        self, tmp_path: Path, sandbox: Sandbox, env_dir: Path
    ) -> None:
        """No findings and a passing test: full score, nothing blocking, counts from pytest."""
        project = _project(tmp_path, {"calc/__init__.py": CALC, "tests/test_calc.py": PASSING_TEST})
        report = _review(project, sandbox, env_dir)
        assert (report.tests_passed, report.tests_failed) == (1, 0)
        assert report.review_results.issues_found == []
        assert report.review_results.security_warnings == []
        assert report.code_quality_score == 100.0
        assert not report.is_blocking
        assert not (project / ".pytest_cache").exists()
        assert {tool.name for tool in report.tools} >= {"ruff", "pytest", "python"}
        assert report.llm is not None
        assert report.llm.source == "offline"

    def test_tests_run_when_the_requirements_do_not_list_pytest(
        self, tmp_path: Path, sandbox: Sandbox
    ) -> None:
        """Test tools are the reviewer's: a project without pytest in its requirements is tested."""
        project = _project(
            tmp_path / "p",
            {"requirements.txt": "", "calc/__init__.py": CALC, "tests/test_calc.py": PASSING_TEST},
        )
        report = _review(project, sandbox, tmp_path / "env")
        assert (report.tests_passed, report.tests_failed) == (1, 0)
        assert not report.is_blocking
        assert report.coverage_percent == 100.0
        assert report.sandbox is not None
        assert report.sandbox.isolated


class TestBlockingProjects:
    def test_failing_test_blocks_and_is_named(
        self, tmp_path: Path, sandbox: Sandbox, env_dir: Path
    ) -> None:
        """A failing test blocks the release; the finding and the advice name it."""
        project = _project(
            tmp_path,
            {
                "calc/__init__.py": CALC,
                "tests/test_calc.py": PASSING_TEST,
                "tests/test_wrong.py": FAILING_TEST,
            },
        )
        report = _review(project, sandbox, env_dir)
        assert (report.tests_passed, report.tests_failed) == (1, 1)
        assert report.is_blocking
        [failure] = [f for f in report.review_results.issues_found if f.code == FAILED_TEST]
        assert failure.path == "tests/test_wrong.py"
        assert "test_add_wrong" in failure.message
        assert any("test_add_wrong" in s.message for s in report.review_results.suggestions)
        assert report.code_quality_score == 85.0

    def test_eval_and_hard_coded_password_are_blocking_security_warnings(
        self, tmp_path: Path
    ) -> None:
        """Security findings go to security_warnings, block, and get a concrete fix."""
        project = _project(tmp_path, {"app/x.py": INSECURE}, requirements=False)
        report = _review(project, None, None)
        warnings = {rule: f for f in report.review_results.security_warnings for rule in f.rules}
        assert {"ruff:S307", "ruff:S105", "bandit:B105", "detect-secrets:secret"} <= set(warnings)
        assert warnings["ruff:S105"] is warnings["detect-secrets:secret"]  # one finding, merged
        assert (warnings["ruff:S307"].path, warnings["ruff:S307"].line) == ("app/x.py", 3)
        assert all(f.tool != "ruff" or f.code[0] != "S" for f in report.review_results.issues_found)
        assert report.is_blocking
        suggestions = [s.message for s in report.review_results.suggestions]
        assert (
            "Replace eval() in app/x.py:3 with ast.literal_eval or explicit parsing." in suggestions
        )
        assert any("app/x.py:4" in s and "environment variable" in s for s in suggestions)
        assert report.code_quality_score <= 50

    def test_syntax_error_blocks_and_breaks_collection(
        self, tmp_path: Path, sandbox: Sandbox, env_dir: Path
    ) -> None:
        """A file that does not compile blocks, and the test that imports it counts as failed."""
        project = _project(
            tmp_path,
            {
                "calc/__init__.py": "def add(a, b:\n    return a + b\n",
                "tests/test_calc.py": PASSING_TEST,
            },
        )
        report = _review(project, sandbox, env_dir)
        [syntax] = [f for f in report.review_results.issues_found if f.code == "E999"]
        assert (syntax.path, syntax.blocking) == ("calc/__init__.py", True)
        assert report.tests_failed >= 1
        failures = [f for f in report.review_results.issues_found if f.code == FAILED_TEST]
        assert [f.path for f in failures] == ["tests/test_calc.py"]
        assert report.is_blocking


class TestTestsNotRun:
    def test_without_requirements_the_tests_are_skipped_and_said_so(
        self, tmp_path: Path, sandbox: Sandbox
    ) -> None:
        """No requirements.txt: no environment is built and the first suggestion explains why."""
        project = _project(
            tmp_path / "p",
            {"calc/__init__.py": CALC, "tests/test_calc.py": PASSING_TEST},
            requirements=False,
        )
        report = _review(project, sandbox, tmp_path / "env")
        assert (report.tests_passed, report.tests_failed) == (0, 0)
        assert "no requirements.txt" in report.review_results.suggestions[0].message
        assert not (tmp_path / "env").exists()
        assert report.code_quality_score == 90.0

    def test_run_tests_off_skips_them_even_with_a_sandbox(
        self, tmp_path: Path, sandbox: Sandbox
    ) -> None:
        """run_tests=False never builds the environment, and the report says the tests were off."""
        project = _project(
            tmp_path / "p", {"calc/__init__.py": CALC, "tests/test_calc.py": FAILING_TEST}
        )
        report = _review(project, sandbox, tmp_path / "env", run_tests=False)
        assert report.tests_failed == 0
        assert "run_tests is off" in report.review_results.suggestions[0].message
        assert not (tmp_path / "env").exists()

    def test_a_project_without_tests_is_told_to_add_some(
        self, tmp_path: Path, sandbox: Sandbox, env_dir: Path
    ) -> None:
        """pytest collecting nothing is not a pass: the score drops and the advice says why."""
        project = _project(tmp_path, {"calc/__init__.py": CALC})
        report = _review(project, sandbox, env_dir)
        assert (report.tests_passed, report.tests_failed) == (0, 0)
        assert not report.is_blocking
        assert report.coverage_percent == 0.0
        assert report.code_quality_score == 80.0  # no test ran (-10), no line covered (-10)
        assert any("collected no tests" in s.message for s in report.review_results.suggestions)

    def test_missing_project_directory_is_refused(self, tmp_path: Path) -> None:
        """Reviewing a directory that does not exist is an input error, not an empty review."""
        with pytest.raises(InvalidRequest):
            _review(tmp_path / "missing", None, None)


class TestModelBoundary:
    def test_the_model_cannot_change_measured_facts(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Whatever the model answers, findings, counts and score come from the measurements."""

        def flattering(_: dict[str, Any]) -> ReviewNarrative:
            return ReviewNarrative(suggestions=["Looks perfect, ship it."], performance_tips=[])

        monkeypatch.setitem(offline._HEURISTICS, "reviewer", flattering)
        project = _project(tmp_path, {"app/x.py": INSECURE}, requirements=False)
        report = _review(project, None, None)
        assert report.is_blocking
        assert report.code_quality_score <= 50
        assert "Looks perfect, ship it." in [s.message for s in report.review_results.suggestions]

    def test_narrative_schema_refuses_measured_fields(self) -> None:
        """A model answer that tries to set a score or findings fails the schema."""
        with pytest.raises(ValidationError):
            ReviewNarrative.model_validate({"suggestions": [], "code_quality_score": 100})
        with pytest.raises(ValidationError):
            ReviewNarrative.model_validate({"suggestions": ["x" * 501]})


class TestScore:
    """The score is 100 plus its parts, each named and shown in the report."""

    def _finding(self, severity: str, *, blocking: bool = False, code: str = "X1") -> Finding:
        return Finding.model_validate(
            {"tool": "ruff", "path": "a.py", "code": code, "message": "m", "severity": severity,
             "blocking": blocking}
        )  # fmt: skip

    def _score(self, findings: list[Finding], passed: int = 1, failed: int = 0,
               coverage: float | None = 100.0) -> float:  # fmt: skip
        parts = score_parts(findings, passed=passed, failed=failed, coverage=coverage)
        return quality_score(parts)

    def test_blocking_findings_and_failed_tests_weigh_heavily(self) -> None:
        """25 per blocking finding, 15 per failed test, a failed test counted once."""
        findings = [
            self._finding("high", blocking=True),
            self._finding("high", blocking=True, code=FAILED_TEST),
        ]
        assert self._score(findings, passed=3, failed=1) == 100 - 25 - 15

    def test_minor_findings_are_capped_and_info_is_free(self) -> None:
        """Style noise can cost at most 30 points; info findings cost nothing."""
        assert self._score([self._finding("info")] * 50) == 100
        assert self._score([self._finding("medium"), self._finding("low")]) == 96
        assert self._score([self._finding("medium")] * 50) == 70

    def test_score_is_clamped_and_untested_code_loses_ten(self) -> None:
        """The score never goes below 0; no test run costs 10."""
        assert self._score([self._finding("high", blocking=True)] * 9, passed=0) == 0
        assert self._score([], passed=0, coverage=None) == 90

    def test_low_coverage_costs_up_to_ten(self) -> None:
        """Under 60 % line coverage costs a point per 4 % missing, at most 10."""
        assert self._score([], coverage=60.0) == 100
        assert self._score([], coverage=40.0) == 95
        assert self._score([], coverage=0.0) == 90

    def test_parts_add_up_to_the_score(self) -> None:
        """The parts in the report sum to the score's distance from 100."""
        parts = score_parts([self._finding("medium")], passed=2, failed=1, coverage=50.0)
        assert 100 + sum(p.points for p in parts) == quality_score(parts) == 100 - 15 - 3 - 2.5
        assert [p.name for p in parts] == [
            "blocking findings", "failed tests", "other findings", "no tests", "coverage"
        ]  # fmt: skip


class TestOfflineAdvice:
    def test_advice_names_file_line_and_fix(self) -> None:
        """The offline heuristic turns each blocking finding into a concrete, located fix."""
        sql = Finding(
            tool="ruff", path="app/db.py", line=12, code="S608", message="Possible SQL injection",
            severity="high", blocking=True,
        )  # fmt: skip
        unused = [
            Finding(tool="ruff", path=f"app/{name}.py", line=1, code="F401",
                    message=f"`{name}` imported but unused", severity="medium")
            for name in ("os", "re")
        ]  # fmt: skip
        data = ReviewInput(
            findings=[sql, *unused],
            total_findings=3,
            blocking_findings=1,
            tests_ran=True,
            tests_passed=2,
            tests_failed=0,
            failing_tests=[],
            tests_seconds=45.0,
            largest_files=[],
            code_quality_score=69.0,
        )
        narrative = narrative_for(data)
        assert narrative.suggestions[0].startswith("Build the SQL in app/db.py:12 with bound")
        assert narrative.suggestions[1] == "2 x Fix F401 in app/os.py:1: `os` imported but unused."
        assert any("45 s" in tip for tip in narrative.performance_tips)
