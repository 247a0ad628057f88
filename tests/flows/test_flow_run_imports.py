"""What a flow run does not import until it needs it.

A process worker starts a fresh interpreter per flow run, so every import the pipeline module
pays is paid once per run, on the same cores as the other runs: prefect-aws, prefect-gcp (with
pandas) and prefect-azure, for runs that never release to a bucket; libcst, for reviews that
need no repair.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

from prefect.blocks.core import Block

ROOT = Path(__file__).resolve().parents[2]
ON_DEMAND = ("prefect_aws", "prefect_gcp", "prefect_azure", "pandas", "libcst")


def _imported_by(statement: str) -> list[str]:
    listing = f"print(json.dumps([m for m in {ON_DEMAND!r} if m in sys.modules]))"
    probe = f"{statement}\nimport json, sys\n{listing}"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_pipeline_module_imports_none_of_them() -> None:
    assert _imported_by("import flows.sdlc") == []


def test_naming_a_release_target_class_imports_it() -> None:
    assert set(_imported_by("from blocks import AwsReleaseTarget")) >= {"prefect_aws"}


def test_block_registration_still_finds_every_release_target() -> None:
    # `prefect block register -m blocks` collects the Block subclasses with inspect.getmembers.
    import blocks

    found = {name for name, value in inspect.getmembers(blocks) if isinstance(value, type)}
    found_blocks = {name for name in found if issubclass(getattr(blocks, name), Block)}
    assert {
        "AwsReleaseTarget",
        "AzureReleaseTarget",
        "GcpReleaseTarget",
        "GitHubTarget",
        "KubernetesTarget",
        "GitRemote",
        "LLMBackend",
    } <= found_blocks
