"""The site's view layer: where every page lives and how pages link, computed once.

Maps the frozen model to what the site templates need and the model does not hold:
page URLs, relative links, the table of contents, breadcrumbs, previous/next, and the
anchor nearest to a source line (for the editor's report). Pure and deterministic:
the same plan gives the same view; nothing here writes files. Templates receive only
values from this module and the model, so they never count, compute or look up.
"""

from __future__ import annotations

import bisect

from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from .. import model as m
from .. import walk
from ..cells import grid, layout_by_column, short_kind

NOTICE, PREAMBLE, CLOSING, INDICATORS = "notice", "preamble", "closing", "indicators"


@dataclass(frozen=True)
class Link:
    href: str
    """Relative to the site root; pages prefix it with their own `root`."""
    text: str


@dataclass(frozen=True)
class Anchor:
    """An addressable place of the site, located in the source (for the report)."""

    file: str
    line: int
    href: str
    label: str


@dataclass(frozen=True)
class TableRows:
    head: tuple[tuple[tuple[m.Cell, str], ...], ...]
    body: tuple[tuple[tuple[m.Cell, str], ...], ...]
    """Rows of (cell, its class attribute: "v base nw", "name", "")."""


@dataclass(frozen=True)
class Nav:
    """Everything around a page's content: its place in the reading order."""

    url: str
    root: str
    """Prefix that leads from this page back to the site root ('' or '../')."""
    title: str
    crumbs: tuple[Link, ...]
    prev: Link | None
    next: Link | None
    current_part: str | None
    current: str | None


def chapter_url(ch_id: str) -> str:
    return f"chapters/{ch_id}.html"


def part_url(pt_id: str) -> str:
    return f"parts/{pt_id}.html"


def page_url(page_id: str) -> str:
    """A companion page (解读, 编制说明, 说明): pages/<file name>.html."""
    return f"pages/{page_id.removeprefix('page-')}.html"


PAGES = "pages.html"
"""The list of companion pages (解读与说明)."""


