"""Helm charts linted and rendered offline by Helm's own code (helm-python-sdk), per environment.

Each environment's values are linted (strict) and rendered; the rendered manifests then go to
kubernetes-validate (strict) and the CRD schemas, so the chart is held to the same bar as k8s/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from core.contracts import Finding, Severity
from core.errors import ToolUnavailable
from services.linters.crds import crd_check
from services.linters.infra import KUBERNETES_VERSION, kubernetes_check
from services.linters.tools import bounded, finding, relative_to

# Helm's messages name the template and line: "parse error at (chart/templates/x.yaml:4): ...".
_WHERE = re.compile(r"\(?(?:[^\s():]+/)?(templates/[^\s():]+):(\d+)")
_LINT_SEVERITY: dict[int, tuple[Severity, bool]] = {3: ("high", True), 2: ("medium", False)}


@dataclass
class ChartReport:
    """Findings per chart file (relative to ``root``) and the rendered manifests per values file."""

    findings: dict[str, list[Finding]] = field(default_factory=dict)
    rendered: dict[str, dict[str, str]] = field(default_factory=dict)

    def add(self, path: str, found: list[Finding]) -> None:
        self.findings.setdefault(path, []).extend(found)


def _helm() -> Any:
    try:
        from helm_python import chart  # a native library: loaded when used
    except ImportError as exc:
        raise ToolUnavailable("helm-python-sdk is not installed here.") from exc
    return chart


def _located(chart_dir: Path, root: Path, message: str, fallback: str) -> tuple[str, int]:
    match = _WHERE.search(message)
    if match is None:
        return fallback, 0
    return relative_to(chart_dir / match.group(1), root), int(match.group(2))


def _values(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return loaded if isinstance(loaded, dict) else {}


def _lint(helm: Any, chart_dir: Path, root: Path, values_file: Path, report: ChartReport) -> None:
    values_path = relative_to(values_file, root)
    result = helm.lint(
        str(chart_dir),
        values=_values(values_file),
        strict=True,
        kube_version=f"v{KUBERNETES_VERSION}.0",
        namespace=None,
    )
    for message in result.get("messages", []):
        level = int(message.get("severity", 0))
        severity, blocking = _LINT_SEVERITY.get(level, ("low", False))
        text = f"helm lint ({values_file.name}): {message.get('error', '')}"
        path, line = _located(chart_dir, root, text, values_path)
        report.add(path, [finding("helm-lint", path, line, "lint", text, severity, blocking)])


def _render(helm: Any, chart_dir: Path, root: Path, values_file: Path, report: ChartReport) -> None:
    values_path = relative_to(values_file, root)
    try:
        with helm.Chart.load(str(chart_dir)) as chart:
            rendered = chart.render(values=_values(values_file), name=chart_dir.name)
    except Exception as exc:  # noqa: BLE001 - every Helm error is the chart's finding
        text = f"helm render ({values_file.name}): {exc}"
        path, line = _located(chart_dir, root, text, values_path)
        report.add(path, [finding("helm-render", path, line, "render", text, "high", True)])
        return
    report.rendered[values_file.name] = rendered
    for name, manifest in sorted(rendered.items()):
        template = chart_dir / Path(name).relative_to(Path(name).parts[0])
        relative = relative_to(template, root)
        found = kubernetes_check(template, root=root, text=manifest)
        found += crd_check(template, root=root, text=manifest)
        for item in found:
            item.message = f"rendered with {values_file.name}: {item.message}"[:500]
        report.add(relative, found)


def helm_check(chart_dir: Path, values_files: list[Path], *, root: Path) -> ChartReport:
    """Lint and render ``chart_dir`` once per values file; validate what it renders.

    Args:
        chart_dir: The chart (``Chart.yaml``, ``values.yaml``, ``templates/``).
        values_files: One values file per environment, each applied over ``values.yaml``.
        root: Directory that finding paths are made relative to.

    Returns:
        Findings per chart file; a template that does not parse is a finding at its own line.

    Raises:
        ToolUnavailable: helm-python-sdk (or node, for the CRD kinds) is missing here.
    """
    helm = _helm()
    report = ChartReport()
    for values_file in values_files:
        _lint(helm, chart_dir, root, values_file, report)
        _render(helm, chart_dir, root, values_file, report)
    report.findings = {path: bounded(found) for path, found in report.findings.items()}
    return report
