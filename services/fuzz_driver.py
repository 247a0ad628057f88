"""Inside the sandbox: boot ``app.main:app``, check its health, fuzz its OpenAPI schema, stop it.

Run as a script by the project's own interpreter (stdlib only: it is not imported by ag2-sdlc):
``python fuzz_driver.py OUT PORT HEALTH_PATH -- SCHEMATHESIS_ARGS...``. The app and schemathesis
share the sandbox's private loopback. ``OUT/boot.json`` says what happened:
``{"healthy": bool, "openapi": bool, "detail": str}``; ``OUT/app.log`` holds the app's output.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

_BOOT_SECONDS = 60


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback http
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (urllib.error.URLError, OSError):
        return 0


def _wait_healthy(app: subprocess.Popen[bytes], url: str) -> str:
    deadline = time.monotonic() + _BOOT_SECONDS
    while time.monotonic() < deadline:
        if app.poll() is not None:
            return f"the app exited with code {app.returncode} before {url} answered"
        status = _get(url)
        if 200 <= status < 300:
            return ""
        time.sleep(0.2)
    return f"{url} did not answer within {_BOOT_SECONDS} s"


def main(argv: list[str]) -> int:
    out, port, health = Path(argv[0]), argv[1], argv[2]
    fuzz_args = argv[argv.index("--") + 1 :]
    base = f"http://127.0.0.1:{port}"
    log = (out / "app.log").open("wb")
    app = subprocess.Popen(  # noqa: S603 - the project's interpreter, fixed argv
        [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", port],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    verdict = {"healthy": False, "openapi": False, "detail": ""}
    try:
        verdict["detail"] = _wait_healthy(app, base + health)
        verdict["healthy"] = not verdict["detail"]
        if verdict["healthy"] and _get(base + "/openapi.json") == 200:
            verdict["openapi"] = True
            schema_url = base + "/openapi.json"
            command = [sys.executable, "-m", "schemathesis.cli", "run", schema_url, *fuzz_args]
            subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, check=False)  # noqa: S603
    finally:
        app.terminate()
        try:
            app.wait(timeout=10)
        except subprocess.TimeoutExpired:
            app.kill()
        log.close()
        (out / "boot.json").write_text(json.dumps(verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
