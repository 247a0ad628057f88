"""`ag2-sdlc ui` (the Streamlit launcher) and `ag2-sdlc api` (the REST API).

Both connect to the configured Prefect API, else start the local server, and run in the
foreground until Ctrl-C. The launcher binds 127.0.0.1 only (it has no login); the API binds
where it is told, but refuses anything beyond loopback without an API key.
"""

from __future__ import annotations

import argparse
import errno
import math
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

from core.errors import InvalidRequest
from core.settings import get_settings
from ui.api_guard import Guard, check_bind, load_api_key
from ui.connection import api_url, connect
from ui.launch import upload_limit_bytes

APP = Path(__file__).resolve().with_name("streamlit_app.py")
LOOPBACK = "127.0.0.1"


def _note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _ensure_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as exc:
            hint = "; choose another with --port" if exc.errno == errno.EADDRINUSE else ""
            raise InvalidRequest(
                f"Cannot listen on {host} port {port} ({exc.strerror}){hint}."
            ) from None


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 1-65535."""
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535)")
    return int(text)


def streamlit_argv(port: int) -> list[str]:
    """``streamlit run`` for the launcher: loopback, headless, no telemetry, no file watcher."""
    upload_mb = max(1, math.ceil(upload_limit_bytes() / (1024 * 1024)))
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        f"--server.address={LOOPBACK}",
        f"--server.port={port}",
        "--server.headless=true",
        "--server.fileWatcherType=none",
        f"--server.maxUploadSize={upload_mb}",
        "--browser.gatherUsageStats=false",
        "--global.developmentMode=false",
        "--client.toolbarMode=viewer",
    ]  # fmt: skip


def ui_command(args: argparse.Namespace) -> int:
    _ensure_free(LOOPBACK, args.port)
    connect(get_settings(), start=True)
    _note(f"Launcher on http://{LOOPBACK}:{args.port} (Prefect API {api_url()}); Ctrl-C stops it.")
    done = subprocess.run(streamlit_argv(args.port), env=dict(os.environ), check=False)  # noqa: S603 - our argv
    return done.returncode


def api_command(args: argparse.Namespace) -> int:
    # Refuse an unsafe bind or a bad limit before anything starts; a key from a block needs
    # the Prefect API, so that one is checked once connected.
    Guard(api_key=None, rate_limit=args.rate_limit)
    if not args.api_key_block:
        check_bind(args.host, load_api_key(None))
    _ensure_free(args.host, args.port)
    connect(get_settings(), start=True)
    key = load_api_key(args.api_key_block)
    check_bind(args.host, key)
    import uvicorn

    from ui.api import create_app

    app = create_app(api_key=key, rate_limit=args.rate_limit)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    _note(f"REST API on http://{shown}:{args.port} (docs at /docs, key {'on' if key else 'off'})")
    options: dict[str, Any] = {"log_level": "info", "server_header": False}
    uvicorn.run(app, host=args.host, port=args.port, **options)
    return 0


def add_serve_commands(commands: Any) -> None:
    """Add ``ui`` and ``api`` to the ``ag2-sdlc`` sub-command parser."""
    ui = commands.add_parser("ui", help="The Streamlit launcher on 127.0.0.1.")
    ui.add_argument("--port", type=port_number, default=8501, help="Default 8501.")
    ui.set_defaults(handler=ui_command)
    api = commands.add_parser("api", help="The REST API (FastAPI).")
    api.add_argument("--host", default=LOOPBACK, help="Address to bind (default 127.0.0.1).")
    api.add_argument("--port", type=port_number, default=8000, help="Default 8000.")
    api.add_argument(
        "--api-key-block",
        help="A Prefect Secret block holding the X-API-Key value (else AG2_SDLC_API_KEY).",
    )
    api.add_argument(
        "--rate-limit", default="120/minute", help="Requests per key, e.g. 120/minute."
    )
    api.set_defaults(handler=api_command)
