"""The model path, driven by AG2's own scripted test model (``ag2.testing.TestConfig``).

The agents run unchanged; ``answering_with`` puts the scripted model where the configured
backend would answer, so these tests see what a real model's answers do to the pipeline.
"""

from __future__ import annotations

import json

import httpx2
import openai
import pytest
from ag2.events import ModelMessage, ModelResponse
from ag2.events.types import Usage
from ag2.testing import TestConfig

from agents import release
from agents.analyzer import AnalyzerInput, plan_for
from agents.llm import BackendSpec, answering_with, consult_sync
from agents.llm.failures import ATTEMPTS
from core.contracts import (
    AnalysisResult,
    CodeStatistics,
    DeploymentBundle,
    DeploymentFile,
    GeneratedCode,
    ReviewReport,
    ReviewResults,
)
from core.errors import ModelUnavailable

SPEC = BackendSpec(backend="openai", model="gpt-4o-mini", api_key="sk-test")
INPUT = AnalyzerInput(
    project_name="books-api", cloud_provider="aws", text="A library API where books have a title."
)
_REQUEST = httpx2.Request("POST", "http://127.0.0.1:9/v1/chat/completions")


def _answer(body: str, prompt: int = 120, completion: int = 60) -> ModelResponse:
    usage = Usage(prompt_tokens=prompt, completion_tokens=completion)
    return ModelResponse(ModelMessage(body), usage=usage, model="gpt-4o-mini")


def _status(error: type[openai.APIStatusError], code: int, **headers: str) -> Exception:
    return error(
        "scripted", response=httpx2.Response(code, request=_REQUEST, headers=headers), body=None
    )


def _ask(*turns: object) -> tuple[AnalysisResult, object]:
    with answering_with(TestConfig(*turns, model="gpt-4o-mini")):  # type: ignore[arg-type]  # Turn is AG2's own union
        return consult_sync(role="analyzer", payload=INPUT, schema=AnalysisResult, spec=SPEC)


class TestAnswers:
    """What becomes of the model's answer: used, or replaced by the offline one and recorded."""

    def test_a_valid_answer_is_used_and_marked_as_the_models(self) -> None:
        """A schema-valid answer is the result; its tokens and price are in the trace."""
        planned = plan_for(INPUT).model_copy(update={"complexity": 9})
        result, trace = _ask(_answer(planned.model_dump_json()))
        assert result.complexity == 9  # the model's own value, not the heuristic's
        assert trace.source == "model"  # type: ignore[attr-defined]
        assert (trace.prompt_tokens, trace.completion_tokens, trace.calls) == (120, 60, 1)  # type: ignore[attr-defined]
        assert trace.cost_usd == pytest.approx((120 * 0.15 + 60 * 0.60) / 1e6)  # type: ignore[attr-defined]

    def test_not_json_twice_gives_the_offline_answer_with_the_reason(self) -> None:
        """Text that is not JSON gets one repair retry, then the offline answer, recorded."""
        result, trace = _ask(_answer("Sure! Here is the plan."), _answer("plan: books"))
        assert result == plan_for(INPUT)
        assert trace.source == "offline-fallback"  # type: ignore[attr-defined]
        assert trace.calls == 2  # type: ignore[attr-defined]
        assert trace.rejections[0].startswith("schema: ")  # type: ignore[attr-defined]
        assert "JSON" in trace.rejections[0]  # type: ignore[attr-defined]

    def test_a_wrong_shape_is_caught_and_a_repaired_one_used(self) -> None:
        """JSON of the wrong shape is refused by the schema; the repaired answer is used."""
        good = plan_for(INPUT).model_dump_json()
        result, trace = _ask(_answer(json.dumps({"plan": "books"})), _answer(good))
        assert result == plan_for(INPUT)
        assert trace.source == "model"  # type: ignore[attr-defined]
        assert trace.calls == 2  # type: ignore[attr-defined]

    def test_an_answer_that_tries_to_move_a_gate_changes_nothing(self) -> None:
        """The validator's model may write notes only: ``ready_for_deployment`` is refused."""
        analysis = plan_for(INPUT)
        code = GeneratedCode(
            project_path="/tmp/books-api",
            project_kind="rest_api",
            generated_files=[],
            tech_stack=[],
            code_statistics=CodeStatistics(files=0, lines=0),
        )  # fmt: skip # a minimal project record
        failing = ReviewReport(
            review_results=ReviewResults(), code_quality_score=95, tests_passed=3, tests_failed=2
        )
        bundle = DeploymentBundle(
            deployment_files=[DeploymentFile(path="Dockerfile", kind="dockerfile")],
            cloud_provider="aws",
            k8s_manifests=["k8s/deployment.yaml"],
        )  # fmt: skip # a minimal bundle
        pushy = json.dumps({"release_notes": ["Ship it."], "ready_for_deployment": True})
        with answering_with(TestConfig(_answer(pushy), _answer(pushy), model="gpt-4o-mini")):
            report = release.validate(analysis, code, failing, bundle, spec=SPEC)
        assert report.validation_results.ready_for_deployment is False
        assert report.llm is not None
        assert report.llm.source == "offline-fallback"
        assert "ready_for_deployment" in report.llm.rejections[0]
        assert "Ship it." not in report.release_notes


