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
from collections.abc import Iterator
from pathlib import Path

from .. import model as m
from .. import walk
from ..cells import grid, layout_by_column
from .view import CLOSING, INDICATORS, NOTICE, PREAMBLE, SiteView

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

    def block(self, b: m.Block | m.Item, page: str, where: str) -> None:
        if isinstance(b, m.Paragraph):
            self.add(page, b.id, where, b.label + m.plain(b.lead) + m.plain(b.content))
        elif isinstance(b, m.Subhead):
            self.add(page, b.id, where, m.plain(b.content), "h")
        elif isinstance(b, m.Entry):
            self.add(page, b.id, where, m.plain(b.name) + m.plain(b.content))
        elif isinstance(b, m.Item):
            self.add(page, b.id, where, m.plain(b.lead) + m.plain(b.content))
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
        elif isinstance(b, m.Column):
            self.add(page, b.id, where, f"{b.label} {m.plain(b.title)}", "h")
        else:  # a block type without its own wording here: what it prints (a list: nothing)
            self.add(page, b.id, where, "".join(m.plain(t) for t in walk.texts(b)))


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


AREAS = ("notice", "preamble", "part", "chapter", "closing", "appendix", "page")
"""The areas of `walk.Place` in the order the walk reaches them."""


def _where(at: walk.Place) -> str:
    """How a record names its place: 第八章 第一节 · 专栏 5, 通知, 附件2, 解读."""
    if at.companion is not None:
        where = at.companion.kind
    elif at.appendix is not None:
        where = at.appendix.label
    elif at.section is not None:
        where = f"{at.chapter.label} {at.section.label}"
    elif at.chapter is not None:
        where = at.chapter.label
    elif at.part is not None:
        where = at.part.label
    else:
        where = {"notice": "通知", "preamble": "序言", "closing": "结束语"}[at.area]
    column = at.column
    return f"{where} · {column.label}".lstrip(" ·") if column is not None else where


def records(plan: m.Plan, view: SiteView) -> dict:
    """The search index of `plan` as a JSON-ready dict (see the module's docstring)."""
    notice = m.plain(plan.notice.title) if plan.notice is not None else ""
    r = _Records(view, {**view.titles, NOTICE: notice or "通知", PREAMBLE: "首页",
                        CLOSING: "结束语与版记", INDICATORS: "主要指标"})
    pending = [("preamble", lambda: r.add(PREAMBLE, "", "首页", plan.meta.title, "h")),
               ("page", lambda: _imprint(r, plan.imprint))]
    if plan.notice is not None:  # the sign-off after the notice's paragraphs
        n = plan.notice
        pending.insert(0, ("preamble", lambda: r.add(NOTICE, "", "通知", " ".join(
            filter(None, (n.signature, n.date))))))
    for step in walk.steps(plan):
        at, node = step.place, step.node
        while pending and AREAS.index(pending[0][0]) <= AREAS.index(at.area):
            pending.pop(0)[1]()
        if at.companion is not None and not at.companion.public:
            continue  # 说明 pages are the editors'
        if at.area == "part" and at.part.implicit:
            continue  # a plan without parts: its one part is not printed
        if isinstance(node, m.Notice):
            r.add(NOTICE, "", "通知", m.plain(node.title), "h")
            r.add(NOTICE, "", "通知", node.to or "")
        elif isinstance(node, m.Part | m.Chapter | m.Appendix):
            r.add(node.id, node.id, node.label, f"{node.label} {m.plain(node.title)}", "h")
        elif isinstance(node, m.Section):
            r.add(at.page, node.id, _where(at), f"{node.label} {m.plain(node.title)}", "h")
        elif isinstance(node, m.Page):
            r.add(node.id, "", node.kind, node.title, "h")
        else:
            r.block(node, at.page, _where(at))
    for _, emit in pending:
        emit()
    for ind in plan.indicators:
        text = m.plain(ind.name) + (f"（{ind.unit}）" if ind.unit else "")
        r.add(INDICATORS, ind.id, "主要指标", text, "i")
    return {"version": VERSION, "pages": r.pages, "records": r.records}


def _imprint(r: _Records, imprint: m.Imprint | None) -> None:
    if imprint is not None:
        r.add(CLOSING, "imprint", "版记", "抄送：" + "；".join(imprint.cc) if imprint.cc else "")
        r.add(CLOSING, "imprint", "版记", f"{imprint.printed_by} {imprint.printed_date}印发")


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
