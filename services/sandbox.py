"""Run generated code confined: bubblewrap, no network, a read-only system, limits, no secrets.

The environment install (uv, from the package index) runs outside the sandbox; everything that
executes generated code (its tests, its app, its pipeline commands) runs inside it. Where
bubblewrap is missing, generated code is refused unless ``AG2_SDLC_UNSAFE_EXEC=1``.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.contracts import SandboxRecord
from core.errors import SandboxTimeout, SandboxUnavailable, ToolFailed
from core.settings import get_settings
from services import bubblewrap, environments

logger = logging.getLogger(__name__)

# Only these variables reach generated code; everything else (cloud keys, tokens) stays out.
_PASSED_VARIABLES = ("LANG", "LC_ALL", "TZ", "SSL_CERT_FILE", "PIP_CERT")


def uv_binary() -> str:
    """Path of the ``uv`` executable installed with this project."""
    from uv import find_uv_bin

    return str(find_uv_bin())


def scrubbed_environment(
    *, venv: Path | None = None, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """A minimal environment for generated code: no credentials, only a PATH and locale."""
    env = {name: os.environ[name] for name in _PASSED_VARIABLES if name in os.environ}
    path = "/usr/local/bin:/usr/bin:/bin"
    if venv is not None:
        path = f"{venv / 'bin'}:{path}"
        env["VIRTUAL_ENV"] = str(venv)
    env.update(PATH=path, PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1", NO_COLOR="1")
    env.update(extra or {})
    return env


def uv_cache_dir() -> Path:
    """uv's own cache directory for this user (where ``make install`` left the wheels)."""
    done = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [uv_binary(), "cache", "dir"], capture_output=True, text=True, check=True, timeout=60
    )
    return Path(done.stdout.strip())


@dataclass(frozen=True)
class Limits:
    """What one sandboxed command may use."""

    memory_mb: int = 6144  # address space: numpy, sklearn and Prefect reserve generously
    processes: int = 512  # tasks, threads included
    file_size_mb: int = 1024


class SandboxRun(subprocess.CompletedProcess[str]):
    """A finished sandboxed command, and which limits it ran into."""

    limits_hit: tuple[str, ...] = ()


def _unsafe_allowed() -> bool:
    return get_settings().unsafe_exec


