"""The whole pipeline, approved, against the real servers and our fakes: FakeGitHub (with
`git http-backend` behind it), moto / gcp-storage-emulator / Azurite behind the release target
blocks, the local deployment; and the approval rules as the flow enforces them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from git import Repo
from prefect.blocks.notifications import CustomWebhookNotificationBlock
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    FlowRunFilter,
    FlowRunFilterId,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.flow_runs import resume_flow_run
from prefect_aws import AwsClientParameters, AwsCredentials
from prefect_azure import AzureBlobStorageCredentials
from prefect_gcp import GcpCredentials
from prefect_github import GitHubCredentials

from blocks import AwsReleaseTarget, AzureReleaseTarget, GcpReleaseTarget, GitHubTarget
from core.settings import get_settings
from tests.emulated import BUCKET, Emulated
from tests.fake_github import FakeState, fake_github
from tests.flows.runs import REQUEST, Run, artifact_keys, published
from tests.servers import fake_service_account, serving

pytestmark = [pytest.mark.usefixtures("prefect_api"), pytest.mark.timeout(900)]


class Receiver(BaseHTTPRequestHandler):
    """A loopback webhook receiver: records every POST body."""

    bodies: list[str]

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.bodies.append(self.rfile.read(length).decode())
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[str]]]:
    bodies: list[str] = []
    handler = type("Handler", (Receiver,), {"bodies": bodies})
    with serving(handler) as port:
        yield f"http://127.0.0.1:{port}/hook", bodies


def _release_block(cloud: str, request: pytest.FixtureRequest, canary: str) -> Emulated:
    """Save the cloud's release target block as "release-<cloud>"; the canary in its secret."""
    if cloud == "aws":
        emulated: Emulated = request.getfixturevalue("emulated_s3")
        endpoint = request.getfixturevalue("s3_endpoint")
        credentials = AwsCredentials(
            aws_access_key_id="testing",
            aws_secret_access_key=canary,  # moto takes any key
            region_name="us-east-1",
            aws_client_parameters=AwsClientParameters(endpoint_url=endpoint),
        )
        AwsReleaseTarget(credentials=credentials, bucket=BUCKET).save("release-aws", overwrite=True)
    elif cloud == "gcp":
        emulated = request.getfixturevalue("emulated_gcs")
        monkeypatch = request.getfixturevalue("monkeypatch")
        monkeypatch.setenv("STORAGE_EMULATOR_HOST", request.getfixturevalue("gcs_endpoint"))
        account = fake_service_account() | {"private_key_id": canary}
        GcpReleaseTarget(
            credentials=GcpCredentials(service_account_info=account, project="ag2-sdlc-test"),
            bucket=BUCKET,
        ).save("release-gcp", overwrite=True)
    else:
        emulated = request.getfixturevalue("emulated_azure")
        connection = request.getfixturevalue("azurite_connection")
        AzureReleaseTarget(
            credentials=AzureBlobStorageCredentials(connection_string=connection),
            container=BUCKET,
        ).save("release-azure", overwrite=True)
    return emulated


def _logs_and_artifacts(run_id: uuid.UUID) -> str:
    with get_client(sync_client=True) as client:
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])))
        artifacts = client.read_artifacts(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id]))
        )
        inputs = client.read_flow_run(run_id).model_dump_json()
    return "\n".join([*(log.message for log in logs), *(str(a.data) for a in artifacts), inputs])


class TestFullRelease:
    """Approved: repository created and pushed, CI followed to success, the bundle in the
    cloud's bucket with a matching manifest, the app healthy, all linked from the artifacts;
    a canary secret in the blocks appears in no log, artifact, form, file, commit or object."""

    @pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
    def test_approved_release_reaches_every_target(
        self, cloud: str, request: pytest.FixtureRequest, tmp_path: Path
    ) -> None:
        canary = "canary" + uuid.uuid4().hex
        name = f"library-{cloud}"
        emulated = _release_block(cloud, request, canary)
        with fake_github(tmp_path / "github", token=canary) as github:
            GitHubTarget(
                credentials=GitHubCredentials(token=canary), owner="acme", api_url=github.base
            ).save("github-fake", overwrite=True)
            run = Run(
                request=REQUEST,
                project_name=name,
                cloud_provider=cloud,
                github_block="github-fake",
                release_block=f"release-{cloud}",
                keep_deployment_running=False,
            )
            paused = run.wait_paused()
            resume_flow_run(
                paused.id, run_input={"approved": True, "reviewer": "alice", "comment": "ok"}
            )
            state = run.finish(timeout=600)
            assert state.is_completed(), state.message
            result = state.result().release
            self._assert_released(result, github, emulated, name)
            keys = artifact_keys(paused.id)
            for suffix in ("release", "repository", "ci", "bundle", "approval-audit"):
                assert f"{name}-{suffix}" in keys
            self._assert_nowhere(canary, paused.id, github, emulated, name)

    @staticmethod
    def _assert_released(result: Any, github: FakeState, emulated: Emulated, name: str) -> None:
        bare = Repo(github.bare(f"acme/{name}"))
        assert bare.commit("main").hexsha == result.commit_sha
        assert result.ci_conclusion == "success"
        assert result.deployment_status.status == "healthy"
        prefix = f"releases/{name}/{result.tag}/"
        stored = sorted(emulated.keys(prefix))
        assert len(stored) == 2
        manifest = json.loads(emulated.get(stored[0]))
        import hashlib

        assert manifest["archive"]["sha256"] == hashlib.sha256(emulated.get(stored[1])).hexdigest()
        assert {s.name: s.status for s in result.steps}["upload"] == "done"

    @staticmethod
    def _assert_nowhere(
        canary: str, run_id: uuid.UUID, github: FakeState, emulated: Emulated, name: str
    ) -> None:
        assert canary not in _logs_and_artifacts(run_id)
        for path in get_settings().data_home.rglob("*"):
            if path.is_file() and "venv" not in path.parts and path.suffix != ".db":
                assert canary.encode() not in path.read_bytes(), path
        bare = Repo(github.bare(f"acme/{name}"))
        assert canary not in bare.git.log("--all", "-p")
        for key in emulated.keys(f"releases/{name}/"):
            assert canary.encode() not in emulated.get(key)


