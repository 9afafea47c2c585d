"""The review desk as an ASGI application (Starlette, Jinja templates): sign-in with passkeys, the inbox, the
review view and the decisions. Served by uvicorn (``govsite desk``).

Security: a session is a random id in a ``Secure; HttpOnly; SameSite=Strict`` cookie, kept server-side; every
POST must come from the desk's own origin, and a signed-in POST must also carry the session's CSRF token;
failed sign-ins are limited per client; every action is logged. Only people in the roster at the target
branch sign in, with the roles it gives them now.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
from urllib.parse import urlencode
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from govsite.core.errors import GovsiteError
from govsite.core.units import ROLE_NAMES
from govsite.desk import decisions, drafting, signing, views
from govsite.desk.config import DeskConfig
from govsite.desk.notify import Notice, Notifier, Recipient
from govsite.desk.store import Invite, Session, Store
from govsite.desk.uploads import UploadLimits
from govsite.desk.workspace import Workspace, now
from govsite.review import passkey

COOKIE = "govsite_desk"


class BadRequest(GovsiteError):
    """A request the desk's own page would never send (malformed, unsized): answered 400, not 409."""

INBOX_BUDGET = 0.6  # seconds an inbox spends judging new branches; the rest are judged in the background
HERE = Path(__file__).parent
log = logging.getLogger("govsite.desk")


