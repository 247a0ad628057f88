"""Agent 3, the Code Reviewer: static checks, the project's own tests, a score, advice."""

from agents.reviewer.advice import ReviewInput, ReviewNarrative, narrative_for
from agents.reviewer.review import quality_score, review
from agents.reviewer.suite import FAILED_TEST, SuiteOutcome, run_project_tests

__all__ = [
    "FAILED_TEST",
    "ReviewInput",
    "ReviewNarrative",
    "SuiteOutcome",
    "narrative_for",
    "quality_score",
    "review",
    "run_project_tests",
]
