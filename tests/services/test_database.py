"""The server's database URL: which ones the server can use, and the password never shown."""

from __future__ import annotations

import pytest

from core.errors import InvalidRequest
from services.database import parse_database_url, redacted, scrub

SECRET = "s3cr3t-Pa55"
POSTGRES = f"postgresql+asyncpg://prefect:{SECRET}@127.0.0.1:5432/prefect"


class TestParse:
    @pytest.mark.parametrize("url", [POSTGRES, "sqlite+aiosqlite:////var/lib/ag2-sdlc/prefect.db"])
    def test_the_servers_two_drivers_are_accepted(self, url: str) -> None:
        """PostgreSQL through asyncpg and SQLite through aiosqlite pass as given."""
        assert parse_database_url(url).render_as_string(hide_password=False) == url

    @pytest.mark.parametrize(
        "url",
        [
            f"postgresql://prefect:{SECRET}@127.0.0.1/prefect",  # psycopg2: not the server's
            f"mysql+aiomysql://prefect:{SECRET}@127.0.0.1/prefect",
            f"postgresql+asyncpg://prefect:{SECRET}@/prefect",  # no host
            "not a url",
        ],
    )
    def test_others_are_refused_in_one_sentence_without_the_password(self, url: str) -> None:
        """A URL the server cannot use is refused with a sentence that never quotes it."""
        with pytest.raises(InvalidRequest) as refused:
            parse_database_url(url)
        message = str(refused.value)
        assert SECRET not in message
        assert "\n" not in message


class TestRedaction:
    def test_redacted_hides_the_password(self) -> None:
        """What status and logs show keeps user, host and database, not the password."""
        assert redacted(parse_database_url(POSTGRES)) == (
            "postgresql+asyncpg://prefect:***@127.0.0.1:5432/prefect"
        )

    def test_scrub_removes_the_password_from_any_text(self) -> None:
        """A driver's error that quotes the password is cleaned before anyone sees it."""
        text = f"connection to {POSTGRES} refused (password {SECRET})"
        cleaned = scrub(text, parse_database_url(POSTGRES))
        assert SECRET not in cleaned
        assert cleaned.count("***") == 2
