"""Prefect blocks of ag2-sdlc: ``PYTHONPATH=. prefect block register -m blocks``.

The flow loads them (``load_llm_spec``, ``load_remote_url``) and hands plain values to the tasks;
the release task loads the release targets (``load_bundle_plan``, ``load_github_plan``).
"""

from blocks.git_remote import GitRemote, load_remote_url
from blocks.llm_backend import LLMBackend, load_llm_spec
from blocks.release_loading import load_bundle_plan, load_github_plan, load_kubernetes_deployer
from blocks.release_targets import (
    AwsReleaseTarget,
    AzureReleaseTarget,
    GcpReleaseTarget,
    GitHubTarget,
    KubernetesTarget,
)

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
