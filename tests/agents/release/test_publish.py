"""The release steps against real servers: bare git remotes, moto, gcp-storage-emulator,
Azurite, and FakeGitHub (our own stateful fake of the GitHub REST API, `git http-backend`
behind it). No Prefect here: the flow-level rules are in tests/flows/test_release_rules.py.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tarfile
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from git import Repo

from agents.release import (
    ApprovalRules,
    BundlePlan,
    GitHubPlan,
    ReleaseFailed,
    ReleasePlan,
    release,
)
from core.contracts import (
    Approval,
    GateResult,
    ReleaseResult,
    ValidationReport,
    ValidationResults,
)
from core.errors import ApprovalDenied
from services.bundle import sha256_of
from services.git import GitPublisher
from services.github import GitHubService
from services.storage import StorageClients
from tests.emulated import BUCKET, FAKE_AWS, Emulated
from tests.fake_github import FakeState, fake_github, refuse_pushes
from tests.git_servers import make_project
from tests.servers import Fault, Reply, fault_proxy

PASSED = GateResult(passed=True, summary="passed")
FAILED = GateResult(passed=False, summary="failed")


def report(*, ready: bool = True) -> ValidationReport:
    gate = PASSED if ready else FAILED
    return ValidationReport(
        validation_results=ValidationResults(
            code_quality=gate, infrastructure=PASSED, security=PASSED, ready_for_deployment=ready
        ),
        summary_markdown="## Review summary\nAll gates passed.",
    )


def approval(reviewer: str = "alice", comment: str = "ship it", **more: object) -> Approval:
    return Approval(
        approved=True, reviewer=reviewer, comment=comment, decided_at=datetime.now(UTC), **more
    )


def project(root: Path) -> Path:
    """A small project with the generated CI workflow (dispatchable, as the kit writes it)."""
    make_project(root)
    workflows = root / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text("name: ci\non:\n  push:\n  workflow_dispatch:\n")
    return root


@pytest.fixture
def name() -> str:
    return f"shop-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def git(tmp_path: Path) -> GitPublisher:
    return GitPublisher(remotes_dir=tmp_path / "remotes")


TOKEN = "ghp_canary" + uuid.uuid4().hex


@pytest.fixture
def github(tmp_path: Path) -> Iterator[FakeState]:
    with fake_github(tmp_path / "github", token=TOKEN) as state:
        yield state


def gh_plan(state: FakeState, waits: list[float] | None = None) -> GitHubPlan:
    sleep = waits.append if waits is not None else lambda seconds: None
    service = GitHubService(token=TOKEN, owner="acme", api_url=state.base, sleep=sleep)
    return GitHubPlan(service=service)


def plan(directory: Path, name: str, git: GitPublisher, **more: object) -> ReleasePlan:
    return ReleasePlan(
        project_dir=directory,
        project_name=name,
        git=git,
        bundle_dir=directory.parent / "release",
        run_url="http://127.0.0.1:4200/runs/flow-run/1234",
        review_summary=report().summary_markdown,
        **more,  # type: ignore[arg-type]
    )


def steps(result: ReleaseResult) -> dict[str, str]:
    return {s.name: s.status for s in result.steps}


class TestLocalDefaults:
    """Without any block the release completes on a bare repository and says what it skipped."""

    def test_commit_carries_the_approval_as_trailers_and_the_tag_is_pushed(
        self, tmp_path: Path, name: str, git: GitPublisher
    ) -> None:
        """Approved-by, Approval-comment and Run-URL trailers; v0.1.0 on the remote."""
        directory = project(tmp_path / "p")
        result = release(report(), approval(), plan(directory, name, git))
        remote = Repo(git.remotes_dir / f"{name}.git")
        head = remote.commit("main")
        assert head.hexsha == result.commit_sha
        trailers = str(head.message)
        assert "Approved-by: alice\n" in trailers
        assert "Approval-comment: ship it\n" in trailers
        assert "Run-URL: http://127.0.0.1:4200/runs/flow-run/1234\n" in trailers
        assert result.tag == "v0.1.0"
        assert remote.tags["v0.1.0"].commit.hexsha == result.commit_sha
        assert "debug.log" not in remote.git.ls_tree("-r", "--name-only", "main")

    def test_every_step_is_listed_done_or_skipped_with_why(
        self, tmp_path: Path, name: str, git: GitPublisher
    ) -> None:
        """repository, upload and CI are skipped with a reason; commit, tag, bundle, push done."""
        result = release(report(), approval(), plan(project(tmp_path / "p"), name, git))
        assert steps(result) == {
            "repository": "skipped",
            "commit": "done",
            "tag": "done",
            "bundle": "done",
            "push": "done",
            "pull_request": "skipped",
            "upload": "skipped",
            "ci": "skipped",
            "deploy": "skipped",
        }
        assert all(s.detail for s in result.steps)

    def test_the_bundle_manifest_matches_the_archive_at_the_tag(
        self, tmp_path: Path, name: str, git: GitPublisher
    ) -> None:
        """The manifest's archive sum is the archive's; every file's sum is its content's."""
        directory = project(tmp_path / "p")
        result = release(report(), approval(), plan(directory, name, git))
        bundle = tmp_path / "release"
        manifest = json.loads((bundle / f"{name}-v0.1.0.manifest.json").read_text())
        archive = bundle / manifest["archive"]["name"]
        assert manifest["archive"]["sha256"] == sha256_of(archive)
        assert result.manifest_sha256 == sha256_of(bundle / f"{name}-v0.1.0.manifest.json")
        paths = {f["path"] for f in manifest["files"]}
        assert {"app/main.py", ".gitignore", ".github/workflows/ci.yml"} <= paths
        assert "debug.log" not in paths  # the repository at the tag, not the directory
        with tarfile.open(archive) as tar:
            assert f"{name}-v0.1.0/app/main.py" in tar.getnames()

    def test_releasing_the_same_project_twice_changes_nothing(
        self, tmp_path: Path, name: str, git: GitPublisher
    ) -> None:
        """The second release makes no commit and no tag: the same sha, the same v0.1.0."""
        directory = project(tmp_path / "p")
        first = release(report(), approval(), plan(directory, name, git))
        second = release(report(), approval(), plan(directory, name, git))
        assert second.commit_sha == first.commit_sha
        assert second.tag == "v0.1.0"
        assert steps(second)["commit"] == "skipped"
        remote = Repo(git.remotes_dir / f"{name}.git")
        assert len(list(remote.iter_commits("main"))) == 1
        assert [t.name for t in remote.tags] == ["v0.1.0"]

    def test_a_changed_project_gets_the_next_tag(
        self, tmp_path: Path, name: str, git: GitPublisher
    ) -> None:
        """A change released again is v0.1.1, on top of v0.1.0."""
        directory = project(tmp_path / "p")
        release(report(), approval(), plan(directory, name, git))
        (directory / "app" / "main.py").write_text("print('hello again')\n")
        second = release(report(), approval(reviewer="bob"), plan(directory, name, git))
        assert second.tag == "v0.1.1"
        remote = Repo(git.remotes_dir / f"{name}.git")
        assert len(list(remote.iter_commits("main"))) == 2


class TestApprovalRules:
    """Refused approvals raise before anything is written: no commit, no remote."""

    @pytest.mark.parametrize(
        ("decision", "rules", "ready", "sentence"),
        [
            (approval(), ApprovalRules(), False, "override ticked and a comment of at least 20"),
            (
                approval(override=True, comment="too short"),
                ApprovalRules(),
                False,
                "at least 20 characters",
            ),
            (
                approval(reviewer="mallory"),
                ApprovalRules(approvers=("alice", "bob")),
                True,
                "mallory is not one of the approvers (alice, bob)",
            ),
            (
                approval(requested_by="Alice"),
                ApprovalRules(four_eyes=True),
                True,
                "alice requested this run and cannot also approve it",
            ),
            (approval(), ApprovalRules(four_eyes=True), True, "does not say who requested it"),
            (
                Approval(approved=False, reviewer="bob", decided_at=datetime.now(UTC)),
                ApprovalRules(),
                True,
                "without an explicit approval",
            ),
        ],
    )
    def test_refused_in_one_sentence_and_nothing_is_written(
        self,
        tmp_path: Path,
        name: str,
        git: GitPublisher,
        decision: Approval,
        rules: ApprovalRules,
        ready: bool,
        sentence: str,
    ) -> None:
        directory = project(tmp_path / "p")
        with pytest.raises(ApprovalDenied) as caught:
            release(report(ready=ready), decision, plan(directory, name, git), rules=rules)
        text = str(caught.value)
        assert sentence.casefold() in text.casefold(), text
        assert text.endswith(".")
        assert "\n" not in text
        assert not (directory / ".git").exists()
        assert not (git.remotes_dir / f"{name}.git").exists()

    def test_an_override_with_a_reason_releases_and_is_recorded(
        self, tmp_path: Path, name: str, git: GitPublisher
    ) -> None:
        """Not ready, override ticked, a 20+ character comment: released, the override a trailer."""
        decision = approval(override=True, comment="Known flaky lint rule; tracked in #42.")
        result = release(report(ready=False), decision, plan(project(tmp_path / "p"), name, git))
        message = str(Repo(git.remotes_dir / f"{name}.git").commit("main").message)
        assert "Approval-override:" in message
        assert result.approval is not None
        assert result.approval.override

    def test_an_allowed_approver_under_four_eyes_releases(
        self, tmp_path: Path, name: str, git: GitPublisher
    ) -> None:
        rules = ApprovalRules(approvers=("Alice", "bob"), four_eyes=True)
        decision = approval(reviewer="alice", requested_by="carol")
        result = release(report(), decision, plan(project(tmp_path / "p"), name, git), rules=rules)
        assert result.published


class TestBundleUpload:
    """The bundle goes to each cloud's bucket once; re-uploading the same release is a no-op."""

    def test_uploaded_with_a_matching_manifest_then_unchanged(
        self, tmp_path: Path, name: str, git: GitPublisher, emulated: Emulated
    ) -> None:
        directory = project(tmp_path / "p")
        bundle = BundlePlan(clients=emulated.clients, prefix=emulated.url("releases"))
        first = release(report(), approval(), plan(directory, name, git, bundle=bundle))
        prefix = f"releases/{name}/v0.1.0/"
        stored = sorted(emulated.keys(prefix))
        assert stored == [
            f"{prefix}{name}-v0.1.0.manifest.json",
            f"{prefix}{name}-v0.1.0.tar.gz",
        ]
        manifest = json.loads(emulated.get(stored[0]))
        archive = emulated.get(stored[1])
        assert manifest["archive"]["sha256"] == hashlib.sha256(archive).hexdigest()
        assert first.bundle_location == emulated.url(prefix.rstrip("/"))
        assert "uploaded" in next(s.detail for s in first.steps if s.name == "upload")
        before = {key: emulated.metadata(key) for key in stored}

        second = release(report(), approval(), plan(directory, name, git, bundle=bundle))
        detail = next(s.detail for s in second.steps if s.name == "upload")
        assert detail.count("unchanged") == 2, detail
        assert sorted(emulated.keys(prefix)) == stored
        assert {key: emulated.metadata(key) for key in stored} == before


