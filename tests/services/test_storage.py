"""CSV locations on S3, GCS and Azure Blob, against moto, gcp-storage-emulator and Azurite."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest
from azure.storage.blob import BlobServiceClient
from botocore.config import Config
from prefect_aws import AwsClientParameters, AwsCredentials
from prefect_azure import AzureBlobStorageCredentials
from prefect_gcp import GcpCredentials
from vega_datasets import local_data

from blocks.storage import clients_from_blocks, clients_from_credentials
from core.errors import InvalidRequest, PublishError, ToolFailed, UnsafePath
from services.processes import free_port
from services.storage import (
    CloudLocation,
    StorageClients,
    fetch_csv,
    parse_location,
    upload_file,
)
from tasks.csv_source import fetch_csv_task
from tests.emulated import BUCKET, FAKE_AWS, Emulated
from tests.servers import (
    AZURITE_ACCOUNT,
    azurite_connection_string,
    fake_service_account,
)

AIRPORTS = Path(local_data.airports.filepath)
WEATHER = Path(local_data.seattle_weather.filepath)


def assert_one_sentence(error: BaseException) -> None:
    text = str(error)
    assert text.endswith("."), text
    assert "\n" not in text, text
    assert len(text) < 400, text
    assert "Traceback" not in text, text


def unique_key(name: str = "airports.csv") -> str:
    return f"runs/{uuid.uuid4().hex[:10]}/{name}"


# --- tests -------------------------------------------------------------------------------------


class TestParseLocation:
    """Strict parsing of cloud URLs; everything without a scheme is a local path."""

    @pytest.mark.parametrize(
        ("location", "expected"),
        [
            ("s3://my-bucket/data/cars.csv", CloudLocation("s3", "my-bucket", "data/cars.csv")),
            (
                "gs://my_bucket.example/cars.csv",
                CloudLocation("gs", "my_bucket.example", "cars.csv"),
            ),
            ("az://container-1/a/b/c.csv", CloudLocation("az", "container-1", "a/b/c.csv")),
            ("S3://my-bucket/cars.csv", CloudLocation("s3", "my-bucket", "cars.csv")),
        ],
    )
    def test_cloud_urls_split_into_scheme_bucket_and_key(
        self, location: str, expected: CloudLocation
    ) -> None:
        """Each supported scheme yields its bucket (or container) and key."""
        assert parse_location(location) == expected

    @pytest.mark.parametrize("location", ["data/cars.csv", "/tmp/cars.csv", "C:/data/cars.csv"])
    def test_paths_without_a_scheme_are_local(self, location: str) -> None:
        """A plain path is not a cloud location."""
        assert parse_location(location) is None

    @pytest.mark.parametrize(
        "location",
        [
            "s3://",
            "s3://bucket",
            "s3://bucket/",
            "s3:///key.csv",
            "s3://Bad_Bucket/key.csv",
            "s3://ab/key.csv",
            "s3://bucket//key.csv",
            "s3://bucket/dir/",
            "s3://bucket/../escape.csv",
            "gs://bucket/a/./key.csv",
            "az://bucket/a/../../key.csv",
            "az://double--dash/key.csv",
            "s3://bucket/back\\slash.csv",
            "s3://bucket/new\nline.csv",
            "s3://bucket/" + "x" * 256 + ".csv",
            "http://example.com/cars.csv",
            "file:///tmp/cars.csv",
        ],
    )
    def test_malformed_or_unsupported_urls_are_refused_in_one_sentence(self, location: str) -> None:
        """Empty parts, traversal, bad names and other schemes raise InvalidRequest."""
        with pytest.raises(InvalidRequest) as caught:
            parse_location(location)
        assert_one_sentence(caught.value)


class TestLocalPaths:
    """Local CSV paths need no client and are not copied."""

    def test_existing_file_is_returned_as_given(self, tmp_path: Path) -> None:
        """The analyzer reads a local file where it is."""
        got = fetch_csv(str(AIRPORTS), destination_dir=tmp_path, clients=StorageClients())
        assert got == AIRPORTS
        assert not any(tmp_path.iterdir())

    def test_missing_file_is_refused(self, tmp_path: Path) -> None:
        """A path that is not a file raises InvalidRequest naming it."""
        with pytest.raises(InvalidRequest, match=r"nope\.csv") as caught:
            fetch_csv(
                str(tmp_path / "nope.csv"), destination_dir=tmp_path, clients=StorageClients()
            )
        assert_one_sentence(caught.value)


class TestFetchCsv:
    """fetch_csv downloads from each emulated service through real clients."""

    def test_downloads_the_exact_bytes_under_the_destination(
        self, emulated: Emulated, tmp_path: Path
    ) -> None:
        """The local copy equals the object and sits at destination/scheme/bucket/key."""
        key = unique_key()
        emulated.put(key, AIRPORTS.read_bytes())
        got = fetch_csv(emulated.url(key), destination_dir=tmp_path, clients=emulated.clients)
        assert got == tmp_path.resolve() / emulated.scheme / BUCKET / key
        assert got.read_bytes() == AIRPORTS.read_bytes()
        assert got.stem == "airports"  # the analyzer names the entity after it

    def test_small_chunks_still_give_the_exact_bytes(
        self, emulated: Emulated, tmp_path: Path
    ) -> None:
        """Streaming in many small chunks reassembles the object exactly."""
        key = unique_key("seattle-weather.csv")
        emulated.put(key, WEATHER.read_bytes())
        got = fetch_csv(
            emulated.url(key), destination_dir=tmp_path, clients=emulated.clients, chunk_bytes=4096
        )
        assert got.read_bytes() == WEATHER.read_bytes()

    def test_fetching_again_sees_the_changed_object(
        self, emulated: Emulated, tmp_path: Path
    ) -> None:
        """A scheduled run reads today's object, not the previous copy; no temp files remain."""
        key = unique_key()
        emulated.put(key, b"a,b\n1,2\n")
        fetch_csv(emulated.url(key), destination_dir=tmp_path, clients=emulated.clients)
        emulated.put(key, b"a,b,c\n1,2,3\n")
        got = fetch_csv(emulated.url(key), destination_dir=tmp_path, clients=emulated.clients)
        assert got.read_bytes() == b"a,b,c\n1,2,3\n"
        assert [p.name for p in got.parent.iterdir()] == ["airports.csv"]

    def test_missing_object_is_refused_and_leaves_the_previous_copy(
        self, emulated: Emulated, tmp_path: Path
    ) -> None:
        """A vanished object raises InvalidRequest; the last good copy stays, nothing partial."""
        key = unique_key()
        emulated.put(key, b"a,b\n1,2\n")
        got = fetch_csv(emulated.url(key), destination_dir=tmp_path, clients=emulated.clients)
        emulated.delete(key)
        with pytest.raises(InvalidRequest, match="There is no object") as caught:
            fetch_csv(emulated.url(key), destination_dir=tmp_path, clients=emulated.clients)
        assert_one_sentence(caught.value)
        assert got.read_bytes() == b"a,b\n1,2\n"
        assert [p.name for p in got.parent.iterdir()] == ["airports.csv"]

    def test_missing_bucket_is_refused(self, emulated: Emulated, tmp_path: Path) -> None:
        """An unknown bucket or container raises InvalidRequest saying it does not exist."""
        location = emulated.url("cars.csv", bucket="no-such-bucket-here")
        with pytest.raises(InvalidRequest, match="'no-such-bucket-here' does not exist") as caught:
            fetch_csv(location, destination_dir=tmp_path, clients=emulated.clients)
        assert_one_sentence(caught.value)
        assert not any(tmp_path.rglob("*.csv*"))

    @pytest.mark.parametrize(
        ("location", "needed"),
        [
            ("s3://bucket/cars.csv", "s3:// locations need an AWS credentials block"),
            ("gs://bucket/cars.csv", "gs:// locations need a GCP credentials block"),
            ("az://bucket/cars.csv", "az:// locations need an Azure Blob Storage credentials"),
        ],
    )
    def test_scheme_without_a_client_is_refused(
        self, location: str, needed: str, tmp_path: Path
    ) -> None:
        """A cloud URL with no client configured for its scheme names the block it needs."""
        with pytest.raises(InvalidRequest, match=needed) as caught:
            fetch_csv(location, destination_dir=tmp_path, clients=StorageClients())
        assert_one_sentence(caught.value)


