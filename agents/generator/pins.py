"""What each kind of generated project pins and runs: exact versions and pipeline commands."""

from __future__ import annotations

from agents.generator.data import SAMPLE_FILE
from core.contracts import ProjectKind

_COMMON = {"pydantic": "2.14.3", "pydantic-settings": "2.16.3", "pytest": "9.2.0"}
_ASGI = {"fastapi": "0.165.0", "uvicorn": "0.54.0", "httpx": "0.28.1"}
# The PostgreSQL driver: deployed to a cloud, the app's DATABASE_URL is postgresql+psycopg://.
_POSTGRES = {"psycopg": "3.3.9", "psycopg-binary": "3.3.9"}
# Kinds that serve an OpenAPI schema ship schemathesis' property test of their own contract.
_CONTRACT = {"schemathesis": "4.32.5"}
PINS_BY_KIND: dict[ProjectKind, dict[str, str]] = {
    "rest_api": {**_ASGI, "sqlalchemy": "2.1.9", **_POSTGRES, **_COMMON, **_CONTRACT},
    "web_app": {
        "flask": "3.1.3",
        "flask-wtf": "1.3.0",
        "wtforms": "3.3.2",
        "sqlalchemy": "2.1.9",
        **_POSTGRES,
        "a2wsgi": "1.10.10",
        "uvicorn": "0.54.0",
        **_COMMON,
    },
    "ml_pipeline": {
        "scikit-learn": "1.9.1",
        "joblib": "1.6.0",
        "pandas": "3.1.1",
        "numpy": "2.4.6",
        **_ASGI,
        **_COMMON,
        **_CONTRACT,
    },
    # Prefect 3.8's own server (used by its test harness) needs fastapi < 0.151, and SQLAlchemy
    # < 2.1: on 2.1 its scheduler cannot insert a deployment's scheduled runs.
    "etl_pipeline": {
        "prefect": "3.8.8",
        "fastapi": "0.150.0",
        "sqlalchemy": "2.0.58",
        "uvicorn": "0.54.0",
        "httpx": "0.28.1",
        **_COMMON,
        **_CONTRACT,
    },
    "microservices": {**_ASGI, "sqlalchemy": "2.1.9", **_POSTGRES, **_COMMON, **_CONTRACT},
}  # fmt: skip # one kind per block reads better than one package per line
RUFF_PIN = "0.17.6"
# How pipeline kinds run end to end on their sample data (arguments to the project's python).
PIPELINE_COMMANDS: dict[ProjectKind, list[list[str]]] = {
    "ml_pipeline": [["-m", "pipeline.train"], ["-m", "pipeline.predict", SAMPLE_FILE]],
    "etl_pipeline": [["-m", "etl.flow"]],
}


def tech_stack_of(kind: ProjectKind) -> list[str]:
    """The generated project's stack as reported: Python, storage and the pinned packages."""
    pins = PINS_BY_KIND[kind]
    return ["Python 3.11", "SQLite", *(f"{name} {version}" for name, version in pins.items())]
