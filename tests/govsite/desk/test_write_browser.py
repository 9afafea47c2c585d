"""The editor's desk in real headless Chromium (issue 16): an editor who has never used git signs in with a
passkey, writes a page in the WYSIWYG editor, sees a planted typo found as they type, fixes it with one click,
the draft survives a closed browser, and submitting signs the page and 一审; the section head's inbox shows it
and the branch holds a valid signed 一审."""

from __future__ import annotations

import re
import subprocess

import pytest
from playwright.sync_api import expect

from govsite.desk.workspace import now
from govsite.review.status import branch_status
from tests.govsite.desk.conftest import running_desk
from tests.govsite.desk.test_desk_browser import Person
from tests.govsite.portal.browser import DESKTOP, MOBILE, browser
from tests.govsite.review.test_passkey import make

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _county(tmp_path, keys):
    root = tmp_path / "county"
    county = make(root, keys, holders=("liming", "zhangke"))
    county.git("checkout", "-q", "main")
    forge = tmp_path / "forge.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(root), str(forge)], check=True)
    clone = tmp_path / "desk-clone"
    subprocess.run(["git", "clone", "-q", str(forge), str(clone)], check=True)
    return county, forge, clone


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def _submit(editor, base):
    """The checklist ticked one by one (nothing is ticked for the editor), then 提交并签署一审: two touches."""
    for box in editor.page.locator('input[name="checklist"]').all():
        box.check()
    editor.page.get_by_role("button", name="提交并签署一审").click()
    editor.notice("已提交")
    editor.page.wait_for_url(f"{base}/", timeout=30000)


def _submitted(forge, tmp_path):
    """The one desk branch on the local remote, and a fresh clone of it."""
    [branch] = [r.split("refs/heads/", 1)[1] for r in subprocess.run(
        ["git", "--git-dir", str(forge), "for-each-ref", "--format=%(refname)", "refs/heads/desk/"],
        capture_output=True, text=True, check=True).stdout.split()]
    fresh = tmp_path / "fresh"
    subprocess.run(["git", "clone", "-q", "-b", branch, str(forge), str(fresh)], check=True)
    return branch, fresh