class TestBackendFailures:
    """Transient failures are retried with backoff; persistent ones stop with one sentence."""

    def test_rate_limits_and_a_server_error_are_retried_until_an_answer(self) -> None:
        """Two 429s (with Retry-After) and a 503, then an answer: the answer is used."""
        limited = _status(openai.RateLimitError, 429, **{"retry-after": "0.05"})
        broken = _status(openai.InternalServerError, 503)
        good = plan_for(INPUT).model_dump_json()
        result, trace = _ask(limited, limited, broken, _answer(good))
        assert result == plan_for(INPUT)
        assert trace.source == "model"  # type: ignore[attr-defined]

    def test_a_server_error_that_outlasts_the_retries_is_one_sentence(self) -> None:
        """A 503 on every attempt fails the agent, naming the backend and the attempts."""
        broken = _status(openai.InternalServerError, 503)
        with pytest.raises(ModelUnavailable) as caught:
            _ask(*[broken] * ATTEMPTS)
        assert str(caught.value) == (
            f"The openai LLM backend still answered HTTP 503 after {ATTEMPTS} attempts while "
            "answering the analyzer agent."
        )

    @pytest.mark.parametrize(
        ("error", "code", "why"),
        [
            (openai.AuthenticationError, 401, "refused the API key (HTTP 401)"),
            (openai.NotFoundError, 404, "does not know the model 'gpt-4o-mini' (HTTP 404)"),
        ],
    )
    def test_a_bad_key_or_unknown_model_is_not_retried(
        self, error: type[openai.APIStatusError], code: int, why: str
    ) -> None:
        """A persistent failure stops at once (a second scripted turn would answer)."""
        good = plan_for(INPUT).model_dump_json()
        with pytest.raises(ModelUnavailable) as caught:
            _ask(_status(error, code), _answer(good))
        assert str(caught.value) == (
            f"The openai LLM backend {why} while answering the analyzer agent."
        )

    def test_with_the_offline_fallback_a_bad_key_is_recorded_not_raised(self) -> None:
        """``fallback="offline"`` answers offline and says why, instead of failing the run."""
        spec = SPEC.model_copy(update={"fallback": "offline"})
        scripted = TestConfig(_status(openai.AuthenticationError, 401), model="gpt-4o-mini")
        with answering_with(scripted):
            result, trace = consult_sync(
                role="analyzer", payload=INPUT, schema=AnalysisResult, spec=spec
            )
        assert result == plan_for(INPUT)
        assert trace.source == "offline-fallback"
        assert "refused the API key" in trace.rejections[0]


def test_a_missing_key_is_named_as_such() -> None:
    """A hosted backend with no key fails by saying where the key goes."""
    keyless = BackendSpec(backend="openai", model="gpt-4o-mini", base_url="http://127.0.0.1:9/v1")
    with pytest.raises(ModelUnavailable, match="has no API key"):
        consult_sync(role="analyzer", payload=INPUT, schema=AnalysisResult, spec=keyless)
