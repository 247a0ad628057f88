"""detect-secrets over a project: hard-coded keys, tokens and passwords, values never shown."""

from __future__ import annotations

from pathlib import Path

from detect_secrets import SecretsCollection
from detect_secrets.settings import default_settings

from core.contracts import Finding, Severity
from services.linters.redaction import SETTINGS_LOCK
from services.linters.tools import bounded, finding, python_files, relative_to

_TEST_PARTS = ("tests", "test")
_SCANNED_SUFFIXES = (".py", ".env", ".cfg", ".ini", ".toml", ".yaml", ".yml", ".json", ".txt")


def _in_tests(relative: str) -> bool:
    parts = Path(relative).parts
    return any(part in _TEST_PARTS for part in parts[:-1]) or parts[-1].startswith("test_")


def _candidate_files(project_dir: Path) -> list[Path]:
    files = set(python_files(project_dir))
    for suffix in _SCANNED_SUFFIXES[1:]:
        files.update(p for p in project_dir.glob(f"*{suffix}") if p.is_file())
    return sorted(files)


def secret_scan(project_dir: Path) -> tuple[list[Finding], set[str]]:
    """Scan the project's source and top-level config files with detect-secrets.

    Args:
        project_dir: Root of the project to scan.

    Returns:
        Findings (high and blocking outside tests, low in tests) whose messages name the kind of
        secret, never its value; and the values found, for redacting other tools' messages.
    """
    collection = SecretsCollection(root=str(project_dir))
    with SETTINGS_LOCK, default_settings():  # one use of its settings at a time
        for path in _candidate_files(project_dir):
            collection.scan_file(str(path.relative_to(project_dir)))
    values: set[str] = set()
    merged: dict[tuple[str, int], list[str]] = {}
    for filename, secret in collection:
        values.add(secret.secret_value or "")
        relative = relative_to(project_dir / filename, project_dir)
        merged.setdefault((relative, int(secret.line_number or 0)), []).append(secret.type)
    findings = []
    for (relative, line), kinds in merged.items():
        in_tests = _in_tests(relative)
        message = f"Hard-coded secret ({', '.join(sorted(set(kinds)))}); value redacted."
        severity: Severity = "low" if in_tests else "high"
        findings.append(
            finding("detect-secrets", relative, line, "secret", message, severity, not in_tests)
        )
    findings = [f.model_copy(update={"bucket": "security_warnings"}) for f in findings]
    return bounded(findings), {v for v in values if v}
