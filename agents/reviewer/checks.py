"""The static checks, each by the tool made for it; none of them runs the project's code.

syntax (compile), ruff (security and bug rules), bandit, radon (complexity, maintainability),
detect-secrets, the XSS sinks check, and every requirement resolved in the package index.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from core.contracts import Finding
from core.errors import ToolFailed
from services import linters
from services.sandbox import uv_binary

_TEST_EXTRAS = ("test", "tests", "testing", "dev")


@dataclass
class StaticResult:
    """Every static finding, and the secret values found (to redact other tools' output)."""

    findings: list[Finding] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


def _guarded(name: str, check: Callable[[], list[Finding]], notes: list[str]) -> list[Finding]:
    try:
        return check()
    except ToolFailed as exc:  # a tool that cannot run is said so, never a silent pass
        notes.append(f"{name} did not run: {exc}")
        return []


def static_checks(project_dir: Path, requirements: Path | None) -> StaticResult:
    """Run every static check over ``project_dir`` (and its ``requirements``, if any)."""
    result = StaticResult()
    secrets_found, result.secrets = linters.secret_scan(project_dir)
    checks: list[tuple[str, Callable[[], list[Finding]]]] = [
        ("compile", lambda: linters.compile_check(project_dir)),
        ("ruff", lambda: linters.ruff_check(project_dir)),
        ("bandit", lambda: linters.bandit_check(project_dir)),
        ("radon", lambda: linters.complexity_check(project_dir)),
        ("xss", lambda: linters.xss_check(project_dir)),
    ]
    if requirements is not None:
        checks.append(
            ("uv pip compile", lambda: linters.dependency_check(
                requirements, uv=uv_binary(), root=project_dir
            ))
        )  # fmt: skip # one check per entry
    result.findings = list(secrets_found)
    for name, check in checks:
        result.findings += _guarded(name, check, result.notes)
    return result


def requirements_of(project_dir: Path, scratch: Path) -> Path | None:
    """The project's requirements file: ``requirements.txt``, or one written to ``scratch``
    from ``pyproject.toml``'s dependencies and test extras (the project itself is not built:
    building would run its code outside the sandbox)."""
    plain = project_dir / "requirements.txt"
    if plain.is_file():
        return plain
    pyproject = project_dir / "pyproject.toml"
    if not pyproject.is_file():
        return None
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    lines = [str(d) for d in project.get("dependencies", [])]
    extras = project.get("optional-dependencies", {})
    lines += [str(d) for name in _TEST_EXTRAS for d in extras.get(name, [])]
    if not lines:
        return None
    scratch.mkdir(parents=True, exist_ok=True)
    derived = scratch / "requirements-from-pyproject.txt"
    derived.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return derived
