"""GitRemote: the push URL it builds, and a token that authenticates pushes but is never logged.

The release tests push over HTTPS to `git http-backend` on loopback (a self-signed certificate
made here, trusted through ``GIT_SSL_CAINFO``) behind basic authentication, through a flow that
loads the block and runs the real release task.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import ssl
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from git import Repo
from prefect import flow, get_run_logger
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
from prefect.logging.handlers import APILogHandler
from pydantic import SecretStr

from blocks import GitRemote, load_remote_url
from core.contracts import (
    Approval,
    GateResult,
    RequestOptions,
    ValidationReport,
    ValidationResults,
)
from core.errors import PublishError
from tasks.validator import release_project
from tests.git_servers import HTTP_TOKEN, HTTP_USER, GitHttpBackend, make_project
from tests.servers import serving

PASSED = GateResult(passed=True, summary="passed")
READY = ValidationReport(
    validation_results=ValidationResults(
        code_quality=PASSED, infrastructure=PASSED, security=PASSED, ready_for_deployment=True
    ),
    summary_markdown="All gates passed.",
)


class TestUrlFor:
    """The token goes into HTTPS URLs only, percent-encoded; every other URL is left as is."""

    def test_https_with_a_token_embeds_user_and_token(self) -> None:
        """An HTTPS template with a token gives user:token@host and the project's path."""
        remote = GitRemote(
            url_template="https://github.com/acme/{name}.git", token=SecretStr("ghp_canary")
        )
        assert (
            remote.url_for("shop") == "https://x-access-token:ghp_canary@github.com/acme/shop.git"
        )

    def test_user_and_token_are_percent_encoded_and_the_port_is_kept(self) -> None:
        """Characters that would end the user or host part are encoded; host:port survives."""
        remote = GitRemote(
            url_template="https://git.example.com:8443/team/{name}.git",
            username="bot@acme",
            token=SecretStr("a/b:c@d"),
        )
        assert (
            remote.url_for("shop")
            == "https://bot%40acme:a%2Fb%3Ac%40d@git.example.com:8443/team/shop.git"
        )

    @pytest.mark.parametrize(
        "template",
        [
            "http://git.example.com/team/{name}.git",
            "ssh://git@git.example.com/team/{name}.git",
            "git@github.com:acme/{name}.git",
        ],
    )
    def test_a_token_never_goes_into_a_url_that_is_not_https(self, template: str) -> None:
        """Plain HTTP, SSH and scp-style remotes come back unchanged, token or not."""
        remote = GitRemote(url_template=template, token=SecretStr("ghp_canary"))
        assert remote.url_for("shop") == template.format(name="shop")

    def test_without_a_token_the_url_is_the_template(self) -> None:
        """No token, nothing embedded, even over HTTPS."""
        remote = GitRemote(url_template="https://github.com/acme/{name}.git")
        assert remote.url_for("shop") == "https://github.com/acme/shop.git"

    def test_the_block_hides_its_token_when_shown(self) -> None:
        """The block's repr and str, and its JSON dump, never show the token."""
        remote = GitRemote(url_template="https://h/{name}.git", token=SecretStr("ghp_canary"))
        for shown in (repr(remote), str(remote), remote.model_dump_json()):
            assert "ghp_canary" not in shown


@pytest.mark.usefixtures("prefect_api")
class TestLoadRemoteUrl:
    """The flow's way to the push URL: a SecretStr from a saved block, or None."""

    def test_no_block_name_means_the_local_remote(self) -> None:
        """An empty block name gives None: releases go to the local bare repository."""
        assert load_remote_url("", "shop") is None

    def test_a_saved_block_gives_a_secret_url_that_hides_the_token(self) -> None:
        """The URL with the token comes back as a SecretStr: its repr and str show no token."""
        token = f"canary-{uuid.uuid4().hex}"
        GitRemote(url_template="https://git.example.com/acme/{name}.git", token=token).save(
            "load-test-remote", overwrite=True
        )
        url = load_remote_url("load-test-remote", "shop")
        assert isinstance(url, SecretStr)
        assert (
            url.get_secret_value()
            == f"https://x-access-token:{token}@git.example.com/acme/shop.git"
        )
        assert token not in repr(url)
        assert token not in str(url)
        assert token not in f"{url}"


