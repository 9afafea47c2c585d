"""Speed of importing a clerk's Word draft (Word 稿件导入, issue 16): a 20-page .docx with 10 photos.

The document is made with python-docx: 20 pages of headings, paragraphs, lists and a table, each page break
explicit, and 10 photo-like JPEGs from Pillow (3000×2000, noise over smooth gradients, quality 90, about the
size a phone's photo has). Each run times ``import_docx`` and then ``prepare_image`` on every image it
returned, in this process (the desk's process: libraries already imported after the first run; the first run
is reported separately as "cold").

Usage: .venv/bin/python benchmarks/wordimport_bench.py [--runs 5] [--photos 10] [--pages 20]
Prints a Markdown table for BENCHMARKS.md. Target: at most 5 s for import plus images.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TARGET = 5.0
PARAGRAPH = ("为切实做好今冬明春森林防火工作，县应急管理局会同县林业局、各乡镇人民政府，对全县重点林区、景区、"
             "墓地周边开展拉网式排查，督促落实网格化管护责任，严格野外用火管理，及时消除各类火灾隐患。")


def photo(seed: int, size: tuple[int, int] = (3000, 2000)) -> bytes:
    """A photo-like JPEG: smooth colour gradients with sensor-like noise on top."""
    from PIL import Image, ImageFilter

    w, h = size
    base = Image.linear_gradient("L").resize((w, h)).rotate(seed * 37 % 360, expand=False, fillcolor=128)
    channels = []
    for k in range(3):
        noise = Image.effect_noise((w, h), 18 + 4 * k).filter(ImageFilter.GaussianBlur(0.6))
        channels.append(Image.blend(base.point(lambda v, k=k: (v + 60 * k + 25 * seed) % 256), noise, 0.35))
    out = io.BytesIO()
    Image.merge("RGB", channels).save(out, "JPEG", quality=90)
    return out.getvalue()


def document(pages: int, photos: int) -> bytes:
    import docx
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm

    d = docx.Document()
    d.add_heading("关于开展冬季森林防火专项检查的通知", 0)
    d.add_paragraph("巫山府办发〔2026〕12号")
    every = max(1, pages // max(1, photos))
    images = [photo(i) for i in range(photos)]
    for page in range(pages):
        d.add_heading(f"第{page + 1}部分 检查情况", 1)
        for _ in range(5):
            d.add_paragraph(PARAGRAPH * 2)
        d.add_paragraph("排查重点林区", style="List Bullet")
        d.add_paragraph("落实网格责任", style="List Number")
        if page % 4 == 0:
            table = d.add_table(rows=4, cols=3)
            for r in range(4):
                for c in range(3):
                    table.cell(r, c).text = ["乡镇", "检查点", "隐患"][c] if r == 0 else f"{r}-{c}"
        if page % every == 0 and images:
            d.add_picture(io.BytesIO(images.pop(0)), width=Cm(15))
        d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    d.add_paragraph("巫山县人民政府办公室")
    d.add_paragraph("2026年11月28日")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def once(data: bytes) -> tuple[float, float, int, int]:
    from govsite.desk.uploads import prepare_image
    from govsite.desk.wordimport import import_docx

    start = time.perf_counter()
    imported = import_docx(data, "dachang", "gzdt", "fanghuo")
    middle = time.perf_counter()
    stored = 0
    for path, raw, _ in imported.images:
        stored += len(prepare_image(raw, path.rsplit("/", 1)[-1]).data)
    end = time.perf_counter()
    return middle - start, end - middle, len(imported.images), stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--photos", type=int, default=10)
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args()
    data = document(args.pages, args.photos)
    results = [once(data) for _ in range(args.runs + 1)]
    cold, warm = results[0], results[1:]
    images = warm[0][2]
    print(f"Word draft: {args.pages} pages, {images} photos 3000×2000, {len(data) / 1024 / 1024:.1f} MB; "
          f"stored photos {warm[0][3] / 1024 / 1024:.2f} MB in all; {args.runs} runs after a cold one; "
          f"Python {sys.version.split()[0]}\n")
    print("| step | median (s) | min (s) | max (s) | cold (s) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    rows = [("import_docx", [r[0] for r in warm], cold[0]),
            (f"prepare_image × {images}", [r[1] for r in warm], cold[1]),
            ("total", [r[0] + r[1] for r in warm], cold[0] + cold[1])]
    for label, times, first in rows:
        print(f"| {label} | {statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} | {first:.2f} |")
    total = statistics.median(rows[2][1])
    print(f"\nTarget ≤ {TARGET:.0f} s: {'met' if total <= TARGET and cold[0] + cold[1] <= TARGET else 'NOT met'}")


if __name__ == "__main__":
    main()