class TestDestinationSafety:
    """Downloads never land outside the destination directory."""

    def test_traversal_key_writes_nothing_outside(
        self, emulated_s3: Emulated, tmp_path: Path
    ) -> None:
        """A key with ../ that exists in the bucket is refused; nothing is written anywhere."""
        destination = tmp_path / "run" / "inputs"
        key = "../../../escape.csv"  # under destination/s3/bucket/ this resolves to run/
        emulated_s3.put(key, b"a\n1\n")
        assert emulated_s3.get(key) == b"a\n1\n"
        with pytest.raises(InvalidRequest, match=r"'\.\.'") as caught:
            fetch_csv(
                emulated_s3.url(key), destination_dir=destination, clients=emulated_s3.clients
            )
        assert_one_sentence(caught.value)
        assert list(tmp_path.rglob("*")) == []

    def test_symlink_out_of_the_destination_is_refused(
        self, emulated_s3: Emulated, tmp_path: Path
    ) -> None:
        """A symlinked bucket directory pointing elsewhere raises UnsafePath and writes nothing."""
        outside, destination = tmp_path / "outside", tmp_path / "inputs"
        outside.mkdir()
        (destination / "s3").mkdir(parents=True)
        (destination / "s3" / BUCKET).symlink_to(outside, target_is_directory=True)
        key = unique_key()
        emulated_s3.put(key, b"a\n1\n")
        with pytest.raises(UnsafePath):
            fetch_csv(
                emulated_s3.url(key), destination_dir=destination, clients=emulated_s3.clients
            )
        assert list(outside.iterdir()) == []


