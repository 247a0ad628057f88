"""Agent 1, the Analyzer & Planner: a request (text or CSV) becomes a typed project plan."""

from agents.analyzer.agent import analyze
from agents.analyzer.inputs import AnalyzerInput, ProfileSummary
from agents.analyzer.model import Domain, extract_domain
from agents.analyzer.planner import plan_for

__all__ = ["AnalyzerInput", "Domain", "ProfileSummary", "analyze", "extract_domain", "plan_for"]
