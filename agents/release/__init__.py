"""Agent 5, the Validator & Release Manager: gates and the approver's summary before the
approval; commit, push and deploy after it."""

from agents.release.gates import (
    MIN_QUALITY_SCORE,
    ValidatorInput,
    decide_gates,
    notes_for,
    validate,
)
from agents.release.publish import public_url, release

__all__ = [
    "MIN_QUALITY_SCORE",
    "ValidatorInput",
    "decide_gates",
    "notes_for",
    "public_url",
    "release",
    "validate",
]
