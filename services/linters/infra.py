"""Deployment file checks: hadolint for Dockerfiles, yamllint, Kubernetes schemas (strict)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import kubernetes_validate
import yaml
from yamllint import linter as yamllint_linter
from yamllint.config import YamlLintConfig

from core.contracts import Finding, Severity
from services.linters.positions import document_nodes, line_of
from services.linters.tools import binary, bounded, finding, relative_to, run_json

KUBERNETES_VERSION = "1.30"  # schemas ship inside kubernetes-validate; no network needed
_YAMLLINT_CONFIG = "extends: relaxed\nrules:\n  line-length: disable\n"
# API groups of the custom resources the kit uses; their schemas are not Kubernetes' own.
CRD_GROUPS = frozenset({"argoproj.io", "external-secrets.io"})
_UNEXPECTED = re.compile(r"\('([^']+)' was unexpected\)")
_HADOLINT_LEVELS: dict[str, Severity] = {"error": "high", "warning": "medium", "info": "low"}


def hadolint(dockerfile: Path, *, root: Path | None = None) -> list[Finding]:
    """Lint a Dockerfile with hadolint: our empty config, inline ignore pragmas disabled.

    Args:
        dockerfile: The Dockerfile to lint.
        root: Directory that finding paths are made relative to (default: the file's name).

    Returns:
        Findings: error -> high and blocking, warning -> medium, info -> low, style -> info.
    """
    with tempfile.TemporaryDirectory(prefix="ag2-sdlc-hadolint-") as config_dir:
        config = Path(config_dir) / "hadolint.yaml"
        config.write_text("ignored: []\n")
        diagnostics = run_json(
            [
                binary("hadolint"),
                "--config",
                str(config),
                "--no-fail",
                "--no-color",
                "--disable-ignore-pragma",
                "--format",
                "json",
                str(dockerfile),
            ]
        )  # fmt: skip # an argv reads best as flags beside their values
    relative = relative_to(dockerfile, root)
    findings = []
    for item in diagnostics:
        level, code = str(item.get("level", "")), str(item.get("code", ""))
        line, message = int(item.get("line") or 0), str(item.get("message", ""))
        severity = _HADOLINT_LEVELS.get(level, "info")
        blocking = level == "error"
        findings.append(finding("hadolint", relative, line, code, message, severity, blocking))
    return bounded(findings)


def _load_documents(path: Path, relative: str) -> tuple[list[object], list[Finding]]:
    try:
        return list(yaml.safe_load_all(path.read_text(encoding="utf-8"))), []
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        return [], [finding("yaml", relative, line, "syntax", str(exc), "high", True)]


def yaml_check(path: Path, *, root: Path | None = None) -> list[Finding]:
    """Parse a YAML file, then lint it with yamllint's relaxed rules (no line-length limit).

    Args:
        path: The YAML file.
        root: Directory that finding paths are made relative to (default: the file's name).

    Returns:
        Parse errors and duplicated keys are high and blocking; other lint errors are medium,
        warnings low.
    """
    relative = relative_to(path, root)
    _, errors = _load_documents(path, relative)
    if errors:
        return errors
    findings = []
    config = YamlLintConfig(_YAMLLINT_CONFIG)
    for problem in yamllint_linter.run(path.read_text(encoding="utf-8"), config, str(path)):
        duplicate = problem.rule == "key-duplicates"
        severity: Severity = "medium" if problem.level == "error" else "low"
        found = finding(
            "yamllint",
            relative,
            problem.line,
            problem.rule or "syntax",
            problem.desc,
            "high" if duplicate else severity,
            duplicate,
        )  # fmt: skip # positional fields in Finding order
        findings.append(found)
    return bounded(findings)


def kubernetes_check(
    path: Path, *, root: Path | None = None, text: str | None = None
) -> list[Finding]:
    """Validate each document of a manifest against the bundled Kubernetes schemas, strictly.

    Strict mode refuses unknown fields; the schemas are those of ``KUBERNETES_VERSION``. Custom
    resources (Argo CD, External Secrets) are left to ``crd_check``, which has their schemas.

    Args:
        path: The manifest file (one or more YAML documents).
        root: Directory that finding paths are made relative to (default: the file's name).
        text: The manifest's text when it is not (only) on disk, e.g. a rendered Helm template.

    Returns:
        One high, blocking finding per unparsable file, invalid or unknown resource, at the line
        of the offending field.
    """
    relative = relative_to(path, root)
    source = path.read_text(encoding="utf-8") if text is None else text
    try:
        documents = list(yaml.safe_load_all(source))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        return [finding("yaml", relative, line, "syntax", str(exc), "high", True)]
    nodes = document_nodes(source)
    findings = []
    documents = [d for d in documents if d is not None]
    for number, document in enumerate(documents, start=1):
        node = nodes[number - 1] if len(nodes) == len(documents) else None
        if isinstance(document, dict) and str(document.get("apiVersion", "")).split("/")[0] in (
            CRD_GROUPS
        ):
            continue
        try:
            if not isinstance(document, dict) or "kind" not in document:
                raise ValueError("not a Kubernetes resource (it has no kind)")
            kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
            continue
        except kubernetes_validate.ValidationError as exc:
            where = list(exc.path)
            unexpected = (
                _UNEXPECTED.search(exc.message) if exc.validator == "additionalProperties" else None
            )
            line = line_of(node, [*where, unexpected.group(1)] if unexpected else where)
            field = ".".join(str(part) for part in where) or "(root)"
            message = f"document {number}: {field}: {exc.message}"
        except (kubernetes_validate.SchemaNotFoundError, ValueError, KeyError) as exc:
            line = line_of(node, [])
            message = f"document {number}: {getattr(exc, 'message', exc)}"
        tool = "kubernetes-validate"
        findings.append(finding(tool, relative, line, "schema", message, "high", True))
    return bounded(findings)
