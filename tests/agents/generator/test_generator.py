"""Tests of the Code Generator: the generated API installs, passes its tests, lints and serves."""

from __future__ import annotations

import ast
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from agents import generator
from agents.generator import CodeDesign, ResourceDesign, design_for, generate, rescan
from agents.llm import BackendSpec, offline
from core.contracts import (
    Analysis,
    AnalysisResult,
    DatasetPlan,
    Entity,
    EntityField,
    FieldType,
    GeneratedCode,
    Infrastructure,
    ProjectPlan,
)
from core.errors import ModelUnavailable
from services.sandbox import Sandbox, scrubbed_environment, uv_cache_dir

RUFF = str(Path(sys.executable).with_name("ruff"))
SECURITY_RULES = "E,F,W,B,S,UP,I"


def _entity(name: str, *fields: tuple[str, FieldType, bool]) -> Entity:
    return Entity(name=name, fields=[EntityField(name=n, type=t, required=r) for n, t, r in fields])


def library_plan() -> AnalysisResult:
    """Two ordinary entities and one whose field names are Python keywords or clash."""
    return AnalysisResult(
        analysis=Analysis(data_shape="a text request", project_type="rest_api"),
        project_plan=ProjectPlan(
            project_name="library-api",
            goals=["Track the books and authors of a small library."],
            requirements=["CRUD for books and authors"],
        ),
        folder_structure=["app/", "tests/"],
        tech_stack=[],
        task_breakdown=[],
        infrastructure=Infrastructure(cloud_provider="local"),
        entities=[
            _entity(
                "Book",
                ("title", "str", True),
                ("isbn", "str", True),
                ("publication_year", "int", True),
                ("available", "bool", True),
            ),
            _entity("Author", ("name", "str", True), ("born", "date", True)),
            _entity(
                "Course",
                ("class", "str", True),
                ("from", "date", False),
                ("id", "int", True),
                ("metadata", "str", False),
                ("type", "str", True),
            ),
        ],
        complexity=3,
    )


def _module_constants(path: Path) -> dict[str, Any]:
    """Module-level ``NAME = <literal>`` assignments of a generated file."""
    constants: dict[str, Any] = {}
    for node in ast.parse(path.read_text()).body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        value = getattr(node, "value", None)
        if isinstance(target, ast.Name) and value is not None:
            try:
                constants[target.id] = ast.literal_eval(value)
            except ValueError:
                continue
    return constants


