"""The Kubernetes target against FakeKubernetes (our recorded fake of the endpoints server-side
apply, rollout status and the Service proxy use), with the kit the DevOps agent writes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.errors import InvalidRequest
from services.kubernetes_deploy import KubernetesDeployer, client_from_kubeconfig, manifests
from tests.agents.devops.conftest import render_kit
from tests.fake_kubernetes import FakeCluster, fake_kubernetes
from tests.generated import build

TOKEN = "canary-k8s-" + uuid.uuid4().hex


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A rest_api project's kit for AWS, rendered as the DevOps agent writes it."""
    root = tmp_path_factory.mktemp("k8s-kit")
    project = Path(
        build("rest_api", root / "shop", text="A shop API: products have a name.")[0].project_path
    )
    render_kit(project, root / "kit", "aws")
    return root / "kit" / "k8s"


@pytest.fixture
def cluster() -> Iterator[FakeCluster]:
    with fake_kubernetes(token=TOKEN) as fake:
        yield fake


def deployer(cluster: FakeCluster, namespace: str = "shop-staging") -> KubernetesDeployer:
    api = client_from_kubeconfig(cluster.kubeconfig())
    return KubernetesDeployer(api=api, namespace=namespace, max_interval_s=0.1)


class TestKubernetesTarget:
    def test_applies_every_object_server_side_into_the_target_namespace(
        self, kit: Path, cluster: FakeCluster
    ) -> None:
        """Each kit object but the Namespace is a PATCH apply with our field manager, in the
        target's namespace; the Deployment rolls out; health answers through the Service."""
        status = deployer(cluster).deploy(kit)
        assert status.status == "healthy", status.detail
        assert status.target == "kubernetes"
        applied = [(m, p) for m, p, q in cluster.requests if m == "PATCH"]
        expected = manifests(kit)
        assert len(applied) == len(expected)
        assert all("/namespaces/shop-staging/" in p for _, p in applied)
        assert all(
            "fieldManager=ag2-sdlc" in q and "force=true" in q
            for m, _, q in cluster.requests
            if m == "PATCH"
        )
        kinds = {d["kind"] for d in expected}
        assert {"Deployment", "Service", "ConfigMap"} <= kinds
        assert "Namespace" not in kinds
        assert any(p.endswith("/status") for m, p, _ in cluster.requests if m == "GET")
        assert any("/proxy/health" in p for m, p, _ in cluster.requests if m == "GET")

    def test_applying_again_changes_no_generation(self, kit: Path, cluster: FakeCluster) -> None:
        """Server-side apply is idempotent: the same manifests leave every generation at 1."""
        deployer(cluster).deploy(kit)
        deployer(cluster).deploy(kit)
        assert {o["metadata"]["generation"] for o in cluster.objects.values()} == {1}

    def test_an_unhealthy_service_is_reported_not_raised(
        self, kit: Path, cluster: FakeCluster
    ) -> None:
        cluster.healthy = False
        status = deployer(cluster).deploy(kit)
        assert status.status == "unhealthy"
        assert "HTTP 503" in status.detail

    def test_a_wrong_token_fails_in_one_sentence_without_the_token(
        self, kit: Path, cluster: FakeCluster
    ) -> None:
        from core.errors import PublishError

        api = client_from_kubeconfig(cluster.kubeconfig().replace(TOKEN, "wrong-token"))
        with pytest.raises(PublishError) as caught:
            KubernetesDeployer(api=api, namespace="x").deploy(kit)
        assert "HTTP 401" in str(caught.value)
        assert str(caught.value).endswith(".")
        assert TOKEN not in str(caught.value)

    def test_a_broken_kubeconfig_is_one_sentence(self) -> None:
        with pytest.raises(InvalidRequest, match="The kubeconfig cannot be used"):
            client_from_kubeconfig("clusters: [")
