"""Tables for people and spreadsheets: dist/indicators.csv (and indicators.zh.csv, the
same under Chinese headers, with datapackage.json describing both) and
dist/indicators.xlsx.

One row per indicator statement, field for field the facts of plan.json's
indicators[].facts (with their indicator's name, unit and printed place), in indicator
order then document order. The CSV is UTF-8 with a BOM so that Excel and WPS open the
Chinese correctly. The workbook adds one sheet per indicator table laid out as the plan
prints it (merged header cells; a value is a number only where its display is the printed
text, everything else stays text). Both are byte-deterministic: the workbook's zip
entries and document properties carry a fixed date (SOURCE_DATE_EPOCH, else the plan's
date).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

from .. import model as m

FIELDS: list[tuple[str, str, str, str]] = [
    # (name, 中文列名, Frictionless type, description)
    ("indicator", "指标标识", "string", "Indicator id (plan.json indicators[].id)."),
    ("name", "指标名称", "string", "Indicator name (indicators.xml)."),
    ("indicator_unit", "指标单位", "string", "Unit of the indicator's values (indicators.xml)."),
    ("category", "类别", "string", "Category of the indicator's definition."),
    ("printed_category", "表中类别", "string", "Table facts: the category (类别) the table prints the row under."),
    ("seq", "序号", "string", "Table facts: the printed 序号 of the row, if the table prints one."),
    ("nature", "属性", "string", "预期性 or 约束性, if declared."),
    ("parent", "上级指标", "string", "Id of the parent indicator, for sub-indicators."),
    ("year", "年份", "integer", "Year of the fact (end year of a rate)."),
    ("role", "角色", "string", "base, target, rate, actual or actual-rate (open list)."),
    ("from", "起始年", "integer", "First year of a rate."),
    ("text", "所印文字", "string", "The value exactly as printed."),
    ("kind", "类型", "string", "number, na (printed -), text (words) or empty."),
    ("value", "数值", "number", "The printed number, with its printed sign (下降 33% reads -33)."),
    ("decimals", "小数位数", "integer", "Digits after the decimal point as printed."),
    ("comparator", "比较", "string", "> ≥ < ≤ ≈ (左右), or empty when exact."),
    ("cumulative", "累计", "boolean", "Printed in brackets [x]: a change over the whole period."),
    ("unit", "所印单位", "string", "Unit printed with the number, if any."),
    ("value_unit", "数值单位", "string", "Unit the value is in: printed unit, else the indicator's; rates %/年 or % (cumulative)."),
    ("origin", "标记来源", "string", "marked (a table cell or a <fact>) or recognised (found in plain prose without markup)."),
    ("source", "来源", "string", "table (an indicator-table cell) or prose (a <fact> in the text)."),
    ("block", "所在块", "string", "Id of the stating table or block."),
    ("column", "所在专栏", "string", "Id of the 专栏 holding it, if any."),
    ("chapter", "所在章", "string", "Chapter id (or notice, preamble, closing, part id)."),
    ("row", "表行", "integer", "Table facts: index into the table's rows in plan.json (header rows included)."),
    ("cell", "单元格", "integer", "Table facts: index into that row's cells."),
    ("file", "源文件", "string", "Source file, relative to the plan directory."),
    ("line", "源文件行", "integer", "Line in the source file."),
    ("char", "行内位置", "integer", "Character position in that line."),
    ("url", "网址", "string", "Address on the published site, relative to its root."),
]
"""Columns of indicators.csv (English names), indicators.zh.csv (中文列名) and the
workbook's 指标 sheet; documented in docs/json.md and datapackage.json."""

COLUMNS = [f[0] for f in FIELDS]
COLUMNS_ZH = [f[1] for f in FIELDS]


def rows(plan: m.Plan) -> list[list]:
    """Every fact as a flat row, the same fields as plan.json's indicators[].facts, typed
    (None for empty), in indicator order then document order."""
    from .plan_json import Flattener

    out = []
    for ind in Flattener(plan).indicators():
        tables = {(t["table"], t["row"]): t for t in ind["tables"]}
        for f in ind["facts"]:
            where = f["stated_in"]
            row = tables.get((where["block"], where["row"]), {})
            out.append([ind["id"], ind["name"], ind["unit"], ind["category"],
                        row.get("category"), row.get("seq"), ind["nature"], ind["parent"],
                        f["year"], f["role"], f["from"], f["text"], f["kind"], f["value"],
                        f["decimals"], f["comparator"], f["cumulative"], f["unit"],
                        f["value_unit"], f["origin"], where["source"], where["block"], where["column"],
                        where["chapter"], where["row"], where["cell"], where["loc"]["file"],
                        where["loc"]["line"], where["loc"]["char"], where["url"]])
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


