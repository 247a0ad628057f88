"""What each project kind is made of: its stack, layout and the plan's wording.

One table, read by the analyzer (plan text) and the code generator (tech stack, target choice),
so adding a kind means adding one entry here and one template tree under ``templates/apps``.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.contracts import Entity, EntityField, ProjectKind, TechChoice


@dataclass(frozen=True)
class KindProfile:
    """How the plan describes one kind of project."""

    goal: str  # formatted with {names}
    requirements: tuple[str, ...]  # each formatted with {names}
    folders: tuple[str, ...]
    stack: tuple[tuple[str, str], ...]  # (name, reason)
    services: tuple[str, ...]


KINDS: dict[ProjectKind, KindProfile] = {
    "rest_api": KindProfile(
        goal="Manage {names} through a tested HTTP API.",
        requirements=(
            "Create, read, update, delete and list {names} records with pagination and filters.",
            "Validate input and answer errors in one JSON shape.",
        ),
        folders=("app/", "app/routers/", "tests/", "k8s/", "Dockerfile", "README.md"),
        stack=(
            ("FastAPI", "Typed HTTP API with OpenAPI docs out of the box."),
            ("SQLAlchemy + SQLite", "Relational storage with no server."),
            ("pytest", "The generated tests run in CI and in review."),
        ),
        services=("container runtime", "sqlite volume"),
    ),
    "web_app": KindProfile(
        goal="Manage {names} through server-rendered web pages and forms.",
        requirements=(
            "List, create, edit and delete {names} through HTML pages and forms.",
            "Protect every form with a CSRF token; escape all user content.",
        ),
        folders=("app/", "app/templates/", "tests/", "k8s/", "Dockerfile", "README.md"),
        stack=(
            ("Flask", "Server-rendered pages with Jinja2 autoescaping."),
            ("Flask-WTF", "Form validation and CSRF protection."),
            ("SQLAlchemy + SQLite", "Relational storage with no server."),
            ("pytest", "The generated tests run in CI and in review."),
        ),
        services=("container runtime", "sqlite volume"),
    ),
    "ml_pipeline": KindProfile(
        goal="Train, evaluate and serve a model over {names} data.",
        requirements=(
            "Load the data, split it, train a baseline and report the right metrics.",
            "Persist the model; predict from the command line and over HTTP.",
        ),
        folders=("pipeline/", "app/", "data/", "tests/", "k8s/", "Dockerfile", "README.md"),
        stack=(
            ("scikit-learn", "Well-understood baselines for classification and regression."),
            ("pandas", "Reads the CSV with typed columns."),
            ("FastAPI", "A small predict endpoint for the trained model."),
            ("pytest", "The generated tests run in CI and in review."),
        ),
        services=("container runtime", "model volume"),
    ),
    "etl_pipeline": KindProfile(
        goal="Extract, clean and load {names} data, idempotently.",
        requirements=(
            "Extract {names} rows from a CSV file or an HTTP URL.",
            "Apply typed cleaning rules and load into SQLite; re-runs change nothing.",
        ),
        folders=("etl/", "app/", "data/", "tests/", "k8s/", "Dockerfile", "README.md"),
        stack=(
            ("Prefect", "The pipeline is a flow with retries and observability."),
            ("SQLite", "The load target, upserted by key so re-runs are idempotent."),
            ("FastAPI", "A status endpoint for the loaded data."),
            ("pytest", "The generated tests run in CI and in review."),
        ),
        services=("container runtime", "sqlite volume", "scheduler"),
    ),
    "microservices": KindProfile(
        goal="Serve {names} from separate services behind one gateway.",
        requirements=(
            "Run one service per resource, each with its own database.",
            "Route every request through a gateway; wire them with docker-compose.",
        ),
        folders=("app/", "services/", "common/", "tests/", "docker-compose.yml", "README.md"),
        stack=(
            ("FastAPI", "One small typed service per resource plus the gateway."),
            ("httpx", "The gateway forwards requests to the services."),
            ("SQLAlchemy + SQLite", "Each service owns its database."),
            ("docker-compose", "Starts the services and the gateway together."),
        ),
        services=("container runtime", "one sqlite volume per service", "gateway"),
    ),
}

# Words that name what a model predicts, strongest first.
_TARGET_WORDS = (
    "target", "label", "class_", "outcome", "churn", "churned", "price", "score", "rating",
    "category", "status", "result", "amount", "sales", "revenue", "survived", "approved",
)  # fmt: skip # a word list reads better filled than one per line


def tech_stack(kind: ProjectKind) -> list[TechChoice]:
    """The plan's technology choices for ``kind``."""
    return [TechChoice(name=name, reason=reason) for name, reason in KINDS[kind].stack]


def choose_target(entity: Entity, preferred: str | None = None) -> EntityField | None:
    """The field a model of ``entity`` predicts: ``preferred``, else by name, else last numeric.

    Only int, float, bool and str fields are predictable (str only when preferred or named like
    a label); an entity with one field has no target.
    """
    candidates = [f for f in entity.fields if f.type in ("int", "float", "bool", "str")]
    if len(entity.fields) < 2 or not candidates:
        return None
    by_name = {f.name: f for f in candidates}
    if preferred in by_name:
        return by_name[preferred]
    for word in _TARGET_WORDS:
        for field in candidates:
            if field.name == word or field.name.endswith(f"_{word}"):
                return field
    numeric = [f for f in candidates if f.type in ("int", "float", "bool")]
    return numeric[-1] if numeric else None  # free text (a name, a description) is no label


def choose_key(entity: Entity, preferred: str | None = None) -> EntityField | None:
    """The field that identifies a row: ``preferred`` if valid, else a name ending in id/code."""
    by_name = {f.name: f for f in entity.fields if f.type in ("int", "str")}
    if preferred in by_name:
        return by_name[preferred]
    for field in by_name.values():
        if field.required and field.name in ("id", "code", "sku", "uuid", "key"):
            return field
    return next(
        (f for f in by_name.values() if f.required and f.name.endswith(("_id", "_code"))), None
    )
