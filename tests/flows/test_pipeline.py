"""The pipeline flow against a real Prefect API: pause on the form, resume from another thread.

Every test passes alone: what a test needs from an earlier run (cached agent results, a
workspace on disk) comes from a fixture, not from the tests before it.
"""

from __future__ import annotations

import json
import re
import shutil
import uuid
from pathlib import Path
from typing import Any

import git
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactCollectionFilter,
    ArtifactCollectionFilterKey,
    FlowRunFilter,
    FlowRunFilterId,
)
from prefect.flow_runs import resume_flow_run

from core.contracts import PipelineOutcome, PipelineRequest
from core.settings import get_settings
from flows.sdlc import sdlc_pipeline
from flows.stages import workspace_for
from tests.flows.runs import REQUEST, Run
from tests.flows.runs import artifact_keys as _artifact_keys
from tests.flows.runs import published as _published
from tests.flows.runs import workspace_root as _workspace

pytestmark = [pytest.mark.usefixtures("prefect_api"), pytest.mark.timeout(600)]

REJECTED_NAME = "library-rejected"


def _task_states(run: Run) -> dict[str, str]:
    flow_run = run.flow_run()
    assert flow_run is not None
    with get_client(sync_client=True) as client:
        tasks = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run.id]))
        )
    return {t.name.rsplit("-", 1)[0]: str(t.state.name) for t in tasks if t.state}


@pytest.fixture(scope="module")
def analysed_request() -> Path:
    """REQUEST run once to its approval timeout under REJECTED_NAME: every agent's result is in
    the cache and the workspace is on disk. Returns the workspace root.

    Module-scoped: the tests that use it leave both as they found them (a test that deletes
    the workspace has its own run regenerate it), so the cost is paid once per module.
    """
    run = Run(request=REQUEST, project_name=REJECTED_NAME, approval_timeout=1)
    assert run.finish().is_failed()  # nobody approved: nothing published
    workspace = _workspace(REJECTED_NAME)
    assert (workspace / "project" / "app" / "main.py").is_file()
    return workspace


class TestApprovalForm:
    """The approval form decides: a rejection, bad input or silence publish nothing."""

    def test_reject_ends_failed_and_publishes_nothing(self) -> None:
        """A rejection fails the run with the reviewer's reason; no commit, no remote."""
        run = Run(request=REQUEST, project_name=REJECTED_NAME, keep_deployment_running=False)
        paused = run.wait_paused()
        keys = _artifact_keys(paused.id)
        for agent in ("analysis", "code", "review", "devops", "validation"):
            assert f"{REJECTED_NAME}-{agent}" in keys
        resume_flow_run(
            paused.id, run_input={"approved": False, "reviewer": "bob", "comment": "not yet"}
        )
        state = run.finish()
        assert state.is_failed()
        assert state.message == "Rejected by bob: not yet"
        assert not _published(REJECTED_NAME)
        assert not (_workspace(REJECTED_NAME) / "project" / ".git").exists()

    def test_invalid_form_input_is_refused_and_the_run_stays_paused(self) -> None:
        """The server validates the form: missing or mistyped fields leave the run paused."""
        run = Run(request=REQUEST, project_name=REJECTED_NAME)
        paused = run.wait_paused()
        for bad in ({"approved": True}, {"approved": "perhaps", "reviewer": "x"}):
            with pytest.raises(RuntimeError, match="Cannot resume"):
                resume_flow_run(paused.id, run_input=bad)
        still = run.flow_run()
        assert still is not None
        assert still.state is not None
        assert still.state.is_paused()
        resume_flow_run(paused.id, run_input={"approved": False, "reviewer": "c", "comment": ""})
        assert run.finish().is_failed()
        assert not _published(REJECTED_NAME)

    def test_timeout_ends_failed_and_publishes_nothing(self) -> None:
        """Nobody answering within the approval timeout fails the run without publishing."""
        run = Run(request=REQUEST, project_name=REJECTED_NAME, approval_timeout=3)
        state = run.finish()
        assert state.is_failed()
        # The server fails an expired pause itself ("... never resumed"); either way it's Failed.
        assert re.search("timed out|never resumed", state.message or ""), state.message
        assert not _published(REJECTED_NAME)