class TestServiceFailures:
    """Refused credentials are a bad request; an unreachable service is worth retrying."""

    def test_wrong_azure_key_is_access_denied(
        self, azurite_connection: str, tmp_path: Path
    ) -> None:
        """Azurite answers 403 to a wrong account key, reported as denied access."""
        port = int(azurite_connection.split("127.0.0.1:")[1].split("/")[0])
        wrong = azurite_connection_string(port).replace("AccountKey=", "AccountKey=AAAA")
        clients = StorageClients(azure=BlobServiceClient.from_connection_string(wrong))
        with pytest.raises(InvalidRequest, match="was denied") as caught:
            fetch_csv(f"az://{BUCKET}/cars.csv", destination_dir=tmp_path, clients=clients)
        assert_one_sentence(caught.value)

    def test_unreachable_s3_is_transient(self, tmp_path: Path) -> None:
        """Nothing listening on the endpoint raises ToolFailed, which the task retries."""
        client = boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{free_port()}",
            region_name="us-east-1",
            config=Config(retries={"max_attempts": 1}, connect_timeout=2),
            **FAKE_AWS,
        )
        with pytest.raises(ToolFailed) as caught:
            fetch_csv(
                "s3://bucket/cars.csv", destination_dir=tmp_path, clients=StorageClients(s3=client)
            )
        assert_one_sentence(caught.value)

    def test_unreachable_azure_is_transient(self, tmp_path: Path) -> None:
        """A refused connection to the blob endpoint raises ToolFailed."""
        client = BlobServiceClient.from_connection_string(
            azurite_connection_string(free_port()), retry_total=0
        )
        with pytest.raises(ToolFailed) as caught:
            fetch_csv(
                "az://bucket/cars.csv",
                destination_dir=tmp_path,
                clients=StorageClients(azure=client),
            )
        assert_one_sentence(caught.value)