class SiteView:
    """Addresses and navigation for one plan."""

    def __init__(self, plan: m.Plan):
        self.plan = plan
        self.pages: dict[str, str] = {NOTICE: "notice.html", PREAMBLE: "index.html",
                                      CLOSING: "back.html", INDICATORS: "indicators.html"}
        self.titles: dict[str, str] = {}
        self.chapters: dict[str, m.Chapter] = {}
        self.parts: dict[str, m.Part] = {}
        for part in plan.parts:
            self.parts[part.id] = part
            if not part.implicit:   # a plan without parts has no part pages
                self.pages[part.id] = part_url(part.id)
                self.titles[part.id] = f"{part.label} {m.plain(part.title)}"
            for ch in part.chapters:
                self.pages[ch.id] = chapter_url(ch.id)
                self.chapters[ch.id] = ch
                self.titles[ch.id] = f"{ch.label} {m.plain(ch.title)}"
        for page in plan.pages:
            self.pages[page.id] = page_url(page.id)
            self.titles[page.id] = page.title
        for a in plan.appendices:   # 附件 are printed with the closing words and imprint
            self.pages[a.id] = self.pages[CLOSING]
            self.titles[a.id] = f"{a.label} {m.plain(a.title)}"
        self.columns = {c.id: c for c in plan.columns}
        self.reading = self._reading_order()
        self._cell_classes: dict[str, tuple[tuple[str, ...], ...]] = {}

    # ---------------------------------------------------------------- links

    def url(self, page: str, anchor: str | None = None) -> str:
        """Site-root-relative URL of `page` (a chapter, part or special page id)."""
        base = self.pages.get(page, "index.html")
        return f"{base}#{anchor}" if anchor else base

    def href(self, root: str) -> Callable[[m.Ref], str]:
        """The `href` callable for the shared inline macro, for a page at `root`."""
        def ref_href(ref: m.Ref) -> str:
            return root + self.url(ref.page, ref.to)
        return ref_href

    def place(self, chapter: str, column: str | None) -> str:
        """Short human name of where something stands: 专栏 2, or 第四章, or the page title."""
        if column and column in self.columns:
            return self.columns[column].label
        if chapter in self.chapters:
            return self.chapters[chapter].label
        if chapter in self.parts:
            return self.parts[chapter].label
        return {NOTICE: "通知", PREAMBLE: "序言", CLOSING: "结束语"}.get(chapter, chapter)

    def table_rows(self, table: m.Table) -> "TableRows":
        """`table`'s head and body rows as (cell, class) pairs, for the table macro."""
        classes = self.cell_classes(table)
        nhead = len(table.head)
        head = tuple(tuple(zip(row.cells, k)) for row, k in zip(table.head, classes[:nhead]))
        body = tuple(tuple((c, " ".join(filter(None, (
            f"v {c.fact_role}" if c.fact_role and not c.header else "", cls))))
            for c, cls in zip(row.cells, k)) for row, k in zip(table.body, classes[nhead:]))
        return TableRows(head, body)

    def cell_classes(self, table: m.Table) -> tuple[tuple[str, ...], ...]:
        """The class of every cell of `table` (rows of head then body, cells in order):
        "nw" for a short cell that must never wrap (`cells.short_kind`, shared with the
        print edition), "name" for the indicator's name (kept in view while a narrow
        screen scrolls the table sideways), else "". Cached per table."""
        if table.id not in self._cell_classes:
            placed = grid(table)
            specs = layout_by_column(table, placed)
            name_col = next((c for c, spec in enumerate(specs) if spec and spec.kind == "name"),
                            None if table.indicator else 0)
            rows = []
            for slots in placed:
                out = []
                for cell, col in (s for s in slots if s is not None):
                    if col == name_col:
                        out.append("name")
                    else:
                        out.append("nw" if short_kind(cell, specs[col]) else "")
                rows.append(tuple(out))
            self._cell_classes[table.id] = tuple(rows)
        return self._cell_classes[table.id]

    # ---------------------------------------------------------------- navigation

    def _reading_order(self) -> tuple[Link, ...]:
        order: list[Link] = []
        if self.plan.notice is not None:
            order.append(Link(self.pages[NOTICE], "通知"))
        order.append(Link("index.html", "首页"))
        for part in self.plan.parts:
            if not part.implicit:
                order.append(Link(self.pages[part.id], self.titles[part.id]))
            for ch in part.chapters:
                order.append(Link(self.pages[ch.id], self.titles[ch.id]))
        order.append(Link(self.pages[CLOSING], "结束语与版记"))
        return tuple(order)

    def nav(self, url: str, title: str, crumbs: tuple[Link, ...] = (),
            part: str | None = None, current: str | None = None) -> Nav:
        """Navigation for the page at `url`; prev/next only for pages in the reading order."""
        root = "../" if "/" in url else ""
        urls = [link.href for link in self.reading]
        prev = nxt = None
        if url in urls:
            i = urls.index(url)
            prev = self.reading[i - 1] if i > 0 else None
            nxt = self.reading[i + 1] if i + 1 < len(urls) else None
        home = Link("index.html", "首页")
        return Nav(url, root, title, (home,) + crumbs if url != "index.html" else (), prev,
                   nxt, part, current)

    def chapter_nav(self, ch: m.Chapter) -> Nav:
        part = self.parts[ch.part]
        if part.implicit:
            return self.nav(self.pages[ch.id], self.titles[ch.id], (), ch.id, ch.id)
        return self.nav(self.pages[ch.id], self.titles[ch.id],
                        (Link(self.pages[part.id], self.titles[part.id]),),
                        part.id, ch.id)

    def part_nav(self, part: m.Part) -> Nav:
        return self.nav(self.pages[part.id], self.titles[part.id], (), part.id, part.id)

    # ---------------------------------------------------------------- anchors

    def anchors(self) -> Iterator[Anchor]:
        """Every addressable place of the plan with its source line, in document order."""
        plan = self.plan
        for step in walk.steps(plan):
            b, page = step.node, step.place.page
            if step.place.area == "page" or isinstance(b, m.Part) and b.implicit:
                continue  # companion pages are not the plan; a plan without parts prints none
            if isinstance(b, m.Notice):
                yield Anchor(b.loc.file, b.loc.line, self.pages[NOTICE], "通知")
            elif isinstance(b, m.Section):
                yield Anchor(b.loc.file, b.loc.line, self.url(page, b.id), step.place.chapter.label + b.label)
            elif isinstance(b, m.Part | m.Chapter | m.Appendix | m.Column | m.Subsection | m.Table | m.Figure):
                yield Anchor(b.loc.file, b.loc.line, self.url(page, b.id), b.label)
            else:
                yield Anchor(b.loc.file, b.loc.line, self.url(page, b.id), self.place(page, None))
        if plan.imprint is not None:
            yield Anchor(plan.imprint.loc.file, plan.imprint.loc.line,
                         self.url(CLOSING, "imprint"), "版记")
        for ind in plan.indicators:
            yield Anchor(ind.loc.file, ind.loc.line, self.url(INDICATORS, ind.id),
                         m.plain(ind.name))

    def ids(self) -> Iterator[tuple[str, str]]:
        """(page url, id) for every id the site must carry as an anchor."""
        for a in self.anchors():
            url, _, frag = a.href.partition("#")
            if frag:
                yield url, frag


