"""`ag2-sdlc analyze|generate|review|devops`: each agent alone, no server, JSON on stdout."""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ValidationError

from core.contracts import CLOUD_PROVIDERS, AnalysisResult, PipelineRequest, slugify
from core.errors import InvalidRequest
from core.settings import get_settings
from services.sandbox import Sandbox

if TYPE_CHECKING:
    from agents.llm import BackendSpec


def _spec() -> BackendSpec:
    # Imported here: AG2 takes seconds to import, and a usage mistake should not wait for it.
    from agents.llm import BackendSpec

    return BackendSpec.from_settings(get_settings())


def _existing_dir(text: str) -> Path:
    path = Path(text)
    if not path.is_dir():
        raise InvalidRequest(f"{text!r} is not a directory.")
    return path.resolve()


def analyze_command(args: argparse.Namespace) -> BaseModel:
    from agents.analyzer import analyze

    request = PipelineRequest.from_inputs(
        text=args.text, csv=args.csv, name=args.name, cloud=args.cloud, kind=args.kind
    )
    return analyze(request, spec=_spec())


def generate_command(args: argparse.Namespace) -> BaseModel:
    from agents.generator import generate

    plan_path = Path(args.plan)
    try:
        plan = AnalysisResult.model_validate_json(plan_path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidRequest(f"The plan file {args.plan!r} cannot be read.") from exc
    except ValidationError as exc:
        raise InvalidRequest(
            f"The plan file {args.plan!r} is not an analyzer result "
            f"({exc.error_count()} validation errors)."
        ) from exc
    out = Path(args.out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InvalidRequest(f"The output directory {args.out!r} exists and is not empty.")
    csv_path = Path(args.csv) if args.csv else None
    if csv_path is not None and not csv_path.is_file():
        raise InvalidRequest(f"The CSV file {args.csv!r} does not exist or is not a file.")
    out.mkdir(parents=True, exist_ok=True)
    return generate(plan, project_dir=out.resolve(), spec=_spec(), csv_path=csv_path)


def review_command(args: argparse.Namespace) -> BaseModel:
    from agents.reviewer import review

    project = _existing_dir(args.directory)
    settings = get_settings()
    env_key = hashlib.sha256(str(project).encode()).hexdigest()[:12]
    return review(
        project,
        spec=_spec(),
        sandbox=Sandbox(cache_dir=settings.uv_cache_dir, timeout=settings.sandbox_timeout),
        env_dir=settings.data_home / "review-envs" / env_key,
        run_tests=not args.no_tests,
        fuzz=not args.no_fuzz,
    )


def review_exit_status(report: BaseModel) -> int:
    """1 when the review blocks the release (a blocking finding or a failed test), else 0."""
    return 1 if getattr(report, "is_blocking", False) else 0


def devops_command(args: argparse.Namespace) -> BaseModel:
    from agents.devops import build_deployment

    project = _existing_dir(args.directory)
    if args.cloud not in CLOUD_PROVIDERS:
        raise InvalidRequest(
            f"Unknown cloud provider {args.cloud!r}; choose one of {', '.join(CLOUD_PROVIDERS)}."
        )
    out = Path(args.out).resolve() if args.out else None
    return build_deployment(
        project,
        project_name=args.name or slugify(project.name),
        cloud=args.cloud,
        spec=_spec(),
        out_dir=out,
    )


def add_request_arguments(parser: argparse.ArgumentParser) -> None:
    """--text or --csv, --name, --cloud and --kind: what `run` and `analyze` both take."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--text", help="The request, in words.")
    source.add_argument("--csv", help="A CSV file to build around.")
    parser.add_argument("--name", help="Project name (lowercase letters, digits, dashes).")
    parser.add_argument("--cloud", default="local", help="aws, gcp, azure or local.")
    parser.add_argument(
        "--kind",
        help="rest_api, web_app, ml_pipeline, etl_pipeline or microservices (default: inferred).",
    )


def add_agent_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]  # private generic in typeshed
    """Register the four single-agent commands on the CLI's subparsers."""
    analyze = commands.add_parser("analyze", help="Run the Analyzer & Planner alone.")
    add_request_arguments(analyze)
    analyze.set_defaults(agent=analyze_command)

    generate = commands.add_parser("generate", help="Run the Code Generator on a plan.")
    generate.add_argument("--plan", required=True, help="JSON output of `ag2-sdlc analyze`.")
    generate.add_argument("--out", required=True, help="Empty directory to write into.")
    generate.add_argument("--csv", help="The plan's CSV file: its first rows become test data.")
    generate.set_defaults(agent=generate_command)

    review = commands.add_parser(
        "review", help="Review any Python project directory; exit 1 if the review blocks."
    )
    review.add_argument("directory")
    review.add_argument("--no-tests", action="store_true", help="Skip running its tests.")
    review.add_argument("--no-fuzz", action="store_true", help="Skip fuzzing its OpenAPI.")
    review.set_defaults(agent=review_command, exit_status=review_exit_status)

    devops = commands.add_parser("devops", help="Write and check deployment files.")
    devops.add_argument("directory")
    devops.add_argument("--cloud", required=True, help="aws, gcp, azure or local.")
    devops.add_argument("--out", help="Write here instead of into the project.")
    devops.add_argument("--name", help="Project name (default: from the directory).")
    devops.set_defaults(agent=devops_command)
