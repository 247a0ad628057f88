"""Generated projects and written kits shared by the DevOps tests (one project per kind)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.devops import build_spec, design_for, inspect_project, settle_design
from agents.devops.agent import kit_name
from agents.devops.kit import write_kit
from agents.devops.spec import KitSpec
from agents.rendering import default_renderer
from core.contracts import CloudProvider, FileKind, ProjectKind
from tests.generated import build

KINDS: tuple[ProjectKind, ...] = (
    "rest_api", "web_app", "ml_pipeline", "etl_pipeline", "microservices",
)  # fmt: skip
CLOUDS: tuple[CloudProvider, ...] = ("aws", "gcp", "azure")
REQUESTS: dict[str, str] = {
    "rest_api": "A REST API for a library: books have a title, an ISBN and a publication year.",
    "web_app": "A web app where a bakery manages products with a name, a price and a baked date.",
    "ml_pipeline": "Train a model to predict house prices from an area, a city and a price.",
    "etl_pipeline": "Nightly ETL that loads sales records with an order id, a store and an amount.",
    "microservices": (
        "An online shop split into microservices: products with a name and a price; orders "
        "with a customer email and a quantity."
    ),
}


@pytest.fixture(scope="session")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One generated project per kind (offline analyzer and generator)."""
    root = tmp_path_factory.mktemp("devops-projects")
    return {
        kind: Path(build(kind, root / kind, text=REQUESTS[kind])[0].project_path) for kind in KINDS
    }


def render_kit(
    project: Path, out: Path, cloud: CloudProvider
) -> tuple[KitSpec, list[tuple[str, FileKind]]]:
    """Write a project's kit without checking it (the fast path for tests of the files)."""
    facts = inspect_project(project, project_name=project.name, cloud=cloud)
    design = settle_design(design_for(facts), facts)
    name = kit_name(project.name)
    spec = build_spec(facts, design, name=name, repository_url=f"https://example.com/{name}.git")
    return spec, write_kit(spec, out, default_renderer())