class TestUploadFile:
    """upload_file puts a release file where a later fetch (or a person) finds it."""

    def test_upload_then_overwrite_keeps_one_object_with_the_new_bytes(
        self, emulated: Emulated, tmp_path: Path
    ) -> None:
        """Re-running an upload replaces the object instead of duplicating it."""
        key = unique_key("bundle.csv")
        assert upload_file(AIRPORTS, emulated.url(key), clients=emulated.clients) == emulated.url(
            key
        )
        assert emulated.get(key) == AIRPORTS.read_bytes()
        upload_file(WEATHER, emulated.url(key), clients=emulated.clients)
        assert emulated.get(key) == WEATHER.read_bytes()

    def test_missing_bucket_is_a_publish_error(self, emulated: Emulated) -> None:
        """Uploading into a bucket that does not exist raises PublishError in one sentence."""
        location = emulated.url("bundle.csv", bucket="no-such-bucket-here")
        with pytest.raises(PublishError, match="does not exist") as caught:
            upload_file(AIRPORTS, location, clients=emulated.clients)
        assert_one_sentence(caught.value)


def moto_block(endpoint: str, **client_config: Any) -> AwsCredentials:
    return AwsCredentials(
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # moto accepts any key
        region_name="us-east-1",
        aws_client_parameters=AwsClientParameters(
            endpoint_url=endpoint, config=client_config or None
        ),
    )


