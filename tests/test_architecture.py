"""Rules of the codebase's shape that a reviewer would otherwise have to remember."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


class TestLayering:
    def test_agents_never_import_prefect_or_streamlit(self) -> None:
        """Agent logic stays orchestration-free: no prefect or streamlit import under agents/."""
        offenders = {
            str(path.relative_to(ROOT)): sorted(_imported_modules(path) & {"prefect", "streamlit"})
            for path in (ROOT / "agents").rglob("*.py")
        }
        assert {k: v for k, v in offenders.items() if v} == {}

    def test_the_rule_catches_a_violation(self, tmp_path: Path) -> None:
        """The import scan sees both `import prefect` and `from prefect.x import y`."""
        sample = tmp_path / "bad.py"
        sample.write_text("import os\nfrom prefect.flows import flow\nimport streamlit as st\n")
        assert _imported_modules(sample) >= {"prefect", "streamlit"}

    def test_services_never_import_flows_or_tasks(self) -> None:
        """Data flows one way: services do not reach back into tasks, flows or ui."""
        for path in (ROOT / "services").rglob("*.py"):
            assert not _imported_modules(path) & {"flows", "tasks", "ui"}, path
