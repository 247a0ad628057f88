"""Release target blocks, loaded by name in the release task and turned into plan pieces."""

from __future__ import annotations

from typing import Any

from agents.release import BundlePlan, GitHubPlan
from core.errors import InvalidRequest
from services.github import GitHubService
from services.kubernetes_deploy import KubernetesDeployer, client_from_kubeconfig

_BY_CLOUD = {"aws": "AwsReleaseTarget", "gcp": "GcpReleaseTarget", "azure": "AzureReleaseTarget"}


def _load(class_name: str, name: str) -> Any:
    # The block classes are imported only when a target is named: their integrations' imports
    # cost a run 4.1 CPU s without .pyc (see the package docstring).
    from blocks import release_targets

    block_class = getattr(release_targets, class_name)
    try:
        return block_class.load(name)
    except ValueError as exc:
        kind = block_class.get_block_type_name()
        raise InvalidRequest(f"There is no {kind} block named {name!r}.") from exc


def load_bundle_plan(cloud: str, block_name: str) -> BundlePlan | None:
    """The bucket of the cloud's release target block ``block_name`` ("" = none).

    Raises:
        InvalidRequest: the block does not exist, or the cloud has no bucket (``local``).
    """
    if not block_name:
        return None
    if cloud not in _BY_CLOUD:
        raise InvalidRequest(
            f"A release target block needs cloud_provider aws, gcp or azure, not {cloud!r}."
        )
    target = _load(_BY_CLOUD[cloud], block_name)
    return BundlePlan(clients=target.clients(), prefix=target.location())


def load_github_plan(block_name: str) -> GitHubPlan | None:
    """The GitHub owner of the ``GitHubTarget`` block ``block_name`` ("" = none).

    Raises:
        InvalidRequest: no such block, or its credentials hold no token.
    """
    if not block_name:
        return None
    target = _load("GitHubTarget", block_name)
    token = target.credentials.token
    if token is None:
        raise InvalidRequest(f"The GitHub target {block_name!r} has credentials without a token.")
    service = GitHubService(
        token=token.get_secret_value(), owner=target.owner, api_url=target.api_url
    )
    return GitHubPlan(service=service, visibility=target.visibility)


def load_kubernetes_deployer(block_name: str) -> KubernetesDeployer | None:
    """The cluster and namespace of the ``KubernetesTarget`` block ``block_name`` ("" = none).

    Raises:
        InvalidRequest: no such block, or its kubeconfig cannot be used.
    """
    if not block_name:
        return None
    target = _load("KubernetesTarget", block_name)
    api = client_from_kubeconfig(target.kubeconfig.get_secret_value(), context=target.context)
    return KubernetesDeployer(api=api, namespace=target.namespace)
