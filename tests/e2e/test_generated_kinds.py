"""Every project kind, for real: generate, install, test, lint, run and boot what comes out.

For each kind: two text requests and one CSV request (real CSVs from vega_datasets), requests
and CSVs whose fields are Python/SQL keywords, and a random sample of 20 SRDD requests drawn
with a fixed seed (``AG2_SDLC_SRDD_SEED`` draws another). Each generated project must install
into a fresh virtual environment (shared uv cache), pass its own tests, have no ruff finding and
no bandit finding of medium or high severity, run end to end on its sample data (pipelines) and
answer 200 on ``/health`` under uvicorn.
"""

from __future__ import annotations

import csv
import os
import random
from pathlib import Path

import pytest
import yaml
from vega_datasets import local_data

from core.contracts import AnalysisResult, ProjectKind, slugify
from services.sandbox import Sandbox, uv_cache_dir
from tests.generated import build, verify

pytestmark = pytest.mark.e2e

SRDD = Path(__file__).resolve().parents[3] / "shared" / "data" / "srdd.csv"
VEGA = Path(local_data.seattle_weather.filepath).parent
HOSTILE = "Quote \" and ''' and {{ jinja }} and </script><script>alert(1)</script> and $(rm -rf /)"

TEXT_REQUESTS: dict[ProjectKind, tuple[str, str]] = {
    "rest_api": (
        "A REST API for a library: books have a title, an ISBN and a publication year; "
        "members have a name, an email and a joined date.",
        "An API for recipes. Recipes have a name, a class, a cooking time and a vegan flag. "
        + HOSTILE,
    ),
    "web_app": (
        "A web app where a bakery manages products with a name, a price and a baked date, and "
        "orders with a customer name, a quantity and a paid flag.",
        "A website for a book club. Meetings have a topic, a class, a host and a start time. "
        + HOSTILE,
    ),
    "ml_pipeline": (
        "Train a model to predict house prices. Houses have an area, a bedroom count, a city, "
        "a build date and a price.",
        "Predict customer churn: customers have a tenure in months, a class, a monthly charge, a "
        f"contract type and a churned flag. {HOSTILE}",
    ),
    "etl_pipeline": (
        "Nightly ETL that loads sales records with an order id, a store, an amount, a sale date "
        "and a refunded flag into a warehouse.",
        "An ETL pipeline importing weather readings with a station, a class, a temperature. "
        + HOSTILE,
    ),
    "microservices": (
        "An online shop split into microservices: products with a name, a price and a stock "
        "count; orders with a customer email, a quantity and a placed date.",
        f"Microservices for a library: books have a title, a class and an ISBN. {HOSTILE}",
    ),
}
CSV_REQUESTS: dict[ProjectKind, str] = {
    "rest_api": "stocks.csv",
    "web_app": "seattle-weather.csv",
    "ml_pipeline": "seattle-weather.csv",
    "etl_pipeline": "iowa-electricity.csv",
    "microservices": "stocks.csv",
}
KEYWORD_COLUMNS = ["class", "from", "order by", "select", "title"]
KINDS = tuple(TEXT_REQUESTS)
# The same sample every run, so a failure repeats; set AG2_SDLC_SRDD_SEED to draw another.
DEFAULT_SRDD_SEED = 20261126


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(cache_dir=uv_cache_dir(), timeout=600)


