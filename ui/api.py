"""The seed's REST API over the Prefect API (``ag2-sdlc api``).

Routes: ``POST /api/workflow/execute`` (JSON; CSV by location) and ``/execute/upload``
(multipart CSV), ``GET /api/workflow/{id}`` (the WorkflowState), ``/artifacts``,
``POST /api/workflow/{id}/approve`` and ``/reject``, ``GET /api/workflows`` (pages),
``GET /metrics`` (Prometheus) and ``GET /health``. Every refusal is a 4xx in ``ApiError``'s
shape. A CSV location on this machine must lie in the uploads directory or a directory named
in ``AG2_SDLC_API_CSV_ROOTS``: a caller cannot make the pipeline read any other file here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import (
    APIRouter,
    Depends,
    FastAPI,
    File,
    Form,
    Query,
    Request,
    Response,
    Security,
    UploadFile,
)
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader
from pydantic import SecretStr

from core.contracts import (
    PROJECT_NAME_PATTERN,
    CloudProvider,
    PipelineRequest,
    WorkflowState,
)
from core.errors import InvalidRequest
from core.locations import parse_location
from core.settings import Settings, get_settings
from ui import observe, runs
from ui.api_guard import API_KEY_HEADER, ApiProblem, Guard, install_error_handlers
from ui.api_models import (
    ApiError,
    DecisionRequest,
    DecisionResponse,
    ExecuteRequest,
    ExecuteResponse,
    Health,
    RejectRequest,
    WorkflowPage,
)
from ui.approvals import Decision, decide
from ui.launch import DeployChoice, launch, save_upload, upload_limit_bytes
from ui.metrics import CONTENT_TYPE, Metrics

CSV_ROOTS_ENV = "AG2_SDLC_API_CSV_ROOTS"
# Form fields carry no null: an empty name means "derive it", "auto" means "infer the kind".
REQUESTER_HELP = "Who asks for the run: with the flow's four_eyes rule, they may not approve it."
OPTIONAL_NAME = "^(|" + PROJECT_NAME_PATTERN.strip("^$") + ")$"
NAME_HELP = "Lowercase name with dashes; empty to derive it from the file name."
KindChoice = Literal["auto", "rest_api", "web_app", "ml_pipeline", "etl_pipeline", "microservices"]
REFUSED = {"4XX": {"model": ApiError, "description": "Refused, with one sentence saying why."}}


def csv_roots(settings: Settings) -> list[Path]:
    """Directories whose CSV files callers may name: uploads, plus ``AG2_SDLC_API_CSV_ROOTS``."""
    extra = [Path(p) for p in os.environ.get(CSV_ROOTS_ENV, "").split(os.pathsep) if p.strip()]
    return [root.expanduser().resolve() for root in (settings.data_home / "uploads", *extra)]


def _csv_location(location: str, settings: Settings) -> str:
    if parse_location(location) is not None:
        return location
    try:
        path = Path(location).expanduser().resolve()
    except (OSError, RuntimeError, ValueError):  # a NUL byte, an unknown ~user, a symlink loop
        raise ApiProblem(404, "There is no CSV file at that location.") from None
    if not any(path.is_relative_to(root) for root in csv_roots(settings)):
        raise ApiProblem(
            403, "This API reads local CSV files only from its uploads directory; upload the file."
        )
    if not path.is_file():
        raise ApiProblem(404, f"The CSV file {location[:200]!r} does not exist or is not a file.")
    return str(path)


def _started(run_id: UUID) -> ExecuteResponse:
    state = runs.workflow_state(run_id)
    steps = observe.agent_steps(run_id)
    return ExecuteResponse(
        success=True,
        workflow_id=str(run_id),
        status=state.status,
        agents_completed=[s.agent for s in steps if s.state_type == "COMPLETED"],
        current_agent=state.current_agent,
        ui_url=runs.run_url(run_id),
    )


def _pipeline_run(workflow_id: UUID) -> None:
    if observe.read_pipeline_run(workflow_id) is None:
        raise ApiProblem(404, f"There is no pipeline run {workflow_id}.")


def _refusal(exc: InvalidRequest) -> ApiProblem:
    status = 409 if isinstance(exc, runs.NotAwaitingApproval) else 422
    return ApiProblem(status, str(exc))


router = APIRouter(prefix="/api", responses=REFUSED)  # type: ignore[arg-type]


def _metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


def _start(
    request: PipelineRequest,
    deploy: DeployChoice,
    timeout: int,
    metrics: Metrics,
    requested_by: str = "",
) -> ExecuteResponse:
    run_id = launch(
        request,
        settings=get_settings(),
        deploy=deploy,
        approval_timeout=timeout,
        requested_by=requested_by.strip(),
    )
    metrics.runs_started.labels(request.input_type).inc()
    return _started(run_id)


@router.post("/workflow/execute", status_code=202, response_model=ExecuteResponse)
def execute(body: ExecuteRequest, request: Request) -> ExecuteResponse:
    """Start a run from a request text or a CSV location."""
    settings = get_settings()
    try:
        checked = PipelineRequest.from_inputs(
            text=body.input_data if body.input_type == "text" else None,
            csv=_csv_location(body.input_data, settings) if body.input_type == "csv" else None,
            name=body.project_name,
            cloud=body.cloud_provider,
            kind=body.project_kind,
        )
    except InvalidRequest as exc:
        raise _refusal(exc) from None
    return _start(checked, body.deploy, body.approval_timeout, _metrics(request), body.requested_by)


@router.post("/workflow/execute/upload", status_code=202, response_model=ExecuteResponse)
def execute_upload(
    request: Request,
    file: Annotated[UploadFile, File(description="The CSV file (.csv, UTF-8 or Latin-1).")],
    cloud_provider: Annotated[CloudProvider, Form()] = "local",
    project_name: Annotated[str, Form(pattern=OPTIONAL_NAME, description=NAME_HELP)] = "",
    project_kind: Annotated[KindChoice, Form()] = "auto",
    deploy: Annotated[Literal["local", "check", "none"], Form()] = "local",
    requested_by: Annotated[str, Form(max_length=120, description=REQUESTER_HELP)] = "",
) -> ExecuteResponse:
    """Start a run from an uploaded CSV file."""
    name = file.filename or "upload.csv"
    if not name.lower().endswith(".csv"):
        raise ApiProblem(415, f"Only .csv files can be uploaded; {name[:120]!r} is not one.")
    limit = upload_limit_bytes()
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise ApiProblem(413, f"The file is over the upload limit of {limit:,} bytes.")
    try:
        path = save_upload(name, data, settings=get_settings())
        checked = PipelineRequest.from_inputs(
            csv=str(path),
            name=project_name or None,
            cloud=cloud_provider,
            kind=None if project_kind == "auto" else project_kind,
        )
    except InvalidRequest as exc:
        raise _refusal(exc) from None
    return _start(checked, deploy, 3600, _metrics(request), requested_by)


@router.get("/workflow/{workflow_id:uuid}", response_model=WorkflowState)
def workflow(workflow_id: UUID) -> WorkflowState:
    """The run as the seed's WorkflowState."""
    _pipeline_run(workflow_id)
    return runs.workflow_state(workflow_id)


