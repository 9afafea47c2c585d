"""Real attachment files made in the tests: PDF (written by hand, any Unicode text through a ToUnicode map),
Word, Excel and JPEG files with the libraries that read them."""

from __future__ import annotations

import io


def pdf(pages: list[list[str]]) -> bytes:
    """A PDF whose pages hold these lines of text (a Type0 font, Identity-H, with a ToUnicode map so text
    extraction finds the characters; no glyphs are embedded)."""
    chars = sorted({ch for page in pages for line in page for ch in line})
    cid = {ch: i + 1 for i, ch in enumerate(chars)}
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(data: bytes, extra: bytes = b"") -> bytes:
        return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"

    bf = b"".join(b"<%04X> <%s>\n" % (n, ch.encode("utf-16-be").hex().upper().encode()) for ch, n in cid.items())
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) "
            b"/Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            + b"".join(b"1 beginbfchar\n" + line + b"endbfchar\n" for line in bf.splitlines(keepends=True))
            + b"endcmap CMapName currentdict /CMap defineresource pop end end")
    catalog = add(b"")  # filled below
    pages_obj = add(b"")
    tounicode = add(stream(cmap))
    descendant = add(b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) "
                     b"/Ordering (Identity) /Supplement 0 >> /DW 1000 /CIDToGIDMap /Identity >>")
    font = add(b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [%d 0 R] "
               b"/ToUnicode %d 0 R >>" % (descendant, tounicode))
    kids = []
    for page in pages:
        ops = [b"BT /F1 12 Tf 50 780 Td 14 TL"]
        for line in page:
            ops.append(b"<" + "".join(f"{cid[ch]:04X}" for ch in line).encode() + b"> Tj T*")
        ops.append(b"ET")
        content = add(stream(b"\n".join(ops)))
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                        b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (pages_obj, content, font)))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    objects[pages_obj - 1] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids)
                              + b"] /Count %d >>" % len(kids))
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref))
    return out.getvalue()


def encrypted_pdf(pages: list[list[str]], password: str = "mima2026") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf(pages))))
    writer.encrypt(user_password=password, owner_password=password + "x", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def xlsx(sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx(paragraphs: list[str], table: list[list[str]] | None = None, header: str = "") -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                t.cell(r, c).text = text
    if header:
        document.sections[0].header.paragraphs[0].text = header
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def jpeg(gps: tuple[float, float] | None, fmt: str = "JPEG") -> bytes:
    """A small picture, with the EXIF GPS position ``gps`` (latitude, longitude) if given."""
    from PIL import Image

    image = Image.new("RGB", (16, 16), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "HUAWEI"
    if gps is not None:
        def dms(value: float) -> tuple[float, float, float]:
            d = int(value)
            m = int((value - d) * 60)
            return (float(d), float(m), round(((value - d) * 60 - m) * 60, 4))

        exif[0x8825] = {1: "N" if gps[0] >= 0 else "S", 2: dms(abs(gps[0])), 3: "E" if gps[1] >= 0 else "W",
                        4: dms(abs(gps[1]))}
    out = io.BytesIO()
    image.save(out, fmt, exif=exif)
    return out.getvalue()


def zip_bomb(member: str = "xl/worksheets/sheet1.xml", size: int = 4 * 1024 * 1024) -> bytes:
    """A zip that unpacks one member to ``size`` bytes of zeros, far more than it takes."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(member, b"\0" * size)
    return out.getvalue()


def docx_with_text_box(paragraph: str, boxed: str) -> bytes:
    """A .docx with ``boxed`` in a text box (which python-docx's paragraphs leave out)."""
    import zipfile

    zin = zipfile.ZipFile(io.BytesIO(docx([paragraph])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                box = ('<w:p><w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
                       '<mc:Fallback><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox><w:txbxContent>'
                       f'<w:p><w:r><w:t>{boxed}</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict>'
                       '</mc:Fallback></mc:AlternateContent></w:r></w:p>')
                data = data.replace(b"<w:sectPr", box.encode() + b"<w:sectPr", 1)
            zout.writestr(item, data)
    return out.getvalue()
