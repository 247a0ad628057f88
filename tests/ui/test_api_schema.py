"""schemathesis (`--checks all`) against the running REST API: no 5xx, no answer outside its
own schema, valid input accepted, invalid input refused, auth not ignored."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolUpdate

from tests.ui.conftest import API_KEY, Backend, RestApi, pipeline_run_ids, prefect_in
from ui.runs import WORK_POOL

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
# Which file an upload holds is beyond any schema: a schema-valid upload of random bytes is
# refused (413/415/422) by design, so only there those statuses count as acceptance.
CONFIG = """
[parameters]
"path.workflow_id" = "{run_id}"

[[operations]]
include-path = "/api/workflow/execute/upload"
checks.positive_data_acceptance.expected-statuses = [
  "2xx", "401", "403", "404", "409", "413", "415", "422", "429",
]
"""

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]


@pytest.fixture
def paused_pool(backend: Backend) -> Iterator[None]:
    """The work pool paused while the fuzzer runs: the runs it starts stay Scheduled (the API
    still creates them through Prefect) and are deleted afterwards."""
    before = pipeline_run_ids(backend)
    with prefect_in(backend), get_client(sync_client=True) as client:
        client.update_work_pool(WORK_POOL, WorkPoolUpdate(is_paused=True))
        try:
            yield
        finally:
            for run_id in pipeline_run_ids(backend) - before:
                client.delete_flow_run(run_id)
            client.update_work_pool(WORK_POOL, WorkPoolUpdate(is_paused=False))


class TestSchemathesis:
    """Every operation, every check, against a real Prefect server and a released run."""

    def test_all_checks_pass(
        self, api: RestApi, released: str, paused_pool: None, tmp_path: Path
    ) -> None:
        """schemathesis exits 0: no server error, no schema violation, no ignored auth."""
        config = tmp_path / "schemathesis.toml"
        config.write_text(CONFIG.format(run_id=released), encoding="utf-8")
        done = subprocess.run(
            [str(SCHEMATHESIS), "--config-file", str(config), "run", f"{api.base}/openapi.json",
             "--checks", "all", "--max-examples", "15", "--workers", "1",
             "-H", f"X-API-Key: {API_KEY}"],
            cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        output = done.stdout + done.stderr
        assert done.returncode == 0, output[-6000:]
        summary = re.search(r"(\d+) generated, (\d+) passed", output)
        assert summary, output[-2000:]
        assert int(summary[1]) >= 100
        assert summary[1] == summary[2], output[-2000:]
        assert "9 selected / 9 total" in output
        assert API_KEY not in output