class TestCache:
    """A re-run reuses cached agent results only while the files they describe exist."""

    @pytest.mark.usefixtures("analysed_request")
    def test_rerun_reuses_cached_agent_results(self) -> None:
        """The same request again: every agent task is a cache hit."""
        run = Run(request=REQUEST, project_name=REJECTED_NAME, approval_timeout=1)
        run.finish()
        states = _task_states(run)
        for agent in ("analyzer", "code-generator", "reviewer", "devops", "validator"):
            assert states.get(agent) == "Cached", states

    def test_a_deleted_workspace_is_regenerated_not_served_from_cache(
        self, analysed_request: Path
    ) -> None:
        """Cached results describe files: with the workspace gone, the agents run again."""
        shutil.rmtree(analysed_request)
        run = Run(request=REQUEST, project_name=REJECTED_NAME, approval_timeout=1)
        run.finish()
        states = _task_states(run)
        assert states["analyzer"] == "Cached"
        assert states["code-generator"] == "Completed"
        assert states["reviewer"] == "Completed"
        assert (analysed_request / "project" / "app" / "main.py").is_file()


class TestRelease:
    """An approval commits, pushes and deploys, and leaks no secret on the way."""

    def test_approve_commits_pushes_and_deploys(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """An approval releases: commit by the reviewer in the remote, app healthy, and a
        canary secret in the environment reaches no file, repository or artifact."""
        name = "library-approved"
        canary = "canary-" + uuid.uuid4().hex
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", canary)
        monkeypatch.setenv("AG2_SDLC_LLM_API_KEY", canary)
        run = Run(request=REQUEST, project_name=name, keep_deployment_running=False)
        paused = run.wait_paused()
        resume_flow_run(
            paused.id, run_input={"approved": True, "reviewer": "alice", "comment": "ship it"}
        )
        state = run.finish()
        assert state.is_completed(), state.message
        outcome = state.result()
        assert isinstance(outcome, PipelineOutcome)
        release = outcome.release
        assert release is not None
        assert release.published
        assert release.approval is not None
        assert release.approval.reviewer == "alice"
        assert release.deployment_status.status == "healthy"
        remote = git.Repo(get_settings().git_remotes_dir / f"{name}.git")
        head = remote.commit("main")
        assert head.hexsha == release.commit_sha
        assert "Approved-by: alice" in str(head.message)
        assert f"{name}-release" in _artifact_keys(paused.id)
        _assert_nowhere(canary, paused.id, get_settings().data_home)


def _assert_nowhere(secret: str, run_id: uuid.UUID, data_home: Path) -> None:
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id]))
        )
    assert artifacts
    assert all(secret not in str(a.data) for a in artifacts)
    for path in data_home.rglob("*"):
        if path.is_file() and "venv" not in path.parts:
            assert secret.encode() not in path.read_bytes(), path


class TestCsvFromS3:
    """A CSV request at an s3:// location is fetched through a block and planned."""

    def test_s3_csv_request_is_fetched_and_its_columns_become_the_plan(self) -> None:
        """A CSV request at s3:// (moto) is read through an AWS block; columns become fields."""
        from tests.servers import moto_bucket

        with moto_bucket("requests", block_name="moto-test") as s3:
            body = b"Title,Price,In Stock\nDune,9.5,yes\nEmma,7.25,no\n"
            s3.put_object(Bucket="requests", Key="shop/books.csv", Body=body)
            run = Run(
                csv_location="s3://requests/shop/books.csv",
                project_name="s3-books",
                aws_block="moto-test",
                approval_timeout=1,
            )
            state = run.finish(timeout=400)
        assert state.is_failed()  # nobody approved: nothing published
        flow_run = run.flow_run()
        assert flow_run is not None
        with get_client(sync_client=True) as client:
            artifact = client.read_latest_artifacts(
                artifact_filter=ArtifactCollectionFilter(
                    key=ArtifactCollectionFilterKey(any_=["s3-books-analysis-table"])
                )
            )
        assert artifact
        rows = artifact[0].data
        assert {row["source"] for row in json.loads(str(rows))} == {"Title", "Price", "In Stock"}
        fetched = _workspace_csv("s3-books", "s3://requests/shop/books.csv")
        assert fetched.read_bytes() == body
        assert not _published("s3-books")


