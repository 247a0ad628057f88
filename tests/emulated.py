"""The storage emulators as session fixtures shared by every test directory (registered by
``tests/conftest.py`` as a plugin, so each emulator starts at most once per session).

Heavy client libraries are imported inside the fixtures: sessions that use no emulator do not
pay for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from services.storage import StorageClients
from tests.servers import AZURITE_BLOB, azurite, gcs_emulator, moto_server

BUCKET = "ag2-sdlc-csv"
FAKE_AWS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


# --- emulators and raw clients (session-scoped: each emulator starts once) ---------------------


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def gcs_endpoint() -> Iterator[str]:
    with gcs_emulator() as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def azurite_connection(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not AZURITE_BLOB.is_file():
        pytest.skip(f"{AZURITE_BLOB} is missing: run `npm ci` at the repository root")
    with azurite(tmp_path_factory.mktemp("azurite")) as connection:
        yield connection


@dataclass
class Emulated:
    """One emulated service with a bucket, its raw client for setup, and clients for the code."""

    scheme: str
    clients: StorageClients
    put: Callable[[str, bytes], object]
    get: Callable[[str], bytes]
    delete: Callable[[str], object]
    keys: Callable[[str], list[str]] = lambda prefix: []
    metadata: Callable[[str], dict[str, str]] = lambda key: {}

    def url(self, key: str, bucket: str = BUCKET) -> str:
        return f"{self.scheme}://{bucket}/{key}"


@pytest.fixture(scope="session")
def emulated_s3(s3_endpoint: str) -> Emulated:
    import boto3

    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **FAKE_AWS)
    client.create_bucket(Bucket=BUCKET)
    return Emulated(
        "s3",
        StorageClients(s3=client),
        put=lambda key, data: client.put_object(Bucket=BUCKET, Key=key, Body=data),
        get=lambda key: client.get_object(Bucket=BUCKET, Key=key)["Body"].read(),
        delete=lambda key: client.delete_object(Bucket=BUCKET, Key=key),
        keys=lambda prefix: [
            o["Key"]
            for o in client.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
        ],
        metadata=lambda key: client.head_object(Bucket=BUCKET, Key=key)["Metadata"],
    )


def gcs_client(endpoint: str) -> Any:
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    return storage.Client(
        project="ag2-sdlc-test",
        credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
        client_options={"api_endpoint": endpoint},
    )


@pytest.fixture(scope="session")
def emulated_gcs(gcs_endpoint: str) -> Emulated:
    client = gcs_client(gcs_endpoint)
    bucket = client.create_bucket(BUCKET)
    return Emulated(
        "gs",
        StorageClients(gcs=client),
        put=lambda key, data: bucket.blob(key).upload_from_string(data),
        get=lambda key: bucket.blob(key).download_as_bytes(),
        delete=lambda key: bucket.blob(key).delete(),
        keys=lambda prefix: [b.name for b in client.list_blobs(BUCKET, prefix=prefix)],
        metadata=lambda key: bucket.get_blob(key).metadata or {},
    )


@pytest.fixture(scope="session")
def emulated_azure(azurite_connection: str) -> Emulated:
    from azure.storage.blob import BlobServiceClient

    client = BlobServiceClient.from_connection_string(azurite_connection)
    container = client.create_container(BUCKET)
    return Emulated(
        "az",
        StorageClients(azure=client),
        put=lambda key, data: container.upload_blob(key, data, overwrite=True),
        get=lambda key: container.download_blob(key).readall(),
        delete=lambda key: container.delete_blob(key),
        keys=lambda prefix: [b.name for b in container.list_blobs(name_starts_with=prefix)],
        metadata=lambda key: dict(container.get_blob_client(key).get_blob_properties().metadata),
    )


@pytest.fixture(params=["s3", "gs", "az"])
def emulated(request: pytest.FixtureRequest) -> Emulated:
    """Each test using this runs once per service, each against its own emulator."""
    name = {"s3": "emulated_s3", "gs": "emulated_gcs", "az": "emulated_azure"}[request.param]
    return request.getfixturevalue(name)  # type: ignore[no-any-return]
