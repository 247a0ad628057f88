"""The release's step list: each step done, skipped (with why) or failed, for the artifact."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from core.contracts import ReleaseStep, StepStatus
from core.errors import PublishError


class ReleaseFailed(PublishError):
    """A release step failed; ``steps`` says what was done before it."""

    def __init__(self, message: str, steps: list[ReleaseStep] | None = None) -> None:
        super().__init__(message)
        self.steps = steps or []

    def __reduce__(self) -> tuple[type[ReleaseFailed], tuple[str, list[ReleaseStep]]]:
        return (ReleaseFailed, (str(self), self.steps))  # keeps the steps through pickling


@dataclass
class Outcome:
    """What a running step reports; a step that reports nothing counts as done."""

    status: StepStatus = "done"
    detail: str = ""
    url: str | None = None

    def done(self, detail: str, url: str | None = None) -> None:
        self.status, self.detail, self.url = "done", detail, url

    def skipped(self, why: str) -> None:
        self.status, self.detail = "skipped", why


@dataclass
class StepLog:
    steps: list[ReleaseStep] = field(default_factory=list)

    def skip(self, name: str, why: str) -> None:
        self.steps.append(ReleaseStep(name=name, status="skipped", detail=why[:500]))

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[Outcome]:
        """Record the step; a ``PublishError`` inside fails it and the release, in one sentence."""
        outcome = Outcome()
        try:
            yield outcome
        except PublishError as exc:
            self.steps.append(ReleaseStep(name=name, status="failed", detail=str(exc)[:500]))
            raise ReleaseFailed(str(exc), list(self.steps)) from exc
        self.steps.append(
            ReleaseStep(
                name=name, status=outcome.status, detail=outcome.detail[:500], url=outcome.url
            )
        )
