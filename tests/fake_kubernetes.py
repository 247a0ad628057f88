"""FakeKubernetes: a small recorded fake of the Kubernetes API endpoints our deployer calls.

No API server installs here (no kube-apiserver, envtest or kwok), so this serves only what
``services.kubernetes_deploy`` sends: server-side apply (``PATCH`` with
``application/apply-patch+yaml``, ``fieldManager``, ``force``), a Deployment's ``/status``,
and the Service proxy. It keeps the applied objects, bumps ``generation`` when a spec changes,
rolls a Deployment out over two reads, and records every request. It validates nothing:
the manifests' validity is the DevOps validators' job.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.servers import serving

_OBJECT = re.compile(r"/(api/v1|apis/[^/]+/[^/]+)/namespaces/([^/]+)/([^/]+)/([^/]+)(/status)?")
_PROXY = re.compile(
    r"/api/v1/namespaces/([^/]+)/services/([^/:%]+)(?:(?::|%3A)[^/]+)?/proxy/(.*)", re.IGNORECASE
)


@dataclass
class FakeCluster:
    token: str
    healthy: bool = True
    objects: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    reads: dict[str, int] = field(default_factory=dict)
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # method, path, query
    lock: threading.Lock = field(default_factory=threading.Lock)
    base: str = ""

    def kubeconfig(self, *, namespace: str = "default") -> str:
        return json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "fake", "cluster": {"server": self.base}}],
                "users": [{"name": "deployer", "user": {"token": self.token}}],
                "contexts": [
                    {
                        "name": "fake",
                        "context": {"cluster": "fake", "user": "deployer", "namespace": namespace},
                    }
                ],
                "current-context": "fake",
            }
        )


class FakeKubernetesHandler(BaseHTTPRequestHandler):
    cluster: FakeCluster

    def do_PATCH(self) -> None:
        self._route("PATCH")

    def do_GET(self) -> None:
        self._route("GET")

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _route(self, method: str) -> None:
        parts = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        cluster = self.cluster
        with cluster.lock:
            cluster.requests.append((method, parts.path, parts.query))
            if self.headers.get("Authorization") != f"Bearer {cluster.token}":
                return self._send(401, _status(401, "Unauthorized"))
            if method == "GET" and (proxy := _PROXY.fullmatch(parts.path)):
                return self._proxy(*proxy.groups())
            found = _OBJECT.fullmatch(parts.path)
            if found is None:
                return self._send(404, _status(404, "NotFound"))
            _, namespace, plural, name, status = found.groups()
            key = (namespace, plural, name)
            if method == "PATCH":
                return self._apply(key, raw, parse_qs(parts.query))
            if key not in cluster.objects:
                return self._send(404, _status(404, "NotFound"))
            return self._send(200, self._rolled(key) if status else cluster.objects[key])

    def _apply(self, key: tuple[str, str, str], raw: bytes, query: dict[str, list[str]]) -> None:
        if self.headers.get("Content-Type") != "application/apply-patch+yaml":
            return self._send(415, _status(415, "UnsupportedMediaType"))
        if not query.get("fieldManager"):
            return self._send(422, _status(422, "fieldManager is required for apply"))
        body = json.loads(raw)  # JSON is YAML; our client sends JSON
        previous = self.cluster.objects.get(key)
        generation = 1 if previous is None else previous["metadata"]["generation"]
        if previous is not None and previous.get("spec") != body.get("spec"):
            generation += 1
        body["metadata"] = {**body["metadata"], "generation": generation, "uid": "-".join(key)}
        body["status"] = {}
        self.cluster.objects[key] = body
        self.cluster.reads.pop(key[2], None)
        self._send(201 if previous is None else 200, body)

    def _rolled(self, key: tuple[str, str, str]) -> dict[str, Any]:
        """A Deployment rolls out over two reads: first observed, then all replicas ready."""
        deployment = self.cluster.objects[key]
        seen = self.cluster.reads[key[2]] = self.cluster.reads.get(key[2], 0) + 1
        replicas = deployment.get("spec", {}).get("replicas", 1)
        ready = replicas if seen >= 2 else 0
        deployment["status"] = {
            "observedGeneration": deployment["metadata"]["generation"],
            "replicas": replicas,
            "updatedReplicas": ready,
            "availableReplicas": ready,
            "readyReplicas": ready,
        }
        return deployment

    def _proxy(self, namespace: str, service: str, path: str) -> None:
        if (namespace, "services", service) not in self.cluster.objects:
            return self._send(404, _status(404, "NotFound"))
        if not self.cluster.healthy:
            return self._send(503, _status(503, "ServiceUnavailable"))
        self._send(200, {"status": "ok", "path": path})

    def _send(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _status(code: int, reason: str) -> dict[str, Any]:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "status": "Failure",
        "code": code,
        "reason": reason,
        "message": reason,
    }


@contextmanager
def fake_kubernetes(*, token: str) -> Iterator[FakeCluster]:
    """Serve FakeKubernetes on 127.0.0.1; yields its state (``cluster.base`` is the server)."""
    cluster = FakeCluster(token=token)
    handler = type("Handler", (FakeKubernetesHandler,), {"cluster": cluster})
    with serving(handler) as port:
        cluster.base = f"http://127.0.0.1:{port}"
        yield cluster