class Desk:
    """One running desk: its configuration, workspace, state and notifier (no module globals)."""

    def __init__(self, config: DeskConfig) -> None:
        self.config = config
        self.ws = Workspace(config)
        self.root_path = config.root
        self.store = Store(config.state)
        self.notifier = Notifier(config.notify)
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))  # autoescapes
        self.templates.env.globals.update(role_names=ROLE_NAMES)
        self._warming = threading.Lock()
        self._editor_hashes: list[str] | None = None

    def warm(self) -> None:
        """Judge every branch in the background (at start and after each fetch that brought something), so
        that an inbox finds the gate's verdicts ready; one such run at a time."""
        if not self._warming.acquire(blocking=False):
            return

        def run() -> None:
            try:
                self.ws.judge_all()
            except Exception:  # noqa: BLE001 - the inbox judges what is missing itself and says what fails
                log.exception("judging the branches in the background failed")
            finally:
                self._warming.release()

        threading.Thread(target=run, daemon=True, name="judge-all").start()

    def refresh(self, force: bool = False) -> None:
        if self.ws.refresh(force):
            self.warm()

    def upload_limits(self) -> UploadLimits:
        """The county office's limits (``desk: uploads:`` in site_config/site.yml on the target branch), never
        above the operator's own (the desk's YAML): the office sets the portal's photo sizes, the operator
        what the machine accepts."""
        def read() -> UploadLimits:
            import yaml  # noqa: PLC0415

            raw = self.ws.read(self.ws.base_tip(), "site_config/site.yml")
            try:
                data = yaml.safe_load(raw.decode("utf-8-sig")) if raw else None
                if isinstance(data, dict) and isinstance(data.get("desk"), dict) and "uploads" in data["desk"]:
                    return UploadLimits.from_config(data).within(self.config.uploads)
            except (GovsiteError, yaml.YAMLError, UnicodeDecodeError) as exc:
                log.warning("site_config/site.yml 中的上传设置无法使用，按工作台配置执行：%s", exc)
            return self.config.uploads

        return self.ws.cached("upload-limits", read)

    # ---- helpers ----------------------------------------------------------------------------------------
    def session(self, request: Request) -> Session | None:
        sid = request.cookies.get(COOKIE, "")
        return self.store.session(sid) if sid else None

    def page(self, request: Request, name: str, status_code: int = 200, editor: bool = False,
             **context: Any) -> HTMLResponse:
        session = context.get("session")
        me = self.ws.positions(session.email) if session else []
        response: HTMLResponse = self.templates.TemplateResponse(
            request, name, {"me": me, "csrf": session.csrf if session else "", **context}, status_code=status_code)
        scripts, styles = "'self'", "'self'"
        if editor:  # Vditor runs some of its own vendored files as inline scripts, and styles its elements inline
            scripts += "".join(f" 'sha256-{h}'" for h in self.editor_script_hashes())
            styles += " 'unsafe-inline'"
        response.headers["Content-Security-Policy"] = (f"default-src 'self'; img-src 'self' data: blob:; "
                                                       f"style-src {styles}; script-src {scripts}; "
                                                       "frame-ancestors 'none'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def editor_script_hashes(self) -> list[str]:
        """CSP hashes of the editor's vendored scripts that it loads as inline code (icons, strings, engine)."""
        if self._editor_hashes is None:
            import base64  # noqa: PLC0415
            import hashlib  # noqa: PLC0415

            folder = HERE / "static" / "vendor" / "vditor" / "dist" / "js"
            self._editor_hashes = [base64.b64encode(hashlib.sha256(f.read_bytes()).digest()).decode()
                                   for f in sorted(folder.rglob("*.js"))]
        return self._editor_hashes

    def same_origin(self, request: Request) -> bool:
        return request.headers.get("origin", "").rstrip("/") == self.config.origin

    def client(self, request: Request) -> str:
        return request.client.host if request.client else "unknown"

    def notify_next(self, branch: str, path: str) -> None:
        """Tell whoever signs next that ``path`` waits for them (in the desk, by robot and mail)."""
        try:
            b = self.ws.branch(branch)
            result = self.ws.status(b).results.get(path)
            t = views.next_tier(result) if result else None
            if result is None or t is None:
                return
            from govsite.review.trust import office_unit  # noqa: PLC0415

            unit_id = path.split("/")[1] if path.startswith("content/") else office_unit(self.root_path, self.ws.base_tip())
            unit, role = views.who_signs(t.tier, unit_id)
            u = self.ws.roster().units.get(unit)
            people = [p for p in (u.people if u else []) if role in p.roles]
            if not people:
                return
            raw = self.ws.read(b.tip, path) or b""
            title = views.page_title(raw.decode("utf-8-sig", "replace"), path)
            self.notifier.send_later(Notice(
                "waiting", f"待你{views.tier_name(t.tier)}：{title}",
                (f"单位：{u.name if u else unit}", f"分支：{branch}", f"稿件：{path}"),
                f"{self.config.origin}/review?" + urlencode({"branch": branch, "path": path}),
                tuple(Recipient(p.name, p.email) for p in people)))
        except Exception:  # noqa: BLE001 - a notice that cannot be worked out never fails the signing
            log.exception("notice for %s failed", path)


def create_app(config: DeskConfig) -> Starlette:
    desk = Desk(config)

    def guarded(handler: Callable[[Request, Session], Awaitable[Response]], api: bool = False
                ) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            session = desk.session(request)
            if session is None:
                if api:
                    return JSONResponse({"error": "登录已过期，请重新登录。"}, status_code=401)
                return RedirectResponse("/signin", status_code=303)
            if request.method == "POST" and (not desk.same_origin(request)
                                             or request.headers.get("x-csrf-token") != session.csrf):
                return JSONResponse({"error": "请求来源无法确认（可能是其他网站冒用你的登录），已拒绝。请刷新页面后重试。"},
                                    status_code=403)
            try:
                return await handler(request, session)
            except GovsiteError as exc:
                if api:  # a malformed request is the browser's (400); a refusal of a sound one is 409
                    return JSONResponse({"error": exc.render()}, status_code=400 if isinstance(exc, (BadRequest, drafting.BadDraft)) else 409)
                return desk.page(request, "message.html", session=session, title="无法打开", text=exc.render(),
                                 status_code=409)
        return run

    # ---- sign-in ----------------------------------------------------------------------------------------
    async def signin_page(request: Request) -> Response:
        return desk.page(request, "signin.html", session=desk.session(request))

    async def signin_options(request: Request) -> Response:
        if not desk.same_origin(request):
            return JSONResponse({"error": "请求来源无法确认，已拒绝。"}, status_code=403)
        if desk.store.too_many_attempts(desk.client(request)):
            return JSONResponse({"error": "登录失败次数过多，请 10 分钟后再试。"}, status_code=429)
        import secrets  # noqa: PLC0415

        challenge = secrets.token_bytes(32)
        pid = desk.store.put_pending("", "signin", {"challenge": passkey.b64url(challenge)})
        settings = await run_in_threadpool(desk.ws.settings)
        return JSONResponse({"pending": pid, "options": {"challenge": passkey.b64url(challenge), "rpId": settings.rp_id,
                                                         "timeout": 120000, "userVerification": "required",
                                                         "allowCredentials": []}})

    async def signin_finish(request: Request) -> Response:
        if not desk.same_origin(request):
            return JSONResponse({"error": "请求来源无法确认，已拒绝。"}, status_code=403)
        client = desk.client(request)
        if desk.store.too_many_attempts(client):
            return JSONResponse({"error": "登录失败次数过多，请 10 分钟后再试。"}, status_code=429)
        body = await _json(request)
        data = desk.store.take_pending(str(body.get("pending", "")), "", "signin")
        credential = body.get("credential") or {}
        holder = await run_in_threadpool(desk.ws.holder, str(credential.get("id", ""))) if data else None
        if data is None or holder is None or not await run_in_threadpool(_verify_signin, desk, credential, holder.key,
                                                                          data["challenge"]):
            desk.store.failed_attempt(client)
            desk.store.log("", "signin-refused", client=client)
            return JSONResponse({"error": "这把通行密钥没有在主分支的人员名单中登记（或已过期、已撤销），不能登录。"
                                          "新设备请先用登记链接登记，并经县政府办公室批准。"}, status_code=403)
        if not desk.store.advance_counter(str(credential.get("id", "")), signing.sign_count(credential)):
            desk.store.log(holder.person.email, "signin-refused", client=client, reason="signature counter")
            return JSONResponse({"error": signing.COPIED_KEY}, status_code=403)
        session = desk.store.open_session(holder.person.email)
        desk.store.log(holder.person.email, "signin", client=client)
        response = JSONResponse({"ok": True, "redirect": "/"})
        response.set_cookie(COOKIE, session.id, httponly=True, secure=True, samesite="strict", path="/",
                            max_age=8 * 3600)
        return response

    async def signout(request: Request, session: Session) -> Response:
        desk.store.close_session(session.id)
        desk.store.log(session.email, "signout")
        response = JSONResponse({"ok": True, "redirect": "/signin"})
        response.delete_cookie(COOKIE, path="/")
        return response

    # ---- inbox and review ---------------------------------------------------------------------------------
    async def inbox(request: Request, session: Session) -> Response:
        await run_in_threadpool(desk.refresh)
        shown = await run_in_threadpool(views.inbox_within, desk.ws, session.email, INBOX_BUDGET)
        if shown.judging:
            desk.warm()
        return desk.page(request, "inbox.html", session=session, items=shown.items, judging=shown.judging,
                         today=now().date(), drafts=desk.store.drafts(session.email),
                         mine=await run_in_threadpool(views.my_pages, desk.ws, session.email),
                         published=await run_in_threadpool(views.my_published, desk.ws,
                                                           desk.store.submissions(session.email)),
                         due=await run_in_threadpool(drafting.due_soon, desk.ws, session.email))

    async def review(request: Request, session: Session) -> Response:
        branch, path = request.query_params.get("branch", ""), request.query_params.get("path", "")
        view = await run_in_threadpool(views.page_view, desk.ws, session.email, branch, path)
        desk.store.log(session.email, "open", branch=branch, path=path)
        label = views.tier_name(view.next.tier) if view.next else ""
        return desk.page(request, "review.html", session=session, view=view, tier_label=label)

    async def preview(request: Request, session: Session) -> Response:
        """The preview build's files; the page under review with its findings marked. Served sandboxed (no
        scripts, an origin of its own): a branch's templates must never run in the desk's origin."""
        tip, rest = request.path_params["tip"], request.path_params.get("rest", "")
        path = request.query_params.get("path", "")
        headers = {"Content-Security-Policy": "sandbox; default-src 'self'; img-src 'self' data:; "
                                              "style-src 'self' 'unsafe-inline'; font-src 'self' data:",
                   "X-Content-Type-Options": "nosniff"}
        if not re.fullmatch(r"[0-9a-f]{40,64}", tip):
            return Response("无效的预览", status_code=404)
        site = desk.ws.preview_site(tip)
        if not (site / "render-digests.json").is_file():
            await run_in_threadpool(desk.ws.digests, tip, False)
            # our own words only, so no sandbox: a sandboxed page would not reload itself
            return HTMLResponse('<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="3">'
                                "<p>排版预览生成中，请稍候……</p>",
                                headers={"Content-Security-Policy": "default-src 'none'",
                                         "X-Content-Type-Options": "nosniff"})
        if not rest and path:
            return RedirectResponse(f"/preview/{tip}/{_page_dest(path)}?path={path}", status_code=303)
        target = (site / rest).resolve()
        if site.resolve() not in target.parents and target != site.resolve():
            return Response("无效的预览", status_code=404)
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            return Response("预览中没有这个文件", status_code=404, headers=headers)
        if target.suffix == ".html" and path:
            page = target.read_text(encoding="utf-8", errors="replace")
            marked = await run_in_threadpool(views.marked_page, desk.ws, tip, path, page)
            return HTMLResponse(marked, headers=headers)
        from starlette.responses import FileResponse  # noqa: PLC0415

        return FileResponse(target, headers=headers)

    # ---- decisions: prepare (the record to sign), then complete (the assertion) --------------------------
    async def prepare(request: Request, session: Session) -> Response:
        body = await _json(request)
        action = str(body.get("action", ""))
        branch, path = str(body.get("branch", "")), str(body.get("path", ""))

        def make() -> signing.Prepared:
            desk.refresh()
            if action == "approve":
                return decisions.approve(desk.ws, session.email, branch, path, str(body.get("tier", "")),
                                         tuple(str(x) for x in body.get("checklist", [])),
                                         bool(body.get("accept_exemptions")), str(body.get("note", "")))
            if action == "return":
                return decisions.give_back(desk.ws, session.email, branch, path, str(body.get("opinion", "")))
            if action == "withdraw":
                return decisions.withdraw(desk.ws, session.email, branch, str(body.get("commit", "")))
            if action == "revise":
                return decisions.revise(desk.ws, session.email, branch, path, str(body.get("text", "")),
                                        str(body.get("parent", "")))
            if action == "submit" and draft is not None:
                files = desk.store.files(session.email, str(body.get("draft_id", "")))
                return drafting.submit(desk.ws, session.email, draft, files)
            raise GovsiteError("未知的操作。请刷新页面后重试。")

        draft = drafting.Draft.from_data(body.get("draft") or {}) if action == "submit" else None  # or resubmit
        if draft is not None:
            path = draft.path
        prepared = await run_in_threadpool(make)
        keys = await run_in_threadpool(desk.ws.passkeys, session.email)
        if not keys:
            raise GovsiteError("你在人员名单中没有有效的通行密钥，不能签署。")
        data = prepared.to_data() | {"path": path}
        pid = desk.store.put_pending(session.email, "sign", data)
        options = signing.request_options(prepared, keys, await run_in_threadpool(desk.ws.settings))
        return JSONResponse({"pending": pid, "options": options, "record": prepared.record})

    async def complete(request: Request, session: Session) -> Response:
        body = await _json(request)
        data = desk.store.take_pending(str(body.get("pending", "")), session.email, "sign")
        if data is None:
            raise GovsiteError("签署请求已过期（须在 5 分钟内确认）或已使用。请重新点击签署。")
        path = str(data.pop("path", ""))
        prepared = signing.Prepared.from_data(data)
        keys = await run_in_threadpool(desk.ws.passkeys, session.email)
        person = desk.ws.positions(session.email)[0][1]

        # logged before and after: a crash between the push and the second line still leaves a trace
        desk.store.log(session.email, "signing", decision=prepared.kind, branch=prepared.branch, path=path,
                       tier=prepared.tier)
        try:
            landed = await run_in_threadpool(signing.sign_and_land, desk.ws, prepared, body.get("credential") or {},
                                             keys, person.name, person.email, desk.store.advance_counter)
        except GovsiteError as exc:
            desk.store.log(session.email, "refused", decision=prepared.kind, branch=prepared.branch, path=path,
                           tier=prepared.tier, reason=exc.render()[:500])
            raise
        desk.store.log(session.email, prepared.kind, branch=prepared.branch, path=path, commit=landed.commit,
                       tier=prepared.tier)
        if prepared.kind in ("approve", "revise"):
            await run_in_threadpool(desk.notify_next, prepared.branch, path)
        if prepared.kind == "return":
            await run_in_threadpool(_notify_return, desk, prepared, path)
        review_at = forge_note = ""
        if prepared.kind in ("submit", "resubmit"):
            if body.get("draft_id"):
                desk.store.drop_draft(session.email, str(body["draft_id"]))
            desk.store.add_submission(session.email, path, prepared.branch)
            review_at, forge_note = await run_in_threadpool(_open_merge_request, desk, session.email, prepared, path,
                                                            landed.commit)
        back = f"/review?branch={prepared.branch}&path={path}" if path and prepared.kind != "approve" else "/"
        return JSONResponse({"ok": True, "message": " ".join(filter(None, (landed.message, forge_note))),
                             "commit": landed.commit, "redirect": back, "branch": landed.branch, "path": path,
                             "merge_request": review_at, "merge_request_note": forge_note})

    # ---- writing (写稿): the editor's form, live checks, one-click fixes, drafts ---------------------------
    async def write(request: Request, session: Session) -> Response:
        from govsite.core.pages import VALIDITY  # noqa: PLC0415

        draft_id = request.path_params.get("draft") or request.query_params.get("draft", "")
        places = await run_in_threadpool(drafting.places, desk.ws, session.email)
        if not places:
            raise GovsiteError("你在主分支的人员名单中不是任何单位的信息员，不能在工作台写稿。请联系本单位和县政府办公室。")
        data = desk.store.draft(session.email, draft_id) if draft_id else None
        page = request.query_params.get("page", "")
        if data:
            draft = drafting.Draft.from_data(data)
        elif page:  # correcting a published page, or a returned one on its branch
            draft = await run_in_threadpool(drafting.open_page, desk.ws, session.email, page,
                                            request.query_params.get("branch", ""))
        else:
            draft = drafting.Draft(unit=places[0].unit, column=places[0].column, formed=now().date().isoformat(),
                                   name=f"{now():%Y-%m-%d}-")
        recent = [] if data or page else await run_in_threadpool(drafting.recent_pages, desk.ws, session.email)
        from govsite.review.policy import CHECKLIST, REQUIRED_CHECKLIST  # noqa: PLC0415

        required = set(REQUIRED_CHECKLIST.get("1", ()))
        return desk.page(request, "write.html", session=session, places=places, draft=draft,
                         draft_id=draft_id if data else "", disclosures=drafting.DISCLOSURE,
                         checklist=[(k, v, k in required) for k, v in CHECKLIST.items()], editor=True,
                         today=now().date(), recent=recent, editing=bool(page) or bool(data and draft.branch),
                         kept={"allow": draft.allow, "branch": draft.branch, "extra": draft.extra},
                         validities=VALIDITY)

    async def draft_with_files(request: Request, session: Session) -> tuple[drafting.Draft, dict[str, bytes]]:
        """The draft a request sends, and the files kept with it (its ``draft_id``)."""
        body = await _json(request)
        draft = drafting.Draft.from_data(body.get("draft") or {})
        return draft, desk.store.files(session.email, str(body.get("draft_id", "")))

    async def draft_file(request: Request, session: Session) -> Response:
        """A file uploaded with one's own draft, for the editor to show (images under files/, relative to the
        page ``/write/<draft>/``)."""
        import mimetypes  # noqa: PLC0415

        name = request.path_params["name"]
        found = next((d for p, d in desk.store.files(session.email, request.path_params["draft"]).items()
                      if p.rsplit("/", 1)[-1] == name), None)
        if found is None:
            return Response("没有这个文件", status_code=404)
        return Response(found, media_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
                        headers={"Content-Security-Policy": "sandbox; default-src 'none'",
                                 "X-Content-Type-Options": "nosniff"})

    async def save_draft(request: Request, session: Session) -> Response:
        body = await _json(request)
        draft = drafting.Draft.from_data(body.get("draft") or {})
        did = desk.store.save_draft(session.email, draft.to_data(), str(body.get("draft_id", "")))
        return JSONResponse({"ok": True, "draft_id": did, "saved": now().strftime("%H:%M:%S")})

    async def check_draft(request: Request, session: Session) -> Response:
        draft, files = await draft_with_files(request, session)
        shown = await run_in_threadpool(drafting.check, desk.ws, draft, set(files))
        return JSONResponse({"findings": [s.__dict__ for s in shown]})

    async def upload(request: Request, session: Session) -> Response:
        """A photo (resized, metadata removed, alt text required) or an attachment (checked) for a draft, or a
        Word draft (``kind=docx``) turned into the body with its images."""
        from govsite.desk import uploads  # noqa: PLC0415

        limits = desk.upload_limits()
        limit = max(limits.max_attachment, limits.max_image, 50 * 1024 * 1024)
        too_big = f"上传的文件超过 {limit // (1024 * 1024)} MB，未处理。请压缩图片或拆分文件后再上传。"
        length = request.headers.get("content-length", "")
        if not length.isdigit():  # a streamed body of unknown size would be read whole before any limit applies
            raise BadRequest("上传请求没有注明大小，未处理。请用工作台页面上的按钮上传。")
        if int(length) > limit + 1024 * 1024:
            raise BadRequest(too_big)
        async with request.form(max_files=1, max_part_size=limit) as form:
            part = form.get("file")
            if part is None or isinstance(part, str):
                raise BadRequest("没有收到文件，请重新选择。")
            if part.size is not None and part.size > limit:
                raise BadRequest(too_big)
            data = await part.read()
            name = part.filename or ""
            kind, alt, did = str(form.get("kind", "")), str(form.get("alt", "")).strip(), str(form.get("draft_id", ""))
            try:
                draft = drafting.Draft.from_data(json.loads(str(form.get("draft") or "{}")))
            except ValueError as exc:
                raise BadRequest("稿件内容格式错误，请刷新页面后重试。") from exc
        folder = f"content/{draft.unit}/{draft.column}/files"
        used = {p.rsplit("/", 1)[-1] for p in desk.store.files(session.email, did)}
        if kind == "docx":
            from govsite.desk.wordimport import import_docx  # noqa: PLC0415

            got = await run_in_threadpool(import_docx, data, draft.unit, draft.column, draft.name or "word")
            for path, blob, _type in got.images:
                desk.store.add_file(session.email, did, path, blob)
            draft.body = (draft.body.strip() + "\n\n" + got.markdown).strip()
            draft.title = draft.title or (got.title or "")
            draft.doc_number = draft.doc_number or (got.doc_number or "")
            if got.formed is not None:
                draft.formed = got.formed.isoformat()
            return JSONResponse({"draft": draft.to_data(), "messages": got.messages})
        if kind == "image":
            if not alt:
                raise GovsiteError("每张图片都要写替代文字（说明图片内容，供视障读者的读屏软件朗读，GB/T 37668），请填写后再上传。")
            up = await run_in_threadpool(uploads.prepare_image, data, name, limits, used)
            snippet = f"![{alt}](files/{up.name})"
        else:
            checker = desk.ws.checker()
            up = await run_in_threadpool(lambda: uploads.check_attachment(
                data, name, limits, checker=checker, folder=folder, used=used))
            snippet = f"[{alt or up.name}](files/{up.name})"
        desk.store.add_file(session.email, did, f"{folder}/{up.name}", up.data)
        return JSONResponse({"snippet": snippet, "notes": up.notes,
                             "findings": [f"{f.message}" for f in up.findings if not f.suppressed]})

    async def preview_draft(request: Request, session: Session) -> Response:
        draft, files = await draft_with_files(request, session)
        commit = await run_in_threadpool(drafting.preview_commit, desk.ws, session.email, draft, files)
        await run_in_threadpool(desk.ws.digests, commit, False)  # start the build
        return JSONResponse({"url": f"/preview/{commit}?" + urlencode({"path": draft.path})})

    async def fix_draft(request: Request, session: Session) -> Response:
        draft, files = await draft_with_files(request, session)
        index = (await _json(request)).get("index", -1)
        fixed = await run_in_threadpool(drafting.fix, desk.ws, draft, index if isinstance(index, int) else -1,
                                        set(files))
        shown = await run_in_threadpool(drafting.check, desk.ws, fixed, set(files))
        return JSONResponse({"draft": fixed.to_data(), "findings": [s.__dict__ for s in shown]})

    async def exempt_draft(request: Request, session: Session) -> Response:
        draft, files = await draft_with_files(request, session)
        body = await _json(request)
        index = body.get("index", -1)
        exempted = await run_in_threadpool(drafting.exempt, desk.ws, draft, index if isinstance(index, int) else -1,
                                           str(body.get("reason") or ""), set(files))
        shown = await run_in_threadpool(drafting.check, desk.ws, exempted, set(files))
        return JSONResponse({"draft": exempted.to_data(), "findings": [s.__dict__ for s in shown]})

    # ---- enrolment ----------------------------------------------------------------------------------------
    async def enrol_page(request: Request) -> Response:
        invite = desk.store.invitation(request.path_params["token"])
        return desk.page(request, "enrol.html", session=None, invite=invite, valid=_usable(invite))

    def enrolment(request: Request) -> Invite | None:
        """The invitation of an enrolment request, if the request is the desk's own and the link still valid."""
        invite = desk.store.invitation(request.path_params["token"])
        return invite if desk.same_origin(request) and invite is not None and _usable(invite) else None

    refused_link = {"error": "登记链接无效、已使用或已过期。请向本单位信息员索取新的链接。"}

    async def enrol_options(request: Request) -> Response:
        invite = enrolment(request)
        if invite is None:
            return JSONResponse(refused_link, status_code=403)
        from webauthn import generate_registration_options, options_to_json  # noqa: PLC0415
        from webauthn.helpers.structs import (AuthenticatorSelectionCriteria, ResidentKeyRequirement,  # noqa: PLC0415
                                              UserVerificationRequirement)

        unit, person = await run_in_threadpool(decisions.roster_entry, desk.ws, invite.unit, invite.email)
        settings = await run_in_threadpool(desk.ws.settings)
        import hashlib  # noqa: PLC0415

        options = generate_registration_options(
            rp_id=settings.rp_id, rp_name="审签工作台", user_name=person.email, user_display_name=person.name,
            user_id=hashlib.sha256(person.email.lower().encode()).digest()[:16],
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.REQUIRED, user_verification=UserVerificationRequirement.REQUIRED))
        pid = desk.store.put_pending(invite.email, "register", {"challenge": passkey.b64url(options.challenge)})
        return JSONResponse({"pending": pid, "options": json.loads(options_to_json(options))})

    async def enrol_register(request: Request) -> Response:
        invite = enrolment(request)
        if invite is None:
            return JSONResponse(refused_link, status_code=403)
        body = await _json(request)
        data = desk.store.take_pending(str(body.get("pending", "")), invite.email, "register")
        if data is None:
            return JSONResponse({"error": "登记请求已过期，请重新点击登记。"}, status_code=409)
        try:
            key = await run_in_threadpool(_verify_registration, desk, body.get("credential") or {}, data["challenge"])
            await run_in_threadpool(desk.refresh, True)
            prepared = await run_in_threadpool(decisions.enrol, desk.ws, invite.unit, invite.email, key)
        except GovsiteError as exc:
            return JSONResponse({"error": exc.render()}, status_code=409)
        pid = desk.store.put_pending(invite.email, "enrol", prepared.to_data() | {"key": key})
        settings = await run_in_threadpool(desk.ws.settings)
        return JSONResponse({"pending": pid, "options": signing.request_options(prepared, [key], settings),
                             "record": prepared.record})

    async def enrol_complete(request: Request) -> Response:
        invite = enrolment(request)
        if invite is None:
            return JSONResponse(refused_link, status_code=403)
        body = await _json(request)
        data = desk.store.take_pending(str(body.get("pending", "")), invite.email, "enrol")
        if data is None:
            return JSONResponse({"error": "登记请求已过期，请重新登记。"}, status_code=409)
        key = str(data.pop("key"))
        prepared = signing.Prepared.from_data(data)
        unit, person = decisions.roster_entry(desk.ws, invite.unit, invite.email)

        try:
            landed = await run_in_threadpool(signing.sign_and_land, desk.ws, prepared, body.get("credential") or {},
                                             [key], person.name, person.email, desk.store.advance_counter)
        except GovsiteError as exc:
            return JSONResponse({"error": exc.render()}, status_code=409)
        desk.store.use_invitation(invite.token)
        desk.store.log(invite.email, "enrol", branch=prepared.branch, commit=landed.commit, key=passkey.fingerprint(key))
        await run_in_threadpool(desk.notify_next, prepared.branch, desk.ws.roster().files[invite.unit][0])
        return JSONResponse({"ok": True, "branch": prepared.branch,
                             "message": "通行密钥已登记，登记申请已提交县政府办公室分管负责人批准；批准并合并后即可用它登录和签署。"})

    routes = [
        Route("/", guarded(inbox)),
        Route("/signin", signin_page),
        Route("/api/signin/options", signin_options, methods=["POST"]),
        Route("/api/signin/finish", signin_finish, methods=["POST"]),
        Route("/api/signout", guarded(signout, api=True), methods=["POST"]),
        Route("/review", guarded(review)),
        Route("/preview/{tip}", guarded(preview)),
        Route("/preview/{tip}/{rest:path}", guarded(preview)),
        Route("/api/prepare", guarded(prepare, api=True), methods=["POST"]),
        Route("/api/complete", guarded(complete, api=True), methods=["POST"]),
        Route("/write", guarded(write)),
        Route("/write/{draft}/", guarded(write)),
        Route("/write/{draft}/files/{name}", guarded(draft_file)),
        Route("/api/draft", guarded(save_draft, api=True), methods=["POST"]),
        Route("/api/check", guarded(check_draft, api=True), methods=["POST"]),
        Route("/api/fix", guarded(fix_draft, api=True), methods=["POST"]),
        Route("/api/exempt", guarded(exempt_draft, api=True), methods=["POST"]),
        Route("/api/upload", guarded(upload, api=True), methods=["POST"]),
        Route("/api/preview", guarded(preview_draft, api=True), methods=["POST"]),
        Route("/enrol/{token}", enrol_page),
        Route("/api/enrol/{token}/options", enrol_options, methods=["POST"]),
        Route("/api/enrol/{token}/register", enrol_register, methods=["POST"]),
        Route("/api/enrol/{token}/complete", enrol_complete, methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    async def user_error(_request: Request, exc: Exception) -> Response:
        # a malformed request outside a signed-in page (sign-in, enrolment): the Chinese reason, never a traceback
        return JSONResponse({"error": exc.render() if isinstance(exc, GovsiteError) else str(exc)}, status_code=400)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        desk.warm()
        yield

    app = Starlette(routes=routes, exception_handlers={GovsiteError: user_error}, lifespan=lifespan)
    app.state.desk = desk
    return app


async def _json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > 2_000_000:
        raise BadRequest("请求内容过大。")
    try:
        data = json.loads(raw or b"{}")
    except ValueError as exc:
        raise BadRequest("请求格式错误，请刷新页面后重试。") from exc
    if not isinstance(data, dict):
        raise BadRequest("请求格式错误，请刷新页面后重试。")
    return data


def _page_dest(path: str) -> str:
    """Where the preview writes the page ``content/<unit>/<column>/<name>.md``."""
    stem = "/".join(path.split("/")[1:])[:-3]
    return stem + "/"


def _open_merge_request(desk: Desk, email: str, prepared: signing.Prepared, path: str,
                        commit: str) -> tuple[str, str]:
    """(address of the forge's merge request for a submitted page, a note for the editor when it could not be
    opened); ("", "") without a forge. A failure never undoes the submission: the signed commit is pushed."""
    from govsite.desk.forge import open_merge_request  # noqa: PLC0415
    from govsite.git import process  # noqa: PLC0415

    if not desk.config.remote or not desk.config.forge.kind:
        return "", ""
    # the commit's subject names the page by its title (新增稿件：…), as reviewers know it
    title = process.run(desk.ws.root, "log", "-1", "--format=%s", commit, check=False).decode().strip()
    try:
        opened = open_merge_request(desk.config.forge, prepared.branch, desk.config.base, title or path,
                                    f"{path}\n\n由信息员 {email} 在审签工作台提交，一审随后签署。审核记录以签名提交为准。")
    except GovsiteError as exc:
        desk.store.log(email, "forge-refused", branch=prepared.branch, reason=exc.render()[:500])
        return "", (f"稿件已签名保存在分支 {prepared.branch}，等待审核；代码托管平台上的合并请求没有创建，"
                    "无需重新提交，请告知大数据中心处理。")
    if opened is None:
        return "", ""
    desk.store.log(email, "merge-request", branch=prepared.branch, url=opened.web_url)
    return opened.web_url, ""


def _usable(invite: Any) -> bool:
    return invite is not None and not invite.used and invite.expires > now()


def _verify_signin(desk: Desk, credential: dict[str, Any], key: str, challenge: str) -> bool:
    from webauthn import verify_authentication_response  # noqa: PLC0415

    settings = desk.ws.settings()
    origin = desk.config.origin
    if not settings.allows(origin):
        return False
    try:
        verify_authentication_response(credential=credential, expected_challenge=passkey.unb64url(challenge),
                                       expected_rp_id=settings.rp_id, expected_origin=origin,
                                       credential_public_key=passkey.unb64url(key.split()[1].split(":", 1)[1]),
                                       credential_current_sign_count=0, require_user_verification=True)
    except Exception:  # noqa: BLE001 - any failure is a refused sign-in
        return False
    return True


def _verify_registration(desk: Desk, credential: dict[str, Any], challenge: str) -> str:
    from webauthn import verify_registration_response  # noqa: PLC0415

    settings = desk.ws.settings()
    if not settings.allows(desk.config.origin):
        raise GovsiteError(f"本工作台的地址 {desk.config.origin} 没有登记在首个提交的 site_config/site.yml 的 review.desk 中，"
                           "在这里登记的通行密钥签署的审核意见不会被承认。请联系大数据中心。")
    try:
        verified = verify_registration_response(credential=credential, expected_challenge=passkey.unb64url(challenge),
                                                expected_rp_id=settings.rp_id, expected_origin=desk.config.origin,
                                                require_user_verification=True)
    except Exception as exc:  # noqa: BLE001
        raise GovsiteError("通行密钥登记未通过核验（设备没有验证本人，或登记已过期），请重新登记。") from exc
    return passkey.key_string(verified.credential_id, verified.credential_public_key)


def _notify_return(desk: Desk, prepared: signing.Prepared, path: str) -> None:
    unit_id = path.split("/")[1] if path.count("/") >= 3 else ""
    u = desk.ws.roster().units.get(unit_id)
    editors = [p for p in (u.people if u else []) if "editor" in p.roles]
    opinion = prepared.record.split("\n\n", 1)[1].split("\nReview-", 1)[0] if "\n\n" in prepared.record else ""
    desk.notifier.send_later(Notice("returned", f"稿件被退回：{path.rsplit('/', 1)[-1]}",
                                    (f"退回意见：{opinion.strip()}", f"分支：{prepared.branch}"),
                                    f"{desk.config.origin}/review?" + urlencode({"branch": prepared.branch, "path": path}),
                                    tuple(Recipient(p.name, p.email) for p in editors)))
