"""Agent 1, the Analyzer & Planner: a request (text or CSV) becomes a typed project plan."""

from agents.analyzer.agent import analyze
from agents.analyzer.inputs import AnalyzerInput, ProfileSummary
from agents.analyzer.planner import plan_for

__all__ = ["AnalyzerInput", "ProfileSummary", "analyze", "plan_for"]
