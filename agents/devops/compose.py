"""The docker-compose view of the kit: the same components, PostgreSQL in a container beside them.

Compose is for a developer's machine whatever the target cloud: kinds with a database get a
``db`` service (as the clouds get a managed PostgreSQL), and every secret is a ``${NAME}``
reference to the developer's environment.
"""

from __future__ import annotations

from typing import Any

from agents.devops.spec import DATABASE_KINDS, KitSpec

COMPOSE_DATABASE_URL = (
    "postgresql+psycopg://app:${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}@db:5432/app"
)


def _environment(spec: KitSpec, database_envs: list[str], secrets: list[str]) -> dict[str, str]:
    environment = {k: v for k, v in spec.config.items() if not k.endswith("DATABASE_URL")}
    for name in database_envs:
        environment[name] = COMPOSE_DATABASE_URL
    for key in secrets:
        environment[key] = "${" + key + ":?set " + key + "}"
    # Compose reaches the services by their service names on the container port.
    for key, value in environment.items():
        if key.endswith("_URL") and value.startswith("http://"):
            environment[key] = f"{value}:{spec.port}"
    return environment


def compose_context(spec: KitSpec) -> dict[str, Any]:
    """What ``docker-compose.yml.j2`` renders: services, volumes, required variables."""
    database = spec.kind in DATABASE_KINDS
    secret_keys = [s.key for s in spec.secrets if s.key != "DATABASE_URL"]
    if spec.kind == "web_app" and "SECRET_KEY" not in secret_keys:
        secret_keys.append("SECRET_KEY")
    services: list[dict[str, Any]] = []
    volumes: set[str] = {"db-data"} if database else set()
    for batch in spec.batches:
        batch_volumes = [f"{m.name}:{m.path}" for m in batch.mounts]
        volumes.update(m.name for m in batch.mounts)
        services.append(
            {
                "name": batch.name,
                "command": batch.args,
                "restart": '"no"',
                "environment": _environment(spec, [], []),
                "volumes": batch_volumes,
                "publish": False,
                "health_path": "",
                "depends_on": [],
            }
        )
    for number, component in enumerate(spec.components):
        database_envs = [component.database_env] if database and component.database_env else []
        mounts = [m for m in component.mounts if not m.path.startswith("/app/data")]
        volumes.update(m.name for m in mounts)
        depends = [("db", "service_healthy")] if database_envs else []
        depends += [
            (b.name, "service_completed_successfully") for b in spec.batches if b.kind == "Job"
        ]
        depends += [(callee, "service_healthy") for callee in component.egress_to]
        services.append(
            {
                "name": component.name,
                "command": component.args,
                "restart": "unless-stopped",
                "environment": _environment(
                    spec, database_envs, secret_keys if number == 0 else []
                ),
                "volumes": [f"{m.name}:{m.path}" + (":ro" if m.read_only else "") for m in mounts],
                "publish": number == 0,
                "health_path": component.ready_path,
                "depends_on": depends,
            }
        )
    required = (["POSTGRES_PASSWORD"] if database else []) + secret_keys
    return {
        "services": services,
        "volumes": sorted(volumes),
        "database": database,
        "required_env": required,
    }
