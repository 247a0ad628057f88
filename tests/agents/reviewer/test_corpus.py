"""The seeded-defect corpus: one small project per defect, each found at the right severity.

Every project under ``tests/data/review_corpus`` is reviewed for real (static checks, its tests
in the sandbox under coverage) from a copy in a temporary directory. The clean control must not
be flagged high. Recall and false positives are printed with the test output.
"""

from __future__ import annotations

import concurrent.futures
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from agents.llm import BackendSpec
from agents.reviewer import review
from core.contracts import ReviewReport, Severity
from services.sandbox import Sandbox, uv_cache_dir

CORPUS = Path(__file__).resolve().parents[2] / "data" / "review_corpus"


@dataclass(frozen=True)
class Seeded:
    """A seeded defect: the project, the rule ids that name it, severity and whether it blocks."""

    project: str
    rules: frozenset[str]
    severity: Severity
    blocking: bool


DEFECTS = [
    Seeded("eval_call", frozenset({"ruff:S307", "bandit:B307"}), "high", True),
    Seeded("sql_string", frozenset({"ruff:S608", "bandit:B608"}), "high", True),
    Seeded("cloud_key", frozenset({"detect-secrets:secret"}), "high", True),
    Seeded("pickle_load", frozenset({"ruff:S301", "bandit:B301"}), "high", True),
    Seeded("yaml_load", frozenset({"ruff:S506", "bandit:B506"}), "high", True),
    Seeded("md5_password", frozenset({"bandit:B324", "ruff:S324"}), "high", True),
    Seeded("shell_true", frozenset({"ruff:S602", "bandit:B602"}), "high", True),
    Seeded("xss_markup", frozenset({"xss:XSS001"}), "high", True),
    Seeded("syntax_error", frozenset({"compile:E999"}), "high", True),
    Seeded("failing_test", frozenset({"pytest:failed-test"}), "high", True),
    Seeded("hanging_test", frozenset({"pytest:hanging-test"}), "high", True),
    Seeded("complex_function", frozenset({"radon:CC"}), "medium", False),
    Seeded("invented_requirement", frozenset({"uv:unknown-package"}), "high", True),
]
# What a seeded defect legitimately brings along: tests cannot import a file that does not
# compile, and an environment with an invented package cannot be built.
CONSEQUENCES = {
    "syntax_error": {"pytest:failed-test"},
    "invented_requirement": {"pytest:install-failed"},
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ReviewReport]:
    """Every corpus project reviewed once, from a copy, two at a time in one shared environment
    (the clean control first: it builds that environment)."""
    sandbox = Sandbox(cache_dir=uv_cache_dir(), timeout=300)
    env_dir = tmp_path_factory.mktemp("corpus-env") / "venv"
    root = tmp_path_factory.mktemp("corpus")

    def reviewed(project: str) -> ReviewReport:
        copy = shutil.copytree(CORPUS / project, root / project)
        # Its requirements differ (and cannot install): its own env keeps the shared one intact.
        env = root / "invented-env" if project == "invented_requirement" else env_dir
        return review(copy, spec=BackendSpec(), sandbox=sandbox, env_dir=env, test_timeout=5)

    done = {"clean": reviewed("clean")}
    others = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and p.name != "clean")
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        done.update(zip(others, pool.map(reviewed, others), strict=True))
    return done


def _matches(report: ReviewReport, seeded: Seeded) -> list[str]:
    return [
        f"{f.severity}{' blocking' if f.blocking else ''}"
        for f in report.findings
        if seeded.rules & set(f.rules)
    ]


def _false_positives(project: str, report: ReviewReport, expected: frozenset[str]) -> list[str]:
    allowed = expected | CONSEQUENCES.get(project, set())
    return [
        f"{project}: {', '.join(f.rules)} {f.path}:{f.line}"
        for f in report.findings
        if f.severity == "high" and not (set(f.rules) & allowed)
    ]


class TestSeededDefects:
    """Each seeded defect is found at its severity; the clean project is not flagged high."""

    @pytest.mark.parametrize("seeded", DEFECTS, ids=lambda s: s.project)
    def test_defect_found_at_its_severity(
        self, reports: dict[str, ReviewReport], seeded: Seeded
    ) -> None:
        """The defect's rule is reported with the expected severity and blocking flag."""
        report = reports[seeded.project]
        expected = f"{seeded.severity}{' blocking' if seeded.blocking else ''}"
        assert expected in _matches(report, seeded), [f.rules for f in report.findings]
        assert report.is_blocking is seeded.blocking

    def test_clean_control_is_not_flagged_high(self, reports: dict[str, ReviewReport]) -> None:
        """The control project has no high finding, passes its tests and is not blocking."""
        clean = reports["clean"]
        assert [f.rules for f in clean.findings if f.severity == "high"] == []
        assert (clean.tests_passed, clean.tests_failed) == (2, 0)
        assert not clean.is_blocking
        assert clean.coverage_percent == 100.0

    def test_recall_and_false_positives_are_printed(
        self, reports: dict[str, ReviewReport], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Recall over the corpus is 100 % with no false positive; both are printed."""
        found = [s.project for s in DEFECTS if _matches(reports[s.project], s)]
        positives = _false_positives("clean", reports["clean"], frozenset())
        for seeded in DEFECTS:
            positives += _false_positives(seeded.project, reports[seeded.project], seeded.rules)
        with capsys.disabled():
            print(f"\nreview corpus: recall {len(found)}/{len(DEFECTS)} defects")
            print(f"review corpus: {len(positives)} false positives (high findings)")
            for line in positives:
                print(f"  false positive: {line}")
        assert len(found) == len(DEFECTS)
        assert positives == []
