"""Issuing a circular (印发通报): audit the period, follow up the ledger, write the .docx, the PDF and the problem
list, then save the ledger — the one entry point behind ``govsite audit --report tongbao``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from govsite.audit.circular import Circular, make_circular, output_names, record_circular
from govsite.audit.period import Period
from govsite.audit.rectification import LEDGER_FILE, Ledger
from govsite.audit.run import run_audit
from govsite.audit.scheme import load_scheme
from govsite.core.errors import GovsiteError
from govsite.git import process


@dataclass
class Issued:
    circular: Circular
    files: dict[str, Path]
    ledger: Path
    problems: int


def document_prefix(site: dict) -> str:
    """The issuer's short form for 文号 (site.yml ``document_prefix``, else 巫山县 → 巫山府办)."""
    if site.get("document_prefix"):
        return str(site["document_prefix"])
    county = str(site.get("county") or "")
    return (county[:-1] if county.endswith("县") else county) + "府办"


def changes(root: Path, since: dt.date, until: dt.date) -> tuple[dict[str, dt.date], dict[tuple[str, str], list[dt.date]]]:
    """What the history did between ``since`` and ``until`` (commit dates): path → day of its last change, and
    (unit, column) → the days pages were added there, oldest first."""
    last: dict[str, dt.date] = {}
    added: dict[tuple[str, str], list[dt.date]] = {}
    raw = process.run(root, "log", "--reverse", f"--since={since.isoformat()} 00:00",
                      f"--until={until.isoformat()} 23:59:59", "--format=@%cs", "--name-status", "--no-renames",
                      "HEAD", check=False).decode("utf-8", "replace")
    day = None
    for line in raw.splitlines():
        if line.startswith("@"):
            try:
                day = dt.date.fromisoformat(line[1:])
            except ValueError:
                day = None
            continue
        status, _, path = line.partition("\t")
        if not path or day is None:
            continue
        last[path] = day  # oldest first: the newest change wins
        parts = path.split("/")
        if status == "A" and len(parts) >= 4 and parts[0] == "content" and path.endswith(".md"):
            added.setdefault((parts[1], parts[2]), []).append(day)
    return last, added


def issue_circular(root: Path, period: Period, out_dir: Path, issued_on: dt.date, site_dir: Path | None = None,
                   run_checks: bool = True, number: str | None = None, ledger_path: Path | None = None,
                   pdf: bool = True, progress=None) -> Issued:
    from govsite.audit.circular_docx import write_docx  # noqa: PLC0415
    from govsite.audit.problem_list import write_xlsx  # noqa: PLC0415
    from govsite.core.county import County  # noqa: PLC0415

    if period.start > issued_on:
        raise GovsiteError(f"检查期 {period.key} 尚未开始（{period.start} 起），不能印发它的通报。")
    county = County(root)
    scheme = load_scheme(county.lists)
    ledger_path = ledger_path or root / LEDGER_FILE
    ledger = Ledger.read(ledger_path)
    if out_dir.exists() and not out_dir.is_dir():
        raise GovsiteError(f"输出位置 {out_dir} 是一个文件。通报要写入一个目录，例如 -o reports/{period.key}。")
    as_of = period.audit_day(issued_on)
    report = run_audit(root, as_of, site_dir if as_of == issued_on else None, run_checks=run_checks, progress=progress)
    previous = None
    if not any(c.get("period") == period.previous().key for c in ledger.circulars):
        previous = run_audit(root, period.previous().audit_day(issued_on), None, run_checks=False)
    open_since = min((i.issued_on for i in ledger.items.values() if i.status != "fixed"), default=as_of)
    site = county.site
    issuer = str(site.get("sponsor") or f"{site.get('county') or ''}人民政府办公室")
    circular = make_circular(report, ledger, scheme, period, issued_on, issuer, document_prefix(site),
                             changes(root, open_since, as_of), number=number, previous=previous)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = output_names(out_dir, period)
    write_docx(circular, files["docx"])
    names = {u.unit: u.name for u in report.units}
    titles = {(u.id, cid): col.title for u in county.units.values() for cid, col in u.columns.items()}
    write_xlsx(circular, files["xlsx"], names, titles)
    if pdf:
        from govsite.audit.circular_pdf import write_pdf  # noqa: PLC0415

        write_pdf(circular, files["pdf"])
    else:
        files.pop("pdf")
    record_circular(ledger, circular, report)
    ledger.write(ledger_path)  # last: a failed writer leaves the ledger as it was
    return Issued(circular, files, ledger_path, len(circular.items))
