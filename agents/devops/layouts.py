"""How each kind of project runs on Kubernetes: its components, volumes, jobs and settings.

- rest_api, web_app: one stateless app. Clouds: PostgreSQL (URL from the Secret), 2-10
  replicas; local: SQLite on a volume, one replica, replaced (not rolled) on update.
- microservices: the gateway plus one Deployment per service, wired by service DNS; each
  service reaches only its database, and only the gateway reaches the services.
- ml_pipeline: a Job trains the model onto a shared volume; the serving pods mount it read-only
  and are not ready until a model is loaded.
- etl_pipeline: a CronJob runs the flow into the SQLite warehouse on a volume that the one API
  replica reads (the generated pipeline is built on SQLite).
"""

from __future__ import annotations

from agents.devops.clouds import PROFILES, compact, image_repository
from agents.devops.design import DeploymentDesign, DevOpsInput
from agents.devops.facts import TEST_PACKAGES
from agents.devops.spec import (
    DATABASE_KINDS,
    ETL_SCHEDULE,
    Batch,
    Claim,
    Component,
    KitSpec,
    Mount,
    SecretEnv,
    data_claim,
    secrets_for,
    uvicorn_args,
)

DATA_DIR = "/app/data"


def _app(
    name: str, design: DeploymentDesign, facts: DevOpsInput, secrets: list[SecretEnv]
) -> Component:
    local = facts.cloud_provider == "local"
    mounts = [Mount(name="data", path=DATA_DIR, claim=f"{name}-data")] if local else []
    return Component(
        database_env="DATABASE_URL" if facts.project_kind in DATABASE_KINDS else "",
        name=name,
        role="app",
        args=uvicorn_args(facts.app_module, design.container_port),
        health_path=design.health_path,
        ready_path=design.health_path,
        secret_env=secrets,
        mounts=mounts,
        replicas=1 if local else max(design.replicas, 2),
        autoscale=not local,
        strategy="Recreate" if local else "RollingUpdate",
    )


def _single(
    name: str, design: DeploymentDesign, facts: DevOpsInput
) -> tuple[list[Component], list[Batch], list[Claim], dict[str, str]]:
    local = facts.cloud_provider == "local"
    component = _app(name, design, facts, secrets_for(facts, name))
    config = {"LOG_LEVEL": "INFO"}
    if local:
        config["DATABASE_URL"] = f"sqlite:///{DATA_DIR}/app.db"
    if facts.project_kind == "web_app":
        config["APP_ENV"] = "production"
    claims = [data_claim(f"{name}-data", facts.cloud_provider)] if local else []
    return [component], [], claims, config


def _ml(
    name: str, design: DeploymentDesign, facts: DevOpsInput
) -> tuple[list[Component], list[Batch], list[Claim], dict[str, str]]:
    local = facts.cloud_provider == "local"
    claim = data_claim(f"{name}-models", facts.cloud_provider, rwx=not local)
    serving = _app(name, design, facts, []).model_copy(
        update={
            "ready_path": "/ready",
            "mounts": [Mount(name="models", path="/models", claim=claim.name, read_only=True)],
        }
    )
    train = Batch(
        name=f"{name}-train",
        kind="Job",
        args=["python", "-m", "pipeline.train"],
        mounts=[Mount(name="models", path="/models", claim=claim.name)],
    )
    config = {
        "LOG_LEVEL": "INFO",
        "MODEL_PATH": "/models/model.joblib",
        "METRICS_PATH": "/models/metrics.json",
        "TRAIN_ON_START": "false",
    }
    return [serving], [train], [claim], config


