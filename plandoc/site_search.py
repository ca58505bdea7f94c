"""Full-text search for the site: the plan's text as a script the search page loads.

Like Sphinx's searchindex.js, the build writes `site/search-index.js`, which sets
`window.PLANDOC_SEARCH` to every searchable place of the plan, taken from the model
(not scraped from the pages): headings of parts, chapters and sections, paragraphs,
list items, project entries, table rows, columns, figures, the notice, the back
matter and the indicators, each with the page and the anchor it lives at and a short
"where" (第八章 第一节 · 专栏 5). `static/search.js` finds every place that holds all
the words of a query as substrings. Chinese needs no segmenting for that: 城镇化率
matches exactly where it is printed, never the pages that hold only 城镇 or 化率.

Because the index is a classic script, not fetched data, search works from any static
host and from the files opened straight from disk. It is written in the same pass as
the pages, from the same model, in document order: the same plan gives the same bytes.

Format (version 1): {"version": 1, "pages": [[url, title], ...],
"records": [[page, anchor, where, text, kind], ...]} where `page` indexes `pages`,
`anchor` is an id on that page ("" for the page's top) and `kind` is "h" for a
heading, "t" for text, "i" for an indicator.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from . import model as m
from .cells import grid, layout_by_column
from .site_view import CLOSING, INDICATORS, NOTICE, PREAMBLE, SiteView

INDEX = "search-index.js"
VERSION = 1


class _Records:
    """Collects records in document order, numbering pages as they first appear."""

    def __init__(self, view: SiteView, titles: dict[str, str]):
        self.view, self.titles = view, titles
        self.pages: list[list[str]] = []
        self._page_no: dict[str, int] = {}
        self.records: list[list] = []

    def add(self, page: str, anchor: str, where: str, text: str, kind: str = "t") -> None:
        text = " ".join(text.split())
        if not text:
            return
        url = self.view.url(page)
        if url not in self._page_no:
            self._page_no[url] = len(self.pages)
            self.pages.append([url, self.titles.get(page, url)])
        self.records.append([self._page_no[url], anchor, where, text, kind])

    def blocks(self, blocks: Iterable[m.Block], page: str, where: str) -> None:
        for b in blocks:
            if isinstance(b, m.Paragraph):
                self.add(page, b.id, where, b.label + m.plain(b.lead) + m.plain(b.content))
            elif isinstance(b, m.Subhead):
                self.add(page, b.id, where, m.plain(b.content), "h")
            elif isinstance(b, m.Entry):
                self.add(page, b.id, where, m.plain(b.name) + m.plain(b.content))
            elif isinstance(b, m.ListBlock):
                for it in b.items:
                    self.add(page, it.id, where, m.plain(it.lead) + m.plain(it.content))
            elif isinstance(b, m.Table):
                if b.caption:  # 表 N alone is not printed: no heading record for it
                    self.add(page, b.id, where, m.plain(b.caption), "h")
                rows = indicator_rows(b) if b.indicator else (
                    "　".join(t for t in (m.plain(c.content).strip() for c in row.cells) if t)
                    for row in b.head + b.body)
                for text in rows:
                    self.add(page, b.id, f"{where} · {b.label}", text)
            elif isinstance(b, m.Figure):
                self.add(page, b.id, where, f"{b.label} {m.plain(b.caption)}", "h")
            elif isinstance(b, m.Subsection):
                self.add(page, b.id, where, f"{b.label}{m.plain(b.title)}", "h")
                self.blocks(b.blocks, page, where)
            elif isinstance(b, m.Column):
                self.add(page, b.id, where, f"{b.label} {m.plain(b.title)}", "h")
                self.blocks(b.blocks, page, f"{where} · {b.label}".lstrip(" ·"))


ABSENT = {"", "-", "—", "－", "/"}


def indicator_rows(table: m.Table) -> Iterator[str]:
    """An indicator table's rows as sentences: 常住人口城镇化率(%)：2020年 46.94，2025年 54
    (each value after its column's heading; absent values left out)."""
    placed = grid(table)
    specs = layout_by_column(table, placed)
    heads: dict[int, list[str]] = {}
    for slots in placed[:len(table.head)]:  # 规划目标 above 2020 年: "规划目标 2020 年"
        for cell, col in (s for s in slots if s is not None):
            for c in range(col, col + cell.colspan):
                heads.setdefault(c, []).append(" ".join(m.plain(cell.content).split()))
    for slots in placed[len(table.head):]:
        name, values = "", []
        for cell, col in (s for s in slots if s is not None):
            kind = specs[col].kind if specs[col] else ""
            text = " ".join(m.plain(cell.content).split())
            if kind == "name":
                name = f"{name} {text}".strip()  # 城镇化率 常住人口城镇化率
            elif kind == "value" and text not in ABSENT:
                values.append(" ".join(heads.get(col, []) + [text]))
        if name:
            yield f"{name}：{'，'.join(values)}" if values else name


def records(plan: m.Plan, view: SiteView) -> dict:
    """The search index of `plan` as a JSON-ready dict (see the module's docstring)."""
    notice = m.plain(plan.notice.title) if plan.notice is not None else ""
    r = _Records(view, {**view.titles, NOTICE: notice or "通知", PREAMBLE: "首页",
                        CLOSING: "结束语与版记", INDICATORS: "主要指标"})
    if plan.notice is not None:
        r.add(NOTICE, "", "通知", m.plain(plan.notice.title), "h")
        r.add(NOTICE, "", "通知", plan.notice.to or "")
        r.blocks(plan.notice.blocks, NOTICE, "通知")
        r.add(NOTICE, "", "通知", " ".join(filter(None, (plan.notice.signature, plan.notice.date))))
    r.add(PREAMBLE, "", "首页", plan.meta.title, "h")
    r.blocks(plan.preamble, PREAMBLE, "序言")
    for part in plan.parts:
        if not part.implicit:
            r.add(part.id, part.id, part.label, f"{part.label} {m.plain(part.title)}", "h")
            r.blocks(part.blocks, part.id, part.label)
        for ch in part.chapters:
            r.add(ch.id, ch.id, ch.label, f"{ch.label} {m.plain(ch.title)}", "h")
            r.blocks(ch.blocks, ch.id, ch.label)
            for sec in ch.sections:
                where = f"{ch.label} {sec.label}"
                r.add(ch.id, sec.id, where, f"{sec.label} {m.plain(sec.title)}", "h")
                r.blocks(sec.blocks, ch.id, where)
    r.blocks(plan.closing, CLOSING, "结束语")
    for a in plan.appendices:
        r.add(a.id, a.id, a.label, f"{a.label} {m.plain(a.title)}", "h")
        r.blocks(a.blocks, a.id, a.label)
    if plan.imprint is not None:
        imprint = plan.imprint
        r.add(CLOSING, "imprint", "版记", "抄送：" + "；".join(imprint.cc) if imprint.cc else "")
        r.add(CLOSING, "imprint", "版记", f"{imprint.printed_by} {imprint.printed_date}印发")
    for page in plan.pages:
        if page.public:  # 说明 pages are the editors'
            r.add(page.id, "", page.kind, page.title, "h")
            r.blocks(page.blocks, page.id, page.kind)
    for ind in plan.indicators:
        text = m.plain(ind.name) + (f"（{ind.unit}）" if ind.unit else "")
        r.add(INDICATORS, ind.id, "主要指标", text, "i")
    return {"version": VERSION, "pages": r.pages, "records": r.records}


def _dump(value) -> str:
    """JSON as a JavaScript literal: U+2028 and U+2029 escaped (older engines end a
    string there), everything else as UTF-8."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _lines(index: dict) -> Iterator[str]:
    """The index as a script, one record per line (readable, and diffs stay small)."""
    yield f'window.PLANDOC_SEARCH = {{"version": {index["version"]},\n"pages": ['
    yield ",\n".join(_dump(p) for p in index["pages"]) + "],"
    yield '"records": ['
    yield ",\n".join(_dump(rec) for rec in index["records"]) + "]};"


def write(site: Path, plan: m.Plan, view: SiteView) -> list[Path]:
    """Write site/search-index.js; return its path."""
    path = site / INDEX
    path.write_text("\n".join(_lines(records(plan, view))) + "\n", encoding="utf-8", newline="\n")
    return [path]
