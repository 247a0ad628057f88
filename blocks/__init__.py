"""Prefect blocks of ag2-sdlc: ``PYTHONPATH=. prefect block register -m blocks``.

The flow loads them (``load_llm_spec``, ``load_remote_url``) and hands plain values to the tasks;
the release task loads the release targets (``load_bundle_plan``, ``load_github_plan``).

The release target classes are imported on first use (PEP 562): they compose the cloud
integrations' credentials blocks, and importing prefect-aws, prefect-gcp (which brings pandas)
and prefect-azure cost a flow run 4.1 CPU s (measured without .pyc) it never needs without a release
target. ``dir(blocks)`` still lists them, so ``prefect block register -m blocks`` finds them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from blocks.git_remote import GitRemote, load_remote_url
from blocks.llm_backend import LLMBackend, load_llm_spec
from blocks.release_loading import load_bundle_plan, load_github_plan, load_kubernetes_deployer

if TYPE_CHECKING:
    from blocks.release_targets import (
        AwsReleaseTarget,
        AzureReleaseTarget,
        GcpReleaseTarget,
        GitHubTarget,
        KubernetesTarget,
    )

_ON_FIRST_USE = {
    "AwsReleaseTarget",
    "AzureReleaseTarget",
    "GcpReleaseTarget",
    "GitHubTarget",
    "KubernetesTarget",
}

__all__ = [
    "AwsReleaseTarget",
    "AzureReleaseTarget",
    "GcpReleaseTarget",
    "GitHubTarget",
    "GitRemote",
    "KubernetesTarget",
    "LLMBackend",
    "load_bundle_plan",
    "load_github_plan",
    "load_kubernetes_deployer",
    "load_llm_spec",
    "load_remote_url",
]


def __getattr__(name: str) -> Any:
    if name in _ON_FIRST_USE:
        return getattr(importlib.import_module("blocks.release_targets"), name)
    raise AttributeError(f"module 'blocks' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_ON_FIRST_USE})