def _table_names(project: Path) -> list[str]:
    tree = ast.parse((project / "app" / "models.py").read_text())
    return [
        ast.literal_eval(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id == "__tablename__"
    ]


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[GeneratedCode, Path]:
    """The library plan generated once, offline, for the whole session."""
    project = tmp_path_factory.mktemp("code-generator") / "library-api"
    return generate(library_plan(), project_dir=project, spec=BackendSpec()), project


@pytest.fixture(scope="session")
def sandbox() -> Sandbox:
    return Sandbox(cache_dir=uv_cache_dir(), timeout=300)


@pytest.fixture(scope="session")
def venv(
    generated: tuple[GeneratedCode, Path],
    sandbox: Sandbox,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    """A virtual environment with the generated project's pinned requirements."""
    _, project = generated
    return sandbox.ensure_env(project / "requirements.txt", tmp_path_factory.mktemp("venv") / "env")


@pytest.fixture
def scripted_design() -> Iterator[list[CodeDesign]]:
    """Lets a test script the design the (offline) model answers with; restores the heuristic."""
    answers: list[CodeDesign] = []
    offline.register("code_generator", lambda data: answers[0])
    yield answers
    offline.register("code_generator", lambda data: design_for(AnalysisResult.model_validate(data)))


class TestGenerate:
    """generate() renders one resource per entity and reports what is on disk."""

    def test_statistics_match_files_on_disk(self, generated: tuple[GeneratedCode, Path]) -> None:
        code, project = generated
        on_disk = {
            p.relative_to(project).as_posix(): len(p.read_text().splitlines())
            for p in project.rglob("*")
            if p.is_file() and not {"__pycache__", ".pytest_cache", ".ruff_cache"} & set(p.parts)
        }
        assert {f.path: f.lines for f in code.generated_files} == on_disk
        assert code.code_statistics.files == len(on_disk)
        assert code.code_statistics.lines == sum(on_disk.values())
        python_lines = sum(n for path, n in on_disk.items() if path.endswith(".py"))
        assert code.code_statistics.languages["Python"] == python_lines

    def test_every_entity_gets_a_router_and_a_test_module(
        self, generated: tuple[GeneratedCode, Path]
    ) -> None:
        code, project = generated
        for module in ("book", "author", "course"):
            assert (project / "app" / "routers" / f"{module}.py").is_file()
            assert (project / "tests" / f"test_{module}.py").is_file()
        assert _table_names(project) == ["books", "authors", "courses"]
        assert code.project_kind == "rest_api"
        assert code.llm is not None
        assert code.llm.source == "offline"

    def test_pins_the_agreed_versions(self, generated: tuple[GeneratedCode, Path]) -> None:
        _, project = generated
        pins = (project / "requirements.txt").read_text().split()
        for name, version in generator.PINS_BY_KIND["rest_api"].items():
            assert f"{name}=={version}" in pins


class TestGeneratedProject:
    """The generated project installs, passes its own tests, lints clean and serves HTTP."""

    @pytest.mark.timeout(300)
    def test_its_tests_pass(
        self, generated: tuple[GeneratedCode, Path], venv: Path, sandbox: Sandbox
    ) -> None:
        _, project = generated
        args = [str(venv / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        done = sandbox.run(args, cwd=project, venv=venv, timeout=240)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
        passed = int(done.stdout.rsplit(" passed", 1)[0].split()[-1])
        assert passed >= 3 * 14  # every endpoint of every entity, plus the health checks

    def test_ruff_with_security_rules_passes(self, generated: tuple[GeneratedCode, Path]) -> None:
        _, project = generated
        check = [RUFF, "check", "--no-cache", "--select", SECURITY_RULES, "."]
        done = subprocess.run(check, cwd=project, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout
        fmt = [RUFF, "format", "--check", "--no-cache", "."]
        done = subprocess.run(fmt, cwd=project, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout

    @pytest.mark.timeout(120)
    def test_app_starts_with_uvicorn_and_serves_keyword_fields(
        self, generated: tuple[GeneratedCode, Path], venv: Path, tmp_path: Path
    ) -> None:
        _, project = generated
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = scrubbed_environment(
            venv=venv,
            extra={"DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}", "HOME": str(tmp_path)},
        )
        command = [str(venv / "bin" / "python"), "-m", "uvicorn", "app.main:app"]
        server = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(port)],
            cwd=project,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                try:
                    health = httpx.get(f"{base}/health", timeout=2)
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "the app did not answer within 30 s"
                    time.sleep(0.2)
            assert health.status_code == 200
            assert health.json() == {"status": "ok"}
            body = {"class": "Algebra", "from": "2025-09-01", "id": 12, "type": "lecture"}
            refused = httpx.post(f"{base}/courses", json=body, timeout=5)
            assert refused.status_code == 422  # "id" belongs to the primary key
            body["external_id"] = body.pop("id")
            created = httpx.post(f"{base}/courses", json=body, timeout=5)
            assert created.status_code == 201, created.text
            assert created.json() == {**body, "id": 1, "metadata": None}
            found = httpx.get(f"{base}/courses", params={"class": "Algebra"}, timeout=5)
            assert found.json()["total"] == 1
            assert (tmp_path / "app.db").is_file()
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=5)


class TestDesignChecks:
    """The model's design is checked against the plan; measured facts win."""

    def test_invalid_model_answer_is_corrected_and_valid_parts_kept(
        self, scripted_design: list[CodeDesign], tmp_path: Path
    ) -> None:
        scripted_design.append(
            CodeDesign(
                resources=[
                    ResourceDesign(
                        entity="Book",
                        table="Books; DROP TABLE x",
                        route="/books/../admin",
                        sample={"title": 5, "publication_year": "nineteen", "available": "yes"},
                    ),
                    ResourceDesign(
                        entity="Author",
                        table="writers",
                        route="/writers",
                        sample={"name": "Ada Lovelace", "born": "1815-12-10"},
                    ),
                    ResourceDesign(entity="Ghost", table="ghosts", route="/ghosts", sample={}),
                ],
                readme_summary="A catalogue of books and their authors.",
            )
        )
        project = tmp_path / "project"
        generate(library_plan(), project_dir=project, spec=BackendSpec())
        book = _module_constants(project / "tests" / "test_book.py")
        assert book["ROUTE"] == "/books"
        assert book["SAMPLE"] == {
            "title": "Title 1",
            "isbn": "Isbn 1",
            "publication_year": 2024,
            "available": True,
        }
        author = _module_constants(project / "tests" / "test_author.py")
        assert author["ROUTE"] == "/writers"
        assert author["SAMPLE"] == {"name": "Ada Lovelace", "born": "1815-12-10"}
        assert (project / "tests" / "test_course.py").is_file()  # missing from the answer
        assert not (project / "app" / "routers" / "ghost.py").exists()  # not in the plan
        assert _table_names(project) == ["books", "writers", "courses"]
        assert "A catalogue of books" in (project / "README.md").read_text()

    def test_an_unreachable_backend_with_the_offline_fallback_gives_the_offline_design(
        self, generated: tuple[GeneratedCode, Path], tmp_path: Path
    ) -> None:
        """``fallback="offline"``: the project is the one the offline design renders."""
        spec = BackendSpec(
            backend="openai",
            model="x",
            base_url="http://127.0.0.1:9/v1",
            api_key="k",
            fallback="offline",
        )
        code = generate(library_plan(), project_dir=tmp_path / "project", spec=spec)
        assert code.llm is not None
        assert code.llm.source == "offline-fallback"
        assert code.llm.rejections
        _, offline_project = generated
        for path in ("tests/test_book.py", "app/models.py", "README.md"):
            assert (tmp_path / "project" / path).read_text() == (offline_project / path).read_text()

    def test_an_unreachable_backend_without_a_fallback_writes_nothing(self, tmp_path: Path) -> None:
        """The generator fails in one sentence before writing a file of the project."""
        spec = BackendSpec(
            backend="openai", model="x", base_url="http://127.0.0.1:9/v1", api_key="k"
        )
        with pytest.raises(
            ModelUnavailable, match=r"cannot be reached at http://127\.0\.0\.1:9/v1"
        ):
            generate(library_plan(), project_dir=tmp_path / "project", spec=spec)
        assert not (tmp_path / "project").exists()


class TestRescan:
    """rescan() re-counts the project on disk after a repair and bumps the round."""

    def test_recounts_and_bumps_the_round(
        self, generated: tuple[GeneratedCode, Path], tmp_path: Path
    ) -> None:
        """A line added to a file shows in the new count; repair_round goes up by one."""
        code, project = generated
        copy = tmp_path / "project"
        shutil.copytree(
            project, copy, ignore=shutil.ignore_patterns(".pytest_cache", ".ruff_cache")
        )
        main = copy / "app" / "main.py"
        main.write_text(main.read_text() + "\n\nEXTRA = 1\n")
        rescanned = rescan(code.model_copy(update={"project_path": str(copy)}))
        assert rescanned.repair_round == code.repair_round + 1
        main_lines = next(f.lines for f in rescanned.generated_files if f.path == "app/main.py")
        assert main_lines == len(main.read_text().splitlines())


class TestScanProject:
    """scan_project() counts text files by language and skips caches, environments and binaries."""

    def test_counts_text_and_skips_the_rest(self, tmp_path: Path) -> None:
        (tmp_path / "app").mkdir()
        (tmp_path / "app" / "main.py").write_text("a = 1\nb = 2\n")
        (tmp_path / "README.md").write_text("# title\n")
        (tmp_path / "Makefile").write_text("test:\n\tpytest\n")
        for skipped in (".venv/lib/site.py", "app/__pycache__/main.pyc", ".pytest_cache/v"):
            (tmp_path / skipped).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / skipped).write_text("ignored\n")
        (tmp_path / "blob.bin").write_bytes(b"\xff\xfe\x00binary")
        files, stats = generator.scan_project(tmp_path)
        assert [f.path for f in files] == ["Makefile", "README.md", "app/main.py"]
        assert stats.files == 3
        assert stats.lines == 5
        assert stats.languages == {"Makefile": 2, "Markdown": 1, "Python": 2}


class TestEveryKind:
    """Each kind renders its own tree with its own pins; pipelines ship their sample rows."""

    @pytest.mark.parametrize(
        "kind", ["rest_api", "web_app", "ml_pipeline", "etl_pipeline", "microservices"]
    )
    def test_kind_tree_pins_and_counted_statistics(self, kind: str, tmp_path: Path) -> None:
        """requirements.txt is exactly the kind's pins; the statistics are what is on disk."""
        plan = library_plan()
        plan = plan.model_copy(
            update={"analysis": plan.analysis.model_copy(update={"project_type": kind})}
        )
        if kind in ("ml_pipeline", "etl_pipeline"):
            plan = plan.model_copy(
                update={"dataset": DatasetPlan(source="synthetic", target="publication_year")}
            )
        code = generate(plan, project_dir=tmp_path / kind, spec=BackendSpec())
        project = Path(code.project_path)
        assert code.project_kind == kind
        pins = {
            line for line in (project / "requirements.txt").read_text().splitlines()
            if line and not line.startswith("#")
        }  # fmt: skip
        expected = {f"{n}=={v}" for n, v in generator.PINS_BY_KIND[kind].items()}  # type: ignore[index]
        assert pins == expected
        assert (project / "app" / "main.py").is_file()  # the one serving contract
        files, stats = generator.scan_project(project)
        assert code.code_statistics == stats
        assert stats.lines == sum((project / f.path).read_text().count("\n") for f in files)
        sample = project / "data" / "sample.csv"
        assert sample.is_file() == (kind in ("ml_pipeline", "etl_pipeline"))
        if sample.is_file():
            header = sample.read_text().splitlines()[0]
            assert header == "title,isbn,publication_year,available"

    def test_a_kind_without_templates_is_a_clear_error(self, tmp_path: Path) -> None:
        """A renderer rooted where the kind's tree is missing raises ToolFailed, writes nothing."""
        from agents.rendering import Renderer
        from core.errors import ToolFailed

        with pytest.raises(ToolFailed, match="No templates for rest_api projects"):
            generate(
                library_plan(),
                project_dir=tmp_path / "out",
                spec=BackendSpec(),
                renderer=Renderer(root=tmp_path),
            )
        assert not (tmp_path / "out").exists()
