"""Static checks as ``Finding`` lists: Python (compile, ruff, bandit, radon, detect-secrets, XSS
sinks, dependency resolution) and every deployment file.

Each wrapper runs a tool of this environment with pinned, project-independent settings (no
config file of the checked project is read: generated code must not switch its own checks
off) and returns at most ``MAX_FINDINGS`` findings, blocking and most severe first. A checker
whose tool is absent raises ``ToolUnavailable``: its files are "not checked", never passed.
"""

from services.linters.actions import actionlint_check
from services.linters.checkov import FailedCheck, ScanResult, checkov_scan, checkov_scan_many
from services.linters.complexity import complexity_check
from services.linters.crds import crd_check
from services.linters.dependencies import dependency_check
from services.linters.helm import ChartReport, helm_check
from services.linters.infra import (
    CRD_GROUPS,
    KUBERNETES_VERSION,
    hadolint,
    kubernetes_check,
    yaml_check,
)
from services.linters.python import (
    BLOCKING_SECURITY_RULES,
    RUFF_RULES,
    bandit_check,
    compile_check,
    is_security_finding,
    ruff_check,
    ruff_fix,
    ruff_format,
)
from services.linters.redaction import REDACTED, redact
from services.linters.secrets import secret_scan
from services.linters.terraform import fmt_check, hcl_check, validate_and_plan
from services.linters.tools import MAX_FINDINGS, SEVERITY_RANK, binary, python_files
from services.linters.versions import tool_versions
from services.linters.xss import xss_check

__all__ = [
    "BLOCKING_SECURITY_RULES",
    "CRD_GROUPS",
    "KUBERNETES_VERSION",
    "MAX_FINDINGS",
    "REDACTED",
    "RUFF_RULES",
    "SEVERITY_RANK",
    "ChartReport",
    "FailedCheck",
    "ScanResult",
    "actionlint_check",
    "bandit_check",
    "binary",
    "checkov_scan",
    "checkov_scan_many",
    "compile_check",
    "complexity_check",
    "crd_check",
    "dependency_check",
    "fmt_check",
    "hadolint",
    "hcl_check",
    "helm_check",
    "is_security_finding",
    "kubernetes_check",
    "python_files",
    "redact",
    "ruff_check",
    "ruff_fix",
    "ruff_format",
    "secret_scan",
    "tool_versions",
    "validate_and_plan",
    "xss_check",
    "yaml_check",
]
