"""A recording proxy for the model server: forwards every request and keeps the answers' usage.

Test instrumentation, not a fake: the real llama-server answers; the proxy only reads what it
answered, so a test can compare the ledger with the server's own usage reports.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

_HOP_BY_HOP = {"connection", "transfer-encoding", "content-length", "content-encoding", "host"}


@dataclass
class Exchange:
    path: str
    status: int
    usage: dict[str, int] = field(default_factory=dict)


class RecordingProxy:
    """Listens on 127.0.0.1 and forwards to ``upstream``; ``exchanges`` lists what passed."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.exchanges: list[Exchange] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                proxy.forward(self)

            def do_GET(self) -> None:
                proxy.forward(self)

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output quiet

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def forward(self, handler: BaseHTTPRequestHandler) -> None:
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in _HOP_BY_HOP}
        answer = httpx.request(
            handler.command,
            self.upstream + handler.path,
            content=body,
            headers=headers,
            timeout=900,
        )  # fmt: skip # one forwarded request
        usage: dict[str, int] = {}
        if answer.headers.get("content-type", "").startswith("application/json"):
            found = json.loads(answer.content or b"{}")
            if isinstance(found, dict) and isinstance(found.get("usage"), dict):
                usage = {k: v for k, v in found["usage"].items() if isinstance(v, int)}
        self.exchanges.append(Exchange(handler.path, answer.status_code, usage))
        handler.send_response(answer.status_code)
        for key, value in answer.headers.items():
            if key.lower() not in _HOP_BY_HOP:
                handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(answer.content)))
        handler.end_headers()
        handler.wfile.write(answer.content)

    def __enter__(self) -> RecordingProxy:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()
