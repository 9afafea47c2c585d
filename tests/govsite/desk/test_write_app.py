"""The editor's side of the desk under bad inputs (写稿, issue 16), over a real uvicorn server: a corrupt Word
file, a 200 MB upload, an executable named report.pdf, a photo without alt text, drafts saved while the
repository is being pushed, malformed requests and someone who is not an editor. Each gets a clear Chinese
message and loses nothing that was saved; a valid photo with alt text is kept with its draft."""

from __future__ import annotations

import http.client
import io
import json
import re
import secrets
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from govsite.desk.store import Session, Store
from tests.govsite.desk.conftest import running_desk
from tests.govsite.desk.test_app import call
from tests.govsite.review.test_passkey import make

pytestmark = pytest.mark.slow

EDITOR = "liming@dachang.gov.cn"
HEAD = "zhangke@dachang.gov.cn"
TITLE = "大昌镇召开森林防火工作部署会"
BODY = "大昌镇召开森林防火工作部署会，部署今冬明春森林防火工作。"


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                 "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture()
def county(tmp_path, keys):
    c = make(tmp_path / "county", keys)
    c.git("checkout", "-q", "main")
    return c


def _headers(base: str, session: Session) -> dict[str, str]:
    return {"Cookie": f"govsite_desk={session.id}", "X-CSRF-Token": session.csrf, "Origin": base}


def _draft(**changes: Any) -> dict[str, Any]:
    return {"unit": "dachang", "column": "gzdt", "name": "2026-12-07-fanghuo", "title": TITLE,
            "formed": "2026-12-07", "body": BODY, **changes}


def _multipart(fields: dict[str, str], file: tuple[str, bytes] | None) -> tuple[str, bytes]:
    """(content type, body) of a multipart/form-data request with ``fields`` and one ``file`` (name, bytes)."""
    boundary = "----govsite" + secrets.token_hex(12)
    out = io.BytesIO()
    for key, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'.encode())
        out.write(value.encode("utf-8") + b"\r\n")
    if file is not None:
        name, data = file
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                  f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode())
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", out.getvalue()


def upload(base: str, session: Session, kind: str, name: str, data: bytes, draft_id: str, alt: str = "",
           draft: dict[str, Any] | None = None, raw_draft: str | None = None) -> tuple[int, dict[str, Any]]:
    fields = {"kind": kind, "alt": alt, "draft_id": draft_id,
              "draft": raw_draft if raw_draft is not None else json.dumps(draft or _draft(), ensure_ascii=False)}
    content_type, body = _multipart(fields, (name, data))
    return _send(urllib.request.Request(f"{base}/api/upload", data=body, method="POST",
                                        headers={"Content-Type": content_type, **_headers(base, session)}), 60)


