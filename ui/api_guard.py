"""What stands in front of the REST API's routes: the API key, the per-key rate limit, the
loopback rule, and the one error shape every 4xx and 5xx answer has.

The key is compared in constant time and never echoed, logged or stored beyond this process;
the rate limiter counts a verified key by its hash, anything else by the client's address.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import os
import time
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from pydantic import SecretStr
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.errors import InvalidRequest

logger = logging.getLogger(__name__)

API_KEY_HEADER = "X-API-Key"
API_KEY_ENV = "AG2_SDLC_API_KEY"
MIN_KEY_CHARS = 16
_CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
}


class ApiProblem(Exception):
    """An answer in the error shape: status, code, one sentence, optional headers."""

    def __init__(self, status: int, message: str, *, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``; any other name or address is not."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def load_api_key(block_name: str | None) -> SecretStr | None:
    """The key from the ``Secret`` block named ``block_name``, else ``AG2_SDLC_API_KEY``."""
    if block_name:
        from prefect.blocks.system import Secret

        try:
            value = Secret.load(block_name).get()  # type: ignore[union-attr]  # sync: Self
        except ValueError as exc:
            raise InvalidRequest(f"There is no Secret block named {block_name!r}.") from exc
        return SecretStr(str(value))
    value = os.environ.get(API_KEY_ENV, "")
    return SecretStr(value) if value else None


def check_bind(host: str, api_key: SecretStr | None) -> None:
    """Refuse to serve beyond loopback without a key, and refuse keys too short to guess at."""
    if api_key is not None and len(api_key.get_secret_value()) < MIN_KEY_CHARS:
        raise InvalidRequest(f"The API key is too short; use at least {MIN_KEY_CHARS} characters.")
    if api_key is None and not is_loopback(host):
        raise InvalidRequest(
            f"The API would listen on {host}, which is not a loopback address; give it an API key "
            f"({API_KEY_ENV} or --api-key-block NAME) or bind it to 127.0.0.1."
        )


@dataclass
class Guard:
    """Checks the key and counts requests per key (or per address without one)."""

    api_key: SecretStr | None
    rate_limit: str = "120/minute"
    _limiter: MovingWindowRateLimiter = field(init=False)
    _item: RateLimitItem = field(init=False)

    def __post_init__(self) -> None:
        try:
            self._item = parse(self.rate_limit)
        except ValueError as exc:
            raise InvalidRequest(
                f"The rate limit {self.rate_limit!r} is not like '120/minute'."
            ) from exc
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def _count(self, who: str) -> None:
        if self._limiter.hit(self._item, who):
            return
        reset = self._limiter.get_window_stats(self._item, who).reset_time
        wait = max(1, int(reset - time.time()) + 1)
        raise ApiProblem(
            429,
            f"Too many requests: the limit is {self.rate_limit}; try again in {wait} s.",
            headers={"Retry-After": str(wait)},
        )

    def check(self, request: Request, presented: str | None) -> None:
        client = request.client.host if request.client else "unknown"
        if self.api_key is None:
            self._count(f"host:{client}")
            return
        expected = self.api_key.get_secret_value().encode()
        if presented and hmac.compare_digest(presented.encode(), expected):
            self._count("key:" + hashlib.sha256(expected).hexdigest()[:16])
            return
        self._count(f"refused:{client}")  # guessing keys is rate limited too
        raise ApiProblem(401, f"A valid {API_KEY_HEADER} header is required.")


def _body(status: int, message: str) -> dict[str, str]:
    return {"error": _CODES.get(status, "error" if status < 500 else "internal_error"),
            "message": message}  # fmt: skip


def _sentence(exc: RequestValidationError) -> str:
    errors: list[Any] = list(exc.errors())
    if not errors:
        return "The request is not valid."
    first = errors[0]
    where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path"))
    if first.get("type") == "json_invalid":
        text = "The body is not valid JSON"
    elif first.get("type") == "missing" and not where:
        text = "The request body is missing"
    else:
        text = f"Invalid {where or 'request'}: {str(first.get('msg', 'not valid')).rstrip('.')}"
    more = len(errors) - 1
    if more:
        text += f" (and {more} more problem{'s' if more > 1 else ''})"
    return f"{text}."


def install_error_handlers(app: FastAPI) -> None:
    """Answer every refusal and failure as ``{"error": code, "message": sentence}``."""

    @app.exception_handler(ApiProblem)
    async def problem(request: Request, exc: ApiProblem) -> JSONResponse:
        return JSONResponse(_body(exc.status, exc.message), exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(_body(422, _sentence(exc)), 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = str(exc.detail).rstrip(".") + "."
        return JSONResponse(_body(exc.status_code, message), exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def failure(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("Unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(
            _body(500, "The server failed to handle the request; its log says why."), 500
        )
