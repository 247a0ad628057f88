"""Prefect blocks of ag2-sdlc: ``PYTHONPATH=. prefect block register -m blocks``.

The flow loads them (``load_llm_spec``, ``load_remote_url``) and hands plain values to the tasks.
"""

from blocks.git_remote import GitRemote, load_remote_url
from blocks.llm_backend import LLMBackend, load_llm_spec

__all__ = ["GitRemote", "LLMBackend", "load_llm_spec", "load_remote_url"]
