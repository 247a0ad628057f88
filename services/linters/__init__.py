"""Static checks as ``Finding`` lists: Python syntax, ruff, bandit, radon, detect-secrets, XSS
sinks, dependency resolution, hadolint, YAML, Kubernetes.

Each wrapper runs a tool of this environment with pinned, project-independent settings (no
config file of the checked project is read: generated code must not switch its own checks
off) and returns at most ``MAX_FINDINGS`` findings, blocking and most severe first.
"""

from services.linters.complexity import complexity_check
from services.linters.dependencies import dependency_check
from services.linters.infra import KUBERNETES_VERSION, hadolint, kubernetes_check, yaml_check
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
from services.linters.tools import MAX_FINDINGS, SEVERITY_RANK, binary, python_files
from services.linters.versions import tool_versions
from services.linters.xss import xss_check

__all__ = [
    "BLOCKING_SECURITY_RULES",
    "KUBERNETES_VERSION",
    "MAX_FINDINGS",
    "REDACTED",
    "RUFF_RULES",
    "SEVERITY_RANK",
    "bandit_check",
    "binary",
    "compile_check",
    "complexity_check",
    "dependency_check",
    "hadolint",
    "is_security_finding",
    "kubernetes_check",
    "python_files",
    "redact",
    "ruff_check",
    "ruff_fix",
    "ruff_format",
    "secret_scan",
    "tool_versions",
    "xss_check",
    "yaml_check",
]