class TestGitHub:
    """Repository, push, default branch, CI followed to success; a re-release opens a PR."""

    def test_created_pushed_and_ci_followed_to_success(
        self, tmp_path: Path, name: str, git: GitPublisher, github: FakeState
    ) -> None:
        result = release(
            report(), approval(), plan(project(tmp_path / "p"), name, git, github=gh_plan(github))
        )
        assert ("POST", "/orgs/acme/repos") in github.requests
        bare = Repo(github.bare(f"acme/{name}"))
        assert bare.commit("main").hexsha == result.commit_sha
        assert bare.tags["v0.1.0"].commit.hexsha == result.commit_sha
        assert result.ci_conclusion == "success"
        assert result.ci_run_url
        assert result.ci_run_url.startswith(github.base)
        assert result.git_repository == f"{github.base}/git/acme/{name}.git"
        assert steps(result)["ci"] == "done"

    def test_the_same_release_twice_creates_and_dispatches_nothing_new(
        self, tmp_path: Path, name: str, git: GitPublisher, github: FakeState
    ) -> None:
        directory = project(tmp_path / "p")
        first = release(report(), approval(), plan(directory, name, git, github=gh_plan(github)))
        second = release(report(), approval(), plan(directory, name, git, github=gh_plan(github)))
        assert github.requests.count(("POST", "/orgs/acme/repos")) == 1
        assert sum(1 for m, p in github.requests if p.endswith("/dispatches")) == 1
        assert second.commit_sha == first.commit_sha
        assert second.ci_run_url == first.ci_run_url
        assert len(list(Repo(github.bare(f"acme/{name}")).iter_commits("main"))) == 1
        assert second.pull_request_url is None

    def test_a_changed_re_release_opens_a_pull_request_and_leaves_main(
        self, tmp_path: Path, name: str, git: GitPublisher, github: FakeState
    ) -> None:
        directory = project(tmp_path / "p")
        first = release(report(), approval(), plan(directory, name, git, github=gh_plan(github)))
        (directory / "app" / "main.py").write_text("print('v2')\n")
        second = release(report(), approval(), plan(directory, name, git, github=gh_plan(github)))
        bare = Repo(github.bare(f"acme/{name}"))
        assert bare.commit("main").hexsha == first.commit_sha  # main untouched
        assert bare.commit("release/v0.1.1").hexsha == second.commit_sha
        assert second.pull_request_url == f"{github.base}/acme/{name}/pull/1"
        (pull,) = github.pulls[f"acme/{name}"]
        assert pull["body"].startswith("## Review summary")
        assert second.ci_conclusion == "success"

    def test_rate_limit_answers_are_waited_out_as_the_server_says(
        self, tmp_path: Path, name: str, git: GitPublisher, github: FakeState
    ) -> None:
        """A 429 with Retry-After: 7 and a 403 with the limit spent are retried after the waits
        they name; the release completes."""
        github.answers += [
            (429, {"Retry-After": "7"}),
            (403, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "0"}),
        ]
        waits: list[float] = []
        directory = project(tmp_path / "p")
        result = release(
            report(), approval(), plan(directory, name, git, github=gh_plan(github, waits))
        )
        assert result.ci_conclusion == "success"
        assert waits[:2] == [7.0, 0.0]

    def test_a_refused_push_ends_in_one_sentence_with_nothing_released(
        self, tmp_path: Path, name: str, git: GitPublisher, github: FakeState, emulated_s3: Emulated
    ) -> None:
        """The remote's hook refuses the push: no commit on the remote, no object, no CI run."""
        service = gh_plan(github).service
        service.ensure_repository(name, visibility="private", description="")
        refuse_pushes(github, f"acme/{name}")
        bundle = BundlePlan(clients=emulated_s3.clients, prefix=emulated_s3.url("refused"))
        directory = project(tmp_path / "p")
        with pytest.raises(ReleaseFailed) as caught:
            release(
                report(),
                approval(),
                plan(directory, name, git, github=gh_plan(github), bundle=bundle),
            )
        text = str(caught.value)
        assert "refused the push" in text
        assert text.endswith(".")
        assert "\n" not in text
        assert TOKEN not in text
        assert [s.status for s in caught.value.steps][-1] == "failed"
        assert not Repo(github.bare(f"acme/{name}")).heads
        assert emulated_s3.keys(f"refused/{name}") == []
        assert not github.runs


