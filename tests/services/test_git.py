"""GitPublisher: real git repositories, a bare remote and a `git daemon` on loopback."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from git import Repo

from core.errors import PublishError
from services.git import GitPublisher, redact
from services.processes import free_port
from tests.git_servers import HTTP_TOKEN, HTTP_USER, GitHttpBackend, make_project
from tests.servers import serving

AUTHOR = {"author_name": "AG2 SDLC", "author_email": "sdlc@example.invalid"}


@pytest.fixture
def publisher(tmp_path: Path) -> GitPublisher:
    return GitPublisher(remotes_dir=tmp_path / "remotes")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


@pytest.fixture
def git_daemon(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """A `git daemon` accepting pushes on 127.0.0.1; yields its base path and port."""
    base = tmp_path / "daemon"
    base.mkdir()
    port = free_port()
    daemon = subprocess.Popen(
        [
            "git",
            "daemon",
            "--reuseaddr",
            f"--base-path={base}",
            "--export-all",
            "--enable=receive-pack",
            "--listen=127.0.0.1",
            f"--port={port}",
            str(base),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or daemon.poll() is not None:
                    raise RuntimeError("git daemon did not start") from None
                time.sleep(0.05)
        yield base, port
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


@pytest.fixture
def git_http(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """`git http-backend` behind basic auth on 127.0.0.1; yields its project root and port."""
    root = tmp_path / "http"
    root.mkdir()
    handler = type("Handler", (GitHttpBackend,), {"project_root": root})
    with serving(handler) as port:
        yield root, port


class TestCommit:
    """Committing stages the project once and is idempotent."""

    def test_first_commit_initialises_main_and_honours_gitignore(
        self, publisher: GitPublisher, project: Path
    ) -> None:
        """The first commit creates a repository on main holding the files .gitignore allows."""
        sha = publisher.commit(project, message="Initial release", **AUTHOR)

        repo = Repo(project)
        assert repo.active_branch.name == "main"
        assert repo.head.commit.hexsha == sha
        assert repo.head.commit.author.email == AUTHOR["author_email"]
        tracked = {item.path for item in repo.head.commit.tree.traverse()}  # type: ignore[union-attr]
        assert {"app/main.py", ".gitignore"} <= tracked
        assert "debug.log" not in tracked

    def test_second_commit_without_changes_makes_no_commit(
        self, publisher: GitPublisher, project: Path
    ) -> None:
        """Committing an unchanged project returns the same sha and leaves one commit."""
        first = publisher.commit(project, message="Initial release", **AUTHOR)
        second = publisher.commit(project, message="Initial release", **AUTHOR)

        assert second == first
        assert len(list(Repo(project).iter_commits())) == 1

    def test_a_change_makes_a_new_commit(self, publisher: GitPublisher, project: Path) -> None:
        """A modified file produces a second commit whose parent is the first."""
        first = publisher.commit(project, message="Initial release", **AUTHOR)
        (project / "app" / "main.py").write_text("print('changed')\n")

        second = publisher.commit(project, message="Repair", **AUTHOR)

        assert second != first
        assert Repo(project).head.commit.parents[0].hexsha == first

    def test_empty_project_is_refused(self, publisher: GitPublisher, tmp_path: Path) -> None:
        """A directory with nothing to commit raises PublishError instead of an empty commit."""
        (tmp_path / "empty").mkdir()
        with pytest.raises(PublishError, match="no files to commit"):
            publisher.commit(tmp_path / "empty", message="x", **AUTHOR)


class TestPushToBareRemote:
    """The default remote is a bare repository under remotes_dir, created once and reused."""

    def test_push_creates_the_bare_remote_and_delivers_the_commit(
        self, publisher: GitPublisher, project: Path
    ) -> None:
        """After push, the bare repository's main branch holds the project's commit."""
        sha = publisher.commit(project, message="Initial release", **AUTHOR)

        url = publisher.push(project, repo_name="demo")

        bare = Repo(url)
        assert bare.bare
        assert url == str(publisher.remotes_dir / "demo.git")
        assert bare.commit("main").hexsha == sha
        assert bare.git.log("main", "--format=%s") == "Initial release"

    def test_second_push_reuses_the_remote(self, publisher: GitPublisher, project: Path) -> None:
        """Pushing a later commit fast-forwards the same bare repository."""
        publisher.commit(project, message="Initial release", **AUTHOR)
        first_url = publisher.push(project, repo_name="demo")
        (project / "README.md").write_text("# demo\n")
        sha = publisher.commit(project, message="Add readme", **AUTHOR)

        second_url = publisher.push(project, repo_name="demo")

        assert second_url == first_url
        assert len(list(Repo(second_url).iter_commits("main"))) == 2
        assert Repo(second_url).commit("main").hexsha == sha

    def test_diverged_remote_rejects_the_push(
        self, publisher: GitPublisher, project: Path, tmp_path: Path
    ) -> None:
        """A non-fast-forward push raises PublishError and leaves the remote's commit in place."""
        publisher.commit(project, message="Initial release", **AUTHOR)
        url = publisher.push(project, repo_name="demo")
        other = tmp_path / "other"
        Repo.clone_from(url, other)
        (other / "OTHER.md").write_text("someone else's change\n")
        theirs = publisher.commit(other, message="Diverge", **AUTHOR)
        Repo(other).remote("origin").push("main").raise_if_error()
        (project / "MINE.md").write_text("our change\n")
        publisher.commit(project, message="Ours", **AUTHOR)

        with pytest.raises(PublishError, match=r"demo\.git"):
            publisher.push(project, repo_name="demo")

        assert Repo(url).commit("main").hexsha == theirs

    def test_path_like_repository_name_is_refused(
        self, publisher: GitPublisher, project: Path
    ) -> None:
        """A repo name cannot place the remote outside remotes_dir."""
        publisher.commit(project, message="Initial release", **AUTHOR)
        with pytest.raises(PublishError, match="not a plain name"):
            publisher.push(project, repo_name="../escape")