@router.get("/workflow/{workflow_id:uuid}/artifacts", response_model=list[observe.ArtifactView])
def artifacts(workflow_id: UUID) -> list[observe.ArtifactView]:
    """Every artifact the run published, oldest first."""
    _pipeline_run(workflow_id)
    return observe.run_artifacts(workflow_id)


def _decide(request: Request, decision: Decision) -> DecisionResponse:
    _pipeline_run(decision.run_id)
    try:
        decide(decision)
    except InvalidRequest as exc:
        raise _refusal(exc) from None
    _metrics(request).decisions.labels("approve" if decision.approved else "reject").inc()
    return DecisionResponse(
        workflow_id=str(decision.run_id),
        approved=decision.approved,
        reviewer=decision.reviewer,
        status=runs.workflow_status(runs.read_flow_run(decision.run_id)),
    )


@router.post("/workflow/{workflow_id:uuid}/approve", response_model=DecisionResponse)
def approve(workflow_id: UUID, body: DecisionRequest, request: Request) -> DecisionResponse:
    """Approve a run paused on its approval form (409 when it is not paused)."""
    decision = Decision(workflow_id, approved=True, reviewer=body.reviewer, comment=body.comment)
    return _decide(request, decision)


@router.post("/workflow/{workflow_id:uuid}/reject", response_model=DecisionResponse)
def reject(workflow_id: UUID, body: RejectRequest, request: Request) -> DecisionResponse:
    """Reject a run paused on its approval form; nothing is published (409 when not paused)."""
    decision = Decision(workflow_id, approved=False, reviewer=body.reviewer, comment=body.comment)
    return _decide(request, decision)


@router.get("/workflows", response_model=WorkflowPage)
def workflows(
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> WorkflowPage:
    """Pipeline runs, newest first."""
    items, total = observe.recent_runs(limit=page_size, offset=(page - 1) * page_size)
    return WorkflowPage(items=items, page=page, page_size=page_size, total=total)


async def _refuse_large_uploads(request: Request, call_next: Any) -> Response:
    """Refuse an upload whose declared size is over the limit before its body is read."""
    declared = request.headers.get("content-length", "")
    overhead = 64 * 1024  # multipart boundaries and the form's other fields
    if declared.isdigit() and int(declared) > upload_limit_bytes() + overhead:
        limit = upload_limit_bytes()
        message = f"The request is over the upload limit of {limit:,} bytes."
        return JSONResponse({"error": "too_large", "message": message}, status_code=413)
    response: Response = await call_next(request)
    return response


_KEY_HEADER = APIKeyHeader(
    name=API_KEY_HEADER, auto_error=False, description="Required when the API has a key."
)


def _keyed(request: Request, key: Annotated[str | None, Security(_KEY_HEADER)]) -> None:
    guard: Guard = request.app.state.guard
    guard.check(request, key)


def _counted(request: Request) -> None:
    guard: Guard = request.app.state.guard
    guard.check(request, None)


def create_app(*, api_key: SecretStr | None, rate_limit: str = "120/minute") -> FastAPI:
    """The API; with ``api_key`` every route but ``/health`` needs ``X-API-Key``."""
    app = FastAPI(title="ag2-sdlc", version="0.1.0", summary="Five AG2 agents behind Prefect.")
    app.state.guard = Guard(api_key=api_key, rate_limit=rate_limit)
    app.state.metrics = metrics = Metrics()
    protect = Depends(_keyed if api_key is not None else _counted)
    install_error_handlers(app)
    app.middleware("http")(_refuse_large_uploads)
    app.include_router(router, dependencies=[protect])

    @app.get("/metrics", dependencies=[protect], responses={
        200: {"content": {"text/plain": {"schema": {"type": "string"}}}}, **REFUSED,  # type: ignore[dict-item]
    })  # fmt: skip
    def prometheus() -> Response:
        """Runs started, runs by state, approvals and agent durations (Prometheus text)."""
        return Response(metrics.render(), media_type=CONTENT_TYPE)

    @app.get("/health", response_model=Health)
    def health() -> Health:
        """Answers while the API process runs (no key needed)."""
        return Health()

    return app