def test_an_editor_writes_checks_fixes_and_submits_a_page(tmp_path, keys):
    county, forge, clone = _county(tmp_path, keys)
    state = tmp_path / "state"
    with running_desk(clone, state) as base, browser() as chromium:
        editor = Person(chromium, DESKTOP)
        editor.hold(county.passkeys["liming"], "liming@dachang.gov.cn")
        errors: list[str] = []
        editor.context.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        editor.sign_in(base)
        editor.page.get_by_role("link", name="写稿").click()
        editor.page.wait_for_url(f"{base}/write")
        expect(editor.page.locator("#editor[data-ready='1']")).to_have_count(1, timeout=30000)
        page = editor.page
        page.fill('input[name="name"]', "2026-12-07-fanghuo")
        page.fill('input[name="title"]', "大昌镇召开森林防火工作部署会")
        wysiwyg = page.locator("#editor .vditor-wysiwyg .vditor-reset")
        wysiwyg.click()
        page.keyboard.insert_text("大昌镇召开森林防火工作部署会。各村要再接再励，守住森林防火底线。")
        # a Chinese input method: pinyin composed letter by letter, then committed as characters
        for partial in ("h", "hu", "huo", "huoz", "huozai"):
            editor.cdp.send("Input.imeSetComposition", {"text": partial, "selectionStart": len(partial),
                                                        "selectionEnd": len(partial)})
        editor.cdp.send("Input.insertText", {"text": "火灾"})
        page.keyboard.insert_text("要早防。村民张三的手机13812345678。")
        expect(wysiwyg).to_contain_text("守住森林防火底线。火灾要早防。", timeout=10000)
        assert "huo" not in wysiwyg.inner_text() and wysiwyg.inner_text().count("火灾") == 1
        # the typo is found as the editor types, with the check's own suggestion
        finding = page.locator("#findings li", has_text="再接再励")
        expect(finding).to_have_count(1, timeout=30000)
        expect(finding.locator("button.fix")).to_have_text("改为“再接再厉”")
        # ... and marked in place in the editor's text, the mobile number as an error
        marked = """kind => [...(CSS.highlights.get(`govsite-${kind}`) || [])].map((r) => r.toString())"""
        page.wait_for_function("""() => [...(CSS.highlights.get("govsite-error") || [])]
                                          .some((r) => r.toString() === "13812345678")""", timeout=30000)
        assert "再接再励" in page.evaluate(marked, "warning") + page.evaluate(marked, "error")
        assert "<mark" not in page.evaluate("() => document.querySelector('#editor .vditor-reset').innerHTML")
        page.screenshot(path=str(tmp_path / "desk-write-desktop.png"), full_page=True)
        page.set_viewport_size(MOBILE)
        assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
        page.screenshot(path=str(tmp_path / "desk-write-mobile.png"), full_page=True)
        page.set_viewport_size(DESKTOP)
        # the draft is kept on the server: a closed browser loses nothing
        expect(page.locator("#saved")).to_contain_text("草稿已保存", timeout=30000)
        draft_url = page.url
        assert "/write/" in draft_url and draft_url.endswith("/")
        editor.context.close()  # the browser closed: a new one signs in again and opens the draft
        editor = Person(chromium, DESKTOP)
        # the same passkey (synced to the new browser), its counter further on
        editor.hold(county.passkeys["liming"], "liming@dachang.gov.cn", sign_count=100)
        editor.sign_in(base)
        assert "我的草稿" in editor.page.inner_text("main")
        page = editor.page
        page.goto(draft_url)
        expect(page.locator("#editor[data-ready='1']")).to_have_count(1, timeout=30000)
        assert page.locator('input[name="title"]').input_value() == "大昌镇召开森林防火工作部署会"
        expect(page.locator("#findings li", has_text="再接再励")).to_have_count(1, timeout=30000)
        # one click fixes it, in the editor too
        page.locator("#findings li", has_text="再接再励").locator("button.fix").click()
        expect(page.locator("#findings li", has_text="再接再励")).to_have_count(0, timeout=30000)
        assert "再接再厉" in page.locator("#editor .vditor-wysiwyg .vditor-reset").inner_text()
        # ... and the resident's mobile number, masked with the check's own suggestion
        mobile = page.locator("#findings li", has_text="13812345678")
        expect(mobile).to_have_count(1, timeout=30000)
        assert "错误" in mobile.inner_text()
        mobile.locator("button.fix").click()
        expect(page.locator("#findings li", has_text="13812345678")).to_have_count(0, timeout=30000)
        assert "13812345678" not in page.locator("#editor .vditor-wysiwyg .vditor-reset").inner_text()
        # the page as it will be published, before submitting
        with page.expect_popup() as shown:
            page.get_by_role("button", name="预览发布效果").click()
        preview = shown.value
        preview.locator("article", has_text="再接再厉").first.wait_for(timeout=120000)
        assert "大昌镇召开森林防火工作部署会" in preview.locator("h1").first.inner_text()
        preview.close()
        # submitting: the checklist first (nothing is ticked for the editor), then two touches
        _submit(editor, base)
        # "my pages": where the submitted page stands
        expect(page.locator(".mine li", has_text="大昌镇召开森林防火工作部署会")).to_contain_text("待二审",
                                                                                           timeout=30000)
        assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors

        head = Person(chromium, DESKTOP)
        head.hold(county.passkeys["zhangke"], "zhangke@dachang.gov.cn")
        head.sign_in(base)
        waiting = head.page.locator(".inbox .item", has_text="大昌镇召开森林防火工作部署会")
        expect(waiting).to_have_count(1, timeout=60000)
        assert "二审" in waiting.inner_text()

    branch, fresh = _submitted(forge, tmp_path)
    assert branch.startswith("desk/dachang-2026-12-07-fanghuo-")
    path = "content/dachang/gzdt/2026-12-07-fanghuo.md"
    text = (fresh / path).read_text(encoding="utf-8")
    assert "再接再厉" in text and "再接再励" not in text and "title: 大昌镇召开森林防火工作部署会" in text
    assert f"formed: {now().date().isoformat()}" in text  # the form proposes today (China time)
    assert text.count("火灾要早防") == 1 and "huo" not in text and "13812345678" not in text
    result = branch_status(fresh, "origin/main", "HEAD").results[path]
    assert [(t.tier, t.state) for t in result.tiers][:2] == [("1", "valid"), ("2", "missing")], result.tiers


