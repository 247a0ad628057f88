"""Agent results that outlive their worker, on each cloud's bucket block (issue 13).

A worker configured with ``PREFECT_RESULTS_DEFAULT_STORAGE_BLOCK`` (what ``ag2-sdlc deploy
--result-storage`` sets) writes every agent's result and cache record to the bucket. Here two
processes stand for two workers: each has its own data home and Prefect home, and they share
only the Prefect API and the bucket. The second one must find the first one's analyzer result
there as a cache hit. S3 runs on moto, GCS on gcp-storage-emulator (its service account's token
comes from our fake of Google's token endpoint), Azure on Azurite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.emulated import BUCKET, FAKE_AWS, Emulated
from tests.servers import REPO_ROOT, fake_google_token_endpoint, fake_service_account

# Alone, a case takes about 40 s; sharing the two cores with the ten-run scale-out test (the
# other xdist process) one took 231 s in a clean run and another passed 300 s in the next.
pytestmark = [pytest.mark.usefixtures("prefect_api"), pytest.mark.timeout(900)]

REQUEST = "A recipe book: users save recipes with their ingredients and steps."


@pytest.fixture(scope="module")
def token_url() -> Iterator[str]:
    with fake_google_token_endpoint() as url:
        yield url


def _save_block(service: str, folder: str, request: pytest.FixtureRequest) -> tuple[str, dict]:
    """A storage block on ``service``'s emulator, under ``folder``: its slug, and what a
    worker's environment needs besides it."""
    name = f"results-{folder}"
    if service == "s3":
        from prefect_aws import AwsClientParameters, AwsCredentials, S3Bucket

        endpoint = request.getfixturevalue("s3_endpoint")
        keys = AwsCredentials(
            **FAKE_AWS,
            region_name="us-east-1",
            aws_client_parameters=AwsClientParameters(endpoint_url=endpoint),
        )
        S3Bucket(bucket_name=BUCKET, credentials=keys, bucket_folder=folder).save(name)
        return f"s3-bucket/{name}", {}
    if service == "gs":
        from prefect_gcp import GcpCredentials, GcsBucket

        account = fake_service_account(token_uri=request.getfixturevalue("token_url"))
        keys = GcpCredentials(service_account_info=account, project="ag2-sdlc-test")
        GcsBucket(bucket=BUCKET, gcp_credentials=keys, bucket_folder=folder).save(name)
        return f"gcs-bucket/{name}", {
            "STORAGE_EMULATOR_HOST": request.getfixturevalue("gcs_endpoint")
        }
    from prefect_azure import AzureBlobStorageContainer, AzureBlobStorageCredentials

    keys = AzureBlobStorageCredentials(
        connection_string=request.getfixturevalue("azurite_connection")
    )
    AzureBlobStorageContainer(container_name=BUCKET, credentials=keys, base_folder=folder).save(
        name
    )
    return f"azure-blob-storage-container/{name}", {}


def _worker_run(home: Path, slug: str, extra: dict[str, str], name: str) -> dict[str, object]:
    """The analyzer in a fresh process with its own homes; its JSON answer."""
    from prefect.settings import PREFECT_API_URL

    env = {
        **os.environ,
        **extra,
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "PREFECT_HOME": str(home / "prefect"),
        "PREFECT_LOCAL_STORAGE_PATH": str(home / "prefect" / "storage"),
        "PREFECT_RESULTS_DEFAULT_STORAGE_BLOCK": slug,
        "AG2_SDLC_HOME": str(home / "data"),
    }
    argv = [sys.executable, "-m", "tests.flows.agent_worker", REQUEST, name]
    done = subprocess.run(
        argv, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=420, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.parametrize("service", ["s3", "gs", "az"])
def test_a_result_written_on_one_worker_is_a_cache_hit_on_another(
    service: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Worker A runs the analyzer; its result lands in the bucket, not on A's disk. Worker B,
    sharing nothing with A but the API and the bucket, gets the same plan as a cache hit."""
    folder = uuid.uuid4().hex[:12]
    slug, extra = _save_block(service, folder, request)
    emulated: Emulated = request.getfixturevalue(
        {"s3": "emulated_s3", "gs": "emulated_gcs", "az": "emulated_azure"}[service]
    )
    name = f"cookbook-{folder}"

    first = _worker_run(tmp_path / "worker-a", slug, extra, name)
    stored = emulated.keys(folder)
    second = _worker_run(tmp_path / "worker-b", slug, extra, name)

    assert first["state"] == "Completed", first
    assert "Recipe" in first["entities"], first  # type: ignore[operator]
    assert stored, f"nothing was written under {folder}/ in the {service} bucket"
    local = tmp_path / "worker-a" / "prefect" / "storage"
    assert not [path for path in local.rglob("*") if path.is_file()], "results were kept locally"
    assert second == {"state": "Cached", "entities": first["entities"]}
