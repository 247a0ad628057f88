"""Deploy the bundle's Kubernetes manifests: server-side apply into the target's namespace,
wait for each Deployment's rollout, then check health through the API server's Service proxy.

Only the kinds the DevOps kit writes are applied (``KINDS`` maps each to its REST path); the
kit's own ``Namespace`` is left out, since the target names the namespace. The client comes
from a kubeconfig (the ``KubernetesTarget`` block's secret) and is never logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tenacity
import yaml
from kubernetes import client as k8s
from kubernetes import config as k8s_config
from kubernetes.client.exceptions import ApiException
from urllib3.exceptions import HTTPError

from core.contracts import DeploymentStatus
from core.errors import InvalidRequest, PublishError

logger = logging.getLogger(__name__)

FIELD_MANAGER = "ag2-sdlc"
# kind -> (group/version path prefix, plural); every kind here is namespaced.
KINDS: dict[str, tuple[str, str]] = {
    "ServiceAccount": ("api/v1", "serviceaccounts"),
    "ConfigMap": ("api/v1", "configmaps"),
    "Service": ("api/v1", "services"),
    "PersistentVolumeClaim": ("api/v1", "persistentvolumeclaims"),
    "Deployment": ("apis/apps/v1", "deployments"),
    "Job": ("apis/batch/v1", "jobs"),
    "CronJob": ("apis/batch/v1", "cronjobs"),
    "HorizontalPodAutoscaler": ("apis/autoscaling/v2", "horizontalpodautoscalers"),
    "PodDisruptionBudget": ("apis/policy/v1", "poddisruptionbudgets"),
    "NetworkPolicy": ("apis/networking.k8s.io/v1", "networkpolicies"),
    "ExternalSecret": ("apis/external-secrets.io/v1beta1", "externalsecrets"),
    "SecretStore": ("apis/external-secrets.io/v1beta1", "secretstores"),
}


def client_from_kubeconfig(kubeconfig: str, *, context: str = "") -> k8s.ApiClient:
    """An API client from a kubeconfig's YAML text.

    Raises:
        InvalidRequest: the kubeconfig cannot be read or has no such context.
    """
    try:
        loaded = yaml.safe_load(kubeconfig)
        return k8s_config.new_client_from_config_dict(loaded, context=context or None)
    except (yaml.YAMLError, k8s_config.ConfigException, TypeError, AttributeError) as exc:
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise InvalidRequest(f"The kubeconfig cannot be used: {reason.rstrip('.')}.") from None


def manifests(k8s_dir: Path) -> list[dict[str, Any]]:
    """The kit's objects in file order, ``Namespace`` left out."""
    documents: list[dict[str, Any]] = []
    for path in sorted(k8s_dir.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if isinstance(doc, dict) and doc.get("kind") not in (None, "Namespace"):
                documents.append(doc)
    return documents


@dataclass
class KubernetesDeployer:
    """Applies manifests into ``namespace`` and waits for them to serve."""

    api: k8s.ApiClient
    namespace: str
    rollout_timeout_s: float = 600
    max_interval_s: float = 10

    def deploy(self, k8s_dir: Path, *, health_path: str = "/health") -> DeploymentStatus:
        """Apply, wait for every Deployment, check the first one's Service; one status back.

        Raises:
            PublishError: the API refused an object, or a kind is not one the kit writes.
        """
        documents = manifests(k8s_dir)
        if not documents:
            raise PublishError(f"There are no Kubernetes manifests in {k8s_dir}.")
        for doc in documents:
            self.apply(doc)
        deployments = [d["metadata"]["name"] for d in documents if d["kind"] == "Deployment"]
        for name in deployments:
            problem = self.wait_rollout(name)
            if problem:
                return DeploymentStatus(target="kubernetes", status="unhealthy", detail=problem)
        services = {d["metadata"]["name"] for d in documents if d["kind"] == "Service"}
        main = next((n for n in deployments if n in services), None)
        if main is None:
            detail = f"{len(documents)} objects applied; no Service to check health through."
            return DeploymentStatus(target="kubernetes", status="healthy", detail=detail)
        return self.check_health(main, health_path)

    def apply(self, doc: dict[str, Any]) -> None:
        kind, name = doc["kind"], doc["metadata"]["name"]
        if kind not in KINDS:
            raise PublishError(f"The manifest {kind}/{name} is not a kind this release applies.")
        prefix, plural = KINDS[kind]
        body = {**doc, "metadata": {**doc["metadata"], "namespace": self.namespace}}
        path = f"/{prefix}/namespaces/{self.namespace}/{plural}/{name}"
        try:
            request = self.api.param_serialize(
                "PATCH",
                path,
                query_params=[("fieldManager", FIELD_MANAGER), ("force", "true")],
                header_params={
                    "Content-Type": "application/apply-patch+yaml",
                    "Accept": "application/json",
                },
                body=body,
                auth_settings=["BearerToken"],
            )
            answer = self.api.call_api(*request)
            answer.read()
            self.api.response_deserialize(answer, {"200": "object", "201": "object"})
        except ApiException as exc:
            raise PublishError(
                f"The cluster refused {kind}/{name} (HTTP {exc.status}: {exc.reason})."
            ) from None
        except HTTPError as exc:
            raise PublishError(f"The cluster could not be reached: {type(exc).__name__}.") from None
        logger.info("Applied %s/%s in %s", kind, name, self.namespace)

    def wait_rollout(self, name: str) -> str:
        """Empty once every new replica is updated and available, else why not (a sentence)."""
        apps = k8s.AppsV1Api(self.api)

        def done(deployment: k8s.V1Deployment) -> bool:
            spec, status, meta = deployment.spec, deployment.status, deployment.metadata
            generation = meta.generation if meta is not None else None
            wanted = spec.replicas if spec.replicas is not None else 1
            return bool(
                status is not None
                and (status.observed_generation or 0) >= (generation or 0)
                and (status.updated_replicas or 0) == wanted
                and (status.available_replicas or 0) == wanted
            )

        follow = tenacity.Retrying(
            retry=tenacity.retry_if_result(lambda d: not done(d)),
            stop=tenacity.stop_after_delay(self.rollout_timeout_s),
            wait=tenacity.wait_exponential(multiplier=0.5, max=self.max_interval_s),
        )
        try:
            follow(apps.read_namespaced_deployment_status, name, self.namespace)
        except tenacity.RetryError:
            return f"Deployment {name} did not roll out within {self.rollout_timeout_s:g} s."
        except ApiException as exc:
            return f"Deployment {name} could not be read (HTTP {exc.status})."
        return ""

    def check_health(self, service: str, health_path: str) -> DeploymentStatus:
        core = k8s.CoreV1Api(self.api)
        path = health_path.lstrip("/")
        try:
            core.connect_get_namespaced_service_proxy_with_path(
                f"{service}:http", self.namespace, path
            )
        except ApiException as exc:
            detail = f"{service}/{path} answered HTTP {exc.status} through the Service proxy."
            return DeploymentStatus(target="kubernetes", status="unhealthy", detail=detail)
        host = self.api.configuration.host
        url = f"{host}/api/v1/namespaces/{self.namespace}/services/{service}:http/proxy/"
        detail = f"Rolled out in {self.namespace}; {service}/{path} answered through the Service."
        return DeploymentStatus(target="kubernetes", status="healthy", url=url, detail=detail)
