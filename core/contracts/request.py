"""The user's request: what to build, validated from raw inputs with one-sentence refusals.

``PipelineRequest.from_inputs`` is the single gate every entry point (flow, CLI)
passes user input through; nothing is written before it accepts the input.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from core.contracts.base import (
    CLOUD_PROVIDERS,
    PROJECT_KINDS,
    PROJECT_NAME_PATTERN,
    CloudProvider,
    Contract,
    ProjectKind,
)
from core.errors import InvalidRequest
from core.locations import parse_location

MAX_REQUEST_CHARS = 20_000


class RequestOptions(Contract):
    review_rounds: int = Field(2, ge=0, le=5, description="Repair rounds after a blocking review.")
    run_generated_tests: bool = Field(True, description="Run the generated project's tests.")
    deploy_target: Literal["local", "kubernetes", "gitops", "none"] = Field(
        "local", description="Where an approved release is deployed."
    )
    keep_deployment_running: bool = Field(
        True, description="Leave the locally deployed app running after its health check."
    )


class PipelineRequest(Contract):
    input_type: Literal["text", "csv"] = Field(description="What kind of request this is.")
    text: str | None = Field(None, max_length=MAX_REQUEST_CHARS, description="The request text.")
    csv_location: str | None = Field(
        None, max_length=1000, description="Path or URL of the CSV file to build around."
    )
    cloud_provider: CloudProvider = Field("local", description="Where the project is deployed.")
    project_name: str = Field(
        pattern=PROJECT_NAME_PATTERN, description="Lowercase name used for repo, image and dirs."
    )
    project_kind: ProjectKind | None = Field(
        None, description="The kind of project to build; inferred from the request when None."
    )
    options: RequestOptions = Field(default_factory=RequestOptions)

    @model_validator(mode="after")
    def _input_matches_type(self) -> PipelineRequest:
        if self.input_type == "text" and not (self.text and self.text.strip()):
            raise ValueError("a text request needs a non-empty description")
        if self.input_type == "csv" and not self.csv_location:
            raise ValueError("a CSV request needs a CSV location")
        return self

    def fingerprint(self) -> str:
        """Hash of what shapes the generated project (not of run options such as timeouts)."""
        import hashlib

        shape = self.model_dump_json(
            include={
                "input_type",
                "text",
                "csv_location",
                "cloud_provider",
                "project_name",
                "project_kind",
            }
        )
        return hashlib.sha256(shape.encode()).hexdigest()

    def without_options(self) -> PipelineRequest:
        """The request with default options, so run options do not split the agents' cache."""
        return self.model_copy(update={"options": RequestOptions()})

    @classmethod
    def from_inputs(
        cls,
        *,
        text: str | None = None,
        csv: str | None = None,
        name: str | None = None,
        cloud: str = "local",
        kind: str | None = None,
        options: RequestOptions | None = None,
    ) -> PipelineRequest:
        """Build a request from user inputs, raising ``InvalidRequest`` with one sentence."""
        if (text is None) == (csv is None):
            raise InvalidRequest("Give exactly one of a request text or a CSV file.")
        if text is not None and not text.strip():
            raise InvalidRequest("The request text is empty; describe the software you want.")
        if text is not None and len(text) > MAX_REQUEST_CHARS:
            raise InvalidRequest(
                f"The request text has {len(text):,} characters; "
                f"the limit is {MAX_REQUEST_CHARS:,}."
            )
        if csv is not None:
            _check_csv_location(csv)
        if cloud not in CLOUD_PROVIDERS:
            raise InvalidRequest(
                f"Unknown cloud provider {cloud!r}; choose one of {', '.join(CLOUD_PROVIDERS)}."
            )
        if kind is not None and kind not in PROJECT_KINDS:
            raise InvalidRequest(
                f"Unknown project kind {kind!r}; choose one of {', '.join(PROJECT_KINDS)}."
            )
        if name is None:
            name = slugify(text if text is not None else Path(str(csv)).stem)
        elif not re.fullmatch(PROJECT_NAME_PATTERN, name):
            raise InvalidRequest(
                f"Invalid project name {name!r}: use 2-63 lowercase letters, digits and dashes, "
                "starting with a letter."
            )
        return cls(
            input_type="text" if text is not None else "csv",
            text=text,
            csv_location=csv,
            cloud_provider=cloud,  # type: ignore[arg-type]  # checked against CLOUD_PROVIDERS
            project_name=name,
            project_kind=kind,  # type: ignore[arg-type]  # checked against PROJECT_KINDS
            options=options or RequestOptions(),
        )


def _check_csv_location(location: str) -> None:
    if parse_location(location) is not None:
        return
    if not Path(location).is_file():
        raise InvalidRequest(f"The CSV file {location!r} does not exist or is not a file.")


def slugify(text: str) -> str:
    """A valid project name from free text: the first few words, lowercase, dashed."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    stop = {"a", "an", "the", "and", "or", "for", "of", "to", "with", "that", "i", "we", "want"}
    kept = [w for w in words if w not in stop][:4] or ["project"]
    slug = "-".join(kept)[:50].strip("-")
    if not slug[0].isalpha():
        slug = f"app-{slug}"
    return slug if len(slug) >= 2 else f"{slug}-app"
