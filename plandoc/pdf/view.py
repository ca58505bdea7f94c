"""The print edition's view layer: the few values the PDF templates need that the model
does not hold (table column widths, the 版记 date as printed, image URLs, PDF metadata).

Pure functions of the model; no lxml, no WeasyPrint. Guarantees: the same plan always
gives the same view (the PDF depends on it byte for byte), and templates get finished
values, never something to compute.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .. import model as m
from ..cells import grid, short_kind, unbroken_runs

# Table measures in characters of the table's 五号 (10.5 pt) type, matching print.css:
# a 专栏's inner width is 420 pt, the 版心 442 pt. A cell pads 3 pt a side (~0.6 char);
# 0.2 char more of slack keeps rounding from wrapping a cell that should fit.
_CAPACITY_IN_COLUMN = 420 / 10.5
_CAPACITY = 442 / 10.5
_PAD = 0.8


@dataclass(frozen=True)
class PrintView:
    """What the print templates read besides the plan itself."""

    widths: dict[str, tuple[float, ...]]
    """Table id -> the width of each grid column, in per cent of the table's width."""
    short: dict[str, tuple[tuple[str | None, ...], ...]]
    """Table id -> per row (head, then body) -> per cell: its cells.short_kind or None."""
    images: dict[str, str]
    """Figure id -> file URL of its image (figures without an image are absent)."""
    imprint_date: str | None
    """The 版记's 印发日期 as printed: 2021年6月24日."""
    notice_date: str | None
    """The notice's 成文日期 as printed (GB/T 9704 7.3.5: 2021年1月20日)."""
    signoff_indents: tuple[float, float]
    """Right indents (em) of the notice's signature and date (GB/T 9704 7.3.5.2)."""
    date: str
    """W3C date-time written as the PDF's creation and modification date."""
    subject: str
    """The PDF's subject line."""
    title_lines: tuple[str, ...]
    """The plan's title in lines for the title page and the first page: as its <br/>
    marks cut it, else broken by `title_lines`."""


def view(plan: m.Plan, environ: dict[str, str] | None = None) -> PrintView:
    """The print view of `plan`; `environ` (default os.environ) supplies SOURCE_DATE_EPOCH."""
    environ = os.environ if environ is None else environ
    root = Path(plan.root or ".")
    tables = plan.tables + tuple(b for page in plan.pages if page.printed for b in page.blocks
                                 if isinstance(b, m.Table))  # a printed 编制说明's tables
    return PrintView(
        widths={t.id: column_widths(t) for t in tables},
        short={t.id: tuple(tuple(kind for _, _, kind in row) for row in _kinds(t))
               for t in tables},
        images={f.id: (root / f.image).resolve().as_uri() for f in plan.figures if f.image},
        imprint_date=chinese_date(plan.imprint.printed_date) if plan.imprint else None,
        notice_date=chinese_date(plan.notice.date) if plan.notice and plan.notice.date else None,
        signoff_indents=signoff_indents(plan.notice),
        date=fixed_date(plan, environ).strftime(ISO_SECONDS),
        subject=f"{plan.meta.issuer}：{plan.meta.title}（{plan.meta.period_label}）",
        title_lines=(plan.meta.title_lines if len(plan.meta.title_lines) > 1
                     else title_lines(plan.meta.title)),
    )


def signoff_indents(notice: m.Notice | None) -> tuple[float, float]:
    """Right indents (em) of the notice's signature and date, GB/T 9704 7.3.5.2: the
    signature 右空二字, the date on the next line starting two characters further right;
    a date longer than that stands 右空二字 and pushes the signature left."""
    if notice is None or not notice.signature or not notice.date:
        return 2.0, 2.0
    name, date = _chars(notice.signature), _chars(chinese_date(notice.date))
    date_indent = name - date
    if date_indent >= 2.0:
        return 2.0, round(date_indent, 2)
    return round(date - name + 4.0, 2), 2.0


def fixed_date(plan: m.Plan, environ=None) -> dt.datetime:
    """The build's date, in UTC (naive): SOURCE_DATE_EPOCH if set, else the imprint's
    printing date, else 1 January of the plan's first year; never the clock, so two
    builds are byte-identical. The PDF's metadata, the XLSX's and DOCX's properties and
    the dates inside their zip files all read it."""
    environ = os.environ if environ is None else environ
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).replace(tzinfo=None)
    day = plan.imprint.printed_date if plan.imprint else ""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        try:
            return dt.datetime.strptime(day, "%Y-%m-%d")
        except ValueError:  # not a day of the calendar (the grammar admits 2021-02-30)
            pass
    return dt.datetime(plan.meta.period_from, 1, 1)


