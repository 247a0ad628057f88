"""The csv-analysis flow against a Prefect API, and its nightly deployment entry."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterKey,
    FlowRunFilter,
    FlowRunFilterId,
)
from prefect.client.schemas.sorting import ArtifactSort

from flows.csv_analysis import CsvAnalysisOutcome, csv_analysis
from tasks.csv_analysis import profile_store

ROOT = Path(__file__).resolve().parents[2]


def _latest_artifact(key: str) -> Any:
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])),
            sort=ArtifactSort.CREATED_DESC,
            limit=1,
        )
    assert found, f"no artifact {key}"
    return found[0]


@pytest.mark.usefixtures("prefect_api")
class TestCsvAnalysisFlow:
    def test_second_run_reports_the_drift(self, tmp_path: Path) -> None:
        """Run twice on a file changed in between: the drift artifact names each change."""
        data = tmp_path / "Nightly Orders.csv"
        data.write_text("order_id,amount,region\n1,10.5,north\n2,12.0,south\n3,11.0,north\n")
        first = csv_analysis(str(data))
        assert isinstance(first, CsvAnalysisOutcome)
        assert first.drift is None
        assert first.artifact_keys == [
            "csv-nightly-orders-profile",
            "csv-nightly-orders-insights",
            "csv-nightly-orders-drift",
        ]
        assert "First profile" in _latest_artifact("csv-nightly-orders-drift").data
        assert profile_store(str(data.resolve())).is_file()

        data.write_text(
            "order_id,amount,region,coupon\n1,ten,north,A\n2,twelve,south,B\n3,eleven,north,C\n"
        )
        second = csv_analysis(str(data))
        assert isinstance(second, CsvAnalysisOutcome)
        drift = _latest_artifact("csv-nightly-orders-drift").data
        assert "Column 'coupon' was added." in drift
        assert "Column 'amount' changed type from float to str." in drift

        table = _latest_artifact("csv-nightly-orders-profile").data
        rows = json.loads(table) if isinstance(table, str) else table
        assert [row["column"] for row in rows] == ["order_id", "amount", "region", "coupon"]
        insights = _latest_artifact("csv-nightly-orders-insights").data
        assert "'order_id' can serve as the primary key" in insights

    @pytest.mark.parametrize(
        ("content", "fragment"),
        [(b"", "is empty"), (b"a,b\n1,2\n3,4,5\n", "uneven length"), (None, "does not exist")],
    )
    def test_bad_input_fails_the_run_with_one_sentence(
        self, tmp_path: Path, content: bytes | None, fragment: str
    ) -> None:
        """A bad or missing file ends the run Failed with the refusal as its message."""
        path = tmp_path / "bad.csv"
        if content is not None:
            path.write_bytes(content)
        state = csv_analysis(str(path), return_state=True)
        assert state.is_failed()
        assert state.message is not None
        assert fragment in state.message
        assert "\n" not in state.message
        assert not state.message.startswith("Refused")
        with get_client(sync_client=True) as client:
            runs = client.read_task_runs(
                flow_run_filter=FlowRunFilter(
                    id=FlowRunFilterId(any_=[state.state_details.flow_run_id])
                )
            )
        assert all(run.run_count <= 1 for run in runs)  # a refusal is never retried


@pytest.mark.usefixtures("prefect_api")
class TestCloudLocations:
    def test_s3_location_is_fetched_through_the_block_and_drift_is_reported(self) -> None:
        """An s3:// location (moto) is read through an AWS block on each run; drift is named."""
        from tests.servers import moto_bucket

        with moto_bucket("lake", block_name="moto-nightly") as s3:
            location = "s3://lake/daily/Sensor Readings.csv"
            s3.put_object(
                Bucket="lake", Key="daily/Sensor Readings.csv", Body=b"id,temp\n1,20.5\n2,21\n"
            )
            first = csv_analysis(location, aws_block="moto-nightly")
            s3.put_object(
                Bucket="lake",
                Key="daily/Sensor Readings.csv",
                Body=b"id,temp,site\n1,20.5,a\n2,21,b\n",
            )
            second = csv_analysis(location, aws_block="moto-nightly")
            missing = csv_analysis(
                "s3://lake/nope.csv", aws_block="moto-nightly", return_state=True
            )
        assert isinstance(first, CsvAnalysisOutcome)
        assert isinstance(second, CsvAnalysisOutcome)
        assert first.drift is None
        assert second.drift is not None
        assert "Column 'site' was added." in second.drift.changes
        assert missing.is_failed()
        assert "\n" not in (missing.message or "")

    def test_cloud_location_without_a_block_is_refused_in_one_sentence(self) -> None:
        """A gs:// location with no GCP block fails the run, naming the block it needs."""
        state = csv_analysis("gs://bucket/data.csv", return_state=True)
        assert state.is_failed()
        assert (state.message or "").startswith("gs:// locations need a GCP credentials block")


class TestNightlyDeployment:
    def test_prefect_yaml_schedules_the_flow(self) -> None:
        """csv-analysis/nightly runs the flow on a UTC cron with parameters it accepts."""
        config = yaml.safe_load((ROOT / "prefect.yaml").read_text())
        deployments = {d["name"]: d for d in config["deployments"]}
        assert "default" in deployments
        nightly = deployments["nightly"]
        assert nightly["entrypoint"] == "flows/csv_analysis.py:csv_analysis"
        assert nightly["work_pool"]["name"] == "ag2-sdlc-local"
        (schedule,) = nightly["schedules"]
        assert (schedule["cron"], schedule["timezone"]) == ("0 2 * * *", "UTC")
        accepted = inspect.signature(csv_analysis.fn).parameters
        assert set(nightly["parameters"]) <= set(accepted)