class TestPushToGitDaemon:
    """Pushing over git:// reaches a real git daemon on loopback."""

    def test_commit_arrives_at_the_daemon(
        self, publisher: GitPublisher, project: Path, git_daemon: tuple[Path, int]
    ) -> None:
        """The daemon's repository holds the pushed commit on main."""
        base, port = git_daemon
        Repo.init(base / "demo.git", bare=True, initial_branch="main")
        sha = publisher.commit(project, message="Initial release", **AUTHOR)
        remote_url = f"git://127.0.0.1:{port}/demo.git"

        returned = publisher.push(project, repo_name="demo", remote_url=remote_url)

        assert returned == remote_url
        assert Repo(base / "demo.git").commit("main").hexsha == sha
        assert not (publisher.remotes_dir / "demo.git").exists()

    def test_missing_repository_on_the_daemon_is_a_publish_error(
        self, publisher: GitPublisher, project: Path, git_daemon: tuple[Path, int]
    ) -> None:
        """A remote that does not exist fails with PublishError, not a GitPython exception."""
        _, port = git_daemon
        publisher.commit(project, message="Initial release", **AUTHOR)
        with pytest.raises(PublishError, match="could not push"):
            publisher.push(project, repo_name="x", remote_url=f"git://127.0.0.1:{port}/nope.git")


