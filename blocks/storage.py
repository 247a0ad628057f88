"""Each cloud's Prefect credentials block -> a live storage client (``StorageClients``).

Blocks (created in the UI or with ``prefect block create``):

- ``AwsCredentials`` (prefect-aws): keys or profile, ``region_name``; an S3-compatible endpoint
  (moto, MinIO) goes in ``aws_client_parameters.endpoint_url``.
- ``GcpCredentials`` (prefect-gcp): service account info or file, ``project``. The block has no
  endpoint field; to reach an emulator set ``STORAGE_EMULATOR_HOST=http://host:port`` in the
  worker's environment: the client then talks to that endpoint without credentials, as the
  google-cloud-storage library does for emulators.
- ``AzureBlobStorageCredentials`` (prefect-azure): a connection string (Azurite's included), or an
  account URL with a service principal or the default Azure credential chain. The block's own
  ``get_client()`` returns an asyncio client; the synchronous one is built from the same fields.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from core.errors import InvalidRequest
from services.storage import StorageClients

if TYPE_CHECKING:
    from azure.storage.blob import BlobServiceClient
    from google.cloud.storage import Client as GcsClient
    from prefect_aws import AwsCredentials
    from prefect_azure import AzureBlobStorageCredentials
    from prefect_gcp import GcpCredentials

GCS_EMULATOR_VARIABLE = "STORAGE_EMULATOR_HOST"


def clients_from_credentials(
    *,
    aws: AwsCredentials | None = None,
    gcp: GcpCredentials | None = None,
    azure: AzureBlobStorageCredentials | None = None,
) -> StorageClients:
    """Live storage clients from credential block objects (loaded or built in code)."""
    with _usable("AWS credentials"):
        s3 = aws.get_s3_client() if aws is not None else None
    with _usable("GCP credentials"):
        gcs = _gcs_client(gcp) if gcp is not None else None
    with _usable("Azure Blob Storage credentials"):
        blob = _azure_client(azure) if azure is not None else None
    return StorageClients(s3=s3, gcs=gcs, azure=blob)


def clients_from_blocks(
    *, aws_block: str = "", gcp_block: str = "", azure_block: str = ""
) -> StorageClients:
    """Live storage clients from the credential blocks saved under these names ("" = none).

    Raises:
        InvalidRequest: a named block does not exist or its credentials cannot be used.
    """
    from prefect_aws import AwsCredentials
    from prefect_azure import AzureBlobStorageCredentials
    from prefect_gcp import GcpCredentials

    return clients_from_credentials(
        aws=_load(AwsCredentials, aws_block, "AWS credentials"),
        gcp=_load(GcpCredentials, gcp_block, "GCP credentials"),
        azure=_load(AzureBlobStorageCredentials, azure_block, "Azure Blob Storage credentials"),
    )


def _load(block_class: Any, name: str, kind: str) -> Any:
    if not name:
        return None
    try:
        return block_class.load(name)
    except _credential_errors() as exc:  # the GCP block resolves its credentials on load
        if isinstance(exc, ValueError) and "Unable to find block document" in str(exc):
            raise InvalidRequest(f"There is no {kind} block named {name!r}.") from exc
        raise InvalidRequest(f"The {kind} block {name!r} cannot be used: {_reason(exc)}.") from exc


def _credential_errors() -> tuple[type[Exception], ...]:
    from botocore.exceptions import BotoCoreError
    from google.auth.exceptions import GoogleAuthError

    return (ValueError, BotoCoreError, GoogleAuthError)


def _reason(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return (lines[0] if lines else type(exc).__name__).rstrip(".")[:200]


@contextlib.contextmanager
def _usable(kind: str) -> Iterator[None]:
    """Credentials that cannot build a client (unknown profile, bad connection string)."""
    try:
        yield
    except _credential_errors() as exc:
        raise InvalidRequest(f"The {kind} cannot be used: {_reason(exc)}.") from exc


def _gcs_client(block: GcpCredentials) -> GcsClient:
    if os.environ.get(GCS_EMULATOR_VARIABLE):
        from google.auth.credentials import AnonymousCredentials
        from google.cloud.storage import Client

        # The library reads the endpoint from the variable; emulators take no credentials.
        return Client(project=block.project or "emulator", credentials=AnonymousCredentials())
    return block.get_cloud_storage_client()


def _azure_client(block: AzureBlobStorageCredentials) -> BlobServiceClient:
    from azure.storage.blob import BlobServiceClient

    if block.connection_string is not None:
        return BlobServiceClient.from_connection_string(block.connection_string.get_secret_value())
    credential: Any
    if block.client_id is not None and block.client_secret is not None:
        from azure.identity import ClientSecretCredential

        credential = ClientSecretCredential(
            tenant_id=str(block.tenant_id),
            client_id=block.client_id,
            client_secret=block.client_secret.get_secret_value(),
        )
    else:
        from azure.identity import DefaultAzureCredential

        credential = DefaultAzureCredential()
    return BlobServiceClient(account_url=str(block.account_url), credential=credential)
