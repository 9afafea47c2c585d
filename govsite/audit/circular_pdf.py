"""The circular as PDF: the same document model laid out as print HTML (公文 layout in CSS ``@page``) and printed
by headless Chromium, the browser the county's machines and ours already have (Debian's ``chromium``)."""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from pathlib import Path

from govsite.audit.circular import Circular
from govsite.audit.document import chinese_date
from govsite.core.errors import GovsiteError

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PRINT_TIMEOUT = 120  # seconds; a circular of a few hundred problems prints in a few

CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm;
  @bottom-center { content: "— " counter(page) " —"; font: 14pt "宋体", "Noto Serif CJK SC", serif; } }
body { font: 16pt/28.95pt "仿宋_GB2312", "FangSong", "STFangsong", "Noto Serif CJK SC", serif; margin: 0; color: #000; }
p { margin: 0; text-align: justify; text-indent: 2em; }
p.item { text-align: left; overflow-wrap: anywhere; }
.issuer { color: #e00; text-align: center; text-indent: 0; font: 30pt/50pt "方正小标宋简体", "Noto Serif CJK SC", serif;
  font-weight: 900; letter-spacing: .05em; margin-top: 0; }
.number { text-align: center; text-indent: 0; margin-top: 28.95pt; padding-bottom: 4mm; border-bottom: 2px solid #e00;
  margin-bottom: 28.95pt; }
h1.title { font: 22pt/35pt "方正小标宋简体", "Noto Serif CJK SC", serif; font-weight: 900; text-align: center; margin: 0 0 28.95pt; }
.to { text-indent: 0; }
h2 { font: 16pt/28.95pt "黑体", "Noto Sans CJK SC", sans-serif; font-weight: bold; margin: 0; text-indent: 2em;
  break-after: avoid; }
h3 { font: 16pt/28.95pt "楷体_GB2312", "KaiTi", "Noto Serif CJK SC", serif; font-weight: normal; margin: 0; text-indent: 2em;
  break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 6pt 0 14pt; font: 10.5pt/1.5 "仿宋_GB2312", "Noto Serif CJK SC", serif; }
th, td { border: 1px solid #000; padding: 2pt 4pt; vertical-align: top; }
th { font-family: "黑体", "Noto Sans CJK SC", sans-serif; font-weight: normal; }
tr { break-inside: avoid; }
.attachment { margin-top: 28.95pt; }
.sign { text-align: right; text-indent: 0; padding-right: 2em; }
.sign.first { margin-top: 57.9pt; }
.record { margin-top: 28.95pt; font-size: 14pt; line-height: 24pt; break-inside: avoid; }
.record p { text-indent: 0; padding: 0 1em; border-top: 1px solid #000; }
.record p:last-child { border-bottom: 2px solid #000; }
"""


def render_circular_html(circular: Circular) -> str:
    e = html.escape
    body = [f'<p class="issuer">{e(circular.issuer)}</p>', f'<p class="number">{e(circular.number)}</p>',
            f'<h1 class="title">{e(circular.title)}</h1>', f'<p class="to">{e(circular.addressees)}</p>']
    for b in circular.blocks:
        if b.kind == "h1":
            body.append(f"<h2>{e(b.text)}</h2>")
        elif b.kind == "h2":
            body.append(f"<h3>{e(b.text)}</h3>")
        elif b.kind == "table":
            total = sum(b.widths) or len(b.header)
            cols = "".join(f'<col style="width:{w * 100 / total:.1f}%">' for w in b.widths)
            rows = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in b.rows)
            body.append(f"<table><colgroup>{cols}</colgroup><thead><tr>"
                        + "".join(f"<th>{e(h)}</th>" for h in b.header) + f"</tr></thead><tbody>{rows}</tbody></table>")
        else:
            body.append(f'<p class="item">{e(b.text)}</p>' if b.kind == "item" else f"<p>{e(b.text)}</p>")
    if circular.attachment:
        body.append(f'<p class="attachment">{e(circular.attachment)}</p>')
    body.append(f'<p class="sign first">{e(circular.issuer)}</p><p class="sign">{e(chinese_date(circular.issued_on))}</p>')
    record = [f"<p>抄送：{e(circular.copy_to)}</p>"] if circular.copy_to else []
    record.append(f"<p>{e(circular.issuer)}　　　　{e(chinese_date(circular.issued_on))}印发</p>")
    body.append(f'<div class="record">{"".join(record)}</div>')
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{e(circular.title)}</title>'
            f"<style>{CSS}</style></head><body>{''.join(body)}</body></html>")


def find_browser() -> str | None:
    return next((p for p in map(shutil.which, BROWSERS) if p), None)


def write_pdf(circular: Circular, path: Path) -> None:
    browser = find_browser()
    if browser is None:
        raise GovsiteError("生成 PDF 通报需要 Chromium 浏览器。请安装（Debian：apt-get install -y chromium），"
                           "或加 --no-pdf 只生成 Word 和 Excel 文件。")
    with tempfile.TemporaryDirectory(prefix="govsite-print-") as tmp:
        page = Path(tmp) / "circular.html"
        page.write_text(render_circular_html(circular), encoding="utf-8")
        out = Path(tmp) / "circular.pdf"
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
               f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer", "--print-to-pdf-no-header",
               f"--print-to-pdf={out}", page.as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=PRINT_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise GovsiteError(f"Chromium 在 {PRINT_TIMEOUT} 秒内未能打印出 PDF。Word 和 Excel 文件不受影响；"
                               "可稍后重试，或加 --no-pdf。") from None
        if not out.is_file() or out.stat().st_size == 0:
            detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GovsiteError(f"Chromium 未能打印出 PDF（{detail[-1] if detail else f'退出码 {proc.returncode}'}）。"
                               "可加 --no-pdf 只生成 Word 和 Excel 文件。")
        try:
            shutil.copyfile(out, path)
        except OSError as exc:
            raise GovsiteError(f"无法写入 {path}：{exc.strerror or exc}。请检查该位置是否有写权限。") from None
