"""A run's workspace: paths stay inside it, and one run at a time holds it."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from core.errors import UnsafePath, WorkspaceBusy
from services.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]


def test_a_path_that_leaves_the_workspace_is_refused(tmp_path: Path) -> None:
    workspace = Workspace.for_project(tmp_path, "shop", "0123456789abcdef")
    assert workspace.path("project/app.py") == tmp_path.resolve() / "shop-0123456789" / (
        "project/app.py"
    )
    with pytest.raises(UnsafePath):
        workspace.path("../other/app.py")


class TestClaim:
    def test_a_second_run_of_the_same_request_is_refused_naming_the_first(
        self, tmp_path: Path
    ) -> None:
        workspace = Workspace.for_project(tmp_path, "shop", "0123456789abcdef")
        first = r"Another run \(flow run brave-fox \(1234\)\)"
        with (
            workspace.claimed("flow run brave-fox (1234)"),
            pytest.raises(WorkspaceBusy, match=first),
            workspace.claimed("flow run calm-owl (5678)"),
        ):
            pytest.fail("two runs held one workspace")
        with workspace.claimed("flow run calm-owl (5678)"):  # free once the first let go
            pass

    def test_other_requests_are_not_held_up(self, tmp_path: Path) -> None:
        one = Workspace.for_project(tmp_path, "shop", "0123456789abcdef")
        other = Workspace.for_project(tmp_path, "shop", "fedcba9876543210")
        with one.claimed("run one"), other.claimed("run two"):
            pass

    def test_a_run_waits_for_the_other_when_asked_to(self, tmp_path: Path) -> None:
        workspace = Workspace.for_project(tmp_path, "shop", "0123456789abcdef")
        held, release = threading.Event(), threading.Event()

        def first() -> None:
            with workspace.claimed("first"):
                held.set()
                release.wait(10)

        thread = threading.Thread(target=first)
        thread.start()
        try:
            held.wait(10)
            threading.Timer(0.3, release.set).start()
            with workspace.claimed("second", wait=10):
                assert release.is_set()
        finally:
            release.set()
            thread.join(10)

    def test_a_killed_run_leaves_the_workspace_free(self, tmp_path: Path) -> None:
        """The kernel drops the lock with the process: a dead worker never blocks a retry."""
        holder = (
            "import sys, time\n"
            "from pathlib import Path\n"
            "from services.workspace import Workspace\n"
            "w = Workspace.for_project(Path(sys.argv[1]), 'shop', '0123456789abcdef')\n"
            "with w.claimed('doomed run'):\n"
            "    print('held', flush=True)\n"
            "    time.sleep(60)\n"
        )
        process = subprocess.Popen(
            [sys.executable, "-c", holder, str(tmp_path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "held"
            workspace = Workspace.for_project(tmp_path, "shop", "0123456789abcdef")
            with pytest.raises(WorkspaceBusy, match="doomed run"), workspace.claimed("retry"):
                pass
            process.kill()
            process.wait(10)
            with workspace.claimed("retry"):  # at once, without waiting
                pass
        finally:
            process.kill()
            process.wait(10)
