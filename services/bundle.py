"""The release bundle: the repository at its tag as an archive, a SHA-256 manifest, an upload.

The archive is ``git archive`` of the tag (the same tree gives the same bytes), and the
manifest lists the archive's and every file's SHA-256 with no timestamp, so releasing the same
commit twice gives byte-identical files. Each uploaded object carries its SHA-256 in the
object's metadata; an upload whose object already holds the same sum is skipped, which is what
makes re-releasing a no-op. A failing service (HTTP 5xx, unreachable) is retried with backoff
before the release gives up in one sentence.
"""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess  # nosec B404 - git with fixed arguments, no shell
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

import tenacity

from core.errors import PublishError, ToolFailed
from core.locations import CloudLocation, Scheme, parse_location
from services.storage import StorageClients, client_for, storage_errors

logger = logging.getLogger(__name__)

META_KEY = "sha256"
UPLOAD_ATTEMPTS = 4
Uploaded = Literal["uploaded", "unchanged"]


@dataclass(frozen=True)
class Bundle:
    """The two files of a release bundle and their sums."""

    archive: Path
    manifest: Path
    archive_sha256: str
    manifest_sha256: str


def sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def build_bundle(repo_dir: Path, *, ref: str, name: str, version: str, out_dir: Path) -> Bundle:
    """Archive ``ref`` of the repository and write its manifest next to it.

    Raises:
        PublishError: git could not archive the ref.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{name}-{version}"
    archive = out_dir / f"{stem}.tar.gz"
    argv = ["git", "-C", str(repo_dir), "archive", "--format=tar.gz", f"--prefix={stem}/"]
    done = subprocess.run(  # noqa: S603 - fixed git arguments, no shell
        [*argv, "-o", str(archive), ref], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["unknown error"])[-1][:200]
        raise PublishError(f"git could not archive {ref} of {name}: {reason}.")
    files = []
    with tarfile.open(archive, "r:gz") as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            extracted = tar.extractfile(member) if member.isfile() else None
            if extracted is not None:
                digest = hashlib.sha256(extracted.read()).hexdigest()
                files.append({"path": member.name.removeprefix(f"{stem}/"), "sha256": digest})
    archive_sum = sha256_of(archive)
    manifest = out_dir / f"{stem}.manifest.json"
    body = {
        "project": name,
        "version": version,
        "ref": ref,
        "archive": {"name": archive.name, "sha256": archive_sum, "bytes": archive.stat().st_size},
        "files": files,
    }
    manifest.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return Bundle(archive, manifest, archive_sum, sha256_of(manifest))


def upload_bundle(bundle: Bundle, prefix: str, *, clients: StorageClients) -> dict[str, Uploaded]:
    """Upload the archive, then the manifest, under the ``prefix`` location (``s3://b/p``).

    The manifest goes last, so a manifest in the bucket means its archive is complete.

    Returns:
        Each object's location and whether it was ``uploaded`` or already ``unchanged``.
    """
    base = prefix.rstrip("/")
    outcome: dict[str, Uploaded] = {}
    for path, digest in (
        (bundle.archive, bundle.archive_sha256),
        (bundle.manifest, bundle.manifest_sha256),
    ):
        location = f"{base}/{path.name}"
        outcome[location] = upload_if_changed(path, location, sha256=digest, clients=clients)
    return outcome


def upload_if_changed(
    source: Path,
    location: str,
    *,
    sha256: str,
    clients: StorageClients,
    sleep: Callable[[float], None] | None = None,
) -> Uploaded:
    """Upload ``source`` unless the object at ``location`` already holds the same SHA-256.

    Raises:
        InvalidRequest: not a cloud location, or no client for its scheme.
        PublishError: missing bucket, access denied, or the service still failing after retries.
    """
    cloud = parse_location(location)
    if cloud is None:
        raise PublishError(
            f"Release bundles go to s3://, gs:// or az:// locations, not {location!r}."
        )
    client = client_for(cloud, clients)
    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception_type(ToolFailed),
        stop=tenacity.stop_after_attempt(UPLOAD_ATTEMPTS),
        wait=tenacity.wait_exponential(multiplier=0.5, max=8),
        sleep=sleep or tenacity.nap.sleep,
        reraise=True,
    )
    try:
        return retrying(_upload_once, source, cloud, client, sha256)
    except ToolFailed as exc:
        raise PublishError(f"{str(exc).rstrip('.')} (after {UPLOAD_ATTEMPTS} attempts).") from exc


def _upload_once(source: Path, cloud: CloudLocation, client: Any, sha256: str) -> Uploaded:
    with storage_errors(cloud, client, reading=False):
        if _STAT[cloud.scheme](client, cloud) == sha256:
            logger.info("%s already holds this release; not uploaded again", cloud)
            return "unchanged"
        with source.open("rb") as data:
            _PUT[cloud.scheme](client, cloud, data, sha256)
    logger.info("Uploaded %s", cloud)
    return "uploaded"


# --- each service: the stored sum (None when there is no object), and a put with the sum --------


def _stat_s3(client: Any, cloud: CloudLocation) -> str | None:
    from botocore.exceptions import ClientError

    try:
        head = client.head_object(Bucket=cloud.bucket, Key=cloud.key)
    except ClientError as exc:
        if str(exc.response.get("Error", {}).get("Code")) in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
    return head.get("Metadata", {}).get(META_KEY)  # type: ignore[no-any-return]


def _put_s3(client: Any, cloud: CloudLocation, data: IO[bytes], sha256: str) -> None:
    client.put_object(Bucket=cloud.bucket, Key=cloud.key, Body=data, Metadata={META_KEY: sha256})


def _stat_gcs(client: Any, cloud: CloudLocation) -> str | None:
    blob = client.bucket(cloud.bucket).get_blob(cloud.key)
    return None if blob is None else (blob.metadata or {}).get(META_KEY)


def _put_gcs(client: Any, cloud: CloudLocation, data: IO[bytes], sha256: str) -> None:
    blob = client.bucket(cloud.bucket).blob(cloud.key)
    blob.metadata = {META_KEY: sha256}
    blob.upload_from_file(data, rewind=True)


def _stat_azure(client: Any, cloud: CloudLocation) -> str | None:
    from azure.core.exceptions import ResourceNotFoundError

    blob = client.get_blob_client(cloud.bucket, cloud.key)
    try:
        properties = blob.get_blob_properties()
    except ResourceNotFoundError as exc:
        if getattr(exc, "error_code", None) == "ContainerNotFound":
            raise
        return None
    return (properties.metadata or {}).get(META_KEY)  # type: ignore[no-any-return]


def _put_azure(client: Any, cloud: CloudLocation, data: IO[bytes], sha256: str) -> None:
    blob = client.get_blob_client(cloud.bucket, cloud.key)
    blob.upload_blob(data, overwrite=True, metadata={META_KEY: sha256})


_STAT: dict[Scheme, Callable[[Any, CloudLocation], str | None]] = {
    "s3": _stat_s3,
    "gs": _stat_gcs,
    "az": _stat_azure,
}
_PUT: dict[Scheme, Callable[[Any, CloudLocation, IO[bytes], str], None]] = {
    "s3": _put_s3,
    "gs": _put_gcs,
    "az": _put_azure,
}