class AnchorIndex:
    """Anchors by file, sorted by line: the anchor nearest a finding in O(log n)
    (a report with thousands of findings on a large plan stays linear overall)."""

    def __init__(self, anchors: Iterable[Anchor]):
        by_file: dict[str, list[tuple[int, int, Anchor]]] = {}
        for order, a in enumerate(anchors):
            by_file.setdefault(a.file, []).append((a.line, order, a))
        self.lines = {f: [line for line, _, _ in sorted(v)] for f, v in by_file.items()}
        self.anchors = {f: [a for _, _, a in sorted(v)] for f, v in by_file.items()}
        # the first anchor in document order among those sharing the line
        self.first_of_line = {}
        for f, v in by_file.items():
            firsts: dict[int, Anchor] = {}
            for line, order, a in sorted(v, key=lambda t: (t[0], t[1])):
                firsts.setdefault(line, a)
            self.first_of_line[f] = firsts

    def nearest(self, file: str, line: int) -> Anchor | None:
        """The anchor of `file` at or before `line`; the file's first anchor otherwise."""
        lines = self.lines.get(file)
        if not lines:
            return None
        i = bisect.bisect_right(lines, line)
        best = lines[i - 1] if i else lines[0]
        return self.first_of_line[file][best]


# ---------------------------------------------------------------- lists of things

@dataclass(frozen=True)
class TocPart:
    id: str
    link: Link
    chapters: tuple[tuple[str, Link], ...]


@dataclass(frozen=True)
class Listed:
    """One line of the lists of columns, figures and tables."""

    id: str
    label: str
    title: tuple[m.Inline, ...]
    href: str
    place: str
    place_href: str
    note: str = ""


def toc(view: SiteView) -> tuple[TocPart, ...]:
    """Parts with their chapters; a plan without parts lists its chapters at the top."""
    out: list[TocPart] = []
    for p in view.plan.parts:
        chapters = tuple((c.id, Link(view.pages[c.id], view.titles[c.id])) for c in p.chapters)
        if p.implicit:
            out += [TocPart(cid, link, ()) for cid, link in chapters]
        else:
            out.append(TocPart(p.id, Link(view.pages[p.id], view.titles[p.id]), chapters))
    return tuple(out)


def _where(view: SiteView, chapter: str) -> tuple[str, str]:
    return view.titles.get(chapter, view.place(chapter, None)), view.url(chapter)


def columns(view: SiteView) -> tuple[Listed, ...]:
    return tuple(Listed(c.id, c.label, c.title, view.url(c.chapter, c.id), *_where(view, c.chapter))
                 for c in view.plan.columns)


MISSING_FIGURE = {False: "图件另行印发", True: "图片待补"}
"""What stands for a figure without an image: in public outputs (a figure published
separately, accepted so by the release gate) and in the editor's view (a placeholder)."""


def figures(view: SiteView, editorial: bool = False) -> tuple[Listed, ...]:
    return tuple(Listed(f.id, f.label, f.caption, view.url(f.chapter, f.id),
                        *_where(view, f.chapter), "" if f.image else MISSING_FIGURE[editorial])
                 for f in view.plan.figures)


def tables(view: SiteView) -> tuple[Listed, ...]:
    out = []
    for t in view.plan.tables:
        owner = view.columns.get(t.column) if t.column else None
        title = t.caption or (owner.title if owner else ())
        note = "指标表" if t.indicator else ""
        out.append(Listed(t.id, t.label, title, view.url(t.chapter, t.id),
                          *_where(view, t.chapter), note))
    return tuple(out)
