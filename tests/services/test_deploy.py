"""LocalDeployer: a real uvicorn process on loopback, health-checked, kept or stopped."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from services.deploy import LocalDeployer
from services.processes import process_alive
from services.sandbox import Sandbox

# FastAPI and uvicorn are installed in the project's own environment: reuse it as the app's venv.
VENV = Path(sys.prefix)

HEALTHY_APP = """\
import os

from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/secrets")
def secrets() -> dict[str, bool]:
    return {"leaked": "CANARY_TOKEN" in os.environ}
"""

BROKEN_APP = 'raise RuntimeError("boom at import: database url missing")\n'


def write_app(root: Path, source: str) -> Path:
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "main.py").write_text(source)
    return root


@pytest.fixture
def deployer(tmp_path: Path) -> Iterator[LocalDeployer]:
    made = LocalDeployer(state_dir=tmp_path / "state", sandbox=Sandbox(cache_dir=tmp_path / "c"))
    yield made
    for state in (tmp_path / "state").glob("*.json"):
        made.stop(state.stem)


def recorded_pid(deployer: LocalDeployer, name: str) -> int:
    return int(json.loads((deployer.state_dir / f"{name}.json").read_text())["pid"])


class TestDeploy:
    """Deploying starts the app, checks its health and keeps or stops it as asked."""

    def test_check_only_deploy_is_healthy_and_leaves_nothing_running(
        self, deployer: LocalDeployer, tmp_path: Path
    ) -> None:
        """With keep_running=False the app answers its health check and is then stopped."""
        project = write_app(tmp_path / "project", HEALTHY_APP)

        status = deployer.deploy(project, venv=VENV, name="demo", keep_running=False, timeout=30)

        assert status.status == "healthy", status.detail
        assert status.target == "local"
        assert status.url is None
        assert "/health answered" in status.detail
        assert not (deployer.state_dir / "demo.json").exists()
        assert not list(deployer.state_dir.glob("*.json"))

    def test_kept_deployment_answers_until_stopped(
        self, deployer: LocalDeployer, tmp_path: Path
    ) -> None:
        """A kept deployment serves on its loopback URL, and stop() ends the process."""
        project = write_app(tmp_path / "project", HEALTHY_APP)

        status = deployer.deploy(project, venv=VENV, name="demo", timeout=30)

        assert status.status == "healthy", status.detail
        assert status.url is not None
        assert status.url.startswith("http://127.0.0.1:")
        assert httpx.get(f"{status.url}/health", timeout=5).json() == {"status": "ok"}
        pid = recorded_pid(deployer, "demo")
        assert process_alive(pid)

        assert deployer.stop("demo") is True
        assert not process_alive(pid)
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{status.url}/health", timeout=5)
        assert deployer.stop("demo") is False

    def test_redeploy_replaces_the_previous_instance(
        self, deployer: LocalDeployer, tmp_path: Path
    ) -> None:
        """Deploying the same name again stops the first process instead of running two."""
        project = write_app(tmp_path / "project", HEALTHY_APP)
        first = deployer.deploy(project, venv=VENV, name="demo", timeout=30)
        first_pid = recorded_pid(deployer, "demo")

        second = deployer.deploy(project, venv=VENV, name="demo", timeout=30)

        assert first.status == second.status == "healthy"
        assert not process_alive(first_pid)
        assert process_alive(recorded_pid(deployer, "demo"))
        assert second.url is not None
        assert httpx.get(f"{second.url}/health", timeout=5).status_code == 200

    def test_app_gets_no_credentials_from_the_deployer_environment(
        self, deployer: LocalDeployer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A secret in the deployer's environment is not visible to the deployed app."""
        monkeypatch.setenv("CANARY_TOKEN", "canary-3f9a")
        project = write_app(tmp_path / "project", HEALTHY_APP)

        status = deployer.deploy(project, venv=VENV, name="demo", timeout=30)

        assert status.url is not None
        assert httpx.get(f"{status.url}/secrets", timeout=5).json() == {"leaked": False}


class TestUnhealthy:
    """An app that never answers is reported unhealthy with its log, and nothing stays running."""

    def test_app_crashing_at_import_is_unhealthy_with_its_error(
        self, deployer: LocalDeployer, tmp_path: Path
    ) -> None:
        """The crash's message appears in the detail and no state file remains."""
        project = write_app(tmp_path / "project", BROKEN_APP)

        status = deployer.deploy(project, venv=VENV, name="broken", timeout=30)

        assert status.status == "unhealthy"
        assert status.url is None
        assert "exited with code" in status.detail
        assert "boom at import" in status.detail
        assert len(status.detail) <= 500
        assert not (deployer.state_dir / "broken.json").exists()

    def test_wrong_health_path_times_out_and_stops_the_app(
        self, deployer: LocalDeployer, tmp_path: Path
    ) -> None:
        """A health path answering 404 is unhealthy after the timeout, and the app is stopped."""
        project = write_app(tmp_path / "project", HEALTHY_APP)

        status = deployer.deploy(project, venv=VENV, name="demo", health_path="/missing", timeout=3)

        assert status.status == "unhealthy"
        assert "HTTP 404" in status.detail
        assert not (deployer.state_dir / "demo.json").exists()
        assert not any(process_alive(pid, argv_has=["uvicorn"]) for pid in _uvicorns_under(project))


def _uvicorns_under(project: Path) -> list[int]:
    """Pids of uvicorn processes whose working directory is ``project``."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if Path(proc / "cwd").resolve() == project.resolve():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


class TestNames:
    """Deployment names become file names, so only plain names are accepted."""

    def test_path_like_name_is_refused(self, deployer: LocalDeployer, tmp_path: Path) -> None:
        """A name with a slash cannot place state files outside the state directory."""
        with pytest.raises(ValueError, match="deployment name"):
            deployer.deploy(tmp_path, venv=VENV, name="../escape")


class TestPorts:
    def test_a_port_held_by_one_deployment_is_never_handed_to_another(self, tmp_path: Path) -> None:
        """Two apps started at once get two ports, even when the port source offers one twice."""
        offers = iter([41001, 41001, 41001, 41002])
        deployer = LocalDeployer(
            state_dir=tmp_path / "deployments",
            sandbox=Sandbox(timeout=30),
            port_source=lambda: next(offers),
        )
        deployer.state_dir.mkdir()
        first = deployer._reserve_port(deployer.state_dir / "app-one.json")
        second = deployer._reserve_port(deployer.state_dir / "app-two.json")
        assert (first, second) == (41001, 41002)

    def test_concurrent_deploys_bind_distinct_ports(self, tmp_path: Path) -> None:
        """Four apps deployed from four threads at once all answer, each on its own port."""
        from concurrent.futures import ThreadPoolExecutor

        deployer = LocalDeployer(state_dir=tmp_path / "deployments", sandbox=Sandbox(timeout=60))
        projects = [write_app(tmp_path / f"app{number}", HEALTHY_APP) for number in range(4)]
        with ThreadPoolExecutor(max_workers=4) as pool:
            statuses = list(
                pool.map(
                    lambda item: deployer.deploy(item[1], venv=VENV, name=f"app-{item[0]}"),
                    enumerate(projects),
                )
            )
        try:
            assert [status.status for status in statuses] == ["healthy"] * 4
            assert len({status.url for status in statuses}) == 4
        finally:
            deployer.stop_all()
