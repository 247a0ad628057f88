"""What a generated project is made of, counted on disk: files, lines, lines per language."""

from __future__ import annotations

import os
from pathlib import Path

from core.contracts import CodeStatistics, GeneratedFile

_LANGUAGES = {
    ".py": "Python", ".md": "Markdown", ".toml": "TOML", ".txt": "Text", ".yml": "YAML",
    ".yaml": "YAML", ".json": "JSON", ".cfg": "INI", ".ini": "INI", ".sh": "Shell", ".tf": "HCL",
    ".html": "HTML", ".css": "CSS", ".js": "JavaScript", ".sql": "SQL", ".j2": "Jinja",
    "Makefile": "Makefile", "Dockerfile": "Dockerfile", ".gitignore": "Ignore file",
}  # fmt: skip # a mapping reads better filled than one pair per line
_SKIPPED_DIRS = {".git", ".venv", "venv", "__pycache__", ".pytest_cache", ".ruff_cache"}
_SKIPPED_SUFFIXES = {".db", ".sqlite", ".sqlite3", ".pyc"}


def scan_project(project_dir: Path) -> tuple[list[GeneratedFile], CodeStatistics]:
    """Count the project's text files, lines, and lines per language, as found on disk.

    Args:
        project_dir: The project's root directory; tool caches and virtualenvs are skipped.

    Returns:
        The files (path relative to the root, language, lines; at most 500) and their totals.
    """
    files: list[GeneratedFile] = []
    for root, dirs, names in os.walk(project_dir):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS)
        for name in sorted(names):
            path = Path(root, name)
            if path.is_symlink() or path.suffix in _SKIPPED_SUFFIXES:
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue  # binary or unreadable: not source
            language = _LANGUAGES.get(name) or _LANGUAGES.get(path.suffix, "Other")
            relative = path.relative_to(project_dir).as_posix()
            lines = len(text.splitlines())
            files.append(GeneratedFile(path=relative, language=language, lines=lines))
    languages: dict[str, int] = {}
    for file in files:
        languages[file.language] = languages.get(file.language, 0) + file.lines
    total = sum(f.lines for f in files)
    stats = CodeStatistics(files=len(files), lines=total, languages=dict(sorted(languages.items())))
    return files[:500], stats
