"""Which Prefect API this process talks to: the configured one, else our local server.

Prefect reads its settings once, at import. ``connect`` puts the API URL in the environment
before Prefect is imported; ``follow_environment`` lets a long-lived process (the launcher's
script thread, the REST API's workers) follow the ``PREFECT_API_URL`` of its environment even
when Prefect was imported earlier with other settings.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from core.errors import InvalidRequest
from core.settings import Settings
from ui.server import LocalServer


def connect(settings: Settings, *, start: bool) -> None:
    """Point this process at the Prefect API: the configured one, else our local server.

    Raises:
        InvalidRequest: No API is configured, ``start`` is false and our server is not running.
    """
    if os.environ.get("PREFECT_API_URL"):
        return
    server = LocalServer(settings)
    if start:
        server.start()
    elif not server.status().healthy:
        raise InvalidRequest(
            "No Prefect server is running; start one with `ag2-sdlc server start`."
        )
    os.environ.update(server.environment())


def api_url() -> str:
    """The Prefect API URL in force for this thread ("" for Prefect's ephemeral server)."""
    from prefect.settings import PREFECT_API_URL

    return str(PREFECT_API_URL.value() or "")


@contextlib.contextmanager
def follow_environment() -> Iterator[str]:
    """Use the environment's ``PREFECT_API_URL`` inside the block; yield the URL in force.

    Raises:
        InvalidRequest: Neither the environment nor Prefect's settings name an API.
    """
    from prefect.settings import PREFECT_API_URL, PREFECT_UI_URL, temporary_settings

    wanted = os.environ.get("PREFECT_API_URL", "").strip()
    if not wanted or wanted == api_url():
        if not api_url():
            raise InvalidRequest(
                "No Prefect API is configured; start the launcher with `ag2-sdlc ui`."
            )
        yield api_url()
        return
    ui_url = os.environ.get("PREFECT_UI_URL") or wanted.removesuffix("/api")
    with temporary_settings(updates={PREFECT_API_URL: wanted, PREFECT_UI_URL: ui_url}):
        yield wanted
