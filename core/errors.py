"""The project's exception tree.

Every error raised on purpose derives from ``Ag2SdlcError``; each subclass also inherits the
builtin it resembles, so callers that only know the builtin still catch it::

    Ag2SdlcError
    ├── InvalidRequest(ValueError)        bad user input: one clear sentence for the user
    ├── UnsafePath(ValueError)            a path that would leave the run's workspace
    ├── ToolFailed(RuntimeError)          an external tool (uv, ruff, git, ...) failed to run
    │   └── ToolUnavailable               a checking tool is not installed here: not checked
    ├── SandboxTimeout(TimeoutError)      generated code ran past its time limit
    ├── SandboxUnavailable(RuntimeError)  no sandbox here, and unsafe execution was not allowed
    ├── PublishError(RuntimeError)        git push, upload or deployment failed
    ├── ApprovalDenied(RuntimeError)      the human rejected the release, or never answered
    ├── ModelUnavailable(RuntimeError)    a configured LLM backend failed (bad key, unknown
    │                                     model, unreachable, or still failing after retries)
    ├── BudgetExceeded(RuntimeError)      the run's token or cost budget is spent
    └── WorkspaceBusy(RuntimeError)       another run is building the same request right now
"""

from __future__ import annotations


class Ag2SdlcError(Exception):
    """Root of every error this project raises on purpose."""


class InvalidRequest(ValueError, Ag2SdlcError):
    """The request cannot be processed as given; the message says why in one sentence."""


class UnsafePath(ValueError, Ag2SdlcError):
    """A path derived from input would resolve outside the run's workspace."""


class ToolFailed(RuntimeError, Ag2SdlcError):
    """An external tool could not run or returned an unexpected failure."""


class ToolUnavailable(ToolFailed):
    """A checking tool (or what it needs) is absent here: the file is "not checked", not passed."""


class SandboxTimeout(TimeoutError, Ag2SdlcError):
    """Generated code did not finish within its time limit."""


class SandboxUnavailable(RuntimeError, Ag2SdlcError):
    """Generated code would run unconfined: no bubblewrap, and AG2_SDLC_UNSAFE_EXEC is unset."""


class PublishError(RuntimeError, Ag2SdlcError):
    """Publishing (git push, upload, deploy) failed."""


class ApprovalDenied(RuntimeError, Ag2SdlcError):
    """The release was rejected by a reviewer or the approval timed out."""


class ModelUnavailable(RuntimeError, Ag2SdlcError):
    """A configured LLM backend cannot answer; the message names the backend and why."""


class BudgetExceeded(RuntimeError, Ag2SdlcError):
    """The run's model budget is spent; no further model call is made."""


class WorkspaceBusy(RuntimeError, Ag2SdlcError):
    """Another live run holds the workspace of the same request; the message names it."""
