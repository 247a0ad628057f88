"""PipelineRequest.from_inputs turns user input into a request or one clear sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.contracts import PipelineRequest, slugify
from core.errors import InvalidRequest


class TestPipelineRequest:
    @pytest.mark.parametrize(
        ("kwargs", "fragment"),
        [
            ({"text": ""}, "empty"),
            ({"text": "   \n"}, "empty"),
            ({"csv": "does-not-exist.csv"}, "does not exist"),
            ({"text": "a todo api", "name": "../../etc"}, "Invalid project name"),
            ({"text": "a todo api", "cloud": "mars"}, "Unknown cloud provider"),
            ({"text": "x" * 20_001}, "limit"),
            ({}, "exactly one"),
        ],
    )
    def test_bad_input_is_one_sentence(self, kwargs: dict[str, str], fragment: str) -> None:
        """Each kind of bad input raises InvalidRequest with a single readable sentence."""
        with pytest.raises(InvalidRequest) as caught:
            PipelineRequest.from_inputs(**kwargs)
        message = str(caught.value)
        assert fragment in message
        assert "\n" not in message

    def test_name_is_derived_from_text(self) -> None:
        """Without --name the project name is a valid slug of the request."""
        request = PipelineRequest.from_inputs(text="A Library API for Books!", cloud="aws")
        assert request.project_name == "library-api-books"
        assert request.cloud_provider == "aws"

    def test_csv_request_keeps_location(self, tmp_path: Path) -> None:
        """A CSV request records its location and derives the name from the file."""
        csv = tmp_path / "Sales 2024.csv"
        csv.write_text("a,b\n1,2\n")
        request = PipelineRequest.from_inputs(csv=str(csv))
        assert request.input_type == "csv"
        assert request.project_name == "sales-2024"

    def test_slug_starts_with_a_letter(self) -> None:
        """Names that would start with a digit get a letter prefix."""
        assert slugify("2048 game clone")[0].isalpha()