def test_an_editor_imports_a_word_draft_and_adds_a_photo(tmp_path, keys):
    """The issue's whole path: a .docx with photos becomes the body, its 文号 and 成文日期 proposed; its planted
    typo and a resident's mobile number are marked and fixed with one click each; a phone photo with its
    position is inserted with alt text and stored without the position; a corrupt .docx is said to be broken
    and loses nothing; the preview shows the page; the section head's inbox shows it; the submitted branch
    holds the page and its images, with a valid signed 一审."""
    from tests.govsite.desk.test_uploads import gps_exif, noisy_photo
    from tests.govsite.desk.test_wordimport import draft as word_draft, photo

    county, forge, clone = _county(tmp_path, keys)
    (tmp_path / "tongzhi.docx").write_bytes(word_draft(
        images=[(photo((640, 480)), "检查人员在林区巡查")],
        paragraphs=("各村要再接再励，做好冬季森林防火工作。", "联系人：村民张三，手机13812345678。")))
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a document")
    (tmp_path / "zoufang.jpg").write_bytes(noisy_photo((2400, 1800), gps_exif()))
    with running_desk(clone, tmp_path / "state") as base, browser() as chromium:
        editor = Person(chromium, DESKTOP)
        editor.hold(county.passkeys["liming"], "liming@dachang.gov.cn")
        editor.sign_in(base)
        page = editor.page
        page.goto(f"{base}/write")
        expect(page.locator("#editor[data-ready='1']")).to_have_count(1, timeout=30000)
        page.fill('input[name="name"]', "2026-12-07-tongzhi")
        page.set_input_files('input[name="docx"]', str(tmp_path / "broken.docx"))
        editor.page.locator("#notice.error").wait_for(timeout=30000)
        assert "docx" in page.locator("#notice").inner_text() or "Word" in page.locator("#notice").inner_text()
        page.set_input_files('input[name="docx"]', str(tmp_path / "tongzhi.docx"))
        editor.notice("已导入")
        assert page.locator('input[name="title"]').input_value() == "关于开展冬季森林防火检查的通知"
        assert page.locator('input[name="doc_number"]').input_value() == "巫山府办发〔2026〕12号"
        assert page.locator('input[name="formed"]').input_value() == "2026-11-28"
        wysiwyg = page.locator("#editor .vditor-wysiwyg .vditor-reset")
        expect(wysiwyg).to_contain_text("检查范围", timeout=10000)
        # the planted typo and the resident's mobile number, marked in place and fixed with one click each
        page.wait_for_function("""words => {
            const marked = [...(CSS.highlights.get("govsite-error") || []),
                            ...(CSS.highlights.get("govsite-warning") || [])].map((r) => r.toString());
            return words.every((w) => marked.includes(w));
        }""", arg=["13812345678", "再接再励"], timeout=30000)
        for words in ("再接再励", "13812345678"):
            found = page.locator("#findings li", has_text=words)
            found.locator("button.fix").click()
            expect(page.locator("#findings li", has_text=words)).to_have_count(0, timeout=30000)
        # a photo without alt text is refused; with it, it is inserted and its position removed
        page.set_input_files('input[name="image"]', str(tmp_path / "zoufang.jpg"))
        editor.page.locator("#notice.error").wait_for(timeout=30000)
        assert "替代文字" in page.locator("#notice").inner_text()
        page.fill('input[name="alt"]', "工作人员走访农户")
        page.set_input_files('input[name="image"]', str(tmp_path / "zoufang.jpg"))
        text = editor.notice("已导入")
        assert "位置" in text
        # the editor shows the photos kept with the draft
        photo_shown = wysiwyg.locator('img[alt="工作人员走访农户"]')
        expect(photo_shown).to_have_count(1, timeout=10000)
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo_shown.element_handle())
        expect(page.locator("#saved")).to_contain_text("草稿已保存", timeout=30000)
        with page.expect_popup() as shown:
            page.get_by_role("button", name="预览发布效果").click()
        preview = shown.value
        preview.locator("article", has_text="再接再厉").first.wait_for(timeout=120000)
        assert preview.locator('article img[alt="工作人员走访农户"]').count() == 1
        preview.close()
        _submit(editor, base)
        head = Person(chromium, DESKTOP)
        head.hold(county.passkeys["zhangke"], "zhangke@dachang.gov.cn")
        head.sign_in(base)
        expect(head.page.locator(".inbox .item", has_text="关于开展冬季森林防火检查的通知")).to_have_count(1, timeout=60000)

    _branch, fresh = _submitted(forge, tmp_path)
    path = "content/dachang/gzdt/2026-12-07-tongzhi.md"
    text = (fresh / path).read_text(encoding="utf-8")
    assert "再接再厉" in text and "再接再励" not in text and "13812345678" not in text and "138****5678" in text
    assert "doc_number: 巫山府办发〔2026〕12号" in text and "formed: 2026-11-28" in text
    assert "![工作人员走访农户](files/" in text and "检查人员在林区巡查" in text
    files = sorted(p.name for p in (fresh / "content" / "dachang" / "gzdt" / "files").iterdir())
    assert len(files) == 2, files
    from PIL import Image

    stored = next(p for p in (fresh / "content" / "dachang" / "gzdt" / "files").iterdir() if "zoufang" in p.name)
    with Image.open(stored) as im:
        assert max(im.size) <= 1600 and not im.getexif().get_ifd(0x8825)
    result = branch_status(fresh, "origin/main", "HEAD").results[path]
    assert [(t.tier, t.state) for t in result.tiers][:2] == [("1", "valid"), ("2", "missing")], result.tiers


