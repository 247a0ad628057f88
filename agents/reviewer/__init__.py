"""Agent 3, the Code Reviewer: static checks, the project's tests in a sandbox, API fuzzing, a
score with its parts, advice, and repairs that change the code."""

from agents.reviewer.advice import ReviewInput, ReviewNarrative, narrative_for
from agents.reviewer.repair import PatchProposal, RepairRequest, repair
from agents.reviewer.review import review
from agents.reviewer.score import FAILED_TEST, FORMULA, quality_score, score_parts
from agents.reviewer.suite import REVIEW_TOOLS, SuiteOutcome, run_project_tests

__all__ = [
    "FAILED_TEST",
    "FORMULA",
    "REVIEW_TOOLS",
    "PatchProposal",
    "RepairRequest",
    "ReviewInput",
    "ReviewNarrative",
    "SuiteOutcome",
    "narrative_for",
    "quality_score",
    "repair",
    "review",
    "run_project_tests",
    "score_parts",
]
