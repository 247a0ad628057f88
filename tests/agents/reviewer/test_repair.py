"""Repair changes the code: codemods and ruff first, then a model's diff checked before it lands.

The model path runs through AG2's own scripted test model (``ag2.testing.TestConfig``): the
repair asks a real AG2 agent, which answers with the scripted JSON.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from ag2.testing import TestConfig

from agents.llm import BackendSpec, answering_with
from agents.reviewer import repair, review
from core.contracts import ReviewReport
from services.sandbox import Sandbox, uv_cache_dir

CORPUS = Path(__file__).resolve().parents[2] / "data" / "review_corpus"
SCRIPTED = BackendSpec(backend="openai", model="scripted")
DISCOUNT_FIX = """\
--- a/discount.py
+++ b/discount.py
@@ -2,4 +2,4 @@


 def discounted(price: float, percent: float) -> float:
-    return price - price * percent
+    return price - price * percent / 100
"""


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(cache_dir=uv_cache_dir(), timeout=300)


@pytest.fixture(scope="module")
def env_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One environment for the corpus projects (same requirements)."""
    return tmp_path_factory.mktemp("repair-env") / "venv"


def _review(project: Path, sandbox: Sandbox, env_dir: Path) -> ReviewReport:
    return review(project, spec=BackendSpec(), sandbox=sandbox, env_dir=env_dir, fuzz=False)


def _scripted(diff: str) -> TestConfig:
    answer = json.dumps({"diff": diff, "explanation": "Fix it."})
    return TestConfig(answer, answer, model="scripted")


class TestDeterministicRepair:
    """Codemods fix yaml.load and shell=True in one round, and the tests still pass."""

    def test_yaml_load_and_shell_true_are_fixed_in_one_round(
        self, tmp_path: Path, sandbox: Sandbox, env_dir: Path
    ) -> None:
        """A blocking project comes out of one offline round clean, with both diffs recorded."""
        project = shutil.copytree(CORPUS / "yaml_load", tmp_path / "project")
        shutil.copytree(CORPUS / "shell_true", project, dirs_exist_ok=True)
        first = _review(project, sandbox, env_dir)
        rules = {rule for f in first.blocking_findings for rule in f.rules}
        assert {"ruff:S506", "ruff:S602"} <= rules
        result = repair(project, first, spec=BackendSpec())
        second = _review(project, sandbox, env_dir)
        assert not second.is_blocking, [f.rules for f in second.blocking_findings]
        assert (second.tests_passed, second.tests_failed) == (2, 0)
        sources = {(change.path, change.source) for change in result.changes}
        assert ("config.py", "codemod:harden-pyyaml") in sources
        assert ("listing.py", "codemod:subprocess-shell-false") in sources
        assert "+    return yaml.safe_load(text)" in next(
            c.diff for c in result.changes if c.path == "config.py"
        )
        assert result.rejected_patches == []
        assert result.llm is None  # offline: no model step


class TestModelRepair:
    """With a model configured, its diff lands only if it applies and compiles."""

    def test_the_models_diff_fixes_a_failing_test(
        self, tmp_path: Path, sandbox: Sandbox, env_dir: Path
    ) -> None:
        """The scripted model's diff is applied and the next review's tests pass."""
        project = shutil.copytree(CORPUS / "failing_test", tmp_path / "project")
        first = _review(project, sandbox, env_dir)
        assert first.tests_failed == 1
        with answering_with(_scripted(DISCOUNT_FIX)):
            result = repair(project, first, spec=SCRIPTED)
        assert [c.source for c in result.changes] == ["model"]
        assert result.llm is not None
        assert result.llm.source == "model"
        second = _review(project, sandbox, env_dir)
        assert (second.tests_passed, second.tests_failed) == (1, 0)
        assert not second.is_blocking

    @pytest.mark.parametrize(
        ("diff", "reason"),
        [
            ("this is not a diff at all", "holds no diff"),
            (DISCOUNT_FIX.replace("price * percent\n", "price * rate\n"), "does not apply"),
            (DISCOUNT_FIX.replace("discount.py", "../escape.py"), "leaves the project"),
            (DISCOUNT_FIX.replace("/ 100", "/ (100"), "does not compile"),
        ],
        ids=["garbage", "wrong-context", "escapes", "syntax-error"],
    )
    def test_a_bad_diff_is_refused_recorded_and_changes_nothing(
        self, tmp_path: Path, sandbox: Sandbox, env_dir: Path, diff: str, reason: str
    ) -> None:
        """A diff that is malformed, does not apply, leaves the project or breaks the syntax is
        refused with its reason; the project is byte for byte as before."""
        project = shutil.copytree(CORPUS / "failing_test", tmp_path / "project")
        report = _review(project, sandbox, env_dir)
        before = (project / "discount.py").read_bytes()
        with answering_with(_scripted(diff)):
            result = repair(project, report, spec=SCRIPTED)
        [refused] = result.rejected_patches
        assert reason in refused.reason
        assert refused.source == "model"
        assert (project / "discount.py").read_bytes() == before
        assert not (tmp_path / "escape.py").exists()
        assert [c for c in result.changes if c.source == "model"] == []
