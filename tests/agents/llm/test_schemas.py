"""Every schema a model answers against is bounded, so constrained decoding stays valid."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from agents.devops import DeploymentDesign
from agents.generator import CodeDesign
from agents.release.gates import ReleaseNotes
from agents.reviewer import ReviewNarrative
from core.contracts import AnalysisResult

ANSWER_SCHEMAS: list[type[BaseModel]] = [
    AnalysisResult,
    CodeDesign,
    ReviewNarrative,
    DeploymentDesign,
    ReleaseNotes,
]  # fmt: skip # the five agents' answers


def unbounded(schema: dict[str, Any], path: str = "$") -> list[str]:
    """Where a JSON schema lets a value grow without a limit (strings, arrays, maps, numbers)."""
    found: list[str] = []
    definitions = schema.get("$defs", {})

    def walk(node: dict[str, Any], where: str, seen: frozenset[str]) -> None:
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                walk(definitions[name], where, seen | {name})
            return
        for key in ("anyOf", "allOf", "oneOf"):
            for index, option in enumerate(node.get(key, [])):
                walk(option, f"{where}|{index}", seen)
        kind = node.get("type")
        if kind in ("integer", "number") and not (
            {"maximum", "exclusiveMaximum"} & set(node)
            and {"minimum", "exclusiveMinimum"} & set(node)
        ):
            found.append(where)
        if kind == "string" and not ({"maxLength", "enum", "const", "pattern"} & set(node)):
            found.append(where)
        if kind == "array":
            if "maxItems" not in node:
                found.append(where)
            walk(node.get("items", {}), f"{where}[]", seen)
        if kind == "object":
            extra = node.get("additionalProperties")
            if isinstance(extra, dict):
                if "maxProperties" not in node:
                    found.append(f"{where}{{}}")
                walk(extra, f"{where}{{}}", seen)
            for name, child in node.get("properties", {}).items():
                walk(child, f"{where}.{name}", seen)

    walk(schema, path, frozenset())
    return found


@pytest.mark.parametrize("schema", ANSWER_SCHEMAS, ids=lambda s: s.__name__)
def test_every_string_array_map_and_number_of_an_answer_is_bounded(schema: type[BaseModel]) -> None:
    """No field of an agent's answer schema is an unbounded string, list, map or number."""
    assert unbounded(schema.model_json_schema()) == []


def test_the_check_finds_an_unbounded_field() -> None:
    """A model with a free string and a free list is reported at both places."""

    class Loose(BaseModel):
        note: str
        tags: list[str]
        count: int

    assert unbounded(Loose.model_json_schema()) == ["$.note", "$.tags", "$.tags[]", "$.count"]
