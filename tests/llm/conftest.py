"""The local model for `make test-llm`: llama-server on loopback behind a recording proxy."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.llm_server import MODEL_NAME, LocalModelServer
from tests.llm.proxy import RecordingProxy

# A small model writes slowly on two cores: answers are kept short (a JSON answer cut short
# fails the schema and is replaced, which is one of the outcomes these tests check).
MAX_TOKENS = 256
CALL_TIMEOUT_S = 900


@pytest.fixture(scope="session")
def model_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalModelServer]:
    """llama-server with the Gemma 3 270M model, stopped by its pid at the end."""
    log = tmp_path_factory.mktemp("llama") / "server.log"
    server = LocalModelServer(log_file=log).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def proxy(model_server: LocalModelServer) -> Iterator[RecordingProxy]:
    with RecordingProxy(model_server.url) as recording:
        yield recording


@pytest.fixture(scope="module")
def local_model_module(
    model_server: LocalModelServer, proxy: RecordingProxy
) -> Iterator[RecordingProxy]:
    """The worker's environment points the agents at the local model through the proxy."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AG2_SDLC_LLM", "local")
        patch.setenv("AG2_SDLC_LLM_MODEL", MODEL_NAME)
        patch.setenv("AG2_SDLC_LLM_BASE_URL", f"{proxy.url}/v1")
        patch.setenv("AG2_SDLC_LLM_API_KEY", model_server.api_key)
        patch.setenv("AG2_SDLC_LLM_MAX_TOKENS", str(MAX_TOKENS))
        patch.setenv("AG2_SDLC_LLM_TIMEOUT", str(CALL_TIMEOUT_S))
        yield proxy