class TestClientsFromCredentials:
    """Each cloud's Prefect credentials block builds a client that reaches its emulator."""

    def test_aws_block_with_an_endpoint_reaches_moto(
        self, s3_endpoint: str, emulated_s3: Emulated, tmp_path: Path
    ) -> None:
        """AwsCredentials.aws_client_parameters.endpoint_url points the S3 client at moto."""
        key = unique_key()
        emulated_s3.put(key, AIRPORTS.read_bytes())
        clients = clients_from_credentials(aws=moto_block(s3_endpoint))
        got = fetch_csv(emulated_s3.url(key), destination_dir=tmp_path, clients=clients)
        assert got.read_bytes() == AIRPORTS.read_bytes()

    def test_gcp_block_reaches_the_emulator_through_storage_emulator_host(
        self,
        gcs_endpoint: str,
        emulated_gcs: Emulated,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """With STORAGE_EMULATOR_HOST set, a GcpCredentials block's client reaches the emulator."""
        monkeypatch.setenv("STORAGE_EMULATOR_HOST", gcs_endpoint)
        key = unique_key()
        emulated_gcs.put(key, AIRPORTS.read_bytes())
        block = GcpCredentials(service_account_info=fake_service_account(), project="ag2-sdlc-test")
        clients = clients_from_credentials(gcp=block)
        got = fetch_csv(emulated_gcs.url(key), destination_dir=tmp_path, clients=clients)
        assert got.read_bytes() == AIRPORTS.read_bytes()

    def test_azure_block_connection_string_reaches_azurite(
        self, azurite_connection: str, emulated_azure: Emulated, tmp_path: Path
    ) -> None:
        """The block's connection string builds a synchronous client against Azurite."""
        key = unique_key()
        emulated_azure.put(key, AIRPORTS.read_bytes())
        block = AzureBlobStorageCredentials(connection_string=azurite_connection)
        clients = clients_from_credentials(azure=block)
        assert clients.azure is not None
        assert clients.azure.account_name == AZURITE_ACCOUNT
        got = fetch_csv(emulated_azure.url(key), destination_dir=tmp_path, clients=clients)
        assert got.read_bytes() == AIRPORTS.read_bytes()

    def test_unknown_aws_profile_is_refused(self) -> None:
        """A block naming a profile this machine does not have raises InvalidRequest."""
        block = AwsCredentials(profile_name="no-such-profile-ag2", region_name="us-east-1")
        with pytest.raises(InvalidRequest, match="AWS credentials cannot be used") as caught:
            clients_from_credentials(aws=block)
        assert_one_sentence(caught.value)


@pytest.mark.usefixtures("prefect_api")
# Tasks run here outside a flow, so Prefect cannot ship their log lines to a flow run.
@pytest.mark.filterwarnings("ignore:Logger 'prefect.task_runs' attempted to send logs")
class TestBlocksByName:
    """Saved blocks are loaded by name, and the Prefect task fetches through them."""

    def test_saved_aws_block_is_loaded_by_name(
        self, s3_endpoint: str, emulated_s3: Emulated, tmp_path: Path
    ) -> None:
        """clients_from_blocks loads the named AwsCredentials and reads from moto."""
        moto_block(s3_endpoint).save("storage-test-moto", overwrite=True)
        key = unique_key()
        emulated_s3.put(key, AIRPORTS.read_bytes())
        clients = clients_from_blocks(aws_block="storage-test-moto")
        assert clients.gcs is None
        assert clients.azure is None
        got = fetch_csv(emulated_s3.url(key), destination_dir=tmp_path, clients=clients)
        assert got.read_bytes() == AIRPORTS.read_bytes()

    def test_unknown_block_name_is_refused(self) -> None:
        """A name with no saved block raises InvalidRequest naming it."""
        with pytest.raises(
            InvalidRequest, match="no AWS credentials block named 'nope-ag2'"
        ) as caught:
            clients_from_blocks(aws_block="nope-ag2")
        assert_one_sentence(caught.value)

    def test_task_fetches_through_the_block_of_the_locations_scheme(
        self, azurite_connection: str, emulated_azure: Emulated, tmp_path: Path
    ) -> None:
        """fetch_csv_task loads only the Azure block for an az:// URL (the AWS name is bogus)."""
        AzureBlobStorageCredentials(connection_string=azurite_connection).save(
            "storage-test-azurite", overwrite=True
        )
        key = unique_key()
        emulated_azure.put(key, AIRPORTS.read_bytes())
        got = fetch_csv_task(
            emulated_azure.url(key),
            str(tmp_path),
            aws_block="does-not-exist",
            azure_block="storage-test-azurite",
        )
        assert Path(got).read_bytes() == AIRPORTS.read_bytes()

    def test_task_does_not_retry_a_missing_object(self, s3_endpoint: str, tmp_path: Path) -> None:
        """A bad request fails the task run on its first attempt."""
        moto_block(s3_endpoint).save("storage-test-moto", overwrite=True)
        state = fetch_csv_task(
            f"s3://{BUCKET}/{unique_key()}",
            str(tmp_path),
            aws_block="storage-test-moto",
            return_state=True,
        )
        assert state.is_failed()
        assert "There is no object" in str(state.result(raise_on_failure=False))
        assert _run_count(state) == 1

    def test_task_retries_an_unreachable_service(self, tmp_path: Path) -> None:
        """A refused connection is transient: the task tries 1 + 3 retries times."""
        dead = f"http://127.0.0.1:{free_port()}"
        moto_block(dead, retries={"max_attempts": 1}).save("storage-test-dead", overwrite=True)
        state = fetch_csv_task.with_options(retry_delay_seconds=0)(
            f"s3://{BUCKET}/cars.csv",
            str(tmp_path),
            aws_block="storage-test-dead",
            return_state=True,
        )
        assert state.is_failed()
        assert isinstance(state.result(raise_on_failure=False), ToolFailed)
        assert _run_count(state) == 4


def _run_count(state: Any) -> int:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return client.read_task_run(state.state_details.task_run_id).run_count