def _csv_bytes(header: list[str], body: list[list]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for row in body:
        writer.writerow([_csv_value(v) for v in row])
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def render_csv(plan: m.Plan, out_dir: Path, findings: tuple = ()) -> list[Path]:
    """indicators.csv, the same rows under Chinese headers, and datapackage.json."""
    body = rows(plan)
    paths = [out_dir / "indicators.csv", out_dir / "indicators.zh.csv", out_dir / "datapackage.json"]
    paths[0].write_bytes(_csv_bytes(COLUMNS, body))
    paths[1].write_bytes(_csv_bytes(COLUMNS_ZH, body))
    paths[2].write_text(json.dumps(datapackage(plan), ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
    return paths


def datapackage(plan: m.Plan) -> dict:
    """A Frictionless Data (tabular) package describing both CSV files."""
    from .plan_json import SCHEMA_VERSION

    def resource(name: str, path: str, title: str, zh: bool) -> dict:
        fields = [{"name": zh_name if zh else name, "title": zh_name, "type": kind,
                   "description": desc}
                  | ({"trueValues": ["true"], "falseValues": ["false"]} if kind == "boolean" else {})
                  for name, zh_name, kind, desc in FIELDS]
        return {"name": name, "path": path, "title": title, "profile": "tabular-data-resource",
                "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"',
                            "doubleQuote": True, "header": True},
                "schema": {"fields": fields, "missingValues": [""]}}

    return {
        "profile": "tabular-data-package",
        "name": f"{plan.meta.id}-indicators",
        "title": f"{plan.meta.title}：指标数据",
        "description": ("Every statement of an indicator's value (one row per fact, the "
                        "facts of plan.json). UTF-8 with a byte-order mark; empty cells are "
                        "missing values. A CSV cannot keep Excel from reading printed text such "
                        "as 6.0 or 54% as numbers: use the text column, or indicators.xlsx."),
        "version": SCHEMA_VERSION,
        "resources": [resource("indicators", "indicators.csv", "指标事实（英文列名）", False),
                      resource("indicators-zh", "indicators.zh.csv", "指标事实（中文列名）", True)],
    }


def _table_sheet(ws, table: m.Table) -> None:
    """Lay a table out as printed: spans become merged cells, numbers stay numbers."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from ..cells import grid

    for r, slots in enumerate(grid(table), 1):
        for cell, col in slots:
            c = col + 1
            text, q = m.plain(cell.content), cell.quantity   # parsed by convert
            target = ws.cell(row=r, column=c)
            if not cell.header and q is not None and _plain_number(text, q):
                target.value = q.value
                target.number_format = "0" if q.decimals == 0 else "0." + "0" * q.decimals
            else:
                target.value = text
                target.data_type = "s"  # text stays text: '=…' is no formula
            target.alignment = Alignment(horizontal="center" if cell.header else "general",
                                         vertical="center", wrap_text=True)
            if cell.header or r <= len(table.head):
                target.font = Font(bold=True)
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(start_row=r, start_column=c, end_row=r + cell.rowspan - 1,
                               end_column=c + cell.colspan - 1)
    for c in range(1, ws.max_column + 1):
        ws.column_dimensions[get_column_letter(c)].width = 14
    ws.freeze_panes = ws.cell(row=len(table.head) + 1, column=1)


def _plain_number(text: str, q: m.Quantity) -> bool:
    """A cell Excel may hold as a number: shown with its printed decimals, it reads
    exactly as printed (not 54%, [10], ≥90, +5, 1,000 or 05)."""
    if q.kind != "number" or q.value is None or not _NUMERAL.fullmatch(text):
        return False
    return f"{q.value:.{q.decimals}f}" == text


_NUMERAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")


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


def workbook(title: str, header: list[str], body: list[list]):
    """A workbook whose first sheet, `title`, lists `body` under `header` (bold, frozen):
    every text stays text, so a cell reading '=…' is never a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in body:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    ws.freeze_panes = "A2"
    return wb, ws


def xlsx_bytes(wb, when: dt.datetime) -> bytes:
    """The workbook saved with `when` as its dates, byte-deterministic."""
    wb.properties.created = wb.properties.modified = when
    buf = io.BytesIO()
    wb.save(buf)
    return _deterministic_zip(buf.getvalue(), when)


def render_xlsx(plan: m.Plan, out_dir: Path, findings: tuple = ()) -> list[Path]:
    from ..pdf.view import fixed_date

    when = fixed_date(plan)
    wb, ws = workbook("指标", COLUMNS, rows(plan))
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
    wb.properties.lastModifiedBy = "plandoc"
    path = out_dir / "indicators.xlsx"
    path.write_bytes(xlsx_bytes(wb, when))
    return [path]
