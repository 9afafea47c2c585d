"""A small local stand-in for the forge's merge-request API (GitLab v4, Gitea v1), shared by the forge tests and
the desk's submission tests.

No forge runs here, so the stand-in is an http.server on 127.0.0.1 that records what it was sent and answers as
the real forge does (201 with the new merge request, 409/422 when one is open already, 401 for a wrong token,
404 for an unknown project). It serves the project ``county/site`` and accepts only :data:`TOKEN`."""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "glpat-Secret_Token-0123456789"


@dataclass
class Seen:
    method: str
    path: str  # raw, as sent (percent-encoding kept)
    headers: dict[str, str]  # names in lower case (HTTP header names are case-insensitive)
    body: Any


@dataclass
class StandIn:
    """State of one stand-in forge: what it was sent, what is open, and how to misbehave."""

    kind: str
    url: str = ""
    seen: list[Seen] = field(default_factory=list)
    open: list[dict[str, Any]] = field(default_factory=list)
    force: int | None = None  # answer every request with this status
    hide_once: bool = False  # leave open ones out of the next list (someone opens one in between)
    conflict: int = 409  # Gitea's answer for "already exists" (409 from 1.17, 422 before)
    redirect: str = ""  # answer every request with a 301 to this address

    @property
    def posts(self) -> list[Seen]:
        return [s for s in self.seen if s.method == "POST"]


def _handler(state: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _reply(self, status: int, data: Any, extra: dict[str, str] | None = None) -> None:
            raw = json.dumps(data, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(raw)

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            state.seen.append(Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                                   json.loads(raw) if raw else None))
            if state.redirect:
                self._reply(301, {}, {"Location": state.redirect})
            elif state.force is not None:
                self._reply(state.force, {"message": f"{state.force} stand-in"})
            elif state.kind == "gitlab":
                self._gitlab()
            else:
                self._gitea()

        do_GET = do_POST = _handle

        def _listing(self) -> list[dict[str, Any]]:
            if state.hide_once:
                state.hide_once = False
                return []
            return state.open

        # GitLab v4
        def _gitlab(self) -> None:
            if self.headers.get("PRIVATE-TOKEN") != TOKEN:
                return self._reply(401, {"message": "401 Unauthorized"})
            parts = urllib.parse.urlsplit(self.path)
            if parts.path != "/api/v4/projects/county%2Fsite/merge_requests":
                return self._reply(404, {"message": "404 Project Not Found"})
            if self.command == "GET":
                query = dict(urllib.parse.parse_qsl(parts.query))
                return self._reply(200, [mr for mr in self._listing()
                                         if mr["source_branch"] == query.get("source_branch", mr["source_branch"])
                                         and mr["target_branch"] == query.get("target_branch", mr["target_branch"])
                                         and query.get("state") == "opened"])
            body = state.seen[-1].body
            for mr in state.open:
                if mr["source_branch"] == body["source_branch"] and mr["target_branch"] == body["target_branch"]:
                    return self._reply(409, {"message": [f"Another open merge request already exists for this "
                                                         f"source branch: !{mr['iid']}"]})
            iid = len(state.open) + 1
            mr = {"id": 1000 + iid, "iid": iid, "project_id": 7, "title": body["title"], "state": "opened",
                  "source_branch": body["source_branch"], "target_branch": body["target_branch"],
                  "web_url": f"{state.url}/county/site/-/merge_requests/{iid}"}
            state.open.append(mr)
            return self._reply(201, mr)

        # Gitea v1
        def _gitea(self) -> None:
            if self.headers.get("Authorization") != f"token {TOKEN}":
                return self._reply(401, {"message": "user does not exist [uid: 0, name: ]", "url": state.url})
            parts = urllib.parse.urlsplit(self.path)
            if parts.path != "/api/v1/repos/county/site/pulls":
                return self._reply(404, {"message": "The target couldn't be found.", "errors": []})
            if self.command == "GET":
                query = dict(urllib.parse.parse_qsl(parts.query))
                page, limit = int(query.get("page", 1)), int(query.get("limit", 30))
                listing = self._listing() if query.get("state") == "open" else []
                return self._reply(200, listing[(page - 1) * limit: page * limit])
            body = state.seen[-1].body
            for pr in state.open:
                if pr["head"]["ref"] == body["head"] and pr["base"]["ref"] == body["base"]:
                    return self._reply(state.conflict, {"message": "pull request already exists for these targets",
                                                        "url": f"{state.url}/api/swagger"})
            number = len(state.open) + 1
            pr = {"id": 500 + number, "number": number, "title": body["title"], "state": "open",
                  "html_url": f"{state.url}/county/site/pulls/{number}",
                  "head": {"ref": body["head"], "repo": {"full_name": "county/site"}},
                  "base": {"ref": body["base"], "repo": {"full_name": "county/site"}}}
            state.open.append(pr)
            return self._reply(201, pr)

    return Handler


@contextlib.contextmanager
def serve(kind: str) -> Iterator[StandIn]:
    """A stand-in ``kind`` forge ("gitlab" or "gitea") on a free port of 127.0.0.1, for the ``with`` block."""
    state = StandIn(kind)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
