"""The work pools of prefect.yaml: created with their concurrency limits, and the Kubernetes
pool's base job template with the data home on a volume.

prefect.yaml names each pool once under ``definitions.work_pools`` (name, type,
``concurrency_limit``, job variables) and every deployment refers to one by a YAML alias.
Prefect's deploy command reads a pool's name, queue and job variables; this module reads the
rest when ``ag2-sdlc deploy`` creates or updates the pools.
"""

from __future__ import annotations

import copy
import uuid
from pathlib import Path
from typing import Any

import yaml

from core.errors import InvalidRequest

PROJECT_FILE = Path(__file__).resolve().parents[1] / "prefect.yaml"
# Job variables the Kubernetes pool adds to Prefect's own template: the data home's claim and path.
_DATA_HOME_VARIABLES: dict[str, Any] = {
    "data_home_claim": {
        "title": "Data home claim",
        "description": "PersistentVolumeClaim (ReadWriteMany) that holds AG2_SDLC_HOME.",
        "type": "string",
        "default": "ag2-sdlc-data",
    },
    "data_home_path": {
        "title": "Data home path",
        "description": "Where the data home volume is mounted in the flow run's container.",
        "type": "string",
        "default": "/data/ag2-sdlc",
    },
}

_RESOURCE_DEFAULTS = {
    "cpu_request": "500m",
    "memory_request": "1Gi",
    "cpu_limit": "2",
    "memory_limit": "4Gi",
}


def project_config(path: Path = PROJECT_FILE) -> dict[str, Any]:
    """prefect.yaml as a mapping (aliases resolved)."""
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise InvalidRequest(f"{path} is not a prefect.yaml mapping.")
    return loaded


def work_pools(config: dict[str, Any]) -> list[dict[str, Any]]:
    """The pools under ``definitions.work_pools``, each with name, type and concurrency_limit."""
    pools = (config.get("definitions") or {}).get("work_pools") or {}
    return [dict(pool) for pool in pools.values()]


def deployment(config: dict[str, Any], name: str) -> dict[str, Any]:
    """The deployment ``name`` of prefect.yaml."""
    for entry in config.get("deployments") or []:
        if entry.get("name") == name:
            return dict(entry)
    raise InvalidRequest(f"prefect.yaml has no deployment named {name!r}.")


def kubernetes_base_job_template() -> dict[str, Any]:
    """Prefect's Kubernetes base job template, plus a volume for the data home."""
    from prefect_kubernetes.worker import KubernetesWorker

    template = copy.deepcopy(KubernetesWorker.get_default_base_job_template())
    variables = template["variables"]["properties"]
    variables.update(copy.deepcopy(_DATA_HOME_VARIABLES))
    # Prefect's template leaves these unset, which renders `cpu: null`: a Job the schema refuses.
    for name, default in _RESOURCE_DEFAULTS.items():
        variables[name]["default"] = default
    job = template["job_configuration"]["job_manifest"]["spec"]
    pod = job["template"]["spec"]
    # Prefect's template puts these Job fields in the pod spec, where a strict schema check
    # (and an API server with field validation) refuses them; they belong to the Job.
    for field in ("completions", "parallelism"):
        if field in pod:
            job[field] = pod.pop(field)
    pod["volumes"] = [
        {"name": "data-home", "persistentVolumeClaim": {"claimName": "{{ data_home_claim }}"}}
    ]
    pod["containers"][0]["volumeMounts"] = [
        {"name": "data-home", "mountPath": "{{ data_home_path }}"}
    ]
    # The Dockerfile's user; the volume is group-writable for it.
    pod["securityContext"] = {"runAsNonRoot": True, "runAsUser": 10001, "fsGroup": 10001}
    return template


def base_job_template(pool_type: str) -> dict[str, Any]:
    """The base job template ``ag2-sdlc deploy`` gives a pool of this type."""
    if pool_type == "kubernetes":
        return kubernetes_base_job_template()
    if pool_type != "process":
        raise InvalidRequest(f"prefect.yaml names a {pool_type!r} pool; use process or kubernetes.")
    from prefect.workers.process import ProcessWorker

    return ProcessWorker.get_default_base_job_template()


def render_kubernetes_job(
    job_variables: dict[str, Any], *, template: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The Job a Kubernetes worker would create for a flow run of a deployment with these
    variables: the template's defaults, overridden by the deployment's variables, filled in by
    Prefect's templating and the Kubernetes worker's own job configuration (no API, no cluster:
    prefect.yaml holds no block or variable references to resolve)."""
    from prefect.client.schemas.objects import FlowRun
    from prefect.utilities.templating import apply_values
    from prefect_kubernetes.worker import KubernetesWorkerJobConfiguration

    base = copy.deepcopy(template if template is not None else kubernetes_base_job_template())
    properties = base["variables"].get("properties", {})
    values = {key: spec["default"] for key, spec in properties.items() if "default" in spec}
    values.update(job_variables)
    populated = apply_values(template=base["job_configuration"], values=values)
    configuration = KubernetesWorkerJobConfiguration(**populated)
    flow_run = FlowRun(id=uuid.uuid4(), flow_id=uuid.uuid4(), name="rendered-run")
    configuration.prepare_for_flow_run(flow_run)
    return dict(configuration.job_manifest)


async def ensure_pools(config: dict[str, Any]) -> list[str]:
    """Create each pool of ``config`` that is missing and set every pool's concurrency limit.

    Uses the Prefect API in force (``PREFECT_API_URL``). Returns the pools' names.
    """
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate, WorkPoolUpdate
    from prefect.exceptions import ObjectNotFound

    names = []
    async with get_client() as client:
        for pool in work_pools(config):
            name, kind = str(pool["name"]), str(pool.get("type", "process"))
            limit = pool.get("concurrency_limit")
            template = base_job_template(kind)
            try:
                await client.read_work_pool(name)
            except ObjectNotFound:
                await client.create_work_pool(
                    WorkPoolCreate(
                        name=name, type=kind, base_job_template=template, concurrency_limit=limit
                    )
                )
            else:
                await client.update_work_pool(
                    name, WorkPoolUpdate(base_job_template=template, concurrency_limit=limit)
                )
            names.append(name)
    return names