class TestCanary:
    """A canary secret in every credential reaches no log, result, commit, file or object."""

    def test_the_token_and_keys_appear_nowhere(
        self,
        tmp_path: Path,
        name: str,
        git: GitPublisher,
        github: FakeState,
        emulated_s3: Emulated,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        caplog.set_level(logging.DEBUG)
        directory = project(tmp_path / "p")
        bundle = BundlePlan(clients=emulated_s3.clients, prefix=emulated_s3.url("canary"))
        result = release(
            report(),
            approval(),
            plan(directory, name, git, github=gh_plan(github), bundle=bundle),
        )
        secret = TOKEN.encode()
        assert TOKEN not in caplog.text
        assert TOKEN not in result.model_dump_json()
        for path in tmp_path.rglob("*"):
            if path.is_file():
                assert secret not in path.read_bytes(), path
        assert all(TOKEN not in body for body in github.bodies)
        for key in emulated_s3.keys(f"canary/{name}"):
            assert secret not in emulated_s3.get(key)


def fail_first_puts(failures: int, puts: list[str]) -> Fault:
    """Records every object PUT; answers the first ``failures`` of them with S3's HTTP 500."""
    left = [failures]

    def fault(method: str, path: str, forward: Callable[[], Reply]) -> Reply:
        if method == "PUT":
            puts.append(path)
            if left[0] > 0:
                left[0] -= 1
                error = b"<Error><Code>InternalError</Code><Message>boom</Message></Error>"
                return Reply(500, error, {"Content-Type": "application/xml"})
        return forward()

    return fault


class TestTransientFailures:
    def test_an_s3_500_twice_is_retried_and_the_release_completes(
        self, tmp_path: Path, name: str, git: GitPublisher, s3_endpoint: str, emulated_s3: Emulated
    ) -> None:
        """moto behind a proxy that fails the first two PUTs with 500: both objects land."""
        puts: list[str] = []
        with fault_proxy(s3_endpoint, fail_first_puts(2, puts)) as proxy:
            client = boto3.client("s3", endpoint_url=proxy, region_name="us-east-1", **FAKE_AWS)
            bundle = BundlePlan(clients=StorageClients(s3=client), prefix=f"s3://{BUCKET}/flaky")
            result = release(
                report(), approval(), plan(project(tmp_path / "p"), name, git, bundle=bundle)
            )
        assert {s.name: s.status for s in result.steps}["upload"] == "done"
        archive = f"/{BUCKET}/flaky/{name}/v0.1.0/{name}-v0.1.0.tar.gz"
        assert puts.count(archive) == 3  # two 500s, then the upload
        assert len(emulated_s3.keys(f"flaky/{name}/")) == 2
