"""What a deployment needs to know about a generated project, read from its files."""

from __future__ import annotations

import re
from pathlib import Path

from agents.devops.design import DevOpsInput
from core.contracts import CloudProvider, ProjectKind
from services import linters

# `--port N`, `uvicorn.run(..., port=N)`, or a `PORT = N` / `port: int = N` setting.
_PORT = re.compile(
    r"(?:--port[= ]|uvicorn\.run\([^)]*\bport\s*=\s*|^\s*port\s*(?::\s*int)?\s*=\s*)(\d{4,5})\b",
    re.IGNORECASE | re.MULTILINE,
)
_HEALTH = re.compile(
    r"\.(?:get|api_route)\(\s*[\"'](/(?:health|healthz|livez|readyz|ready)\b[a-z0-9/_-]*)[\"']"
)
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_MODULE = re.compile(r"^[a-z_][a-z0-9_]{0,40}$")
# Tools the project's tests and checks use; the image installs everything else.
TEST_PACKAGES = frozenset(
    {
        "pytest",
        "pytest-asyncio",
        "pytest-cov",
        "pytest-timeout",
        "ruff",
        "mypy",
        "bandit",
        "coverage",
        "schemathesis",
        "hypothesis",
    }
)


def _source_texts(project_dir: Path) -> list[str]:
    # Tests start fake servers on ports of their own: only the application's code counts.
    sources = [
        path
        for path in linters.python_files(project_dir)
        if "tests" not in path.relative_to(project_dir).parts and not path.name.startswith("test_")
    ]
    texts = [path.read_text(errors="replace") for path in sources]
    procfile = project_dir / "Procfile"
    return texts + ([procfile.read_text(errors="replace")] if procfile.is_file() else [])


def requirement_names(project_dir: Path) -> list[str]:
    """The package names ``requirements.txt`` lists, in order (empty without the file)."""
    requirements = project_dir / "requirements.txt"
    lines = requirements.read_text(errors="replace").splitlines() if requirements.is_file() else []
    return [m.group(1)[:120] for line in lines if (m := _REQUIREMENT.match(line))]


def detect_kind(project_dir: Path) -> ProjectKind:
    """The kind of a generated project, from the files each kind's templates write."""
    if (project_dir / "app" / "registry.py").is_file() and (project_dir / "services").is_dir():
        return "microservices"
    if (project_dir / "etl" / "flow.py").is_file():
        return "etl_pipeline"
    if (project_dir / "pipeline" / "train.py").is_file():
        return "ml_pipeline"
    if "flask" in {name.lower() for name in requirement_names(project_dir)}:
        return "web_app"
    return "rest_api"


def service_modules(project_dir: Path) -> list[str]:
    """microservices: every ``services/<module>/main.py`` package, sorted."""
    root = project_dir / "services"
    if not root.is_dir():
        return []
    found = [p.parent.name for p in root.glob("*/main.py") if _MODULE.match(p.parent.name)]
    return sorted(found)[:20]


def inspect_project(
    project_dir: Path,
    *,
    project_name: str,
    cloud: CloudProvider,
    kind: ProjectKind | None = None,
) -> DevOpsInput:
    """Read the facts a deployment needs from the project: kind, port, health path, deps."""
    texts = _source_texts(project_dir)
    ports = [int(m) for text in texts for m in _PORT.findall(text) if 1024 <= int(m) <= 65535]
    health = [path for text in texts for path in _HEALTH.findall(text) if len(path) <= 61]
    health = [path for path in health if not path.startswith("/ready")]
    if (project_dir / "app" / "main.py").is_file() or not (project_dir / "main.py").is_file():
        module = "app.main:app"
    else:
        module = "main:app"
    project_kind = kind or detect_kind(project_dir)
    return DevOpsInput(
        project_name=project_name,
        cloud_provider=cloud,
        project_kind=project_kind,
        detected_port=ports[0] if ports else None,
        detected_health_path=health[0] if health else None,
        app_module=module,
        dependencies=requirement_names(project_dir)[:40],
        service_modules=service_modules(project_dir) if project_kind == "microservices" else [],
    )
