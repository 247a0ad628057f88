"""API contract fuzzing: boot the app in the sandbox and run schemathesis against its schema.

The app runs from a scratch copy of the project (fuzzing writes rows; the project stays as it
was), on the sandbox's private loopback, with schemathesis beside it (``services/fuzz_driver``).
Every check runs (``--checks all``) with a bounded number of examples per operation and a fixed
seed, both recorded so a failure can be replayed. A 5xx is blocking; any other contract mismatch
(undocumented status, schema-valid data refused, invalid data accepted, ...) is high.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import services.fuzz_driver
from core.contracts import Finding, FuzzReport
from core.errors import SandboxTimeout, SandboxUnavailable
from services.linters.tools import SKIPPED_DIRS
from services.sandbox import Sandbox

FUZZ_SEED = 20261126
FUZZ_MAX_EXAMPLES = 20
FUZZ_PHASES = "examples,coverage,fuzzing,stateful"
SCHEMATHESIS_PIN = "4.32.5"
_TOOL = f"schemathesis {SCHEMATHESIS_PIN}"
_DRIVER = Path(services.fuzz_driver.__file__).resolve()
_PORT = "8000"  # the sandbox has its own loopback: no other process can hold the port
_SERVER_ERROR = "ST101"


def _finding(code: str, message: str, *, blocking: bool) -> Finding:
    return Finding(
        tool="schemathesis", path="openapi.json", code=code, rules=[f"schemathesis:{code}"],
        message=message[:500], severity="high", blocking=blocking,
    )  # fmt: skip # keyword arguments grouped as a finding reads them


def _fuzz_args(report: Path) -> list[str]:
    return [
        "--checks", "all", "--phases", FUZZ_PHASES, "--max-examples", str(FUZZ_MAX_EXAMPLES),
        "--seed", str(FUZZ_SEED), "--workers", "1", "--no-color", "--generation-database",
        "none", "--request-timeout", "10", "--report", "json", "--report-json-path", str(report),
        "--output-sanitize", "true",
    ]  # fmt: skip # an argv reads best as flags beside their values


def _failures(data: dict[str, Any]) -> list[Finding]:
    findings = []
    for failure in data.get("failures") or []:
        code = str(failure.get("code", ""))
        title = str(failure.get("title", "contract mismatch"))
        server_error = code == _SERVER_ERROR
        for operation in list(failure.get("operations") or [])[:10]:
            message = f"{operation}: {title} ({code}); replay with seed {FUZZ_SEED}."
            findings.append(_finding(code, message, blocking=server_error))
    return findings


def _summary(data: dict[str, Any], seconds: float) -> FuzzReport:
    operations: dict[str, Any] = data.get("operations") or {}
    cases: dict[str, Any] = data.get("test_cases") or {}
    failures: list[dict[str, Any]] = data.get("failures") or []
    server = [f for f in failures if f.get("code") == _SERVER_ERROR]
    return FuzzReport(
        tool=_TOOL, ran=True, seed=FUZZ_SEED, max_examples=FUZZ_MAX_EXAMPLES, phases=FUZZ_PHASES,
        operations=int(operations.get("tested", 0)),
        test_cases=int(cases.get("generated", 0)),
        failures=sum(int(f.get("count", 0)) for f in failures),
        server_errors=sum(int(f.get("count", 0)) for f in server),
        seconds=round(seconds, 2),
    )  # fmt: skip # keyword arguments grouped as one record reads them


def fuzz_api(
    project_dir: Path, *, sandbox: Sandbox, env_dir: Path, redact: Callable[[str], str]
) -> tuple[FuzzReport, list[Finding]]:
    """Boot ``app.main:app`` in the sandbox and fuzz its OpenAPI schema with schemathesis.

    Args:
        project_dir: The project; copied to a scratch directory for the run.
        sandbox: Runs the app and schemathesis, without network to the host.
        env_dir: The project's environment (with uvicorn and schemathesis installed).
        redact: Removes secret values from what the app printed.

    Returns:
        What ran (seed, examples, counts) and one finding per failed check and operation; an
        app that does not boot is one blocking finding.
    """
    if not (project_dir / "app" / "main.py").is_file():
        return FuzzReport(tool=_TOOL, ran=False, note="No app/main.py: nothing to boot."), []
    with tempfile.TemporaryDirectory(prefix="ag2-sdlc-fuzz-") as scratch:
        out, copy = Path(scratch), Path(scratch) / "project"
        shutil.copytree(project_dir, copy, ignore=shutil.ignore_patterns(*SKIPPED_DIRS))
        report = out / "schemathesis.json"
        python = str(env_dir / "bin" / "python")
        args = [python, str(_DRIVER), str(out), _PORT, "/health", "--", *_fuzz_args(report)]
        try:
            done = sandbox.run(args, cwd=copy, venv=env_dir, writable=[out], readonly=[_DRIVER])
        except (SandboxTimeout, SandboxUnavailable) as exc:
            note = f"Fuzzing did not finish: {exc}"
            return FuzzReport(tool=_TOOL, ran=False, note=note[:500]), []
        boot_file = out / "boot.json"
        boot = json.loads(boot_file.read_text()) if boot_file.is_file() else {}
        log = (out / "app.log").read_text(errors="replace") if (out / "app.log").is_file() else ""
        if not boot.get("healthy"):
            detail = boot.get("detail") or f"the boot driver exited {done.returncode}"
            message = redact(f"The app did not boot: {detail}. {log.strip()[-300:]}")
            note = "The app did not boot, so it was not fuzzed."
            return FuzzReport(tool=_TOOL, ran=False, note=note), [
                _finding("boot-failed", message, blocking=True)
            ]
        if not boot.get("openapi"):
            note = "The app serves no /openapi.json: no contract to fuzz."
            return FuzzReport(tool=_TOOL, ran=False, note=note), []
        if not report.is_file():
            note = redact(f"schemathesis wrote no report: {log.strip()[-300:]}")
            return FuzzReport(tool=_TOOL, ran=False, note=note[:500]), []
        data = json.loads(report.read_text())
    return _summary(data, float(data.get("running_time") or 0)), _failures(data)
