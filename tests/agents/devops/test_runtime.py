"""The manifests respect how each kind of app really runs: data, secrets, jobs, probes, wiring."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from agents.devops.spec import KitSpec
from core.contracts import CloudProvider
from tests.agents.devops.conftest import render_kit

Docs = dict[tuple[str, str], dict[str, Any]]


def _render(project: Path, out: Path, cloud: CloudProvider) -> tuple[KitSpec, Docs]:
    spec, _ = render_kit(project, out, cloud)
    documents: Docs = {}
    for path in sorted((out / "k8s").glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document:
                documents[(document["kind"], document["metadata"]["name"])] = document
    return spec, documents


def _container(documents: Docs, kind: str, name: str) -> dict[str, Any]:
    spec = documents[(kind, name)]["spec"]
    pod = spec["jobTemplate"]["spec"]["template"] if kind == "CronJob" else spec["template"]
    [container] = pod["spec"]["containers"]
    return dict(container)


def _secret_refs(container: dict[str, Any]) -> dict[str, str]:
    return {
        env["name"]: env["valueFrom"]["secretKeyRef"]["key"] for env in container.get("env", [])
    }


class TestDatabase:
    """Clouds use the managed PostgreSQL through the Secret; local keeps SQLite on a volume."""

    @pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
    def test_cloud_reads_the_database_url_from_the_external_secret(
        self, projects: dict[str, Path], tmp_path: Path, cloud: CloudProvider
    ) -> None:
        """DATABASE_URL comes from the Secret the ExternalSecret fills; no data volume."""
        spec, docs = _render(projects["rest_api"], tmp_path, cloud)
        container = _container(docs, "Deployment", spec.name)
        assert _secret_refs(container) == {"DATABASE_URL": "DATABASE_URL"}
        assert "DATABASE_URL" not in docs[("ConfigMap", f"{spec.name}-config")]["data"]
        assert [m["mountPath"] for m in container["volumeMounts"]] == ["/tmp"]
        external = docs[("ExternalSecret", spec.secret_name)]["spec"]
        assert external["target"]["name"] == spec.secret_name
        assert external["data"] == [
            {"secretKey": "DATABASE_URL", "remoteRef": {"key": f"{spec.name}-database-url"}}
        ]
        provider = docs[("SecretStore", f"{spec.name}-store")]["spec"]["provider"]
        assert list(provider) == [{"aws": "aws", "gcp": "gcpsm", "azure": "azurekv"}[cloud]]
        hpa = docs[("HorizontalPodAutoscaler", spec.name)]["spec"]
        assert (hpa["minReplicas"], hpa["maxReplicas"]) == (2, 10)
        assert hpa["metrics"][0]["resource"]["target"]["averageUtilization"] == 70
        strategy = docs[("Deployment", spec.name)]["spec"]["strategy"]
        assert strategy == {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0},
        }

    def test_local_keeps_sqlite_with_one_replica_on_a_volume(
        self, projects: dict[str, Path], tmp_path: Path
    ) -> None:
        """One replica, replaced not rolled, its SQLite file on a PersistentVolumeClaim."""
        spec, docs = _render(projects["rest_api"], tmp_path, "local")
        deployment = docs[("Deployment", spec.name)]["spec"]
        assert deployment["replicas"] == 1
        assert deployment["strategy"] == {"type": "Recreate"}
        config = docs[("ConfigMap", f"{spec.name}-config")]["data"]
        assert config["DATABASE_URL"] == "sqlite:////app/data/app.db"
        volumes = {v["name"]: v for v in deployment["template"]["spec"]["volumes"]}
        claim = volumes["data"]["persistentVolumeClaim"]["claimName"]
        assert ("PersistentVolumeClaim", claim) in docs
        assert not [key for key in docs if key[0] in ("HorizontalPodAutoscaler", "ExternalSecret")]


class TestWebAppSecretKey:
    """web_app signs sessions with SECRET_KEY from the Secret, in production mode, everywhere."""

    @pytest.mark.parametrize("cloud", ["aws", "local"])
    def test_secret_key_comes_from_the_secret(
        self, projects: dict[str, Path], tmp_path: Path, cloud: CloudProvider
    ) -> None:
        """Every replica reads one key; APP_ENV=production refuses to start without it."""
        spec, docs = _render(projects["web_app"], tmp_path, cloud)
        refs = _secret_refs(_container(docs, "Deployment", spec.name))
        assert refs["SECRET_KEY"] == "SECRET_KEY"
        assert docs[("ConfigMap", f"{spec.name}-config")]["data"]["APP_ENV"] == "production"
        compose = yaml.safe_load((tmp_path / "docker-compose.yml").read_text())
        app = compose["services"][spec.name]["environment"]
        assert app["SECRET_KEY"] == "${SECRET_KEY:?set SECRET_KEY}"


class TestMicroservices:
    """One Deployment and Service per service plus the gateway, wired by service DNS."""

    def test_gateway_reaches_each_service_by_its_service_name(
        self, projects: dict[str, Path], tmp_path: Path
    ) -> None:
        """Each <MODULE>_URL names a Service; only the gateway may call the services."""
        spec, docs = _render(projects["microservices"], tmp_path, "gcp")
        services = [c for c in spec.components if c.role == "service"]
        assert len(services) >= 3  # two resources and the audit service
        config = docs[("ConfigMap", f"{spec.name}-config")]["data"]
        for component in services:
            assert ("Deployment", component.name) in docs
            assert ("Service", component.name) in docs
            module = component.args[1].split(".")[1]
            assert config[f"{module.upper()}_URL"] == f"http://{component.name}"
            refs = _secret_refs(_container(docs, "Deployment", component.name))
            assert refs == {f"{module.upper()}_DATABASE_URL": "DATABASE_URL"}
            policy = docs[("NetworkPolicy", component.name)]["spec"]
            callers = policy["ingress"][0]["from"]
            assert callers == [
                {"podSelector": {"matchLabels": {"app.kubernetes.io/name": f"{spec.name}-gateway"}}}
            ]
        gateway = _container(docs, "Deployment", f"{spec.name}-gateway")
        assert gateway["args"][1] == "app.main:app"
        assert "env" not in gateway  # the gateway holds no database secret


class TestPipelines:
    """etl_pipeline runs on a schedule; ml_pipeline trains once and serves when ready."""

    def test_etl_cronjob_runs_the_flow_into_the_volume_the_api_reads(
        self, projects: dict[str, Path], tmp_path: Path
    ) -> None:
        """A CronJob runs `python -m etl.flow` on schedule; the API mounts the same claim."""
        spec, docs = _render(projects["etl_pipeline"], tmp_path, "aws")
        cron = docs[("CronJob", f"{spec.name}-flow")]["spec"]
        assert cron["schedule"] == "0 2 * * *"
        assert cron["concurrencyPolicy"] == "Forbid"
        flow = _container(docs, "CronJob", f"{spec.name}-flow")
        assert flow["args"] == ["python", "-m", "etl.flow"]
        api_volumes = docs[("Deployment", spec.name)]["spec"]["template"]["spec"]["volumes"]
        job_volumes = cron["jobTemplate"]["spec"]["template"]["spec"]["volumes"]
        claim = {v["name"]: v for v in api_volumes}["warehouse"]["persistentVolumeClaim"]
        assert {v["name"]: v for v in job_volumes}["warehouse"]["persistentVolumeClaim"] == claim

    def test_ml_job_trains_and_serving_is_ready_only_with_a_model(
        self, projects: dict[str, Path], tmp_path: Path
    ) -> None:
        """The Job trains onto a shared volume, mounted read-only by pods gated on /ready."""
        spec, docs = _render(projects["ml_pipeline"], tmp_path, "azure")
        train = docs[("Job", f"{spec.name}-train")]["spec"]["template"]["spec"]
        assert train["containers"][0]["args"] == ["python", "-m", "pipeline.train"]
        serving = _container(docs, "Deployment", spec.name)
        assert serving["readinessProbe"]["httpGet"]["path"] == "/ready"
        assert serving["livenessProbe"]["httpGet"]["path"] == "/health"
        models = {m["name"]: m for m in serving["volumeMounts"]}["models"]
        assert models == {"name": "models", "mountPath": "/models", "readOnly": True}
        claim = docs[("PersistentVolumeClaim", f"{spec.name}-models")]["spec"]
        assert claim["accessModes"] == ["ReadWriteMany"]
        config = docs[("ConfigMap", f"{spec.name}-config")]["data"]
        assert config["TRAIN_ON_START"] == "false"
        assert config["MODEL_PATH"] == "/models/model.joblib"


class TestContainerAndWorkflows:
    """The image and the workflows: pinned, non-root, runtime-only, OIDC instead of keys."""

    def test_image_is_multi_stage_non_root_and_leaves_test_tools_out(
        self, projects: dict[str, Path], tmp_path: Path
    ) -> None:
        """Two pinned slim stages, a numeric USER, a HEALTHCHECK, pytest and schemathesis (the
        contract test's) left out of the install."""
        spec, docs = _render(projects["rest_api"], tmp_path, "aws")
        dockerfile = (tmp_path / "Dockerfile").read_text()
        assert re.findall(r"^FROM (\S+)", dockerfile, re.MULTILINE) == ["python:3.11-slim"] * 2
        assert re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE) == [str(spec.uid)]
        assert "HEALTHCHECK" in dockerfile
        assert {"pytest", "schemathesis"} <= set(spec.test_packages)
        assert f"grep -viE '^({'|'.join(spec.test_packages)})(" in dockerfile
        assert "pip install --no-cache-dir -r runtime-requirements.txt" in dockerfile
        pod = docs[("Deployment", spec.name)]["spec"]["template"]["spec"]
        security = pod["containers"][0]["securityContext"]
        assert security["readOnlyRootFilesystem"] is True
        assert security["allowPrivilegeEscalation"] is False
        assert pod["securityContext"]["runAsUser"] == spec.uid

    @pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
    def test_workflows_pin_actions_and_deploy_by_oidc(
        self, projects: dict[str, Path], tmp_path: Path, cloud: CloudProvider
    ) -> None:
        """Actions are pinned to commit SHAs; deploy asks for an id-token and uses no secret."""
        spec, _ = _render(projects["rest_api"], tmp_path, cloud)
        workflows = tmp_path / ".github" / "workflows"
        for path in workflows.glob("*.yml"):
            uses = re.findall(r"uses: (\S+)", path.read_text())
            assert uses
            assert all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action) for action in uses)
        deploy = yaml.safe_load((workflows / "deploy.yml").read_text())
        assert deploy["permissions"] == {"contents": "read", "id-token": "write"}
        assert "secrets." not in (workflows / "deploy.yml").read_text()
        steps = " ".join(str(s.get("run", "")) for s in deploy["jobs"]["deploy"]["steps"])
        assert 'helm upgrade --install "$RELEASE" "$CHART"' in steps
        assert deploy["env"]["CHART"] == f"helm/{spec.name}"


def test_helm_chart_renders_the_objects_of_k8s(projects: dict[str, Path], tmp_path: Path) -> None:
    """The chart with production values renders the same objects as k8s/ (the namespace aside)."""
    from helm_python import chart as helm

    spec, docs = _render(projects["microservices"], tmp_path, "aws")
    chart_dir = tmp_path / "helm" / spec.name
    values = yaml.safe_load((chart_dir / "values-production.yaml").read_text())
    with helm.Chart.load(str(chart_dir)) as chart:
        rendered = chart.render(values=values, name=spec.name)
    objects = {
        (d["kind"], d["metadata"]["name"])
        for text in rendered.values()
        for d in yaml.safe_load_all(text)
        if d
    }
    assert objects == {key for key in docs if key[0] != "Namespace"}