class TestApprovalRulesInTheFlow:
    """The flow checks the form's answer: refusals end in one sentence with nothing published;
    the approvers hear about the pause exactly once, with the run's URL."""

    def test_pause_notifies_once_and_four_eyes_refuses_the_requester(
        self, webhook: tuple[str, list[str]]
    ) -> None:
        url, bodies = webhook
        CustomWebhookNotificationBlock(
            name="approvers", url=url, json_data={"text": "{{body}}"}, allow_private_urls=True
        ).save("approvers", overwrite=True)
        name = "library-four-eyes"
        run = Run(
            request=REQUEST,
            project_name=name,
            notify_block="custom-webhook/approvers",
            four_eyes=True,
            requested_by="alice",
        )
        paused = run.wait_paused()
        assert len(bodies) == 1
        assert str(paused.id) in bodies[0]
        resume_flow_run(paused.id, run_input={"approved": True, "reviewer": "Alice"})
        state = run.finish()
        assert state.is_failed()
        assert state.message == (
            "Alice requested this run and cannot also approve it (four eyes); "
            "nothing was published."
        )
        assert len(bodies) == 1
        assert not published(name)
        assert f"{name}-approval-audit" in artifact_keys(paused.id)

    def test_a_reviewer_outside_the_approvers_is_refused(
        self, request: pytest.FixtureRequest, tmp_path: Path
    ) -> None:
        """With GitHub and a bucket configured, a refused approval leaves no repository, no
        commit, no object and no deployment anywhere."""
        name = "library-approvers"
        emulated = _release_block("aws", request, "canary" + uuid.uuid4().hex)
        with fake_github(tmp_path / "github", token="refused-run-token") as github:
            GitHubTarget(
                credentials=GitHubCredentials(token="refused-run-token"),
                owner="acme",
                api_url=github.base,
            ).save("github-refused", overwrite=True)
            run = Run(
                request=REQUEST,
                project_name=name,
                approvers=["bob", "carol"],
                cloud_provider="aws",
                github_block="github-refused",
                release_block="release-aws",
            )
            paused = run.wait_paused()
            resume_flow_run(paused.id, run_input={"approved": True, "reviewer": "mallory"})
            state = run.finish()
        assert state.is_failed()
        assert state.message == (
            "mallory is not one of the approvers (bob, carol); nothing was published."
        )
        assert not published(name)
        assert github.repos == {}
        assert not github.bare(f"acme/{name}").exists()
        assert emulated.keys(f"releases/{name}/") == []
        assert not list(get_settings().deployments_dir.glob(f"{name}*"))


class TestKubernetesTarget:
    """deploy_target=kubernetes applies the released kit to the KubernetesTarget's cluster
    (FakeKubernetes, our recorded fake) and reports its health; the kubeconfig's token stays
    in the block."""

    def test_the_kit_is_applied_rolled_out_and_healthy(self) -> None:
        from blocks import KubernetesTarget
        from tests.fake_kubernetes import fake_kubernetes

        canary = "canary" + uuid.uuid4().hex
        name = "library-k8s"
        with fake_kubernetes(token=canary) as cluster:
            KubernetesTarget(kubeconfig=cluster.kubeconfig(), namespace="library-staging").save(
                "cluster-fake", overwrite=True
            )
            run = Run(
                request=REQUEST,
                project_name=name,
                deploy_target="kubernetes",
                kubernetes_block="cluster-fake",
            )
            paused = run.wait_paused()
            resume_flow_run(paused.id, run_input={"approved": True, "reviewer": "alice"})
            state = run.finish()
        assert state.is_completed(), state.message
        status = state.result().release.deployment_status
        assert status.target == "kubernetes"
        assert status.status == "healthy", status.detail
        kinds = {path.split("/")[-2] for method, path, _ in cluster.requests if method == "PATCH"}
        assert {"deployments", "services", "configmaps"} <= kinds
        assert all(ns == "library-staging" for ns, _, _ in cluster.objects)
        assert canary not in _logs_and_artifacts(paused.id)
