"""The work pools of prefect.yaml: limits, the Kubernetes variant rendered and validated."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import kubernetes_validate
import pytest

from ui.cli import main
from ui.pools import (
    deployment,
    ensure_pools,
    kubernetes_base_job_template,
    project_config,
    render_kubernetes_job,
    work_pools,
)

KUBERNETES_VERSION = "1.30"  # the version the DevOps agent validates generated manifests against


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    return project_config()


@pytest.fixture(scope="module")
def rendered_job(config: dict[str, Any]) -> dict[str, Any]:
    return render_kubernetes_job(deployment(config, "kubernetes")["work_pool"]["job_variables"])


class TestLimits:
    def test_every_deployment_names_a_defined_pool_and_a_run_limit(
        self, config: dict[str, Any]
    ) -> None:
        """Each deployment's pool is one of the defined pools; the pipeline's runs are bounded:
        by the pool for ``default`` (its runs pause in-process, and Prefect revokes a
        deployment limit's lease at a pause), by the deployment too for ``kubernetes``."""
        pools = {pool["name"]: pool for pool in work_pools(config)}
        assert pools["ag2-sdlc-local"]["concurrency_limit"] >= 2
        assert pools["ag2-sdlc-k8s"]["type"] == "kubernetes"
        for entry in config["deployments"]:
            assert entry["work_pool"]["name"] in pools, entry["name"]
        assert deployment(config, "default")["parameters"]["approval_mode"] == "pause"
        assert "concurrency_limit" not in deployment(config, "default")
        limit = deployment(config, "kubernetes")["concurrency_limit"]
        assert limit["limit"] >= 1
        assert limit["collision_strategy"] == "ENQUEUE"

    def test_ensure_pools_creates_both_pools_with_their_limits(
        self, prefect_api: None, config: dict[str, Any]
    ) -> None:
        """On a real Prefect API, both pools exist afterwards, with prefect.yaml's limits and
        the Kubernetes pool carrying the data home volume in its template."""
        from prefect.client.orchestration import get_client

        assert asyncio.run(ensure_pools(config)) == ["ag2-sdlc-local", "ag2-sdlc-k8s"]
        asyncio.run(ensure_pools(config))  # idempotent: updates, never duplicates
        with get_client(sync_client=True) as client:
            local = client.read_work_pool("ag2-sdlc-local")
            cluster = client.read_work_pool("ag2-sdlc-k8s")
        assert local.type == "process"
        assert local.concurrency_limit == 10
        assert cluster.type == "kubernetes"
        assert cluster.concurrency_limit == 20
        assert "data_home_claim" in cluster.base_job_template["variables"]["properties"]


class TestKubernetesVariant:
    def test_rendered_job_passes_strict_schema_validation(
        self, rendered_job: dict[str, Any]
    ) -> None:
        """The Job a Kubernetes worker would create validates against Kubernetes' schema."""
        kubernetes_validate.validate(rendered_job, KUBERNETES_VERSION, strict=True)

    def test_prefects_own_template_is_refused_by_the_strict_check(self) -> None:
        """Why the pool's template moves two fields: Prefect's places them in the pod spec."""
        from prefect_kubernetes.worker import KubernetesWorker

        stock = KubernetesWorker.get_default_base_job_template()
        resources = {"cpu_request": "1", "memory_request": "1Gi"}
        resources |= {"cpu_limit": "1", "memory_limit": "1Gi"}
        job = render_kubernetes_job({"image": "ag2-sdlc:latest", **resources}, template=stock)
        with pytest.raises(kubernetes_validate.ValidationError, match=r"completions|parallelism"):
            kubernetes_validate.validate(job, KUBERNETES_VERSION, strict=True)

    def test_a_deployment_without_resources_still_renders_a_valid_job(self) -> None:
        """The pool's defaults fill requests and limits that a deployment leaves out."""
        job = render_kubernetes_job({"image": "ag2-sdlc:latest"})
        kubernetes_validate.validate(job, KUBERNETES_VERSION, strict=True)
        assert job["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"] == {
            "cpu": "500m",
            "memory": "1Gi",
        }

    def test_rendered_job_carries_the_deployments_variables(
        self, rendered_job: dict[str, Any]
    ) -> None:
        """Image, namespace, service account, resources and the data home volume all arrive."""
        pod = rendered_job["spec"]["template"]["spec"]
        container = pod["containers"][0]
        env = {item["name"]: item.get("value") for item in container["env"]}
        assert rendered_job["metadata"]["namespace"] == "ag2-sdlc"
        assert container["image"] == "ag2-sdlc:latest"
        assert pod["serviceAccountName"] == "ag2-sdlc-worker"
        assert container["resources"] == {
            "requests": {"cpu": "1", "memory": "2Gi"},
            "limits": {"cpu": "2", "memory": "4Gi"},
        }
        assert pod["volumes"] == [
            {"name": "data-home", "persistentVolumeClaim": {"claimName": "ag2-sdlc-data"}}
        ]
        assert container["volumeMounts"] == [{"name": "data-home", "mountPath": "/data/ag2-sdlc"}]
        assert env["AG2_SDLC_HOME"] == "/data/ag2-sdlc"
        assert env["PREFECT_RESULTS_DEFAULT_STORAGE_BLOCK"] == "s3-bucket/ag2-sdlc-results"
        assert pod["securityContext"]["runAsNonRoot"] is True

    def test_every_job_variable_is_declared_by_the_pool(self, config: dict[str, Any]) -> None:
        """No deployment variable is silently dropped: the pool's template declares each one."""
        declared = set(kubernetes_base_job_template()["variables"]["properties"])
        given = set(deployment(config, "kubernetes")["work_pool"]["job_variables"])
        assert given - declared == set()

    def test_cli_prints_the_template_as_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`ag2-sdlc k8s-job-template` prints the template `prefect work-pool create` takes."""
        assert main(["k8s-job-template"]) == 0
        printed = json.loads(capsys.readouterr().out)
        assert printed == kubernetes_base_job_template()
