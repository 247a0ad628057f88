"""Environments are built once per requirement set and copied into each project by hard links."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest

from core.errors import SandboxTimeout
from services import environments
from services.sandbox import Sandbox, uv_cache_dir


def _writes(calls: list[Path]):  # type: ignore[no-untyped-def] - a test helper's closure
    def build(directory: Path) -> None:
        calls.append(directory)
        (directory / "lib").mkdir(parents=True)
        (directory / "lib" / "module.py").write_text("VALUE = 1\n")

    return build


def test_a_requirement_set_is_built_once_however_many_ask_at_once(tmp_path: Path) -> None:
    calls: list[Path] = []
    build = _writes(calls)
    found: list[Path] = []
    threads = [
        threading.Thread(
            target=lambda: found.append(
                environments.prepared(tmp_path / "store", "k1", build, timeout=60)
            )
        )
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert set(found) == {tmp_path / "store" / "k1"}


def test_a_build_that_failed_half_way_is_built_again(tmp_path: Path) -> None:
    def broken(directory: Path) -> None:
        (directory / "lib").mkdir(parents=True)
        raise RuntimeError("the index went away")

    with pytest.raises(RuntimeError):
        environments.prepared(tmp_path, "k1", broken, timeout=60)
    calls: list[Path] = []
    template = environments.prepared(tmp_path, "k1", _writes(calls), timeout=60)
    assert calls == [template]
    assert (template / "lib" / "module.py").is_file()


def test_each_project_gets_its_own_directory_sharing_the_files(tmp_path: Path) -> None:
    template = environments.prepared(tmp_path / "store", "k1", _writes([]), timeout=60)
    first, second = tmp_path / "a" / "venv", tmp_path / "b" / "venv"
    for target in (first, second):
        target.parent.mkdir()
        environments.copy_into(template, target)
    module = Path("lib") / "module.py"
    assert (first / module).stat().st_ino == (second / module).stat().st_ino
    assert not (first / environments.COMPLETE).exists()
    (first / "own-file").write_text("run a")
    assert not (second / "own-file").exists()
    assert not (template / "own-file").exists()


def test_a_copy_replaces_what_was_there(tmp_path: Path) -> None:
    template = environments.prepared(tmp_path / "store", "k1", _writes([]), timeout=60)
    target = tmp_path / "venv"
    (target / "stale").mkdir(parents=True)
    environments.copy_into(template, target)
    assert sorted(p.name for p in target.iterdir()) == ["lib"]


def test_two_projects_with_the_same_requirements_share_one_real_build(tmp_path: Path) -> None:
    """Through the sandbox: one uv build, two working environments of linked files."""
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("pyyaml\n")
    sandbox = Sandbox(cache_dir=uv_cache_dir(), environments_dir=tmp_path / "store")
    first = sandbox.ensure_env(requirements, tmp_path / "a" / "venv")
    second = sandbox.ensure_env(requirements, tmp_path / "b" / "venv")
    assert len([p for p in (tmp_path / "store").iterdir() if p.is_dir()]) == 1
    for env in (first, second):
        done = subprocess.run(
            [str(env / "bin" / "python"), "-c", "import yaml; print(yaml.__file__)"],
            capture_output=True, text=True, check=True, timeout=60,
        )  # fmt: skip
        # Each environment imports from its own directory, not the store's.
        assert done.stdout.startswith(str(env)), done.stdout
    compiled = next((first / "lib").glob("python3*/site-packages/yaml/__pycache__/*.pyc"))
    twin = second / compiled.relative_to(first)
    assert compiled.stat().st_ino == twin.stat().st_ino


def test_a_build_held_too_long_by_another_run_is_one_sentence(tmp_path: Path) -> None:
    started, release = threading.Event(), threading.Event()

    class SlowBuild(Sandbox):
        def _install(self, env_dir: Path, requirements: list[str]) -> None:
            started.set()
            release.wait(30)
            env_dir.mkdir(parents=True)

    requirements = tmp_path / "requirements.txt"
    requirements.write_text("pyyaml\n")
    store = tmp_path / "store"
    first = threading.Thread(
        target=SlowBuild(environments_dir=store, timeout=60).ensure_env,
        args=(requirements, tmp_path / "a" / "venv"),
    )
    first.start()
    assert started.wait(30)
    try:
        with pytest.raises(SandboxTimeout, match="building the same environment for over 1 s"):
            Sandbox(environments_dir=store, timeout=1).ensure_env(requirements, tmp_path / "b")
    finally:
        release.set()
        first.join()


def test_data_homes_given_one_store_build_a_requirement_set_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """AG2_SDLC_ENVIRONMENTS: two data homes (a launcher's and a server's) share the store."""
    builds: list[Path] = []

    class CountingBuild(Sandbox):
        def _install(self, env_dir: Path, requirements: list[str]) -> None:
            builds.append(env_dir)
            _writes([])(env_dir)

    requirements = tmp_path / "requirements.txt"
    requirements.write_text("pyyaml\n")
    monkeypatch.setenv("AG2_SDLC_ENVIRONMENTS", str(tmp_path / "shared"))
    for home in ("launcher-home", "server-home"):
        monkeypatch.setenv("AG2_SDLC_HOME", str(tmp_path / home))
        CountingBuild().ensure_env(requirements, tmp_path / home / "venv")
        assert (tmp_path / home / "venv" / "lib" / "module.py").is_file()
        assert not (tmp_path / home / "environments").exists()
    assert len(builds) == 1
    assert builds[0].parent == tmp_path / "shared"
