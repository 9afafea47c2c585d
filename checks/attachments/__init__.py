"""Attachments as text (附件文字): what a PDF, Word, Excel or CSV file under content/ says, each piece with
where it stands (page, paragraph, table cell, sheet and cell), and where an image was taken (EXIF GPS).

Inspection reports name 公示 lists with ID and phone numbers as a common failure, and those lists are
usually attached spreadsheets or PDFs: the text rules of the privacy, secrecy, political and sensitive packs
run on an attachment's text too (:mod:`checks.attachments.check`).

This module is what a check of pages alone imports (which files are attachments); what is read of one
is :mod:`checks.attachments.extract`.

Every reader is bounded (``extract.LIMITS``): a file too large, a zip bomb, an encrypted or broken file and a
format that cannot be read are a :class:`Note` (reported as ``privacy.attachment-unchecked``), never an
exception. The libraries (pypdf, python-docx, openpyxl, Pillow) are imported only when such a file is read,
so a check of pages alone never loads them.
"""

from __future__ import annotations

# file name ending → reader (checks.attachments.<reader>)
READERS = {
    ".pdf": "pdf", ".docx": "word", ".xlsx": "excel", ".xlsm": "excel", ".csv": "table",
    ".jpg": "image", ".jpeg": "image", ".png": "image", ".webp": "image",
}
# formats people attach that no maintained library reads: reported, so someone looks at them
OLD_FORMATS = {".doc": "旧版 Word（.doc）", ".xls": "旧版 Excel（.xls）", ".wps": "WPS 文字（.wps）",
               ".et": "WPS 表格（.et）", ".dps": "WPS 演示（.dps）", ".ppt": "旧版 PowerPoint（.ppt）"}
MAX_BYTES = 50 * 1024 * 1024  # a larger attachment is not read at all (checks.attachments.extract.Limits)


def is_attachment(rel: str) -> bool:
    """Whether ``rel`` (a path under content/) is a file the checks read: a readable or an old format."""
    lower = rel.lower()
    if lower.endswith(".md"):
        return False
    dot = lower.rfind(".")
    return dot != -1 and (lower[dot:] in READERS or lower[dot:] in OLD_FORMATS)