def test_an_editor_pastes_photos_uploads_through_the_toolbar_and_asks_for_an_exemption(tmp_path, keys):
    """A photo pasted into the editor is asked its alt text and stored with the draft; a photo embedded in pasted
    text becomes a stored photo; images Word leaves on the writer's computer (file:) are named with what to do;
    an attachment goes in through the editor's toolbar; an error the editor stands by is exempted with a reason
    (Art. 16–17), and the section head and the leader must accept it."""
    import base64

    from tests.checks.attachments import files as attachment_files
    from tests.govsite.desk.test_uploads import noisy_photo

    county, forge, clone = _county(tmp_path, keys)
    (tmp_path / "fanghuo.pdf").write_bytes(attachment_files.pdf([["森林防火工作方案", "一、工作目标"]]))
    photo = base64.b64encode(noisy_photo((1200, 900))).decode()
    small = base64.b64encode(noisy_photo((320, 240))).decode()
    with running_desk(clone, tmp_path / "state") as base, browser() as chromium:
        editor = Person(chromium, DESKTOP)
        editor.hold(county.passkeys["liming"], "liming@dachang.gov.cn")
        editor.sign_in(base)
        page = editor.page
        page.goto(f"{base}/write")
        expect(page.locator("#editor[data-ready='1']")).to_have_count(1, timeout=30000)
        page.fill('input[name="name"]', "2026-12-07-rexian")
        page.fill('input[name="title"]', "大昌镇开通森林防火服务热线")
        wysiwyg = page.locator("#editor .vditor-wysiwyg .vditor-reset")
        wysiwyg.click()
        page.keyboard.insert_text("大昌镇开通森林防火服务热线13812345678，全天接听。")
        # a photo pasted from the clipboard: the alt text is asked for, then the photo is stored with the draft
        page.once("dialog", lambda dialog: dialog.accept("护林员在林区巡查"))
        wysiwyg.evaluate("""(el, data) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], "image.jpg", {type: "image/jpeg"}));
            el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: transfer, bubbles: true, cancelable: true}));
        }""", photo)
        pasted = wysiwyg.locator('img[alt="护林员在林区巡查"]')
        expect(pasted).to_have_count(1, timeout=30000)
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=pasted.element_handle())
        # text pasted with an embedded photo, and text from Word whose picture stayed on the writer's computer
        def paste_html(markup: str) -> None:
            wysiwyg.evaluate("""(el, markup) => {
                const transfer = new DataTransfer();
                transfer.setData("text/html", markup);
                transfer.setData("text/plain", "");
                el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: transfer, bubbles: true, cancelable: true}));
            }""", markup)

        page.keyboard.press("End")
        paste_html(f'<p>巡查现场</p><p><img alt="巡查现场照片" src="data:image/jpeg;base64,{small}"></p>')
        embedded = wysiwyg.locator('img[alt="巡查现场照片"]')
        expect(embedded).to_have_count(1, timeout=30000)
        expect(embedded).to_have_attribute("src", re.compile(r"^files/"), timeout=30000)
        paste_html('<p>会议现场</p><p><img src="file:///C:/Users/li/AppData/Local/Temp/msohtmlclip1/01/'
                   'clip_image002.jpg"></p>')
        page.locator("#notice.error", has_text="仍在你电脑上").wait_for(timeout=30000)
        assert "导入 Word 文档" in page.locator("#notice").inner_text()
        page.evaluate("""() => {
            const editor = document.querySelector("#editor .vditor-wysiwyg .vditor-reset");
            editor.querySelectorAll('img[src^="file:"]').forEach((img) => img.closest("p").remove());
            editor.dispatchEvent(new InputEvent("input", {bubbles: true}));
        }""")
        # an attachment through the editor's own toolbar
        page.set_input_files("#editor .vditor-toolbar input[type=file]", str(tmp_path / "fanghuo.pdf"))
        editor.notice("附件已插入")
        expect(wysiwyg.locator('a[href="files/fanghuo.pdf"]')).to_have_count(1, timeout=30000)
        # the hotline is a mobile number: an error, which the editor exempts with a reason
        hotline = page.locator("#findings li", has_text="13812345678")
        expect(hotline).to_have_count(1, timeout=30000)
        assert "错误" in hotline.inner_text()
        hotline.locator("button.ask-exempt").click()
        hotline.locator('input[name="exempt-reason"]').fill("单位对外公布的服务热线")
        hotline.locator('input[name="exempt-reason"]').press("Enter")
        exempted = page.locator("#findings li.exempt", has_text="13812345678")
        expect(exempted).to_have_count(1, timeout=30000)
        assert "豁免理由：单位对外公布的服务热线" in exempted.inner_text()
        assert "科室负责人（二审）和分管负责人（三审）认可" in exempted.inner_text()
        expect(page.locator("#saved")).to_contain_text("草稿已保存", timeout=30000)
        _submit(editor, base)

    _branch, fresh = _submitted(forge, tmp_path)
    path = "content/dachang/gzdt/2026-12-07-rexian.md"
    text = (fresh / path).read_text(encoding="utf-8")
    assert "热线13812345678，全天接听。 <!-- govsite: allow privacy.mobile 单位对外公布的服务热线 -->" in text
    assert "![护林员在林区巡查](files/" in text and "![巡查现场照片](files/" in text
    assert "](files/fanghuo.pdf)" in text and "file:" not in text and "data:" not in text
    stored = sorted(p.name for p in (fresh / "content" / "dachang" / "gzdt" / "files").iterdir())
    assert len(stored) == 3 and "fanghuo.pdf" in stored, stored
    result = branch_status(fresh, "origin/main", "HEAD").results[path]
    assert [(e["rule"], e["reason"], e["tiers"]) for e in result.exemptions] == [
        ("privacy.mobile", "单位对外公布的服务热线", ["2", "3"])]
    assert [(t.tier, t.state) for t in result.tiers][:2] == [("1", "valid"), ("2", "missing")], result.tiers