@pytest.fixture(scope="module")
def keyword_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CSV whose headers are Python and SQL keywords, with rows a model can learn from."""
    path = tmp_path_factory.mktemp("keywords") / "lessons.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(KEYWORD_COLUMNS)
        for number in range(40):
            size = number % 10
            writer.writerow(
                [size, f"2024-03-{number % 28 + 1:02d}", 3 * size + 1, number, f"T{number}"]
            )
    return path


def _check(kind: str, root: Path, sandbox: Sandbox, **request: object) -> Path:
    return _check_with_plan(kind, root, sandbox, **request)[0]


def _check_with_plan(
    kind: str, root: Path, sandbox: Sandbox, **request: object
) -> tuple[Path, AnalysisResult]:
    code, analysis = build(kind, root, **request)  # type: ignore[arg-type]
    project = Path(code.project_path)
    assert code.project_kind == kind
    verdict = verify(project, kind=kind, sandbox=sandbox, state_dir=root / "deployments")
    assert not verdict.problems, verdict.explain()
    return project, analysis


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("which", [0, 1])
def test_text_requests_yield_working_projects(
    kind: ProjectKind, which: int, tmp_path: Path, sandbox: Sandbox
) -> None:
    """Two text requests per kind pass every check. The second is full of quotes, Jinja and
    script tags, and one of its fields is called ``class`` (a Python keyword), so one project
    per kind checks both the escaping and a keyword field from text."""
    text = TEXT_REQUESTS[kind][which]
    project, analysis = _check_with_plan(kind, tmp_path, sandbox, text=text)
    if which == 1:  # the hostile text reached no source file except as an escaped literal
        fields = {f.name for entity in analysis.entities for f in entity.fields}
        assert "class_" in fields, fields  # the keyword field is in the project under test
        for path in project.rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            assert "$(rm -rf /)" not in source.replace(repr(HOSTILE)[1:-1], ""), path


@pytest.mark.parametrize("kind", KINDS)
def test_csv_requests_yield_working_projects_tested_with_rows_of_the_file(
    kind: ProjectKind, tmp_path: Path, sandbox: Sandbox
) -> None:
    """A CSV request per kind passes every check; its tests carry values from the file."""
    source = VEGA / CSV_REQUESTS[kind]
    project = _check(kind, tmp_path, sandbox, csv=source)
    with source.open(encoding="utf-8", newline="") as handle:
        second_row = list(csv.reader(handle))[1]
    tests_text = "".join(p.read_text() for p in (project / "tests").rglob("*.py"))
    sample_file = project / "data" / "sample.csv"
    shipped = sample_file.read_text(encoding="utf-8") if sample_file.is_file() else ""
    text_cells = [cell for cell in second_row if not cell.replace(".", "").isdigit()]
    quoted = [f'"{cell}"' for cell in text_cells]  # as a string literal after ruff format
    assert any(q in tests_text for q in quoted) or any(c in shipped for c in text_cells)


@pytest.mark.parametrize("kind", KINDS)
def test_keyword_columns_of_a_csv_still_work(
    kind: ProjectKind, tmp_path: Path, sandbox: Sandbox, keyword_csv: Path
) -> None:
    """CSV headers called class, from, order by and select work (a keyword field from text is
    in the second text request of each kind)."""
    _check(kind, tmp_path, sandbox, csv=keyword_csv)


def test_microservices_compose_file_wires_every_service(tmp_path: Path, sandbox: Sandbox) -> None:
    """docker-compose.yml parses and has the gateway plus one service per resource and audit."""
    code, analysis = build("microservices", tmp_path, text=TEXT_REQUESTS["microservices"][0])
    compose = yaml.safe_load((Path(code.project_path) / "docker-compose.yml").read_text())
    assert len(compose["services"]) >= len(analysis.entities) + 2


def _srdd_sample(size: int) -> list[dict[str, str]]:
    if not SRDD.is_file():
        pytest.skip(f"SRDD is not at {SRDD}; see ../shared/data/README.md")
    with SRDD.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    seed = int(os.environ.get("AG2_SDLC_SRDD_SEED") or DEFAULT_SRDD_SEED)
    print(f"SRDD sample seed: {seed} (AG2_SDLC_SRDD_SEED={seed} repeats this sample)")
    return random.Random(seed).sample(rows, size)  # noqa: S311 - picks test cases, not secrets


def test_twenty_random_srdd_requests_yield_working_projects(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    """A seeded sample of 20 real requests (the seed is printed): every project passes."""
    failures = []
    for number, row in enumerate(_srdd_sample(20)):
        name = f"srdd-{number}-{slugify(row['Name'])}"[:50].rstrip("-")
        code, analysis = build(None, tmp_path, text=row["Description"], name=name)
        kind = analysis.analysis.project_type
        verdict = verify(
            Path(code.project_path), kind=kind, sandbox=sandbox, state_dir=tmp_path / "deploy"
        )
        if verdict.problems:
            failures.append(f"{row['Name']} ({kind}): {verdict.explain()[:1500]}")
    assert not failures, "\n\n".join(failures)
