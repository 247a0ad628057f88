"""Which Prefect API this process talks to: the configured one, else our local server.

Prefect reads its settings once, at import. ``connect`` puts the API URL in the environment
before Prefect is imported; ``follow_environment`` lets a long-lived process (the launcher's
script thread, the REST API's workers) follow the ``PREFECT_API_URL`` of its environment even
when Prefect was imported earlier with other settings.

Switching the URL takes more than ``temporary_settings``: Prefect's event and log services are
process-wide and read the URL once, when they start. Task runs reach the server as events, so a
service left bound to a server the process no longer talks to loses every later task run
without a word (the flow still finishes). ``using_api`` drains both services on the way in and
out, so they restart bound to the URL then in force.
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
    wanted = os.environ.get("PREFECT_API_URL", "").strip()
    if not wanted or wanted == api_url():
        if not api_url():
            raise InvalidRequest(
                "No Prefect API is configured; start the launcher with `ag2-sdlc ui`."
            )
        yield api_url()
        return
    ui_url = os.environ.get("PREFECT_UI_URL") or wanted.removesuffix("/api")
    with using_api(wanted, ui_url):
        yield wanted


DRAIN_SECONDS = 15.0


def restart_prefect_services() -> None:
    """Deliver what the event and log services hold, then stop them (they restart on use)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (EventsWorker, APILogWorker):
        service.drain_all(timeout=DRAIN_SECONDS, at_exit=False)


@contextlib.contextmanager
def using_api(api_url: str, ui_url: str = "") -> Iterator[None]:
    """Inside the block this process's client, events and logs go to ``api_url``."""
    from prefect.settings import PREFECT_API_URL, PREFECT_UI_URL, temporary_settings

    updates = {PREFECT_API_URL: api_url, PREFECT_UI_URL: ui_url or api_url.removesuffix("/api")}
    restart_prefect_services()
    try:
        with temporary_settings(updates=updates):
            yield
    finally:
        restart_prefect_services()  # still bound to api_url: flush there while it is up
