"""content/ holds regular files only: links, pipes, odd page names and control characters are findings."""

from __future__ import annotations

import os
from pathlib import Path

from govsite.core.tree import scan_content


def _make(root: Path) -> Path:
    base = root / "content" / "town" / "gzdt"
    base.mkdir(parents=True)
    (base / "ok.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    (base / "files").mkdir()
    (base / "files" / "a.pdf").write_bytes(b"%PDF")
    (base / "passwd.txt").symlink_to("/etc/passwd")
    (base / "gone.md").symlink_to(base / "nowhere.md")  # dangling
    (root / "outside").mkdir()
    (root / "outside" / "x.md").write_text("外部", encoding="utf-8")
    (base / "linked").symlink_to(root / "outside", target_is_directory=True)
    (base / "loop").symlink_to(base, target_is_directory=True)
    os.mkfifo(base / "pipe.md")
    (base / "UPPER.MD").write_text("x", encoding="utf-8")
    (base / "long.markdown").write_text("x", encoding="utf-8")
    (base / "bad\nname.md").write_text("x", encoding="utf-8")
    return base


def test_every_entry_that_is_not_a_regular_file_or_a_md_page_is_refused(tmp_path: Path) -> None:
    _make(tmp_path)
    scan = scan_content(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in scan.pages] == ["content/town/gzdt/ok.md"]
    assert [p.name for p in scan.attachments] == ["a.pdf"]
    rules = {f.path.rsplit("/", 1)[-1]: f.rule for f in scan.problems}
    assert rules == {"passwd.txt": "schema.symlink", "gone.md": "schema.symlink", "linked": "schema.symlink",
                     "loop": "schema.symlink", "pipe.md": "schema.special-file", "UPPER.MD": "schema.page-name",
                     "long.markdown": "schema.page-name", "bad\\nname.md": "schema.file-name"}
    assert all(f.severity == "error" and f.message for f in scan.problems)
