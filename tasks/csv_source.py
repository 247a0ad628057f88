"""Where a CSV comes from: a local path, or a bucket read through the cloud's credentials block.

The blocks become live clients in ``blocks.storage``; only the block of the location's scheme is
loaded.
"""

from __future__ import annotations

from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from blocks.storage import clients_from_blocks
from core.locations import parse_location
from services.storage import fetch_csv
from tasks.common import retry_transient

_BLOCK_FOR_SCHEME = {"s3": "aws_block", "gs": "gcp_block", "az": "azure_block"}


@task(
    name="fetch-csv",
    retries=3,
    retry_delay_seconds=[2, 10, 30],
    retry_condition_fn=retry_transient,
    # Every run reads the object afresh: a scheduled analysis must see today's file.
    cache_policy=NO_CACHE,
)
def fetch_csv_task(
    location: str,
    destination_dir: str,
    aws_block: str = "",
    gcp_block: str = "",
    azure_block: str = "",
) -> str:
    """Download the CSV at ``location`` into ``destination_dir``; return its local path.

    Only the block for the location's scheme is loaded, so another cloud's block being broken
    does not matter. Unreachable services are retried; a bad location or block is not.
    """
    cloud = parse_location(location)
    needed = _BLOCK_FOR_SCHEME[cloud.scheme] if cloud is not None else None
    blocks = {"aws_block": aws_block, "gcp_block": gcp_block, "azure_block": azure_block}
    clients = clients_from_blocks(**{key: name for key, name in blocks.items() if key == needed})
    path = fetch_csv(location, destination_dir=Path(destination_dir), clients=clients)
    get_run_logger().info("CSV %s is at %s (%d bytes)", location, path, path.stat().st_size)
    return str(path)
