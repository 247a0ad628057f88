"""Storage emulators on loopback for the tests: moto (S3), gcp-storage-emulator (GCS), Azurite.

Each helper is a context manager that starts one emulator on a free 127.0.0.1 port, waits a
bounded time for it to answer HTTP, yields what a client needs to reach it, and stops it. Test
modules wrap them in session-scoped fixtures so each emulator starts once per session.
``fault_proxy`` puts a fault injector of our own in front of any of them (or of the Prefect
test server).
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import os
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from services.processes import free_port, log_tail, process_alive, spawn_detached, stop_process

REPO_ROOT = Path(__file__).resolve().parent.parent
AZURITE_BLOB = REPO_ROOT / "node_modules" / ".bin" / "azurite-blob"
STARTUP_SECONDS = 30.0

# Azurite's development account is documented public test data, the same on every install:
# https://learn.microsoft.com/azure/storage/common/storage-use-azurite#well-known-storage-account-and-key
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


class EmulatorFailed(RuntimeError):
    """An emulator did not start within its time limit; the message says what it printed."""


def wait_for_http(
    port: int, *, timeout: float = STARTUP_SECONDS, alive: Callable[[], bool] = lambda: True
) -> float:
    """Poll ``127.0.0.1:port`` until any HTTP answer arrives; return the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if not alive():
            raise EmulatorFailed(f"the emulator on port {port} exited while starting")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/")
            connection.getresponse().read()
            return time.monotonic() - started
        except OSError:
            time.sleep(0.05)
        finally:
            connection.close()
    raise EmulatorFailed(f"nothing answered HTTP on 127.0.0.1:{port} within {timeout:.0f} s")


@contextlib.contextmanager
def serving(
    handler: type[BaseHTTPRequestHandler], *, tls: ssl.SSLContext | None = None
) -> Iterator[int]:
    """Serve ``handler`` on a free loopback port from a thread of this process (over TLS with
    ``tls``); yields the port. On the way out the server stops, its socket closes and its thread
    ends, so nothing of one test answers in the next."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    # A short poll: ``shutdown`` waits for the loop's next look (half a second by default).
    loop = {"poll_interval": 0.05}
    thread = threading.Thread(target=server.serve_forever, kwargs=loop, name=handler.__name__)
    thread.daemon = True
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _start_in_thread(start: Callable[[], None], *, name: str) -> None:
    """Run a blocking ``start()`` with a time limit (both servers wait forever on a bind error)."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start()
        except BaseException as exc:  # noqa: BLE001 - reported to the caller below
            errors.append(exc)

    starter = threading.Thread(target=run, name=f"start-{name}", daemon=True)
    starter.start()
    starter.join(STARTUP_SECONDS)
    if errors:
        raise EmulatorFailed(f"{name} failed to start: {errors[0]}") from errors[0]
    if starter.is_alive():
        raise EmulatorFailed(f"{name} did not start within {STARTUP_SECONDS:.0f} s")


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """moto's S3 (and every other AWS service) in this process; yields the endpoint URL."""
    from moto.server import ThreadedMotoServer

    # werkzeug logs every request at INFO; keep test output readable.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    _start_in_thread(server.start, name="moto")
    try:
        wait_for_http(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@contextlib.contextmanager
def moto_bucket(bucket: str, *, block_name: str) -> Iterator[Any]:
    """moto with ``bucket`` created and an ``AwsCredentials`` block named ``block_name`` saved
    (needs a Prefect API) that points at it; yields a boto3 S3 client for the test's own use."""
    import boto3
    from prefect_aws import AwsClientParameters, AwsCredentials

    with moto_server() as endpoint:
        keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}  # any key
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **keys)
        s3.create_bucket(Bucket=bucket)
        AwsCredentials(
            **keys,
            region_name="us-east-1",
            aws_client_parameters=AwsClientParameters(endpoint_url=endpoint),
        ).save(block_name, overwrite=True)
        yield s3