@dataclass(frozen=True)
class Sandbox:
    """Creates per-project virtual environments (uv, shared cache) and runs commands confined."""

    cache_dir: Path | None = None
    timeout: int = 600
    limits: Limits = field(default_factory=Limits)
    allow_unsafe: bool = field(default_factory=_unsafe_allowed)
    # Where environments are built once per requirement set (default: the settings').
    environments_dir: Path | None = None

    @property
    def isolated(self) -> bool:
        """Whether commands run inside bubblewrap (else: refused, or unsafe if allowed)."""
        return bubblewrap.bwrap_version() is not None

    def describe(self) -> SandboxRecord:
        """The sandbox and its limits, as the review artifact records them."""
        version = bubblewrap.bwrap_version()
        note = ""
        if version is None:
            note = (
                "bubblewrap is not installed: generated code ran unconfined "
                "(AG2_SDLC_UNSAFE_EXEC=1)."
                if self.allow_unsafe
                else "bubblewrap is not installed: generated code was not run "
                "(set AG2_SDLC_UNSAFE_EXEC=1 to run it unconfined)."
            )
        return SandboxRecord(
            mechanism=f"bubblewrap {version}" if version else "none",
            isolated=version is not None,
            network="none: own network namespace (loopback only)" if version else "host",
            filesystem=(
                "read-only system; writable: the project's workspace and a private /tmp"
                if version
                else "the host's, unrestricted"
            ),
            environment=f"scrubbed: only {', '.join(_PASSED_VARIABLES)} and PATH pass",
            time_limit_seconds=self.timeout,
            memory_limit_mb=self.limits.memory_mb,
            process_limit=self.limits.processes,
            process_limit_mechanism=bubblewrap.process_limit_mechanism(),
            file_size_limit_mb=self.limits.file_size_mb,
            note=note,
        )

    def _uv_environment(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.cache_dir is not None:
            env["UV_CACHE_DIR"] = str(self.cache_dir)
        env.pop("VIRTUAL_ENV", None)
        return env

    def ensure_env(
        self, requirements: Path | None, env_dir: Path, *, extra: Sequence[str] = ()
    ) -> Path:
        """A virtual environment at ``env_dir`` with ``requirements`` (a file) and ``extra``
        (requirement lines) installed; reused while both are unchanged. Runs outside the
        sandbox: it reads the package index, and runs no project code. The environment is a
        hard-linked copy of one built once per requirement set (``services.environments``).

        Returns the environment's directory.
        """
        digest = hashlib.sha256(requirements.read_bytes() if requirements else b"")
        digest.update("\n".join(extra).encode())
        digest.update(sys.executable.encode())
        stamp = env_dir / ".requirements.sha256"
        if stamp.is_file() and stamp.read_text() == digest.hexdigest():
            return env_dir
        sources = ["-r", str(requirements)] if requirements else []

        def build(directory: Path) -> None:
            self._install(directory, [*sources, *extra])

        store = self.environments_dir or get_settings().environments_dir
        key = digest.hexdigest()[:32]
        try:
            template = environments.prepared(store, key, build, timeout=self.timeout)
        except environments.BuildLockTimeout as exc:
            raise SandboxTimeout(
                f"Another run has been building the same environment for over {self.timeout} s."
            ) from exc
        environments.copy_into(template, env_dir)
        stamp.write_text(digest.hexdigest())
        return env_dir

    def _install(self, env_dir: Path, requirements: list[str]) -> None:
        uv = uv_binary()
        self._uv(
            [
                uv,
                "venv",
                "--quiet",
                "--clear",
                "--relocatable",
                "--python",
                sys.executable,
                str(env_dir),
            ]
        )  # fmt: skip # an argv reads best as flags beside their values
        if requirements:
            # Byte-compiled once here instead of in every test, tool and server process.
            self._uv(
                [
                    uv,
                    "pip",
                    "install",
                    "--quiet",
                    "--compile-bytecode",
                    "--python",
                    str(env_dir / "bin" / "python"),
                    *requirements,
                ]
            )  # fmt: skip # an argv reads best as flags beside their values

    def _uv(self, args: list[str]) -> None:
        try:
            done = subprocess.run(  # noqa: S603 - fixed argv, no shell
                args,
                env=self._uv_environment(),
                capture_output=True,
                text=True,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise SandboxTimeout(
                f"Creating the environment took longer than {self.timeout} s."
            ) from exc
        if done.returncode != 0:
            raise ToolFailed(f"uv failed: {done.stderr.strip()[-600:]}")

    def run(
        self,
        args: list[str],
        *,
        cwd: Path,
        venv: Path | None = None,
        timeout: int | None = None,
        extra_env: dict[str, str] | None = None,
        writable: Sequence[Path] = (),
        readonly: Sequence[Path] = (),
    ) -> SandboxRun:
        """Run ``args`` confined, in ``cwd`` (writable, like ``writable``; ``readonly`` paths
        are visible even under ``/tmp``), with a scrubbed environment; raise
        ``SandboxTimeout`` past the time limit.

        Raises:
            SandboxUnavailable: bubblewrap is missing and unsafe execution is not allowed.
        """
        limit = timeout or self.timeout
        cwd = cwd.resolve()
        env = scrubbed_environment(venv=venv, extra={"HOME": bubblewrap.PRIVATE_HOME})
        env.update(extra_env or {})
        confine = bubblewrap.prlimit_argv(
            memory_mb=self.limits.memory_mb,
            file_size_mb=self.limits.file_size_mb,
            processes=self.limits.processes,
        )
        if self.isolated:
            visible = [p.resolve() for p in (*readonly, *([venv] if venv else []))]
            wrap = bubblewrap.bwrap_argv(
                cwd=cwd, writable=[cwd, *(p.resolve() for p in writable)], readonly=visible
            )
            confine = wrap + confine
        elif not self.allow_unsafe:
            raise SandboxUnavailable(
                "bubblewrap is not installed, so generated code will not run here; install it "
                "(apt-get install bubblewrap) or set AG2_SDLC_UNSAFE_EXEC=1 to run it unconfined."
            )
        else:
            env["HOME"] = str(cwd)
            logger.warning("running %s without a sandbox (AG2_SDLC_UNSAFE_EXEC=1)", args[0])
        with bubblewrap.pids_cgroup(self.limits.processes) as cgroup:
            argv = (cgroup.launcher() if cgroup else []) + confine + list(args)
            done = _run_killing_group(argv, cwd=cwd, env=env, timeout=limit, label=args[0])
            hit = []
            if cgroup is not None and cgroup.limit_reached():
                hit.append(f"processes ({self.limits.processes})")
            if done.returncode in (-25, 128 + 25):  # SIGXFSZ: the file size limit
                hit.append(f"file size ({self.limits.file_size_mb} MB)")
        result = SandboxRun(done.args, done.returncode, done.stdout, done.stderr)
        result.limits_hit = tuple(hit)
        return result


def _run_killing_group(
    argv: list[str], *, cwd: Path, env: dict[str, str], timeout: int, label: str
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` as its own session; past ``timeout`` kill the whole group, then raise."""
    with subprocess.Popen(  # noqa: S603 - argv list, no shell
        argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        start_new_session=True,
    ) as process:  # fmt: skip # keyword arguments grouped as one call reads them
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise SandboxTimeout(f"{Path(label).name} ran longer than {timeout} s.") from exc
    return subprocess.CompletedProcess(argv, process.returncode, stdout, stderr)
