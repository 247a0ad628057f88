"""Prefect blocks of ag2-sdlc: ``PYTHONPATH=. prefect block register -m blocks``."""

from blocks.git_remote import GitRemote
from blocks.llm_backend import LLMBackend

__all__ = ["GitRemote", "LLMBackend"]
