"""The `ag2-sdlc` command.

Prefect is imported only after the API URL is settled: Prefect reads its settings once, at
import, so the local server's environment must be in place first.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import re
import sys
from pathlib import Path
from typing import Any, NoReturn
from uuid import UUID

from pydantic import SecretStr, ValidationError

from core.contracts import PipelineRequest
from core.errors import Ag2SdlcError, InvalidRequest
from core.settings import get_settings
from services.deploy import LocalDeployer
from services.sandbox import Sandbox
from services.telemetry import configure_tracing, flush_traces
from ui.agent_commands import add_agent_commands, add_request_arguments
from ui.connection import connect
from ui.launch import pipeline_parameters
from ui.serve import add_serve_commands
from ui.server import LocalServer, stop_worker

_BLOCK_SLUG = re.compile(r"[a-z0-9-]+/[A-Za-z0-9_-]+")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """Usage mistakes get one line, not a usage dump."""
        self.exit(2, f"ag2-sdlc: {message}.\n")


def _emit(data: Any) -> None:
    print(json.dumps(data, indent=2, default=str))


def _note(text: str) -> None:
    print(text, file=sys.stderr)


def server_command(args: argparse.Namespace) -> int:
    settings = get_settings()
    if args.database:
        settings = settings.model_copy(update={"database_url": SecretStr(args.database)})
    server = LocalServer(settings)
    if args.action == "start":
        server.start()
        database = server.status().database
        _note(f"Prefect server running: {server.ui_url} on {database}")
        _note("Stop it with `ag2-sdlc server stop`.")
    elif args.action == "stop":
        apps = LocalDeployer(state_dir=settings.deployments_dir, sandbox=Sandbox()).stop_all()
        names = sorted(path.stem for path in settings.data_home.glob("worker*.pid"))
        stopped_workers = [stop_worker(settings, name=name) for name in names]  # every one
        worker = any(stopped_workers)
        stopped = server.stop()
        _note("Stopped." if stopped or worker or apps else "No server of ours was running.")
    else:
        _emit(server.status().__dict__)
    return 0


def deploy_command(args: argparse.Namespace) -> int:
    from ui.deploy import deploy

    if args.result_storage and not _BLOCK_SLUG.fullmatch(args.result_storage):
        raise InvalidRequest(
            f"--result-storage {args.result_storage!r} is not a block slug such as "
            "s3-bucket/ag2-sdlc-results."
        )
    settings = get_settings()
    connect(settings, start=True)
    pids = deploy(
        settings,
        LocalServer(settings).environment(),
        workers=args.workers,
        result_storage=args.result_storage,
    )
    _note(f"Deployed sdlc-pipeline/default; worker pid(s) {', '.join(map(str, pids))}.")
    return 0


def k8s_template_command(args: argparse.Namespace) -> int:
    from ui.pools import kubernetes_base_job_template

    _emit(kubernetes_base_job_template())
    return 0


def _parameters(args: argparse.Namespace) -> dict[str, Any]:
    request = PipelineRequest.from_inputs(
        text=args.text,
        csv=str(Path(args.csv).resolve()) if args.csv else None,
        name=args.name,
        cloud=args.cloud,
        kind=args.kind,
    )
    return pipeline_parameters(
        request,
        deploy=args.deploy,
        approval_timeout=args.approval_timeout,
        requested_by=_os_user(),  # for the four-eyes rule
    )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        return ""


def _ask_terminal(run_id: UUID) -> None:
    from ui import runs

    answer = input("Approve this release? [y/N] ").strip().lower()
    reviewer = input("Your name: ").strip() or "cli-user"
    comment = input("Comment: ").strip()
    runs.resume(run_id, approved=answer in ("y", "yes"), reviewer=reviewer, comment=comment)


def run_command(args: argparse.Namespace) -> int:
    parameters = _parameters(args)  # validates before anything starts or is written
    if args.approve and not args.reviewer:
        raise InvalidRequest("--approve needs --reviewer NAME: approvals are never anonymous.")
    settings = get_settings()
    connect(settings, start=True)
    from ui import runs
    from ui.deploy import deploy

    deploy(settings, LocalServer(settings).environment(), force=False)
    run_id = runs.start_run(parameters)
    _note(f"Run {run_id}: {runs.run_url(run_id)}")
    if not (args.wait or args.approve):
        state = runs.workflow_state(run_id)
        _emit({"workflow_id": str(run_id), "status": state.status, "ui_url": state.ui_url})
        return 0
    flow_run = runs.wait_for(run_id, until=runs.is_awaiting_approval, timeout=args.timeout)
    if runs.is_awaiting_approval(flow_run):
        _note(f"Awaiting approval: open {runs.run_url(run_id)} and press Resume.")
        if args.approve:
            runs.resume(run_id, approved=True, reviewer=args.reviewer, comment=args.comment)
            _note(f"Approved by {args.reviewer}.")
        elif sys.stdin.isatty() and not args.json:
            _ask_terminal(run_id)
    if not args.wait:
        _emit({"workflow_id": str(run_id), "status": runs.workflow_state(run_id).status})
        return 0
    runs.wait_for(run_id, until=runs.is_final, timeout=args.timeout)
    state = runs.workflow_state(run_id)
    if args.json:
        _emit(state.model_dump(mode="json"))
    else:
        _note(f"{state.status}: {state.state_message or ''}")
        if state.project_path:
            _note(f"Project: {state.project_path}")
        if state.release:
            _note(f"Repository: {state.release.git_repository}")
            _note(f"Deployment: {state.release.deployment_status.model_dump_json()}")
    return 0 if state.status == "completed" else 1


def _run_id(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise InvalidRequest(f"{text!r} is not a flow run id (a UUID).") from None


def decide_command(args: argparse.Namespace) -> int:
    run_id = _run_id(args.run_id)
    connect(get_settings(), start=False)
    from ui import runs

    approved = args.command == "approve"
    runs.resume(run_id, approved=approved, reviewer=args.reviewer, comment=args.comment or "")
    _note(f"{'Approved' if approved else 'Rejected'} run {run_id} as {args.reviewer}.")
    return 0


def status_command(args: argparse.Namespace) -> int:
    run_id = _run_id(args.run_id)
    connect(get_settings(), start=False)
    from ui import runs

    _emit(runs.workflow_state(run_id).model_dump(mode="json"))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ag2-sdlc", description="Five AG2 agents, orchestrated by Prefect.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    server = commands.add_parser("server", help="Start, stop or inspect the local Prefect server.")
    server.add_argument("action", choices=["start", "stop", "status"])
    server.add_argument(
        "--database",
        help="postgresql+asyncpg://USER:PASSWORD@HOST:PORT/DB (default: SQLite in the data home).",
    )
    server.set_defaults(handler=server_command)
    deploy = commands.add_parser("deploy", help="Work pools, blocks, deployments and workers.")
    deploy.add_argument("--workers", type=int, choices=range(1, 9), default=1, metavar="N")
    deploy.add_argument(
        "--result-storage", default="", help="Storage block for task results: s3-bucket/NAME."
    )
    deploy.set_defaults(handler=deploy_command)
    template = commands.add_parser(
        "k8s-job-template", help="The Kubernetes pool's base job template, as JSON."
    )
    template.set_defaults(handler=k8s_template_command)

    run = commands.add_parser("run", help="Start a pipeline run.")
    add_request_arguments(run)
    run.add_argument("--approve", action="store_true", help="Approve at the pause.")
    run.add_argument("--reviewer", help="Who approves (with --approve).")
    run.add_argument("--comment", default="Approved from the ag2-sdlc CLI.")
    run.add_argument("--wait", action="store_true", help="Wait for the run to end.")
    run.add_argument("--json", action="store_true", help="Print one JSON object.")
    run.add_argument("--timeout", type=float, default=3600, help="Seconds to wait at most.")
    run.add_argument("--approval-timeout", type=int, default=3600, help="Seconds the form waits.")
    run.add_argument(
        "--deploy",
        choices=["local", "check", "none"],
        default="local",
        help="After approval: keep the app running here, only health-check it, or skip.",
    )
    run.set_defaults(handler=run_command)

    for name, needs_comment in (("approve", False), ("reject", True)):
        decide = commands.add_parser(name, help=f"{name.capitalize()} a run awaiting approval.")
        decide.add_argument("run_id")
        decide.add_argument("--reviewer", required=True)
        decide.add_argument("--comment", required=needs_comment)
        decide.set_defaults(handler=decide_command)
    status = commands.add_parser("status", help="A run's WorkflowState as JSON.")
    status.add_argument("run_id")
    status.set_defaults(handler=status_command)
    add_agent_commands(commands)
    add_serve_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        if hasattr(args, "agent"):
            exporting = configure_tracing()  # OTEL_EXPORTER_OTLP_ENDPOINT set: spans go there
            try:
                result = args.agent(args)
                _emit(result.model_dump(mode="json"))
            finally:
                if exporting:
                    flush_traces()
            return int(args.exit_status(result)) if hasattr(args, "exit_status") else 0
        return int(args.handler(args))
    except Ag2SdlcError as exc:
        _note(f"ag2-sdlc: {exc}")
        return 2
    except ValidationError as exc:
        _note(f"ag2-sdlc: invalid input ({exc.error_count()} validation errors).")
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
