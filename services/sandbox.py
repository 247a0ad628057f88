"""Run generated code in its own virtual environment, with a timeout and no credentials."""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from core.errors import SandboxTimeout, ToolFailed

logger = logging.getLogger(__name__)

# Only these variables reach generated code; everything else (cloud keys, tokens) stays out.
_PASSED_VARIABLES = ("LANG", "LC_ALL", "TZ", "TMPDIR", "SSL_CERT_FILE", "PIP_CERT")


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
class Sandbox:
    """Creates per-project virtual environments (uv, shared cache) and runs commands in them."""

    cache_dir: Path | None = None
    timeout: int = 600

    def _uv_environment(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.cache_dir is not None:
            env["UV_CACHE_DIR"] = str(self.cache_dir)
        env.pop("VIRTUAL_ENV", None)
        return env

    def ensure_env(self, requirements: Path, env_dir: Path) -> Path:
        """A virtual environment at ``env_dir`` with ``requirements`` installed; reused if current.

        Returns the environment's directory.
        """
        digest = hashlib.sha256(requirements.read_bytes()).hexdigest()
        stamp = env_dir / ".requirements.sha256"
        if stamp.is_file() and stamp.read_text() == digest:
            return env_dir
        uv = uv_binary()
        self._uv([uv, "venv", "--quiet", "--clear", "--python", sys.executable, str(env_dir)])
        self._uv(
            [
                uv,
                "pip",
                "install",
                "--quiet",
                # Byte-compiled once here instead of in every test, tool and server process.
                "--compile-bytecode",
                "--python",
                str(env_dir / "bin" / "python"),
                "-r",
                str(requirements),
            ]
        )
        stamp.write_text(digest)
        return env_dir

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
    ) -> subprocess.CompletedProcess[str]:
        """Run ``args`` in ``cwd`` with a scrubbed environment; raise on timeout only."""
        limit = timeout or self.timeout
        env = scrubbed_environment(venv=venv, extra={"HOME": str(cwd), **(extra_env or {})})
        try:
            return subprocess.run(  # noqa: S603 - argv list, no shell
                args, cwd=cwd, env=env, capture_output=True, text=True, timeout=limit, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise SandboxTimeout(f"{Path(args[0]).name} ran longer than {limit} s.") from exc