def _workspace_csv(name: str, location: str) -> Path:
    root = workspace_for(
        PipelineRequest(input_type="csv", csv_location=location, project_name=name)
    ).root
    (found,) = (root / "input").rglob("*.csv")
    return found


class TestBadParameters:
    """Bad parameters fail the run in one sentence before anything is written."""

    @pytest.mark.parametrize(
        ("parameters", "sentence"),
        [
            ({"request": ""}, "Give exactly one of a request text or a CSV file"),
            ({"request": "   "}, "The request text is empty"),
            ({"request": "a todo api", "project_name": "../../etc"}, "Invalid project name"),
            ({"csv_location": "s3://b/../x.csv"}, "valid bucket name"),
        ],
    )
    def test_bad_parameters_fail_the_run_in_one_sentence(
        self, parameters: dict[str, Any], sentence: str
    ) -> None:
        """A deployment run with bad parameters ends Failed with the sentence; no workspace."""
        before = set(get_settings().workspaces_dir.glob("*"))
        state = sdlc_pipeline(**parameters, return_state=True)
        assert state.is_failed()
        assert sentence in (state.message or "")
        with pytest.raises(Exception, match=re.escape(sentence)):
            sdlc_pipeline(**parameters)
        assert set(get_settings().workspaces_dir.glob("*")) == before


class TestOneRunPerRequest:
    def test_a_second_run_of_a_request_in_progress_fails_in_one_sentence(self) -> None:
        """While another run holds the request's workspace, a run of the same request fails at
        once, naming that run, and writes nothing into the workspace."""
        text, name = "A tiny api to keep bookmarks with a url and a title.", "busy-bookmarks"
        workspace = workspace_for(PipelineRequest.from_inputs(text=text, name=name))
        with workspace.claimed("flow run first-one (42)"):
            state = sdlc_pipeline(request=text, project_name=name, return_state=True)
        assert state.is_failed()
        assert "Another run (flow run first-one (42)) is building this same request" in (
            state.message or ""
        )
        assert not workspace.root.exists()


class TestKinds:
    """An explicit project kind is honoured, and a re-release continues the remote's history."""

    def test_a_csv_ml_pipeline_releases_and_a_new_kind_continues_its_history(
        self, tmp_path: Path
    ) -> None:
        """project_kind=ml_pipeline on a CSV: its rows are the project's sample data and the
        approved model service is healthy. A second release of the same name (another kind,
        a new workspace) lands on top of the first in the remote, not beside it."""
        name = "churn-model"
        data = tmp_path / "churn.csv"
        rows = [f"{i},{12 + i % 30},{'yes' if i % 30 > 14 else 'no'}" for i in range(60)]
        data.write_text("customer_id,tenure,churned\n" + "\n".join(rows) + "\n")

        first = Run(
            csv_location=str(data),
            project_name=name,
            project_kind="ml_pipeline",
            keep_deployment_running=False,
        )
        resume_flow_run(first.wait_paused().id, run_input={"approved": True, "reviewer": "bob"})
        state = first.finish()
        assert state.is_completed(), state.message
        outcome = state.result()
        assert outcome.generated_code.project_kind == "ml_pipeline"
        assert outcome.analysis.dataset.target == "churned"
        shipped = Path(outcome.project_path) / "data" / "sample.csv"
        assert shipped.read_text().splitlines()[:3] == data.read_text().splitlines()[:3]
        assert outcome.release.deployment_status.status == "healthy"

        second = Run(
            request="Customers have a tenure and a churned flag.",
            project_name=name,
            project_kind="rest_api",
            deploy_target="none",
        )
        resume_flow_run(second.wait_paused().id, run_input={"approved": True, "reviewer": "carol"})
        state = second.finish()
        assert state.is_completed(), state.message
        remote = git.Repo(get_settings().git_remotes_dir / f"{name}.git")
        history = list(remote.iter_commits("main"))
        assert [c.hexsha for c in history] == [
            state.result().release.commit_sha,
            outcome.release.commit_sha,
        ]
        assert [str(c.author.name) for c in history] == ["carol", "bob"]
