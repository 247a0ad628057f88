"""Where a CSV or a release file lives: a local path, or ``s3://``, ``gs://`` or ``az://`` URLs.

Parsing is strict and needs no cloud SDK, so every entry point can refuse a malformed location
with one sentence before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal, cast

from core.errors import InvalidRequest

Scheme = Literal["s3", "gs", "az"]
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://(.*)$", re.DOTALL)
_BUCKET_NAMES: dict[Scheme, re.Pattern[str]] = {
    "s3": re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"),
    "gs": re.compile(r"[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]"),
    "az": re.compile(r"[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]"),
}
_UNSAFE_KEY_CHARS = re.compile(r"[\x00-\x1f\x7f\\]")


@dataclass(frozen=True)
class CloudService:
    name: str
    container: str
    credentials: str


SERVICES: dict[Scheme, CloudService] = {
    "s3": CloudService("S3", "bucket", "AWS"),
    "gs": CloudService("Google Cloud Storage", "bucket", "GCP"),
    "az": CloudService("Azure Blob Storage", "container", "Azure Blob Storage"),
}


@dataclass(frozen=True)
class CloudLocation:
    """A parsed ``scheme://bucket/key`` URL (for Azure the bucket is the container)."""

    scheme: Scheme
    bucket: str
    key: str

    def __str__(self) -> str:
        return f"{self.scheme}://{self.bucket}/{self.key}"

    @property
    def relative_path(self) -> PurePosixPath:
        """Where a download lands under a destination directory: ``scheme/bucket/key``."""
        return PurePosixPath(self.scheme, self.bucket, self.key)


def parse_location(location: str) -> CloudLocation | None:
    """Parse a cloud URL strictly; ``None`` means a local path.

    Raises:
        InvalidRequest: an unsupported scheme, a bad bucket name, or a key that is empty, has
            empty, ``.`` or ``..`` segments, control characters or backslashes.
    """
    match = _URL.match(location)
    if match is None:
        return None
    name, rest = match.group(1).lower(), match.group(2)
    if name not in SERVICES:
        raise InvalidRequest(
            f"Unsupported location scheme {name + '://'!r}; "
            "use a local path or an s3://, gs:// or az:// URL."
        )
    scheme = cast(Scheme, name)
    service = SERVICES[scheme]
    bucket, _, key = rest.partition("/")
    if not _BUCKET_NAMES[scheme].fullmatch(bucket):
        raise InvalidRequest(f"{location!r} does not start with a valid {service.container} name.")
    segments = key.split("/")
    if not key or any(segment in ("", ".", "..") for segment in segments):
        raise InvalidRequest(
            f"{location!r} needs an object key without empty, '.' or '..' parts, "
            f"as in {scheme}://{bucket}/path/file.csv."
        )
    if _UNSAFE_KEY_CHARS.search(key) or any(len(s.encode()) > 255 for s in segments):
        raise InvalidRequest(
            f"{location!r} has control characters, backslashes or parts over 255 bytes in its key."
        )
    return CloudLocation(scheme, bucket, key)
