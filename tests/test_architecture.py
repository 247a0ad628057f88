"""Rules of the codebase's shape that a reviewer would otherwise have to remember.

Imports run one way (``LAYERS``); inside ``agents`` each package may only use the packages
``AGENT_PACKAGES`` names; no two modules import each other, directly or round a circle; no
module is over 300 lines and no function over 60 (the pipeline flow excepted). The import
graph comes from grimp, which reads the source without importing it.
"""

from __future__ import annotations

import ast
import fnmatch
import graphlib
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "services", "agents", "blocks", "tasks", "flows", "ui", "bench")
_BELOW_UI = {"core", "services", "agents", "blocks", "tasks", "flows"}
# package -> the packages of ours it may import (its own modules are always allowed)
LAYERS: dict[str, set[str]] = {
    "core": set(),
    "services": {"core"},
    "agents": {"core", "services"},
    "blocks": {"core", "services", "agents"},
    "tasks": {"core", "services", "agents", "blocks"},
    "flows": {"core", "services", "agents", "blocks", "tasks"},
    "ui": _BELOW_UI,
    "bench": _BELOW_UI | {"ui"},
}
AGENT_PACKAGES: dict[str, set[str]] = {
    "agents.llm": set(),
    "agents.rendering": set(),
    "agents.profiling": set(),
    "agents.analyzer": {"agents.llm", "agents.profiling"},
    "agents.generator": {"agents.llm", "agents.rendering"},
    "agents.reviewer": {"agents.llm"},
    "agents.devops": {"agents.llm", "agents.rendering"},
    "agents.release": {"agents.llm", "agents.rendering"},
}
ORCHESTRATION_FREE = ("core", "services", "agents")
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60
LONG_FUNCTIONS_ALLOWED = {("flows/sdlc.py", "sdlc_pipeline")}


def _unit(module: str) -> str:
    """The unit a rule speaks of: ``agents.<package>`` inside agents, else the top package."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "agents" and len(parts) > 1 else parts[0]


def build_graph(*, type_checking: bool = True) -> grimp.ImportGraph:
    return grimp.build_graph(
        *PACKAGES, cache_dir=None, exclude_type_checking_imports=not type_checking
    )


def illegal_imports(graph: grimp.ImportGraph) -> list[str]:
    """Every import that crosses the tables above the wrong way, as ``importer -> imported``."""
    found = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            source, target = _unit(importer), _unit(imported)
            if source == target:
                continue
            top_source, top_target = source.split(".")[0], target.split(".")[0]
            if top_source == top_target == "agents":
                allowed = AGENT_PACKAGES.get(source, set())
                if target not in allowed:
                    found.append(f"{importer} -> {imported}")
            elif top_source != top_target and top_target not in LAYERS[top_source]:
                found.append(f"{importer} -> {imported}")
    return found


def find_cycle(graph: grimp.ImportGraph) -> list[str] | None:
    """One circle of module imports, or None."""
    sorter = graphlib.TopologicalSorter(
        {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    )
    try:
        sorter.prepare()
    except graphlib.CycleError as exc:
        return list(exc.args[1])
    return None


def _imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _sources() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


class TestLayering:
    def test_imports_follow_the_table(self) -> None:
        """No module imports a package its floor may not use."""
        assert illegal_imports(build_graph()) == []

    def test_a_seeded_wrong_way_import_is_caught(self) -> None:
        """core importing agents, and reviewer importing generator, are both reported."""
        graph = build_graph()
        graph.add_import(importer="core.errors", imported="agents.llm")
        graph.add_import(importer="agents.reviewer.review", imported="agents.generator")
        assert illegal_imports(graph) == [
            "agents.reviewer.review -> agents.generator",
            "core.errors -> agents.llm",
        ]

    def test_no_circles_between_modules(self) -> None:
        """No module reaches itself through its imports (type-checking imports aside)."""
        assert find_cycle(build_graph(type_checking=False)) is None

    def test_a_seeded_circle_is_caught(self) -> None:
        """Two modules importing each other are reported with both names."""
        graph = build_graph(type_checking=False)
        graph.add_import(importer="agents.profiling.sniff", imported="agents.profiling.stats")
        cycle = find_cycle(graph)
        assert cycle is not None
        assert {"agents.profiling.sniff", "agents.profiling.stats"} <= set(cycle)

    @pytest.mark.parametrize("package", ORCHESTRATION_FREE)
    def test_no_prefect_or_streamlit_below_tasks(self, package: str) -> None:
        """core, services and agents stay orchestration-free: no prefect or streamlit import."""
        offenders = {
            str(path.relative_to(ROOT)): sorted(_imports_of(path) & {"prefect", "streamlit"})
            for path in (ROOT / package).rglob("*.py")
        }
        assert {k: v for k, v in offenders.items() if v} == {}

    def test_the_import_scan_sees_both_forms(self, tmp_path: Path) -> None:
        """The scan sees both `import prefect` and `from prefect.x import y`."""
        sample = tmp_path / "bad.py"
        sample.write_text("import os\nfrom prefect.flows import flow\nimport streamlit as st\n")
        assert _imports_of(sample) >= {"prefect", "streamlit"}


class TestSize:
    def test_modules_stay_short(self) -> None:
        """No module of ours is over 300 lines: split by concept before that."""
        long = {
            str(p.relative_to(ROOT)): n
            for p in _sources()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
        }
        assert long == {}

    def test_functions_stay_short(self) -> None:
        """No function is over 60 lines, except the pipeline flow that tells the whole story."""
        long = []
        for path in _sources():
            relative = path.relative_to(ROOT).as_posix()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    length = (node.end_lineno or node.lineno) - node.lineno + 1
                    if length > MAX_FUNCTION_LINES and (relative, node.name) not in (
                        LONG_FUNCTIONS_ALLOWED
                    ):
                        long.append(f"{relative}:{node.name} ({length} lines)")
        assert long == []


class TestPackaging:
    def test_every_data_file_of_a_package_is_installed_with_it(self) -> None:
        """A file a module reads beside itself (weights, tables, prompts, scripts) is listed in
        ``[tool.setuptools.package-data]``: an editable install and the image's source tree
        would not notice one missing, a plain ``pip install`` would."""
        config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        listed = config["tool"]["setuptools"]["package-data"]
        missing = [
            path.relative_to(ROOT).as_posix()
            for package in _BELOW_UI | {"ui"}
            for path in sorted((ROOT / package).rglob("*"))
            if path.is_file()
            and path.suffix not in (".py", ".pyc")
            and "__pycache__" not in path.parts
            and not any(
                fnmatch.fnmatch(path.relative_to(ROOT / package).as_posix(), pattern)
                for pattern in listed.get(package, [])
            )
        ]
        assert missing == []