def _self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@pytest.fixture
def git_https(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, int]]:
    """`git http-backend` over HTTPS on 127.0.0.1, trusted by git; yields its root and port."""
    root = tmp_path / "https"
    root.mkdir()
    cert_file, key_file = _self_signed_certificate(tmp_path)
    monkeypatch.setenv("GIT_SSL_CAINFO", str(cert_file))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    handler = type("Handler", (GitHttpBackend,), {"project_root": root})
    with serving(handler, tls=context) as port:
        yield root, port


@flow(name="release-through-a-git-remote")
def release_through_block(block_name: str, project_name: str, project_dir: str) -> str:
    """Load the push URL from the block and release the way the pipeline does, logging each
    step (the URL included, as a careless caller might)."""
    logger = get_run_logger()
    remote_url = load_remote_url(block_name, project_name)
    logger.info("Releasing %s to %s (%r)", project_name, remote_url, remote_url)
    approval = Approval(approved=True, reviewer="alice", decided_at=dt.datetime.now(dt.UTC))
    try:
        result = release_project(
            READY,
            approval,
            project_name,
            project_dir,
            project_dir + "-venv",
            "/health",
            RequestOptions(deploy_target="none"),
            remote_url,
        )
    except PublishError as exc:
        logger.error("Release failed: %s", exc)
        return "failed"
    logger.info("Released %s as %s", result.git_repository, result.commit_sha)
    return str(result.git_repository)


def _run_logs(flow_run_id: uuid.UUID | None) -> list[str]:
    assert flow_run_id is not None
    APILogHandler().flush()  # send the run's queued log lines before reading them back
    with get_client(sync_client=True) as client:
        logs = client.read_logs(
            log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id]))
        )
    return [log.message for log in logs]


@pytest.mark.usefixtures("prefect_api")
class TestTokenNeverLogged:
    """A release through a token-bearing GitRemote logs no line that holds the token."""

    def test_a_successful_push_uses_the_token_and_logs_none_of_it(
        self,
        tmp_path: Path,
        git_https: tuple[Path, int],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """The token authenticates the push; neither the run's logs nor any Python log line
        (debug included) contains it."""
        root, port = git_https
        Repo.init(root / "shop.git", bare=True, initial_branch="main")
        GitRemote(
            url_template=f"https://127.0.0.1:{port}/{{name}}.git",
            username=HTTP_USER,
            token=HTTP_TOKEN,
        ).save("release-test-remote", overwrite=True)
        project = make_project(tmp_path / "project")
        caplog.set_level(logging.DEBUG)

        state = release_through_block(
            "release-test-remote", "shop", str(project), return_state=True
        )

        assert state.is_completed(), state.message
        assert state.result() == f"https://127.0.0.1:{port}/shop.git"
        assert Repo(root / "shop.git").commit("main").author.name == "alice"
        logs = _run_logs(state.state_details.flow_run_id)
        assert "Releasing shop to ********** (SecretStr('**********'))" in logs, logs
        assert any(line.startswith("Released https://127.0.0.1:") for line in logs), logs
        assert not [line for line in logs if HTTP_TOKEN in line]
        assert caplog.records
        assert HTTP_TOKEN not in caplog.text
        assert HTTP_TOKEN not in (project / ".git" / "config").read_text()

    def test_a_refused_push_logs_the_failure_without_the_token(
        self,
        tmp_path: Path,
        git_https: tuple[Path, int],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """A wrong token fails the push; the failure, retries and traceback show no token."""
        root, port = git_https
        Repo.init(root / "shop.git", bare=True, initial_branch="main")
        wrong = f"canary-{uuid.uuid4().hex}"
        GitRemote(
            url_template=f"https://127.0.0.1:{port}/{{name}}.git",
            username=HTTP_USER,
            token=wrong,
        ).save("refused-test-remote", overwrite=True)
        project = make_project(tmp_path / "project")
        caplog.set_level(logging.DEBUG)

        state = release_through_block(
            "refused-test-remote", "shop", str(project), return_state=True
        )

        assert state.result() == "failed"
        assert not Repo(root / "shop.git").heads
        logs = _run_logs(state.state_details.flow_run_id)
        assert any(line.startswith("Release failed: ") for line in logs), logs
        assert not [line for line in logs if wrong in line]
        assert "Release failed: " in caplog.text
        assert wrong not in caplog.text