def _send(request: urllib.request.Request, timeout: float) -> tuple[int, dict[str, Any]]:
    """The desk's answer to ``request``: status and JSON (a page that is not JSON as ``{"error": text}``)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, {"error": raw.decode("utf-8", "replace")}


def save(base: str, session: Session, draft: dict[str, Any], draft_id: str = "") -> tuple[int, dict[str, Any]]:
    status, _h, raw = call(f"{base}/api/draft", {"draft": draft, "draft_id": draft_id}, headers=_headers(base, session))
    return status, json.loads(raw)


def write_page(base: str, session: Session, draft_id: str = "") -> tuple[int, str]:
    query = f"?draft={urllib.parse.quote(draft_id)}" if draft_id else ""
    status, _h, raw = call(f"{base}/write{query}", headers={"Cookie": f"govsite_desk={session.id}"})
    return status, raw.decode("utf-8", "replace")


def post_raw(base: str, session: Session, path: str, raw: bytes) -> tuple[int, dict[str, Any]]:
    return _send(urllib.request.Request(f"{base}{path}", data=raw, method="POST",
                                        headers={"Content-Type": "application/json", **_headers(base, session)}), 30)


def jpeg(width: int = 800, height: int = 600) -> bytes:
    """A photo-like JPEG (smooth gradients with sensor noise: many colours, so it stays a JPEG)."""
    from PIL import Image

    size = (width, height)
    red = Image.linear_gradient("L").resize(size)
    green = Image.effect_noise(size, 40)
    blue = Image.radial_gradient("L").resize(size)
    out = io.BytesIO()
    Image.merge("RGB", (red, green, blue)).save(out, "JPEG", quality=90)
    return out.getvalue()


def test_bad_uploads_are_refused_in_chinese_and_lose_nothing(tmp_path, county):
    state = tmp_path / "state"
    store = Store(state)
    me = store.open_session(EDITOR)
    with running_desk(county.root, state, remote=None) as base:
        status, saved = save(base, me, _draft())
        assert status == 200
        did = saved["draft_id"]
        kept = store.draft(EDITOR, did)
        assert kept is not None and kept["body"] == BODY

        # 1. a corrupt Word file: the reason in Chinese, the draft's body untouched
        started = time.monotonic()
        status, answer = upload(base, me, "docx", "通知.docx", b"PK\x03\x04" + secrets.token_bytes(4000), did)
        assert 400 <= status < 500, answer
        assert "Word" in answer["error"] and "已损坏" in answer["error"], answer
        assert store.draft(EDITOR, did) == kept
        status, page = write_page(base, me, did)
        assert status == 200 and TITLE in page and BODY in page
        # a file that is not a Word document at all (a PDF renamed .docx) is named as what it is
        status, answer = upload(base, me, "docx", "通知.docx", b"%PDF-1.7\n" + b"0" * 200, did)
        assert 400 <= status < 500 and "这是 PDF 文件" in answer["error"], answer

        # 2. 200 MB announced: refused by its size before the body is read, and the server goes on
        content_type, small = _multipart({"kind": "attachment", "alt": "", "draft_id": did,
                                          "draft": json.dumps(_draft(), ensure_ascii=False)}, ("大文件.pdf", b"%PDF-1.7\n"))
        port = int(base.rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.putrequest("POST", "/api/upload")
            for key, value in {"Content-Type": content_type, "Content-Length": str(200 * 1024 * 1024),
                               **_headers(base, me)}.items():
                connection.putheader(key, value)
            connection.endheaders()
            connection.send(small)
            connection.send(b"\0" * (1024 * 1024))  # the first megabyte of the 200 the server was promised
            big_started = time.monotonic()
            response = connection.getresponse()
            answer = json.loads(response.read())
            big_took = time.monotonic() - big_started
        finally:
            connection.close()
        assert 400 <= response.status < 500, answer
        assert re.search(r"超过 \d+ MB", answer["error"]), answer
        assert big_took < 5, f"the refusal took {big_took:.1f} s: the body was read"
        status, page = write_page(base, me, did)
        assert status == 200 and TITLE in page
        assert store.draft(EDITOR, did) == kept

        # 3. an executable named report.pdf is refused by its content
        for head in (b"MZ\x90\x00\x03\x00\x00\x00", b"\x7fELF\x02\x01\x01\x00"):
            status, answer = upload(base, me, "attachment", "report.pdf", head + secrets.token_bytes(2000), did,
                                    alt="年度报告")
            assert 400 <= status < 500, answer
            assert "可执行程序" in answer["error"] and "不是文档" in answer["error"], answer
            assert "PDF" in answer["error"] and "Word" in answer["error"] and "Excel" in answer["error"], answer
        # bytes that are no document at all: "not a PDF, Word or Excel file"
        status, answer = upload(base, me, "attachment", "report.pdf", b"just some text, not a document" * 20, did)
        assert 400 <= status < 500 and "不是 PDF、Word（.docx）或 Excel（.xlsx）文件" in answer["error"], answer

        # 4. a photo without alt text (or only spaces) is refused, and nothing is kept
        for alt in ("", "   "):
            status, answer = upload(base, me, "image", "现场.jpg", jpeg(), did, alt=alt)
            assert 400 <= status < 500 and "替代文字" in answer["error"], answer

        assert store.files(EDITOR, did) == {}
        assert store.draft(EDITOR, did) == kept
        took = time.monotonic() - started
    assert took < 60, f"the bad uploads took {took:.1f} s"


def test_drafts_saved_while_the_repository_is_pushed(tmp_path, county):
    """20 editors' tabs saving at once (each several times) while the desk's clone commits and pushes: every save
    succeeds and each draft holds its last text."""
    forge = tmp_path / "forge.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(county.root), str(forge)], check=True)
    subprocess.run(["git", "-C", str(county.root), "remote", "add", "forge", str(forge)], check=True)
    state = tmp_path / "state"
    store = Store(state)
    sessions = [store.open_session(EDITOR) for _ in range(20)]
    stop = threading.Event()
    pushes: list[int] = []

    def busy() -> None:
        git = ["git", "-C", str(county.root), "-c", "user.name=liming", "-c", "user.email=liming@dachang.gov.cn",
               "-c", "commit.gpgsign=false"]
        n = 0
        while not stop.is_set():
            n += 1
            subprocess.run([*git, "commit", "-q", "--allow-empty", "--no-verify", "-m", f"忙碌 {n}"], check=True)
            subprocess.run([*git, "push", "-q", "--force", "forge", "HEAD:refs/heads/busy"], check=True)
            pushes.append(n)

    with running_desk(county.root, state, remote=None) as base:
        pusher = threading.Thread(target=busy, daemon=True)
        pusher.start()

        def tab(i: int) -> tuple[str, list[int], str]:
            session = sessions[i]
            did, statuses = "", []
            for round_ in range(5):
                status, answer = save(base, session, _draft(title=f"{TITLE}（{i}）", body=f"{BODY}第 {i} 稿第 {round_} 次。"),
                                      did)
                statuses.append(status)
                did = answer.get("draft_id", did)
            status, page = write_page(base, session, did)
            return did, [*statuses, status], page

        started = time.monotonic()
        try:
            with ThreadPoolExecutor(20) as pool:
                results = list(pool.map(tab, range(20)))
        finally:
            stop.set()
            pusher.join(60)
        took = time.monotonic() - started
        assert pushes, "the repository was never pushed while the drafts were saved"
        for i, (did, statuses, page) in enumerate(results):
            assert statuses == [200] * 6, (i, statuses)
            kept = store.draft(EDITOR, did)
            assert kept is not None and kept["body"] == f"{BODY}第 {i} 稿第 4 次。", (i, kept)
            assert f"{TITLE}（{i}）" in page
        assert len({did for did, _s, _p in results}) == 20
        # the desk still answers after the pushes
        status, _page = write_page(base, sessions[0])
        assert status == 200
    assert took < 60, f"100 saves took {took:.1f} s"


def test_malformed_requests_get_a_chinese_400(tmp_path, county):
    state = tmp_path / "state"
    store = Store(state)
    me = store.open_session(EDITOR)
    with running_desk(county.root, state, remote=None) as base:
        status, saved = save(base, me, _draft())
        assert status == 200
        did = saved["draft_id"]
        kept = store.draft(EDITOR, did)
        for path in ("/api/draft", "/api/check"):
            for raw in (b"{not json", b"[1, 2, 3]", b'"a string"', b"\xff\xfe"):
                status, answer = post_raw(base, me, path, raw)
                assert status == 400, (path, raw, status, answer)
                assert "请求格式错误" in answer["error"], (path, raw, answer)
            for draft in ([1, 2], "稿件", 42):
                status, answer = post_raw(base, me, path, json.dumps({"draft": draft, "draft_id": did}).encode())
                assert status in (400, 409), (path, draft, status, answer)
                assert "稿件内容格式错误" in answer["error"], (path, draft, answer)
        assert store.draft(EDITOR, did) == kept
        for path in ("/api/fix", "/api/exempt"):  # a finding named by something that is not its number
            status, answer = post_raw(base, me, path, json.dumps(
                {"draft": _draft(), "draft_id": did, "index": "第一条", "reason": "经核实为公开电话"}).encode())
            assert status == 409 and "提示" in answer["error"], (path, status, answer)
        status, page = write_page(base, me, did)
        assert status == 200 and TITLE in page


def test_a_streamed_200_mb_upload_is_refused_before_it_is_read(tmp_path, county):
    import socket

    state = tmp_path / "state"
    store = Store(state)
    me = store.open_session(EDITOR)
    with running_desk(county.root, state, remote=None) as base:
        did = store.save_draft(EDITOR, _draft())
        content_type, small = _multipart({"kind": "attachment", "alt": "", "draft_id": did,
                                          "draft": json.dumps(_draft(), ensure_ascii=False)}, ("大文件.pdf", b"%PDF-1.7\n"))
        head, tail = small.rsplit(b"\r\n--", 1)
        port = int(base.rsplit(":", 1)[1])
        sent = [0]
        with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
            lines = ["POST /api/upload HTTP/1.1", f"Host: localhost:{port}", "Transfer-Encoding: chunked",
                     f"Content-Type: {content_type}", *(f"{k}: {v}" for k, v in _headers(base, me).items())]
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())

            def send() -> None:
                megabyte = b"\0" * (1024 * 1024)
                try:
                    for piece in (head, *([megabyte] * 200), b"\r\n--" + tail):
                        sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                        sent[0] += len(piece)
                    sock.sendall(b"0\r\n\r\n")
                except OSError:  # the server refused and closed the connection: what is wanted
                    pass

            sender = threading.Thread(target=send, daemon=True)
            sender.start()
            answer = sock.recv(65536)
            when = sent[0]
            sender.join(60)
        assert b" 4" in answer.split(b"\r\n", 1)[0], answer[:200]
        assert when < 60 * 1024 * 1024, f"the refusal came after {when / 1024 / 1024:.0f} MB had been sent"


def test_a_malformed_request_is_a_400_not_a_409(tmp_path, county):
    state = tmp_path / "state"
    me = Store(state).open_session(EDITOR)
    with running_desk(county.root, state, remote=None) as base:
        status, answer = post_raw(base, me, "/api/draft", b"{not json")
        assert status == 400 and "请求格式错误" in answer["error"], (status, answer)


def test_an_upload_with_a_malformed_draft_field_gets_a_chinese_400(tmp_path, county):
    state = tmp_path / "state"
    store = Store(state)
    me = store.open_session(EDITOR)
    with running_desk(county.root, state, remote=None) as base:
        status, saved = save(base, me, _draft())
        assert status == 200
        status, answer = upload(base, me, "image", "现场.jpg", jpeg(), saved["draft_id"], alt="现场",
                                raw_draft="{not json")
        assert 400 <= status < 500 and "格式错误" in answer["error"], (status, answer)


def test_only_an_editor_writes_and_a_photo_is_kept_with_the_draft(tmp_path, county):
    state = tmp_path / "state"
    store = Store(state)
    head, me = store.open_session(HEAD), store.open_session(EDITOR)
    with running_desk(county.root, state, remote=None) as base:
        # the section head is not an editor: a Chinese page saying so, not the form
        status, page = write_page(base, head)
        assert status == 409, page
        assert "不是任何单位的信息员" in page and "不能在工作台写稿" in page
        assert 'id="editor"' not in page
        # an upload before the draft is saved is refused with what to do
        status, answer = upload(base, me, "image", "现场.jpg", jpeg(), "", alt="部署会现场")
        assert 400 <= status < 500 and "请先保存草稿" in answer["error"], answer
        # the editor: a photo with alt text gives its Markdown and is kept with the draft
        status, page = write_page(base, me)
        assert status == 200 and 'id="editor"' in page
        status, saved = save(base, me, _draft())
        assert status == 200
        did = saved["draft_id"]
        alt = "大昌镇森林防火工作部署会现场"
        started = time.monotonic()
        status, answer = upload(base, me, "image", "现场 照片.JPG", jpeg(3000, 2000), did, alt=alt)
        took = time.monotonic() - started
        assert status == 200, answer
        found = re.fullmatch(r"!\[(.+)\]\(files/([^)/]+\.jpg)\)", answer["snippet"])
        assert found and found.group(1) == alt, answer
        name = found.group(2)
        files = store.files(EDITOR, did)
        assert list(files) == [f"content/dachang/gzdt/files/{name}"]
        from PIL import Image

        with Image.open(io.BytesIO(files[f"content/dachang/gzdt/files/{name}"])) as stored:
            assert stored.format == "JPEG" and max(stored.size) <= 1600
        # a second photo with the same name gets a name of its own
        status, again = upload(base, me, "image", "现场 照片.JPG", jpeg(), did, alt="会场一角")
        assert status == 200 and again["snippet"] != answer["snippet"], again
        assert len(store.files(EDITOR, did)) == 2
        # the files do not belong to someone else's session
        assert store.files(HEAD, did) == {}
    assert took < 10, f"a 3000×2000 photo took {took:.1f} s"