class TestCredentials:
    """Credentials in a remote URL never reach the repository or the error message."""

    def test_failed_push_hides_the_token_everywhere(
        self, publisher: GitPublisher, project: Path
    ) -> None:
        """Neither .git/config nor the PublishError contains the token from the URL."""
        publisher.commit(project, message="Initial release", **AUTHOR)
        closed_port = free_port()
        url = f"http://sdlc-bot:canary-token-77@127.0.0.1:{closed_port}/demo.git"

        with pytest.raises(PublishError) as caught:
            publisher.push(project, repo_name="demo", remote_url=url)

        assert "canary-token-77" not in str(caught.value)
        assert "canary-token-77" not in (project / ".git" / "config").read_text()
        assert f"127.0.0.1:{closed_port}/demo.git" in (project / ".git" / "config").read_text()

    def test_credentials_reach_the_remote_through_the_environment(
        self, publisher: GitPublisher, project: Path, git_http: tuple[Path, int]
    ) -> None:
        """A URL with user:token authenticates the push; the stored remote URL has no token."""
        base, port = git_http
        Repo.init(base / "demo.git", bare=True, initial_branch="main")
        sha = publisher.commit(project, message="Initial release", **AUTHOR)
        clean = f"http://127.0.0.1:{port}/demo.git"

        with_token = clean.replace("//", f"//{HTTP_USER}:{HTTP_TOKEN}@")

        returned = publisher.push(project, repo_name="demo", remote_url=with_token)

        assert returned == clean
        assert Repo(base / "demo.git").commit("main").hexsha == sha
        assert HTTP_TOKEN not in (project / ".git" / "config").read_text()

    def test_wrong_token_is_refused_without_showing_it(
        self, publisher: GitPublisher, project: Path, git_http: tuple[Path, int]
    ) -> None:
        """An authentication failure raises PublishError whose message omits the token."""
        base, port = git_http
        Repo.init(base / "demo.git", bare=True, initial_branch="main")
        publisher.commit(project, message="Initial release", **AUTHOR)
        url = f"http://{HTTP_USER}:wrong-token-55@127.0.0.1:{port}/demo.git"

        with pytest.raises(PublishError, match="could not push") as caught:
            publisher.push(project, repo_name="demo", remote_url=url)

        assert "wrong-token-55" not in str(caught.value)
        assert not Repo(base / "demo.git").heads

    def test_redact_replaces_userinfo(self) -> None:
        """redact() masks user:password in any URL inside a text."""
        text = "fatal: unable to access 'https://me:tok@github.com/o/r.git/': 403"
        assert redact(text) == "fatal: unable to access 'https://***@github.com/o/r.git/': 403"


def _released_then_regenerated(
    publisher: GitPublisher, project: Path, tmp_path: Path
) -> tuple[str, Path]:
    """Release ``project`` as "demo", then copy its files (not its history) to a new directory
    with one new file: a second generation of the same project. Returns the remote and the copy."""
    publisher.commit(project, message="Release 1", **AUTHOR)
    url = publisher.push(project, repo_name="demo")
    again = tmp_path / "again"
    shutil.copytree(project, again, ignore=shutil.ignore_patterns(".git"))
    (again / "NEW.md").write_text("new in release 2\n")
    return url, again


class TestContinueHistory:
    """A new workspace of an already released project builds on the previous release."""

    def test_a_fresh_project_commits_on_top_of_the_remote(
        self, publisher: GitPublisher, project: Path, tmp_path: Path
    ) -> None:
        """Second generation, new directory: its commit's parent is the first release."""
        url, again = _released_then_regenerated(publisher, project, tmp_path)
        first = Repo(url).commit("main").hexsha

        assert publisher.continue_history(again, repo_name="demo")
        second = publisher.commit(again, message="Release 2", **AUTHOR)
        publisher.push(again, repo_name="demo")

        head = Repo(url).commit("main")
        assert head.hexsha == second
        assert [parent.hexsha for parent in head.parents] == [first]
        assert set(head.stats.files) == {"NEW.md"}  # only the difference is recorded

    def test_unpushed_commits_of_an_unrelated_history_give_way(
        self, publisher: GitPublisher, project: Path, tmp_path: Path
    ) -> None:
        """A workspace that committed but never pushed (a failed release) still releases."""
        url, again = _released_then_regenerated(publisher, project, tmp_path)
        publisher.commit(again, message="Release 2, first try", **AUTHOR)

        assert publisher.continue_history(again, repo_name="demo")
        publisher.commit(again, message="Release 2", **AUTHOR)
        publisher.push(again, repo_name="demo")
        assert [c.summary for c in Repo(url).iter_commits("main")] == ["Release 2", "Release 1"]

    def test_no_remote_or_a_shared_history_is_left_alone(
        self, publisher: GitPublisher, project: Path
    ) -> None:
        """No remote yet: nothing to continue. A history the remote shares: never rewritten."""
        assert not publisher.continue_history(project, repo_name="never-pushed")
        publisher.commit(project, message="Release 1", **AUTHOR)
        publisher.push(project, repo_name="demo")
        assert not publisher.continue_history(project, repo_name="demo")