def _etl(
    name: str, design: DeploymentDesign, facts: DevOpsInput
) -> tuple[list[Component], list[Batch], list[Claim], dict[str, str]]:
    claim = data_claim(f"{name}-warehouse", facts.cloud_provider)
    mount = Mount(name="warehouse", path="/app/warehouse", claim=claim.name)
    api = _app(name, design, facts, []).model_copy(
        update={
            "mounts": [mount.model_copy(update={"read_only": True})],
            "replicas": 1,
            "autoscale": False,
            "strategy": "Recreate",
        }
    )
    flow = Batch(
        name=f"{name}-flow",
        kind="CronJob",
        args=["python", "-m", "etl.flow"],
        schedule=ETL_SCHEDULE,
        mounts=[mount],
        near=name,
    )
    config = {
        "LOG_LEVEL": "INFO",
        "DATABASE_PATH": "/app/warehouse/warehouse.db",
        "PREFECT_HOME": "/tmp/prefect",  # noqa: S108 - the pod's own emptyDir
    }
    return [api], [flow], [claim], config


def _microservices(
    name: str, design: DeploymentDesign, facts: DevOpsInput
) -> tuple[list[Component], list[Batch], list[Claim], dict[str, str]]:
    local = facts.cloud_provider == "local"
    database = secrets_for(facts, name)
    port = design.container_port
    services, claims, config = [], [], {"LOG_LEVEL": "INFO"}
    for module in facts.service_modules:
        service_name = f"{name}-{module.replace('_', '-')}"
        prefix = module.upper()
        secret_env = [s.model_copy(update={"env": f"{prefix}_DATABASE_URL"}) for s in database]
        service = _app(service_name, design, facts, secret_env).model_copy(
            update={
                "role": "service",
                "database_env": f"{prefix}_DATABASE_URL",
                "args": uvicorn_args(f"services.{module}.main:app", port),
                "health_path": "/health",
                "ready_path": "/health",
                "ingress_from": [f"{name}-gateway"],
            }
        )
        if local:
            claims.append(data_claim(f"{service_name}-data", facts.cloud_provider))
            service.mounts = [Mount(name="data", path=DATA_DIR, claim=f"{service_name}-data")]
            config[f"{prefix}_DATABASE_URL"] = f"sqlite:///{DATA_DIR}/{module}.db"
        config[f"{prefix}_URL"] = f"http://{service_name}"
        services.append(service)
    gateway = _app(f"{name}-gateway", design, facts, []).model_copy(
        update={
            "database_env": "",
            "role": "gateway",
            "mounts": [],
            "strategy": "RollingUpdate",
            "egress_to": [s.name for s in services],
        }
    )
    if local:
        gateway.replicas, gateway.autoscale = 1, False
    return [gateway, *services], [], claims, config


LAYOUTS = {
    "rest_api": _single,
    "web_app": _single,
    "ml_pipeline": _ml,
    "etl_pipeline": _etl,
    "microservices": _microservices,
}


def build_spec(
    facts: DevOpsInput, design: DeploymentDesign, *, name: str, repository_url: str
) -> KitSpec:
    """The kit's specification for a project of ``facts.project_kind`` on its cloud."""
    cloud = facts.cloud_provider
    components, batches, claims, config = LAYOUTS[facts.project_kind](name, design, facts)
    secrets: dict[str, SecretEnv] = {}
    items: list[Component | Batch] = [*components, *batches]
    for item in items:
        for secret in item.secret_env:
            secrets.setdefault(secret.key, secret)
    test_packages = [d for d in facts.dependencies if d.lower() in TEST_PACKAGES]
    return KitSpec(
        project_name=facts.project_name,
        name=name,
        kind=facts.project_kind,
        cloud=cloud,
        namespace=name,
        port=design.container_port,
        health_path=design.health_path,
        base_image=design.base_image,
        image_name=name,
        image_repository=image_repository(cloud, name),
        app_module=facts.app_module,
        test_packages=test_packages,
        cpu_request=design.cpu_request,
        cpu_limit=design.cpu_limit,
        memory_request=design.memory_request,
        memory_limit=design.memory_limit,
        min_replicas=max(design.replicas, 2),
        config=config,
        secret_name=f"{name}-secrets",
        secrets=list(secrets.values()),
        components=components,
        batches=batches,
        claims=claims,
        uses_database=cloud != "local" and facts.project_kind in DATABASE_KINDS,
        region=PROFILES[cloud].region,
        registry_name=f"{compact(name)}acr",
        vault_name=f"{compact(name)}kv",
        repository_url=repository_url,
    )
