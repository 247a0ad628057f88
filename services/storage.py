"""Object storage (S3, Google Cloud Storage, Azure Blob): fetch a CSV, upload a release file.

Locations are ``s3://bucket/key``, ``gs://bucket/key`` and ``az://container/blob``; anything
without ``scheme://`` is a local path. The live clients come in through ``StorageClients``
(built from Prefect blocks by ``tasks.csv_source``; tests pass clients pointed at emulators).

Failures become one sentence: a missing bucket or object, refused access, a malformed URL or a
missing client is ``InvalidRequest`` (``PublishError`` for uploads) and is not worth retrying;
an unreachable or failing service is ``ToolFailed``, which the tasks' retry rule retries.
Cloud SDKs are imported lazily so that parsing a location stays cheap.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from core.errors import Ag2SdlcError, InvalidRequest, PublishError, ToolFailed
from core.locations import SERVICES, CloudLocation, Scheme, parse_location
from services.workspace import resolve_inside

if TYPE_CHECKING:
    from azure.storage.blob import BlobServiceClient
    from google.cloud.storage import Client as GcsClient
    from mypy_boto3_s3 import S3Client

CHUNK_BYTES = 1 << 20  # S3 body read size: memory stays bounded whatever the object size


@dataclass(frozen=True)
class StorageClients:
    """The live clients a run may use; a scheme without a client cannot be read."""

    s3: S3Client | None = None
    gcs: GcsClient | None = None
    azure: BlobServiceClient | None = None


def fetch_csv(
    location: str, *, destination_dir: Path, clients: StorageClients, chunk_bytes: int = CHUNK_BYTES
) -> Path:
    """Return a local path holding the file at ``location``, downloading cloud objects.

    A local path is returned as given once it is known to be a file. A cloud object is streamed
    to ``destination_dir/scheme/bucket/key`` through a temporary file, so a failed download
    leaves nothing half-written; a repeated fetch replaces the previous copy.

    Raises:
        InvalidRequest: malformed location, missing file, bucket or object, access denied, or no
            client for the scheme.
        UnsafePath: the download would land outside ``destination_dir`` (e.g. via a symlink).
        ToolFailed: the storage service could not be reached or failed; worth retrying.
    """
    cloud = parse_location(location)
    if cloud is None:
        path = Path(location)
        if not path.is_file():
            raise InvalidRequest(f"The CSV file {location!r} does not exist or is not a file.")
        return path
    client = client_for(cloud, clients)
    target = resolve_inside(destination_dir, Path(cloud.relative_path))
    target.parent.mkdir(parents=True, exist_ok=True)
    with storage_errors(cloud, client, reading=True), _replaced_on_success(target) as out:
        _READERS[cloud.scheme](client, cloud, out, chunk_bytes)
    return target


def upload_file(source: Path, location: str, *, clients: StorageClients) -> str:
    """Upload ``source`` to a cloud ``location`` (overwriting: re-runs do not duplicate).

    Returns:
        The location URL, normalised.

    Raises:
        InvalidRequest: ``location`` is not a valid cloud URL, or no client for its scheme.
        PublishError: missing bucket, access denied, or the service refused the upload.
        ToolFailed: the storage service could not be reached or failed; worth retrying.
    """
    cloud = parse_location(location)
    if cloud is None:
        raise InvalidRequest(f"Uploads need an s3://, gs:// or az:// location, not {location!r}.")
    client = client_for(cloud, clients)
    with storage_errors(cloud, client, reading=False), source.open("rb") as data:
        _WRITERS[cloud.scheme](client, cloud, data)
    return str(cloud)


def _credentials_block(scheme: Scheme) -> str:
    credentials = SERVICES[scheme].credentials
    return f"{'an' if credentials[0] in 'AEIOU' else 'a'} {credentials} credentials block"


def client_for(cloud: CloudLocation, clients: StorageClients) -> Any:
    client = {"s3": clients.s3, "gs": clients.gcs, "az": clients.azure}[cloud.scheme]
    if client is None:
        raise InvalidRequest(
            f"{cloud.scheme}:// locations need {_credentials_block(cloud.scheme)}; "
            "none is configured for this run."
        )
    return client


@contextlib.contextmanager
def _replaced_on_success(target: Path) -> Iterator[IO[bytes]]:
    """A temporary file next to ``target`` that replaces it only if the block succeeds."""
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".part"
    )
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


# --- one reader and one writer per service -----------------------------------------------------


def _read_s3(client: S3Client, cloud: CloudLocation, out: IO[bytes], chunk_bytes: int) -> None:
    body = client.get_object(Bucket=cloud.bucket, Key=cloud.key)["Body"]
    with contextlib.closing(body):
        for chunk in body.iter_chunks(chunk_bytes):
            out.write(chunk)


def _read_gcs(client: GcsClient, cloud: CloudLocation, out: IO[bytes], chunk_bytes: int) -> None:
    # Without a blob chunk size the library streams the response body in small pieces and
    # checks its checksum; ``chunk_bytes`` would mean one ranged request per chunk instead.
    client.bucket(cloud.bucket).blob(cloud.key).download_to_file(out)


def _read_azure(
    client: BlobServiceClient, cloud: CloudLocation, out: IO[bytes], chunk_bytes: int
) -> None:
    # Chunks are bounded by the client's max_single_get_size / max_chunk_get_size settings.
    downloader = client.get_blob_client(cloud.bucket, cloud.key).download_blob(max_concurrency=1)
    for chunk in downloader.chunks():
        out.write(chunk)


def _write_s3(client: S3Client, cloud: CloudLocation, data: IO[bytes]) -> None:
    client.put_object(Bucket=cloud.bucket, Key=cloud.key, Body=data)


def _write_gcs(client: GcsClient, cloud: CloudLocation, data: IO[bytes]) -> None:
    client.bucket(cloud.bucket).blob(cloud.key).upload_from_file(data, rewind=True)


def _write_azure(client: BlobServiceClient, cloud: CloudLocation, data: IO[bytes]) -> None:
    client.get_blob_client(cloud.bucket, cloud.key).upload_blob(data, overwrite=True)


_READERS: dict[Scheme, Callable[[Any, CloudLocation, IO[bytes], int], None]] = {
    "s3": _read_s3,
    "gs": _read_gcs,
    "az": _read_azure,
}
_WRITERS: dict[Scheme, Callable[[Any, CloudLocation, IO[bytes]], None]] = {
    "s3": _write_s3,
    "gs": _write_gcs,
    "az": _write_azure,
}


# --- failures: each service's exceptions sorted into a few kinds, then one sentence ------------

Failure = Literal["no_bucket", "no_object", "denied", "credentials", "refused", "transient"]


def _detail(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return (lines[0] if lines else type(exc).__name__).rstrip(".")[:200]


def _s3_failure(exc: Exception, client: Any, cloud: CloudLocation) -> Failure | None:
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
        if code == "NoSuchBucket":
            return "no_bucket"
        if code in ("NoSuchKey", "404"):
            return "no_object"
        if code in ("AccessDenied", "403", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
            return "denied"
        return "transient" if status >= 500 or code in ("SlowDown", "Throttling") else "refused"
    if isinstance(exc, NoCredentialsError):
        return "credentials"
    return "transient" if isinstance(exc, BotoCoreError) else None


def _gcs_failure(exc: Exception, client: Any, cloud: CloudLocation) -> Failure | None:
    import requests
    from google.api_core import exceptions as api
    from google.auth import exceptions as auth
    from google.resumable_media import DataCorruption

    if isinstance(exc, api.NotFound):
        # The service answers 404 for both; the bucket lookup tells them apart.
        with contextlib.suppress(api.GoogleAPICallError, requests.RequestException):
            return "no_object" if client.lookup_bucket(cloud.bucket) is not None else "no_bucket"
        return "no_object"
    if isinstance(exc, api.Forbidden | api.Unauthorized):
        return "denied"
    if isinstance(exc, auth.DefaultCredentialsError | auth.RefreshError):
        return "credentials"
    if isinstance(exc, api.ServerError | api.TooManyRequests | DataCorruption):
        return "transient"
    if isinstance(exc, requests.RequestException | auth.TransportError):
        return "transient"
    return "refused" if isinstance(exc, api.GoogleAPICallError) else None


def _azure_failure(exc: Exception, client: Any, cloud: CloudLocation) -> Failure | None:
    from azure.core import exceptions as az

    if isinstance(exc, az.ResourceNotFoundError):
        code = getattr(exc, "error_code", None)  # set by azure-storage-blob's error mapping
        return "no_bucket" if code == "ContainerNotFound" else "no_object"
    if isinstance(exc, az.ClientAuthenticationError):
        return "denied"
    if isinstance(exc, az.HttpResponseError):
        status = exc.status_code or 0
        if status == 403:
            return "denied"
        return "transient" if status >= 500 or status == 429 else "refused"
    return "transient" if isinstance(exc, az.AzureError) else None


_CLASSIFIERS: dict[Scheme, Callable[[Exception, Any, CloudLocation], Failure | None]] = {
    "s3": _s3_failure,
    "gs": _gcs_failure,
    "az": _azure_failure,
}


@contextlib.contextmanager
def storage_errors(cloud: CloudLocation, client: Any, *, reading: bool) -> Iterator[None]:
    """Turn a storage SDK's exception into this project's error with one sentence."""
    try:
        yield
    except Ag2SdlcError:
        raise
    except Exception as exc:
        failure = _CLASSIFIERS[cloud.scheme](exc, client, cloud)
        if failure is None:
            raise
        raise _error(failure, cloud, _detail(exc), reading=reading) from exc


def _error(failure: Failure, cloud: CloudLocation, detail: str, *, reading: bool) -> Ag2SdlcError:
    service = SERVICES[cloud.scheme]
    action = "Reading" if reading else "Uploading to"
    if failure == "transient":
        return ToolFailed(f"{action} {cloud} failed ({detail}); the service may be unavailable.")
    message = {
        "no_bucket": f"The {service.name} {service.container} {cloud.bucket!r} does not exist.",
        "no_object": f"There is no object {cloud.key!r} in the {service.name} "
        f"{service.container} {cloud.bucket!r}.",
        "denied": f"Access to {cloud} was denied; check the {service.credentials} credentials "
        "and their permissions.",
        "credentials": f"The {service.credentials} credentials for {cloud} are missing or "
        f"unusable ({detail}).",
        "refused": f"{service.name} refused {action.lower()} {cloud}: {detail}.",
    }[failure]
    return InvalidRequest(message) if reading else PublishError(message)