@contextlib.contextmanager
def gcs_emulator() -> Iterator[str]:
    """gcp-storage-emulator in this process, in memory; yields the endpoint URL."""
    from gcp_storage_emulator.server import create_server

    # The emulator logs every request at INFO; keep test output readable.
    logging.getLogger("gcp_storage_emulator").setLevel(logging.WARNING)
    port = free_port()
    server = create_server("127.0.0.1", port, in_memory=True)
    _start_in_thread(server.start, name="gcp-storage-emulator")
    try:
        wait_for_http(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def azurite_connection_string(port: int) -> str:
    """The connection string of Azurite's development account on ``port``."""
    return (
        "DefaultEndpointsProtocol=http;"
        f"AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};"
        f"BlobEndpoint=http://127.0.0.1:{port}/{AZURITE_ACCOUNT};"
    )


@contextlib.contextmanager
def azurite(workdir: Path) -> Iterator[str]:
    """Azurite's blob service from npm; yields its connection string.

    Raises:
        FileNotFoundError: Azurite is not installed (``npm ci`` at the repository root).
    """
    if not AZURITE_BLOB.is_file():
        raise FileNotFoundError(f"{AZURITE_BLOB} is missing: run `npm ci` at the repository root")
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_file = workdir / "azurite.log"
    # --skipApiVersionCheck: the installed azure-storage-blob speaks a newer API version than
    # Azurite knows and would be refused otherwise.
    argv = [
        str(AZURITE_BLOB),
        "--blobHost",
        "127.0.0.1",
        "--blobPort",
        str(port),
        "--inMemoryPersistence",
        "--disableTelemetry",
        "--skipApiVersionCheck",
        "--silent",
    ]
    process = spawn_detached(argv, env=os.environ, log_file=log_file, cwd=workdir)
    try:
        try:
            wait_for_http(port, alive=lambda: process_alive(process.pid))
        except EmulatorFailed as exc:
            raise EmulatorFailed(f"{exc}; Azurite said: {log_tail(log_file)}") from exc
        yield azurite_connection_string(port)
    finally:
        stop_process(process.pid, grace=5.0)


@contextlib.contextmanager
def fake_google_token_endpoint() -> Iterator[str]:
    """A fake of Google's OAuth token endpoint, ours (nothing real installs): it answers every
    POST with a bearer token, so a service-account ``GcpCredentials`` block can refresh its
    credentials offline. The storage emulator ignores the token. Yields the token URL."""
    import json

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = json.dumps({"access_token": "fake", "expires_in": 3600, "token_type": "Bearer"})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with serving(Handler) as port:
        yield f"http://127.0.0.1:{port}/token"


GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"


def fake_service_account(token_uri: str = GOOGLE_TOKEN_URL) -> dict[str, str]:
    """A syntactically valid service account; its key is generated here and signs nothing.
    Its credentials refresh at ``token_uri`` (see ``fake_google_token_endpoint``)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return {
        "type": "service_account",
        "project_id": "ag2-sdlc-test",
        "private_key_id": "test-key",
        "private_key": pem,
        "client_email": "tester@ag2-sdlc-test.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": token_uri,
    }


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: what the upstream said, or what a fault says in its place."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


Fault = Callable[[str, str, Callable[[], Reply]], Reply]
"""``fault(method, path, forward)``: the reply to send; ``forward()`` asks the upstream."""

# Hop-by-hop headers, those httpx sets or has already acted on (it decodes the body).
_NOT_FORWARDED = frozenset(
    {
        "host",
        "connection",
        "keep-alive",
        "transfer-encoding",
        "content-encoding",
        "content-length",
        "expect",
    }
)


@contextlib.contextmanager
def fault_proxy(upstream: str, fault: Fault) -> Iterator[str]:
    """A fault injector of our own on a loopback port, in front of ``upstream`` (a base URL).

    Every request goes to ``fault``, which forwards it and passes the answer on, changes it, or
    answers in the upstream's place. Yields the proxy's base URL.
    """

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _forward(self) -> Reply:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            kept = {k: v for k, v in self.headers.items() if k.lower() not in _NOT_FORWARDED}
            answer = httpx.request(
                self.command, upstream + self.path, headers=kept, content=body, timeout=60
            )
            headers = {k: v for k, v in answer.headers.items() if k.lower() not in _NOT_FORWARDED}
            if self.command == "HEAD" and "content-length" in answer.headers:
                headers["Content-Length"] = answer.headers["content-length"]
            return Reply(answer.status_code, answer.content, headers)

        def _answer(self) -> None:
            called: list[Reply] = []

            def forward() -> Reply:
                called.append(self._forward())
                return called[-1]

            reply = fault(self.command, self.path, forward)
            if not called:  # the request was never forwarded: its body is still unread
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(reply.status)
            for key, value in reply.headers.items():
                self.send_header(key, value)
            if not any(key.lower() == "content-length" for key in reply.headers):
                self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _answer  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests read what their fault recorded, not an access log."""

    with serving(Handler) as port:
        yield f"http://127.0.0.1:{port}"
