"""The Prefect server's database URL: checked, and shown only with its password hidden.

Prefect's server speaks SQLite (``sqlite+aiosqlite://``, the embedded default) and PostgreSQL
(``postgresql+asyncpg://``) through SQLAlchemy; the URL goes to the server process as
``PREFECT_API_DATABASE_CONNECTION_URL`` and nowhere else. Everything that is printed, logged or
recorded uses ``redacted`` instead.
"""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from core.errors import InvalidRequest

DRIVERS = ("postgresql+asyncpg", "sqlite+aiosqlite")


def parse_database_url(text: str) -> URL:
    """The URL as SQLAlchemy reads it, if the Prefect server can use it.

    Raises:
        InvalidRequest: Not a URL, or a driver the server cannot use (one sentence that never
            repeats the password).
    """
    try:
        url = make_url(text.strip())
    except (ArgumentError, ValueError):
        raise InvalidRequest(
            "The database URL is not a URL; give postgresql+asyncpg://USER:PASSWORD@HOST:PORT/DB."
        ) from None
    if url.drivername not in DRIVERS:
        raise InvalidRequest(
            f"The database URL uses {url.drivername!r}; the Prefect server needs "
            "postgresql+asyncpg://USER:PASSWORD@HOST:PORT/DB (or sqlite+aiosqlite:///PATH)."
        )
    if url.drivername.startswith("postgresql") and not (url.host and url.database):
        raise InvalidRequest("The PostgreSQL URL needs a host and a database name.")
    return url


def redacted(url: URL) -> str:
    """The URL with its password replaced by ``***``: safe for logs, status and artifacts."""
    return url.render_as_string(hide_password=True)


def scrub(text: str, url: URL | None) -> str:
    """``text`` with the URL's password, if it has one, replaced by ``***``."""
    if url is None or not url.password:
        return text
    return text.replace(str(url.password), "***")
