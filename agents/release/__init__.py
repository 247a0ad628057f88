"""Agent 5, the Validator & Release Manager: gates and the approver's summary before the
approval; commit, push and deploy after it."""

from agents.release.gates import (
    MIN_QUALITY_SCORE,
    ValidatorInput,
    decide_gates,
    notes_for,
    validate,
)
from agents.release.publish import BundlePlan, GitHubPlan, ReleasePlan, public_url, release
from agents.release.rules import MIN_OVERRIDE_COMMENT, ApprovalRules
from agents.release.steps import ReleaseFailed

__all__ = [
    "MIN_OVERRIDE_COMMENT",
    "MIN_QUALITY_SCORE",
    "ApprovalRules",
    "BundlePlan",
    "GitHubPlan",
    "ReleaseFailed",
    "ReleasePlan",
    "ValidatorInput",
    "decide_gates",
    "notes_for",
    "public_url",
    "release",
    "validate",
]
