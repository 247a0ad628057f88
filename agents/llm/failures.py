"""How a model call fails, and what that means: retry it, or stop and say why in one sentence.

Transient failures (a timeout, HTTP 408/409/425/429, a 5xx) are retried with exponential backoff
by ``TransientRetry``, an AG2 middleware, so every backend retries alike and the scripted test
model exercises the same path; a ``Retry-After`` answer is honoured. Everything else (a bad
key, an unknown model, an unreachable server, or a transient failure that outlasts the retries)
is persistent: ``describe`` turns it into one sentence naming the backend.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import tenacity
from ag2.events import BaseEvent, ModelResponse
from ag2.middleware.base import BaseMiddleware, LLMCall

if TYPE_CHECKING:
    from ag2.annotations import Context

    from agents.llm.backends import BackendSpec

logger = logging.getLogger(__name__)

ATTEMPTS = 4
MAX_WAIT_S = 30.0
TRANSIENT_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})


def provider_errors() -> tuple[type[BaseException], ...]:
    """What a provider client raises when the backend fails (imported where AG2 has them)."""
    import anthropic
    import httpx
    import openai

    errors: list[type[BaseException]] = [
        openai.OpenAIError,
        anthropic.AnthropicError,
        httpx.HTTPError,
        ConnectionError,
        TimeoutError,
    ]  # fmt: skip # one list of exception classes
    try:
        import ollama

        errors += [ollama.ResponseError, ollama.RequestError]
    except ImportError:  # the ollama extra is optional; its errors cannot occur without it
        pass
    return tuple(errors)


def status_of(error: BaseException) -> int | None:
    status = getattr(error, "status_code", None)
    return status if isinstance(status, int) else None


def _is_named(error: BaseException, *names: str) -> bool:
    # Provider SDKs each define their own timeout/connection classes; their names agree.
    return any(cls.__name__ in names for cls in type(error).__mro__)


def is_timeout(error: BaseException) -> bool:
    return isinstance(error, TimeoutError) or _is_named(
        error, "APITimeoutError", "TimeoutException"
    )


def is_unreachable(error: BaseException) -> bool:
    if is_timeout(error):
        return False
    return isinstance(error, ConnectionError) or _is_named(
        error, "APIConnectionError", "ConnectError", "RequestError"
    )


def is_transient(error: BaseException) -> bool:
    """A failure worth retrying: a timeout, rate limiting or a server-side error."""
    return is_timeout(error) or status_of(error) in TRANSIENT_STATUS


def retry_after_s(error: BaseException) -> float | None:
    """The wait a rate-limited answer asks for (``Retry-After``: seconds or a date), capped."""
    response = getattr(error, "response", None)
    headers = getattr(response, "headers", None)
    value = headers.get("retry-after") if headers is not None else None
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        moment = email.utils.parsedate_to_datetime(value)
        seconds = moment.timestamp() - time.time()
    return min(max(seconds, 0.0), MAX_WAIT_S)


def describe(spec: BackendSpec, role: str, error: BaseException) -> str:
    """One sentence naming the backend and why it could not answer the ``role`` agent."""
    backend = f"The {spec.backend} LLM backend"
    status = status_of(error)
    if status in (401, 403):
        why = f"refused the API key (HTTP {status})"
    elif status == 404:
        why = f"does not know the model {spec.model!r} (HTTP 404)"
    elif "credentials" in str(error).lower() and status is None:
        why = "has no API key (set it in the LLMBackend block or AG2_SDLC_LLM_API_KEY)"
    elif is_unreachable(error):
        where = spec.base_url or "its default address"
        why = f"cannot be reached at {where}"
    elif is_transient(error):
        kind = "timed out" if is_timeout(error) else f"answered HTTP {status}"
        why = f"still {kind} after {ATTEMPTS} attempts"
    else:
        first = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
        why = f"failed ({type(error).__name__}: {first.rstrip('.')})"
    return f"{backend} {why} while answering the {role} agent."


def _wait(initial: float, maximum: float) -> Callable[[tenacity.RetryCallState], float]:
    backoff = tenacity.wait_exponential_jitter(multiplier=initial, max=maximum)

    def wait(state: tenacity.RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome is not None else None
        hinted = retry_after_s(error) if error is not None else None
        return hinted if hinted is not None else backoff(state)

    return wait


class TransientRetry:
    """AG2 middleware factory: retry a model call's transient failures with backoff."""

    def __init__(
        self, *, attempts: int = ATTEMPTS, wait_initial: float = 0.5, wait_max: float = 8.0
    ) -> None:
        self.attempts, self.wait_initial, self.wait_max = attempts, wait_initial, wait_max

    def __call__(self, event: BaseEvent, context: Context) -> BaseMiddleware:
        return _TransientRetryTurn(event, context, factory=self)


class _TransientRetryTurn(BaseMiddleware):
    def __init__(self, event: BaseEvent, context: Context, *, factory: TransientRetry) -> None:
        super().__init__(event, context)
        self._factory = factory

    async def on_llm_call(
        self, call_next: LLMCall, events: Sequence[BaseEvent], context: Context
    ) -> ModelResponse:
        factory = self._factory
        retrying = tenacity.AsyncRetrying(
            retry=tenacity.retry_if_exception(is_transient),
            stop=tenacity.stop_after_attempt(factory.attempts),
            wait=_wait(factory.wait_initial, factory.wait_max),
            before_sleep=_log_retry,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await call_next(events, context)
        raise AssertionError("unreachable: tenacity re-raises the last failure")


def _log_retry(state: tenacity.RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome is not None else None
    logger.warning(
        "model call failed (%s); retry %d in %.1f s",
        type(error).__name__,
        state.attempt_number,
        state.upcoming_sleep,
    )
