"""Tables for people and spreadsheets: dist/indicators.csv and dist/indicators.xlsx.

One row per indicator statement (the same facts as plan.json's indicators[].facts),
in indicator order then document order. The CSV is UTF-8 with a BOM so that Excel
and WPS open the Chinese correctly. The workbook adds one sheet per indicator table
laid out as the plan prints it (merged header cells, numbers as numbers with the
printed precision). Both are byte-deterministic: the workbook's zip entries and
document properties carry a fixed date (SOURCE_DATE_EPOCH, else the plan's date).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path

from . import model as m

COLUMNS = ["indicator", "name", "unit", "category", "nature", "parent", "year", "role", "from",
           "text", "kind", "value", "comparator", "cumulative", "source", "block", "column",
           "chapter", "file", "line"]
"""CSV header (documented in docs/json.md)."""


def rows(plan: m.Plan) -> list[list]:
    """Every statement as a flat row, values typed (None for empty)."""
    out = []
    for ind in plan.indicators:
        for s in ind.facts:
            q = s.quantity
            out.append([ind.id, m.plain(ind.name), ind.unit, ind.category, ind.nature, ind.parent,
                        s.year, s.role, s.from_year, q.text, q.kind, q.value, q.comparator,
                        q.cumulative, s.source, s.block, s.column, s.chapter,
                        m.plan_relative(s.loc.file, plan.root),
                        s.loc.line])
    return out


def _csv_value(v) -> str:
    """A cell as CSV text. A text cell a spreadsheet would run as a formula (starting
    with = + - @, tab or CR; OWASP's advice) gets a leading apostrophe; one that reads
    as a number (-33, +5) stays as it is (docs/json.md)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v) if v != int(v) else str(int(v))
    text = str(v)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMERIC.fullmatch(text):
        return "'" + text
    return text


_NUMERIC = re.compile(r"[-+]?\d+(?:\.\d+)?%?|-")  # - alone: how plans print "none"


def render_csv(plan: m.Plan, out_dir: Path, findings: tuple = ()) -> list[Path]:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows(plan):
        writer.writerow([_csv_value(v) for v in row])
    path = out_dir / "indicators.csv"
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    return [path]


def fixed_date(plan: m.Plan) -> dt.datetime:
    """The build's fixed date, as the PDF's (print_view.fixed_date): never the clock."""
    from .print_view import fixed_date as iso_date

    return dt.datetime.strptime(iso_date(plan, os.environ), "%Y-%m-%dT%H:%M:%SZ")


def _table_sheet(ws, table: m.Table) -> None:
    """Lay a table out as printed: spans become merged cells, numbers stay numbers."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from .quantity import parse

    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(table.head + table.body, 1):
        c = 1
        for cell in row.cells:
            while (r, c) in taken:
                c += 1
            text = m.plain(cell.content)
            q = parse(text)
            target = ws.cell(row=r, column=c)
            if (not cell.header and q.kind == "number" and not q.comparator and not q.cumulative
                    and not q.unit and text.strip() == text.strip().lstrip("+")):
                target.value = q.value
                target.number_format = "0" if q.decimals == 0 else "0." + "0" * q.decimals
            else:
                target.value = text
                target.data_type = "s"  # text stays text: '=…' is no formula
            target.alignment = Alignment(horizontal="center" if cell.header else "general",
                                         vertical="center", wrap_text=True)
            if cell.header or r <= len(table.head):
                target.font = Font(bold=True)
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(start_row=r, start_column=c, end_row=r + cell.rowspan - 1,
                               end_column=c + cell.colspan - 1)
            c += cell.colspan
    for c in range(1, ws.max_column + 1):
        ws.column_dimensions[get_column_letter(c)].width = 14
    ws.freeze_panes = ws.cell(row=len(table.head) + 1, column=1)


def _deterministic_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite a zip with fixed entry dates and order (openpyxl stamps the current time)."""
    out = io.BytesIO()
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    iso = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            content = src.read(name)
            if name == "docProps/core.xml":  # openpyxl stamps 'modified' with the time of saving
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + iso, content)
            dst.writestr(info, content)
    return out.getvalue()


def render_xlsx(plan: m.Plan, out_dir: Path, findings: tuple = ()) -> list[Path]:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    when = fixed_date(plan)
    wb = Workbook()
    ws = wb.active
    ws.title = "指标"
    ws.append(COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows(plan):
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    ws.freeze_panes = "A2"
    used: set[str] = {ws.title}
    for table in plan.tables:
        if table.indicator:
            title = (table.label if table.column is None else
                     next((c.label for c in plan.columns if c.id == table.column), table.label))
            title, n = title[:28], 1
            while title in used:  # two tables in one column: 专栏 1, 专栏 1 (2)
                n += 1
                title = f"{title.split(' (')[0]} ({n})"
            used.add(title)
            _table_sheet(wb.create_sheet(title), table)
    wb.properties.creator = plan.meta.issuer
    wb.properties.title = plan.meta.title
    wb.properties.created = when
    wb.properties.modified = when
    wb.properties.lastModifiedBy = "plandoc"
    buf = io.BytesIO()
    wb.save(buf)
    path = out_dir / "indicators.xlsx"
    path.write_bytes(_deterministic_zip(buf.getvalue(), when))
    return [path]
