"""Singular and plural names, from inflect imported without its runtime type checks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.naming import plural, singular, with_article

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("category", "categories"),
        ("person", "people"),
        ("box", "boxes"),
        ("book_loan", "book_loans"),
    ],
)
def test_plural(word: str, expected: str) -> None:
    assert plural(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Movies", "Movie"),
        ("people", "person"),
        ("status", "status"),
        ("waves", "wave"),
        ("menus", "menu"),
        ("campus", "campus"),
    ],
)
def test_singular(word: str, expected: str) -> None:
    assert singular(word) == expected


def test_inflect_is_imported_uninstrumented_and_typeguard_restored() -> None:
    """In a fresh interpreter (where the import really happens): inflect's methods carry no
    typeguard checks, and typeguard's decorator is its own again for everyone else."""
    probe = (
        "import json, typeguard\n"
        "from core.naming import plural\n"
        "plural('box')\n"
        "import inflect\n"
        "names = inflect.engine.plural_noun.__code__.co_names\n"
        "print(json.dumps([\n"
        "    any('typeguard' in name for name in names),\n"
        "    typeguard.typechecked.__module__,\n"
        "]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    instrumented, decorator_module = json.loads(done.stdout.strip().splitlines()[-1])
    assert instrumented is False
    assert decorator_module.startswith("typeguard")


def test_with_article_follows_the_sound() -> None:
    assert with_article("ingredient") == "an ingredient"
    assert with_article("recipe") == "a recipe"
    assert with_article("user profile") == "a user profile"
    assert with_article("hour") == "an hour"
