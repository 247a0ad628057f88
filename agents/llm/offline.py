"""The offline, deterministic AG2 model client.

It is a real AG2 ``ModelConfig``/``LLMClient`` pair: the agent's message carries its input as a
fenced JSON block (``{"role": ..., "input": {...}}``); the client parses that block, runs the
heuristic registered for the role and answers with the heuristic's model as JSON. The same AG2
machinery (schema validation, retries, usage accounting) runs as with a hosted model.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from ag2.config import ModelProvider
from ag2.events import ModelMessage, ModelResponse
from ag2.events.types import Usage
from pydantic import BaseModel

OFFLINE_MODEL = "ag2-sdlc-offline-1"
Heuristic = Callable[[dict[str, Any]], BaseModel]

_HEURISTICS: dict[str, Heuristic] = {}
_JSON_BLOCK = re.compile(r"```json\s*\n(.*?)\n```", re.DOTALL)


def register(role: str, heuristic: Heuristic) -> None:
    """Make ``heuristic`` the offline answer for agent ``role`` (called at agent import)."""
    _HEURISTICS[role] = heuristic


def answer(role: str, payload: dict[str, Any]) -> BaseModel:
    """The heuristic answer for ``role`` given the agent's input payload."""
    try:
        heuristic = _HEURISTICS[role]
    except KeyError:
        raise LookupError(f"no offline heuristic is registered for agent role {role!r}") from None
    return heuristic(payload)


def compose_message(role: str, payload: BaseModel) -> str:
    """The user message for an agent: a short instruction and the input as a JSON block."""
    block = json.dumps({"role": role, "input": payload.model_dump(mode="json")}, indent=1)
    return f"Work on this input and answer with JSON only.\n\n```json\n{block}\n```\n"


def _message_texts(messages: Sequence[Any]) -> list[str]:
    texts: list[str] = []
    for message in messages:
        for part in getattr(message, "parts", None) or ():
            content = getattr(part, "content", None)
            if isinstance(content, str):
                texts.append(content)
    return texts


def _find_payload(messages: Sequence[Any]) -> dict[str, Any]:
    # A schema retry sends a message without the block: look back to the original request.
    for text in reversed(_message_texts(messages)):
        for block in reversed(_JSON_BLOCK.findall(text)):
            data = json.loads(block)
            if isinstance(data, dict) and "role" in data and "input" in data:
                return data
    raise ValueError("the offline client found no JSON input block in the conversation")


def _estimate_tokens(text: str) -> int:
    return max(1, len(text) // 4)


class OfflineClient:
    """AG2 ``LLMClient``: answers each request with the registered heuristic's result."""

    async def __call__(self, messages: Sequence[Any], context: Any, **_: Any) -> ModelResponse:
        payload = _find_payload(messages)
        result = answer(payload["role"], payload["input"])
        body = result.model_dump_json()
        message = ModelMessage(body)
        await context.send(message)
        prompt_text = "".join(_message_texts(messages)) + "".join(getattr(context, "prompt", ()))
        usage = Usage(
            prompt_tokens=_estimate_tokens(prompt_text), completion_tokens=_estimate_tokens(body)
        )
        return ModelResponse(
            message, usage=usage, model=OFFLINE_MODEL, provider="offline", finish_reason="stop"
        )


class OfflineConfig:
    """AG2 ``ModelConfig`` for the offline client."""

    @property
    def provider(self) -> ModelProvider:
        # AG2 has no "offline" provider; the OpenAI dialect is what our JSON answers mimic.
        return ModelProvider.OPENAI

    @property
    def model(self) -> str:
        return OFFLINE_MODEL

    def copy(self) -> OfflineConfig:
        return self

    def create(self) -> OfflineClient:
        return OfflineClient()

    def create_files_client(self) -> Any:
        raise NotImplementedError("The offline backend has no Files API.")