ISO_SECONDS = "%Y-%m-%dT%H:%M:%SZ"
"""How the PDF's metadata writes `fixed_date`."""


def chinese_date(iso: str) -> str:
    """2021-06-24 -> 2021年6月24日 (GB/T 9704 7.4.3: Arabic digits, no leading zeros).
    Anything that is not an ISO date is returned unchanged."""
    found = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", iso.strip())
    if not found:
        return iso
    year, month, day = (int(g) for g in found.groups())
    return f"{year}年{month}月{day}日"


def title_lines(title: str, fits: int = 20) -> tuple[str, ...]:
    """Break a long title into two lines the way editors do: after 规划 or before 和
    when such a point lies near the middle, else at the middle. A title of up to `fits`
    characters (one line of 2号 on the 版心) stays whole."""
    if len(title) <= fits:
        return (title,)
    middle = len(title) / 2
    points = [m.end() for m in re.finditer("规划|纲要|发展", title)]
    points += [m.start() for m in re.finditer("和|的|关于", title)]
    points = [p for p in points if 0 < p < len(title) and max(p, len(title) - p) <= fits]
    # the nearest to the middle; on a tie the later one (a longer first line)
    cut = min(points, key=lambda p: (abs(p - middle), -p)) if points else round(middle)
    return (title[:cut], title[cut:])


def _chars(text: str) -> float:
    """Printed width of `text` in full-width characters (half-width ones count 0.55)."""
    return sum(0.55 if ord(ch) < 0x2000 else 1.0 for ch in text.strip())


def _kinds(table: m.Table) -> list[list[tuple[m.Cell, int, str | None]]]:
    """Every cell of `table` by row, with its first grid column and short kind (an
    indicator table's column description decides for its body cells)."""
    out = []
    nhead = len(table.head)
    for r, row in enumerate(grid(table)):
        kinds = []
        for cell, col in row:
            spec = table.layout[col] if r >= nhead and col < len(table.layout) else None
            kinds.append((cell, col, short_kind(cell, spec)))
        out.append(kinds)
    return out


_WORD = 4.0
"""A stretch of Chinese between two unbroken runs keeps up to this many characters on a
line (年均增速 over [累计], 指标名称): a column is never narrower."""


def _unbroken(text: str) -> float:
    """The width a longer cell needs so that nothing in it breaks badly: its widest
    unbroken run, and up to _WORD characters of the text between runs."""
    runs = unbroken_runs(text)
    cuts = [0] + [i for run in runs for i in run] + [len(text)]
    between = [text[a:b] for a, b in zip(cuts[::2], cuts[1::2])]
    return max([_chars(text[a:b]) for a, b in runs]
               + [min(_chars(piece), _WORD) for piece in between] + [0.0])


def column_widths(table: m.Table) -> tuple[float, ...]:
    """Fixed widths (per cent, summing to 100) for each grid column of `table`.

    Every column gets room for its short cells whole (cells.short_kind: 预期性, 序号,
    2020年, [累计], units, values) and for the longest unbroken piece of its other
    cells ("[累计]" in "年均增速[累计]", "（亿元）" in a name); what is left of the
    measure goes to the columns with longer texts (indicator names), in proportion to
    how much more they would need. Set as <col> widths under `table-layout: fixed`."""
    placed = [(cell, col, kind) for row in _kinds(table) for cell, col, kind in row]
    if not placed:
        return ()
    ncols = max(col + cell.colspan for cell, col, _ in placed)
    natural = [_PAD] * ncols
    floor = [_PAD] * ncols
    for cell, col, kind in placed:
        text = m.plain(cell.content).strip()
        width = _chars(text)
        keep = width if kind else _unbroken(text)
        for c in range(col, col + cell.colspan):
            natural[c] = max(natural[c], width / cell.colspan + _PAD)
            floor[c] = max(floor[c], keep / cell.colspan + _PAD)
    capacity = _CAPACITY_IN_COLUMN if table.column else _CAPACITY
    if sum(natural) <= capacity:
        widths = natural
    else:
        spare = max(capacity - sum(floor), 0.0)
        extra = [n - f for n, f in zip(natural, floor)]
        total_extra = sum(extra) or 1.0
        widths = [f + spare * e / total_extra for f, e in zip(floor, extra)]
    total = sum(widths)
    percent = [round(100 * w / total, 2) for w in widths]
    percent[-1] = round(100 - sum(percent[:-1]), 2)
    return tuple(percent)
