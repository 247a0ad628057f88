"""FakeGitHub: a small stateful fake of the GitHub REST API, for tests only.

No GitHub-compatible server installs here (no Gitea, no Forgejo), so this serves exactly the
endpoints our ``services.github`` and ``services.github_ci`` call through PyGithub, with the
shapes GitHub documents, and real ``git http-backend`` behind ``/git/<owner>/<name>.git`` for
pushes. It keeps state (repositories, pull requests, workflow runs), checks the token on every
request, and can be told to answer rate limits or to refuse pushes (a real pre-receive hook).
It is a contract test double, not GitHub: CI runs "succeed" after a few polls.
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.git_servers import GitHttpBackend
from tests.servers import serving

POLLS_TO_FINISH = 3


@dataclass
class FakeState:
    root: Path
    token: str
    user: str
    orgs: set[str]
    base: str = ""
    repos: dict[str, dict[str, Any]] = field(default_factory=dict)
    pulls: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    runs: dict[int, dict[str, Any]] = field(default_factory=dict)
    polls: dict[int, int] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)
    answers: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # next answers
    conclusion: str = "success"
    lock: threading.Lock = field(default_factory=threading.Lock)

    def bare(self, full_name: str) -> Path:
        return self.root / f"{full_name}.git"

    def repo_json(self, owner: str, name: str, private: bool, visibility: str) -> dict[str, Any]:
        full = f"{owner}/{name}"
        return {
            "id": len(self.repos) + 1,
            "name": name,
            "full_name": full,
            "owner": {"login": owner, "type": "User" if owner == self.user else "Organization"},
            "private": private,
            "visibility": visibility,
            "default_branch": "main",
            "url": f"{self.base}/repos/{full}",
            "html_url": f"{self.base}/{full}",
            "clone_url": f"{self.base}/git/{full}.git",
        }


class FakeGitHubHandler(GitHttpBackend):
    state: FakeState

    def do_GET(self) -> None:  # noqa: N802 - http.server names
        self._route("GET")

    def do_POST(self) -> None:  # noqa: N802 - http.server names
        self._route("POST")

    def do_PATCH(self) -> None:  # noqa: N802 - http.server names
        self._route("PATCH")

    def _route(self, method: str) -> None:
        path = urlsplit(self.path).path
        if path.startswith("/git/"):
            self.project_root = self.state.root
            self.path = self.path.removeprefix("/git")
            self._serve()  # git http-backend, with its own basic-auth check
            return
        auth = self.headers.get("Authorization", "")
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        with self.state.lock:
            self.state.requests.append((method, path))
            self.state.bodies.append(raw)
            forced = self.state.answers.pop(0) if self.state.answers else None
        if auth not in (f"token {self.state.token}", f"Bearer {self.state.token}"):
            return self._send(401, {"message": "Bad credentials"})
        if forced:
            return self._send(forced[0], {"message": "API rate limit exceeded"}, forced[1])
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        body = json.loads(raw) if raw else {}
        for pattern, verb, handler in ROUTES:
            if verb == method and (match := re.fullmatch(pattern, path)):
                with self.state.lock:
                    status, payload = handler(self.state, *match.groups(), body=body, query=query)
                return self._send(status, payload)
        self._send(404, {"message": "Not Found"})

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = b"" if status == 204 else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


# --- the endpoints ------------------------------------------------------------------------------


def _user(state: FakeState, **_: Any) -> tuple[int, Any]:
    return 200, {
        "login": state.user,
        "id": 1,
        "type": "User",
        "url": f"{state.base}/users/{state.user}",
    }


def _org(state: FakeState, org: str, **_: Any) -> tuple[int, Any]:
    if org not in state.orgs:
        return 404, {"message": "Not Found"}
    return 200, {"login": org, "id": 2, "url": f"{state.base}/orgs/{org}"}


def _get_repo(state: FakeState, owner: str, name: str, **_: Any) -> tuple[int, Any]:
    repo = state.repos.get(f"{owner}/{name}")
    return (200, repo) if repo else (404, {"message": "Not Found"})


def _create(state: FakeState, owner: str, body: dict[str, Any]) -> tuple[int, Any]:
    name = str(body.get("name", ""))
    if f"{owner}/{name}" in state.repos:
        return 422, {
            "message": "Repository creation failed.",
            "errors": [{"message": "name already exists on this account"}],
        }
    visibility = body.get("visibility") or ("private" if body.get("private") else "public")
    repo = state.repo_json(owner, name, visibility != "public", visibility)
    state.bare(repo["full_name"]).parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "git",
            "init",
            "--quiet",
            "--bare",
            "--initial-branch=main",
            str(state.bare(repo["full_name"])),
        ],
        check=True,
    )
    state.repos[repo["full_name"]] = repo
    return 201, repo


def _create_user_repo(state: FakeState, *, body: dict[str, Any], **_: Any) -> tuple[int, Any]:
    return _create(state, state.user, body)


def _create_org_repo(
    state: FakeState, org: str, *, body: dict[str, Any], **_: Any
) -> tuple[int, Any]:
    return _create(state, org, body) if org in state.orgs else (404, {"message": "Not Found"})


def _edit_repo(
    state: FakeState, owner: str, name: str, *, body: dict[str, Any], **_: Any
) -> tuple[int, Any]:
    repo = state.repos.get(f"{owner}/{name}")
    if repo is None:
        return 404, {"message": "Not Found"}
    if "default_branch" in body:
        repo["default_branch"] = body["default_branch"]
    return 200, repo


def _pulls(
    state: FakeState, owner: str, name: str, *, query: dict[str, str], **_: Any
) -> tuple[int, Any]:
    found = [
        p
        for p in state.pulls.get(f"{owner}/{name}", [])
        if p["state"] == query.get("state", "open")
        and (not query.get("head") or f"{owner}:{p['head']['ref']}" == query["head"])
        and (not query.get("base") or p["base"]["ref"] == query["base"])
    ]
    return 200, found


def _create_pull(
    state: FakeState, owner: str, name: str, *, body: dict[str, Any], **_: Any
) -> tuple[int, Any]:
    full = f"{owner}/{name}"
    if not _git(state, full, "rev-parse", "--verify", f"refs/heads/{body['head']}"):
        return 422, {
            "message": "Validation Failed",
            "errors": [{"field": "head", "code": "invalid"}],
        }
    pulls = state.pulls.setdefault(full, [])
    number = len(pulls) + 1
    pull = {
        "number": number,
        "state": "open",
        "title": body["title"],
        "body": body.get("body", ""),
        "head": {"ref": body["head"]},
        "base": {"ref": body["base"]},
        "url": f"{state.base}/repos/{full}/pulls/{number}",
        "html_url": f"{state.base}/{full}/pull/{number}",
    }
    pulls.append(pull)
    return 201, pull


def _git(state: FakeState, full: str, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(state.bare(full)), *args], capture_output=True, text=True, check=False
    )
    return done.stdout if done.returncode == 0 else ""


def _workflow(state: FakeState, owner: str, name: str, file: str, **_: Any) -> tuple[int, Any]:
    full = f"{owner}/{name}"
    if full not in state.repos or not _git(state, full, "show", f"main:.github/workflows/{file}"):
        return 404, {"message": "Not Found"}
    url = f"{state.base}/repos/{full}/actions/workflows/{file}"
    return 200, {
        "id": 7,
        "name": file,
        "path": f".github/workflows/{file}",
        "state": "active",
        "url": url,
        "html_url": url,
    }


def _runs_of(
    state: FakeState, owner: str, name: str, file: str, *, query: dict[str, str], **_: Any
) -> tuple[int, Any]:
    runs = [r for r in state.runs.values() if r["repository"] == f"{owner}/{name}"]
    if query.get("head_sha"):
        runs = [r for r in runs if r["head_sha"] == query["head_sha"]]
    return 200, {"total_count": len(runs), "workflow_runs": runs}


def _dispatch(
    state: FakeState, owner: str, name: str, file: str, *, body: dict[str, Any], **_: Any
) -> tuple[int, Any]:
    full = f"{owner}/{name}"
    text = _git(state, full, "show", f"{body.get('ref', 'main')}:.github/workflows/{file}")
    if "workflow_dispatch" not in text:
        return 422, {"message": "Workflow does not have 'workflow_dispatch' trigger"}
    sha = _git(state, full, "rev-parse", body.get("ref", "main")).strip()
    run_id = 100 + len(state.runs)
    html = f"{state.base}/{full}/actions/runs/{run_id}"
    state.runs[run_id] = {
        "id": run_id,
        "repository": full,
        "head_sha": sha,
        "head_branch": body.get("ref"),
        "event": "workflow_dispatch",
        "status": "queued",
        "conclusion": None,
        "url": f"{state.base}/repos/{full}/actions/runs/{run_id}",
        "html_url": html,
    }
    return 200, {"workflow_run_id": run_id, "run_url": state.runs[run_id]["url"], "html_url": html}


def _run(state: FakeState, owner: str, name: str, run_id: str, **_: Any) -> tuple[int, Any]:
    run = state.runs.get(int(run_id))
    if run is None:
        return 404, {"message": "Not Found"}
    seen = state.polls[run["id"]] = state.polls.get(run["id"], 0) + 1
    if run["status"] != "completed":
        run["status"] = "in_progress" if seen < POLLS_TO_FINISH else "completed"
        run["conclusion"] = state.conclusion if run["status"] == "completed" else None
    return 200, run


_R = r"/repos/([^/]+)/([^/]+)"
ROUTES = [
    (r"/user", "GET", _user),
    (r"/orgs/([^/]+)", "GET", _org),
    (r"/user/repos", "POST", _create_user_repo),
    (r"/orgs/([^/]+)/repos", "POST", _create_org_repo),
    (_R, "GET", _get_repo),
    (_R, "PATCH", _edit_repo),
    (_R + r"/pulls", "GET", _pulls),
    (_R + r"/pulls", "POST", _create_pull),
    (_R + r"/actions/workflows/([^/]+)", "GET", _workflow),
    (_R + r"/actions/workflows/([^/]+)/runs", "GET", _runs_of),
    (_R + r"/actions/workflows/([^/]+)/dispatches", "POST", _dispatch),
    (_R + r"/actions/runs/(\d+)", "GET", _run),
]


def refuse_pushes(state: FakeState, full_name: str) -> None:
    """Make the repository's pre-receive hook refuse every push (as a protected branch would)."""
    hook = state.bare(full_name) / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected branch: pushes are refused' >&2\nexit 1\n")
    hook.chmod(0o755)


@contextmanager
def fake_github(
    root: Path, *, token: str, user: str = "sdlc-bot", orgs: tuple[str, ...] = ("acme",)
) -> Iterator[FakeState]:
    """Serve FakeGitHub on 127.0.0.1; yields its state (``state.base`` is the API URL)."""
    root.mkdir(parents=True, exist_ok=True)
    state = FakeState(root=root, token=token, user=user, orgs=set(orgs))
    attributes = {"state": state, "project_root": root, "user": "x-access-token", "token": token}
    handler = type("Handler", (FakeGitHubHandler,), attributes)
    with serving(handler) as port:
        state.base = f"http://127.0.0.1:{port}"
        yield state
