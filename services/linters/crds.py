"""Argo CD and External Secrets resources checked against their CRD schemas (npm models).

kubernetes-validate has no schemas for custom resources; the ``@kubernetes-models`` packages
carry validators compiled from the CRDs' OpenAPI schemas. They run under Node, once per file.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

from core.contracts import Finding
from core.errors import ToolFailed, ToolUnavailable
from services.linters.infra import CRD_GROUPS
from services.linters.positions import document_nodes, line_of
from services.linters.tools import bounded, finding, relative_to

SCRIPT = Path(__file__).with_name("crd_check.cjs")


def _run_node(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None:
        raise ToolUnavailable("node is not installed, so the CRD schemas cannot be run.")
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv of our own tools, no shell
            [node, str(SCRIPT)],
            input=json.dumps(documents),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        results = list(json.loads(done.stdout or "null") or [])
    except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
        raise ToolFailed(f"the CRD schema check could not run: {exc}") from exc
    missing = sorted({str(r["missing"]) for r in results if "missing" in r})
    if missing:
        raise ToolUnavailable(f"npm packages {', '.join(missing)} are not installed (npm ci).")
    return results


def _path(instance_path: str, params: dict[str, Any]) -> list[object]:
    parts: list[object] = [int(p) if p.isdigit() else p for p in instance_path.split("/") if p]
    extra = params.get("additionalProperty")
    return [*parts, extra] if extra else parts


def crd_check(path: Path, *, root: Path | None = None, text: str | None = None) -> list[Finding]:
    """Validate the Argo CD and External Secrets documents of a manifest against their CRDs.

    Args:
        path: The manifest file.
        root: Directory that finding paths are made relative to.
        text: The manifest's text when it is not (only) on disk.

    Returns:
        One high, blocking finding per schema error, at the line of the offending field.

    Raises:
        ToolUnavailable: node or the npm packages are missing here.
    """
    relative = relative_to(path, root)
    source = path.read_text(encoding="utf-8") if text is None else text
    try:
        documents = [d for d in yaml.safe_load_all(source) if d is not None]
    except yaml.YAMLError:
        return []  # yamllint and kubernetes-validate report the syntax error
    nodes = document_nodes(source)
    picked = [
        (number, document)
        for number, document in enumerate(documents)
        if isinstance(document, dict)
        and str(document.get("apiVersion", "")).split("/")[0] in CRD_GROUPS
    ]
    if not picked:
        return []
    findings = []
    results = _run_node([document for _, document in picked])
    for (number, _), result in zip(picked, results, strict=True):
        node = nodes[number] if len(nodes) == len(documents) else None
        for error in result.get("errors", []):
            params = error.get("params") or {}
            where = _path(str(error.get("instancePath", "")), params)
            missing = params.get("missingProperty")
            field = "/".join(str(p) for p in where) or "(root)"
            detail = f"{field}: {error.get('message')}" + (f" ({missing})" if missing else "")
            message = f"document {number + 1}: {detail}"
            line = line_of(node, where)
            findings.append(finding("crd-schema", relative, line, "schema", message, "high", True))
    return bounded(findings)
