"""Heuristics over request text: project kind, entities and fields, refused instructions."""

from __future__ import annotations

import re

from agents.contracts import Entity, EntityField, FieldType, ProjectKind
from agents.naming import entity_name, field_identifier, singular

_KIND_KEYWORDS: dict[ProjectKind, tuple[str, ...]] = {
    "ml_pipeline": (
        "machine learning",
        "predict",
        "prediction",
        "classif",
        "regression",
        "train",
        "forecast",
        "recommend",
        "model accuracy",
        "neural",
        "sentiment",
    ),
    "etl_pipeline": (
        "etl",
        "ingest",
        "extract",
        "transform",
        "warehouse",
        "data pipeline",
        "batch",
        "import data",
        "load data",
        "sync data",
        "aggregate",
    ),
    "microservices": (
        "microservice",
        "micro-service",
        "gateway",
        "service mesh",
        "event-driven",
        "kafka",
        "separate services",
        "message queue",
    ),
    "web_app": (
        "website",
        "web app",
        "web application",
        "dashboard",
        "page",
        "form",
        "browser",
        "user interface",
        "frontend",
        "portal",
        "game",
        "editor",
        "visual",
    ),
    "rest_api": (
        "api",
        "rest",
        "endpoint",
        "crud",
        "backend",
        "json",
        "service",
        "manage",
        "track",
    ),
}

_REFUSAL = re.compile(
    r"[^.!?\n]*\b(?:skip|ignore|bypass|disable|omit|without|no need for|don't run|do not run)\b"
    r"[^.!?\n]*\b(?:review|approval|approve|tests?|testing|security|validation|gates?|checks?)\b"
    r"[^.!?\n]*|[^.!?\n]*\bback\s?door\b[^.!?\n]*",
    re.IGNORECASE,
)

_HAS_FIELDS = re.compile(
    r"\b(?:each\s+|every\s+|an?\s+|the\s+)?([A-Za-z][A-Za-z_-]{2,30})\s+"
    r"(?:has|have|with|contains?|includes?|stores?|records?|consists? of)\s+"
    r"(?:an?\s+|the\s+|their\s+|its\s+)?([^.;:!?\n]{3,300})",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(
    r"(?:,\s*|\s)(?:and\s+|while\s+|whereas\s+)?(?=(?:each\s+|every\s+|the\s+)?"
    r"[A-Za-z]+\s+(?:has|have)\b)|[.;!?\n]",
    re.IGNORECASE,
)
_MANAGES = re.compile(
    r"\b(?:manage|managing|track|tracking|store|storing|catalog|catalogue|list|organize)\s+"
    r"(?:their\s+|the\s+|your\s+|of\s+)?([A-Za-z][A-Za-z-]{2,30})",
    re.IGNORECASE,
)
_NOT_ENTITIES = {
    "user",
    "users",
    "player",
    "players",
    "it",
    "this",
    "that",
    "app",
    "application",
    "system",
    "platform",
    "tool",
    "software",
    "interface",
    "feature",
    "they",
    "which",
    "option",
}
_TYPE_HINTS: tuple[tuple[tuple[str, ...], FieldType], ...] = (
    (("is_", "has_", "active", "available", "enabled", "completed", "done", "paid"), "bool"),
    (("created_at", "updated_at", "timestamp", "_at"), "datetime"),
    (("date", "birthday", "born", "deadline", "due"), "date"),
    (
        (
            "price",
            "amount",
            "cost",
            "rating",
            "score",
            "salary",
            "balance",
            "weight",
            "latitude",
            "longitude",
            "percent",
            "rate",
            "total",
        ),
        "float",
    ),
    (
        (
            "year",
            "count",
            "number",
            "quantity",
            "age",
            "pages",
            "stock",
            "level",
            "duration",
            "minutes",
            "seconds",
            "size",
            "capacity",
            "rank",
        ),
        "int",
    ),
)


def infer_kind(text: str) -> tuple[ProjectKind, list[str]]:
    """The best-fitting project kind and the keyword evidence for it."""
    lowered = text.lower()
    scores: dict[ProjectKind, list[str]] = {}
    for kind, words in _KIND_KEYWORDS.items():
        scores[kind] = [w for w in words if re.search(rf"\b{re.escape(w)}", lowered)]
    # rest_api words are generic, so they only win when nothing more specific matched.
    best: ProjectKind = max(
        scores, key=lambda k: (len(scores[k]) * (0.5 if k == "rest_api" else 1.0), k != "rest_api")
    )
    if not scores[best]:
        return "rest_api", ["No kind-specific words; a REST API is the smallest useful service."]
    evidence = [f"{best}: matched " + ", ".join(repr(w) for w in scores[best][:6])]
    return best, evidence


def field_type_for(name: str) -> FieldType:
    """A field type guessed from its name (``publication_year`` -> int)."""
    for hints, field_type in _TYPE_HINTS:
        if any(h in name for h in hints):
            return field_type
    return "str"


def _split_fields(phrase: str) -> list[str]:
    phrase = re.split(r"\b(?:so that|which|where|who|to allow|for each)\b", phrase)[0]
    parts = re.split(r",|\band\b|\bor\b|&|/", phrase)
    names: list[str] = []
    for part in parts:
        words = re.findall(r"[A-Za-z][A-Za-z0-9_-]*", part)
        words = [
            w for w in words if w.lower() not in {"a", "an", "the", "its", "their", "optional"}
        ]
        if 0 < len(words) <= 3:
            names.append(" ".join(words))
    return names


def extract_entities(text: str) -> list[Entity]:
    """Entities named in ``text`` with their fields; a generic ``Item`` when none are named."""
    found: dict[str, list[str]] = {}
    # "books have a title, and members have a name": cut before each new "<noun> have".
    clauses = _CLAUSE_BREAK.split(text)
    for match in (m for clause in clauses for m in _HAS_FIELDS.finditer(clause)):
        noun = match.group(1)
        if noun.lower() in _NOT_ENTITIES or noun.lower() in {"each", "every"}:
            continue
        fields = _split_fields(match.group(2))
        if len(fields) >= 2:
            found.setdefault(entity_name(singular(noun)), []).extend(fields)
    if not found:
        for match in _MANAGES.finditer(text):
            noun = match.group(1)
            if noun.lower() not in _NOT_ENTITIES:
                found.setdefault(entity_name(singular(noun)), ["name", "description"])
    if not found:
        found["Item"] = ["name", "description"]
    entities: list[Entity] = []
    for name, raw_fields in list(found.items())[:10]:
        taken: set[str] = set()
        entity_fields = [
            EntityField(name=ident, type=field_type_for(ident), source_name=raw[:120])
            for raw in raw_fields[:40]
            for ident in [field_identifier(raw, taken=taken)]
        ]
        entities.append(Entity(name=name, fields=entity_fields))
    return entities


def refused_instructions(text: str) -> list[str]:
    """Sentences that try to switch off a gate; recorded so the plan shows they were refused."""
    return [m.group(0).strip()[:500] for m in _REFUSAL.finditer(text) if m.group(0).strip()][:10]
