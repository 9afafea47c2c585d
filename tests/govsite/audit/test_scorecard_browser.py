"""The HTML scorecard as the office reads it (issue 18): its charts name units in Chinese, it fits a phone
without sideways scrolling of the page, and it prints cleanly — in real headless Chromium, on the demo
county history."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from govsite.audit.html import render_html
from govsite.audit.run import run_audit
from tests.govsite.portal.browser import CHROMIUM, DESKTOP, MOBILE, browser

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from demo_history import make_demo  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")]
AS_OF = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def scorecard(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "demo"
    make_demo(root, AS_OF)
    report = run_audit(root, AS_OF, site_dir=root / "site", run_checks=False)
    out = root / "scorecard.html"
    out.write_text(render_html(report), encoding="utf-8")
    return out


def test_chart_labels_are_unit_names_not_ids(scorecard: Path) -> None:
    text = scorecard.read_text(encoding="utf-8")
    overdue = text.split("超期和空白栏目", 1)[1].split("</section>", 1)[0]
    labels = re.findall(r"<text x=\"0\"[^>]*>([^<]+)</text>", overdue)
    assert labels and all("·" in label for label in labels)
    assert not any(re.match(r"[a-z]+·", label) for label in labels)  # never guanyang·…
    assert any(label.startswith("教委·") or label.startswith("官渡镇·") for label in labels), labels


def test_the_page_fits_a_phone(scorecard: Path) -> None:
    with browser() as b:
        page = b.new_context(viewport=MOBILE, locale="zh-CN").new_page()
        page.goto(scorecard.as_uri())
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= MOBILE["width"], f"the page scrolls sideways on a phone: {width}px"
        # wide tables and charts scroll inside their own box instead
        boxes = page.evaluate("[...document.querySelectorAll('.wide')].map(d => d.clientWidth)")
        assert boxes and max(boxes) <= MOBILE["width"]
        font = page.evaluate("getComputedStyle(document.querySelector('td')).fontSize")
        assert float(font.rstrip("px")) >= 12  # still readable


def test_it_prints_on_a4_with_every_detail_open(scorecard: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "scorecard.pdf"
    with browser() as b:
        page = b.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
        page.goto(scorecard.as_uri())
        page.evaluate("dispatchEvent(new Event('beforeprint'))")  # what the browser fires on Ctrl+P
        assert page.evaluate("[...document.querySelectorAll('details')].every(d => d.open)")
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
        assert page.evaluate("getComputedStyle(document.querySelector('section')).boxShadow") == "none"
        page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "594.96 x 841.92 pts (A4)" in info  # portrait
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                             check=True).stdout)
    for heading in ("读网审计与单位计分", "单项否决指标", "单位计分排名", "扣分与问题"):
        assert heading in text
    hidden = re.findall(r"<details><summary>[^<]*</summary><ul><li>([^<]{1,16})",
                        scorecard.read_text(encoding="utf-8"))
    assert hidden and re.sub(r"\s+", "", hidden[0]).replace("&quot;", '"') in text  # folded lists printed
    assert not re.search(r"明细\d+项", text)  # the fold markers are not
    assert 2 <= pages <= 40, pages
