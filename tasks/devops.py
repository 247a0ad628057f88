"""Prefect wrapper of the DevOps Engineer agent."""

from __future__ import annotations

from pathlib import Path

from agents import devops
from agents.llm import BackendSpec
from agents.rendering import default_renderer
from core.contracts import CloudProvider, DeploymentBundle, GeneratedCode
from tasks.common import agent_task, publish


@agent_task("devops")
def build_deployment(
    code: GeneratedCode, project_name: str, cloud: CloudProvider, llm: BackendSpec
) -> DeploymentBundle:
    """The deployment kit for the generated project, every file checked by its validators."""
    return devops.build_deployment(
        Path(code.project_path),
        project_name=project_name,
        cloud=cloud,
        spec=llm,
        kind=code.project_kind,
    )


def publish_deployment(project_name: str, bundle: DeploymentBundle) -> list[str]:
    """The deployment bundle as a markdown summary and a table of every file's verdicts."""
    rows = [
        {
            "path": d.path,
            "kind": d.kind,
            "passed": ", ".join(v.validator for v in d.verdicts if v.status == "passed"),
            "findings": len(d.findings),
            "not checked": ", ".join(v.validator for v in d.not_checked),
        }
        for d in bundle.deployment_files
    ]
    return publish(
        project_name,
        "devops",
        markdown=default_renderer().render("reports/devops.md.j2", {"bundle": bundle}),
        table=rows,
        description="DevOps Engineer: the deployment kit and every validator's verdict",
    )
