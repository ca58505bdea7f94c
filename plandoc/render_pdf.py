"""The print edition: the plan as a GB/T 9704-style PDF, typeset by WeasyPrint.

`render` writes out_dir/plan.pdf: the issuing notice (版头), a title page, a table of
contents with page numbers, the plan, and the 版记 on the last even page. Guarantees:
fonts are named explicitly and embedded as subsets; the PDF is tagged (PDF/UA-1) with
an outline of parts, chapters, sections and columns; its dates come from
SOURCE_DATE_EPOCH (else the plan's printing date), so two builds of the same plan are
byte-identical. WeasyPrint is imported only when a PDF is rendered, never by `check`.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from . import model as m
from .cells import unbroken_runs
from .print_assembly import Interrupted, LayoutCache, assemble, whole
from .print_view import PrintView, view
from . import resources

__all__ = ["Interrupted", "LayoutCache", "layout", "print_html", "render", "write"]

TEMPLATES = resources.TEMPLATES
STYLESHEET = TEMPLATES / "pdf" / "print.css"

PDF_OPTIONS = {
    "pdf_variant": "pdf/ua-1",
    "pdf_identifier": True,  # derived from the file's content: deterministic
    "full_fonts": False,
    "uncompressed_pdf": False,
}
"""Options given to WeasyPrint's write_pdf (the benchmark uses the same)."""


def environment() -> Environment:
    """Jinja2 environment for the print templates (autoescaped, model types as tests)."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                      autoescape=select_autoescape(["html", "xml", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    for name, kind in (("paragraph", m.Paragraph), ("listblock", m.ListBlock),
                       ("entry", m.Entry), ("subhead", m.Subhead), ("table", m.Table),
                       ("figure", m.Figure), ("column", m.Column),
                       ("subsection", m.Subsection), ("text", m.Text)):
        env.tests[name] = lambda b, kind=kind: isinstance(b, kind)
    env.filters["plain"] = m.plain
    env.filters["keep_runs"] = keep_runs
    return env


def keep_runs(text: str) -> Markup:
    """`text` escaped, with each piece cells.unbroken_runs finds in a nowrap span."""
    out, last = [], 0
    for start, end in unbroken_runs(text):
        out += [escape(text[last:start]), Markup('<span class="keep">'), escape(text[start:end]),
                Markup("</span>")]
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def _href(ref: m.Ref) -> str:
    """Cross-references stay inside the one print document."""
    return f"#{ref.to}"


def print_html(plan: m.Plan, pv: PrintView | None = None) -> str:
    """The print HTML of the whole of `plan` as one document (to be laid out with
    STYLESHEET); the edition itself is laid out piece by piece (print_assembly)."""
    pv = pv or view(plan)
    return environment().get_template("pdf/plan.html.j2").render(
        plan=plan, v=pv, href=_href, piece=whole(plan))


def layout(plan: m.Plan, pv: PrintView | None = None, cache: LayoutCache | None = None,
           interrupted=None):
    """Lay the plan out into pages: a weasyprint.Document (pages, bookmarks, metadata),
    assembled from its pieces (print_assembly); `cache` keeps them for the next call."""
    import weasyprint

    from . import justify

    justify.apply()
    pv = pv or view(plan)
    cache = LayoutCache() if cache is None else cache
    fetch = fetcher([Path(plan.root or ".").resolve(), TEMPLATES.resolve()])
    cache.prepare(str(STYLESHEET), fetch)
    template = environment().get_template("pdf/plan.html.j2")

    def html_of(piece) -> str:
        return template.render(plan=plan, v=pv, href=_href, piece=piece)

    def lay_out(html: str):
        document = weasyprint.HTML(string=html, base_url=str(TEMPLATES / "pdf"), url_fetcher=fetch) \
            .render(stylesheets=[cache.stylesheet], font_config=cache.font_config, **PDF_OPTIONS)
        repeat_split_cells(document)
        first_page_without_continued(document)
        close_split_columns(document)
        return document

    return assemble(plan, html_of, lay_out, cache, interrupted)


def close_split_columns(document) -> None:
    """Close a 专栏's frame right under its last line or row on a page it continues from.

    A box broken by a page keeps the height WeasyPrint gave its fragment, which reaches
    past the last table row that fitted: the frame would enclose an empty band. Only
    the frame moves (its content is already placed); the page's flow is finished."""
    from weasyprint.formatting_structure import boxes

    def columns(page):
        return [b for b in page._page_box.descendants()
                if isinstance(b, boxes.BlockBox) and b.element is not None
                and b.element.tag == "aside" and "column" in (b.element.get("class") or "")]

    pages = [columns(page) for page in document.pages]
    for here, after in zip(pages, pages[1:]):
        continuing = {box.element for box in after}
        for box in here:
            if box.element not in continuing:
                continue
            ends = [d.position_y + d.height for d in box.descendants()
                    if isinstance(d, (boxes.LineBox, boxes.TableRowBox))]
            if ends:
                box.height = min(box.height, max(ends) - box.content_box_y())


def first_page_without_continued(document) -> None:
    """Drop the "（续）" of a table's caption row on the table's first page.

    The caption row (the caption, or the title of the 专栏 the table opens) is the first
    row of the table's header, so WeasyPrint repeats it on every page the table reaches,
    "（续）" included: laid out with it, a repeated caption never overflows. On the
    table's first page the mark is removed and the rest of its line re-centred."""
    from weasyprint.formatting_structure import boxes

    seen: set = set()
    for page in document.pages:
        for table in [b for b in page._page_box.descendants() if isinstance(b, boxes.TableBox)]:
            if table.element in seen:
                continue
            seen.add(table.element)
            for line in [b for b in table.descendants() if isinstance(b, boxes.LineBox)]:
                marks = [c for c in line.children if _is_continued_mark(c)]
                for mark in marks:
                    line.children = [c for c in line.children if c is not mark]
                    for child in line.children:
                        child.translate(mark.width / 2, 0)


def _is_continued_mark(box) -> bool:
    element = getattr(box, "element", None)
    return (element is not None and element.tag == "span"
            and "cont" in (element.get("class") or "").split()
            and getattr(box, "element_tag", "span") == "span")


def repeat_split_cells(document) -> None:
    """Print a spanning cell's text again where a page break cuts its rows: the category
    of an indicator table (经济发展, 生态文明) on the page where its group continues, as
    printed plans do. WeasyPrint draws a rowspan cell on its first page only, leaving the
    continuation blank. After layout, the cell's lines (as first laid out, never a copy)
    are copied onto each later page its rows reach, centred on the rows there. The copy
    goes into the cell's own continuation piece where WeasyPrint made one (a starting
    row split by the break), else into the first cell of the first continuing row, so
    it is tagged with that row: a limitation for screen readers, and a link in a
    repeated cell is drawn but not clickable."""
    from weasyprint.formatting_structure import boxes

    spans: dict = {}  # row group element -> {cell element: (lines, table, page, first row, rowspan)}
    for number, page in enumerate(document.pages):
        for table in [b for b in page._page_box.descendants() if isinstance(b, boxes.TableBox)]:
            for group in table.children:
                rows = [r for r in group.children if isinstance(r, boxes.TableRowBox)]
                if group.is_header or group.is_footer or not rows:
                    continue
                open_ = spans.setdefault(group.element, {})
                for row in rows:  # register before copying: a later copy is never a source
                    for cell in row.children:
                        if isinstance(cell, boxes.TableCellBox) and cell.rowspan > 1 \
                                and cell.element not in open_:
                            lines = [b for b in cell.children if isinstance(b, boxes.LineBox)]
                            open_[cell.element] = (lines, table, number, row.index, cell.rowspan)
                for element, (lines, source, first_page, start, rowspan) in open_.items():
                    covered = [r for r in rows if start <= r.index < start + rowspan]
                    if first_page == number or not lines or not covered or covered[0] is not rows[0]:
                        continue
                    own = [c for c in covered[0].children if getattr(c, "element", None) is element]
                    host = own[0] if own else (covered[0].children or [None])[0]
                    if host is not None:
                        _copy_lines(lines, covered, table.position_x - source.position_x, host)


def _copy_lines(lines: list, rows: list, dx: float, host) -> None:
    """Copies of `lines`, moved by dx and centred on `rows`, added to `host`'s children."""
    top, bottom = rows[0].position_y, rows[-1].position_y + rows[-1].height
    src_top = min(line.position_y for line in lines)
    src_bottom = max(line.position_y + line.height for line in lines)
    dy = (top + bottom) / 2 - (src_top + src_bottom) / 2
    copies = [line.deepcopy() for line in lines]
    for line in copies:
        line.translate(dx, dy)
    host.children = list(host.children) + copies


def fetcher(allowed: list[Path]):
    """WeasyPrint's URL fetcher limited to data: URLs and local files below `allowed`
    (the plan and the templates): an image or SVG in the plan that names http://… or
    file:///etc/… gets nothing, so printing reads no file outside the plan and makes
    no request."""
    from urllib.parse import unquote, urlparse

    from weasyprint.urls import URLFetcher

    class PlanFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if not any(path == base or base in path.parents for base in allowed):
                    raise ValueError(f"plandoc does not read files outside the plan: {url}")
            return super().fetch(url, headers)

    return PlanFetcher(allowed_protocols=("file", "data"))


def write(document, path: Path) -> Path:
    """Write a laid-out document as PDF with the project's options."""
    _linear_page_references()
    document.write_pdf(path, **PDF_OPTIONS)
    return path


def _linear_page_references() -> None:
    """Make pydyf's `PDF.page_references` cost O(1) per use instead of O(pages).

    pydyf (0.13) rebuilds the tuple of every page's reference each time the property
    is read, and WeasyPrint's PDF/UA tagging reads it once per tagged element: writing
    the tags costs elements × pages, which made a 16× plan (3 300 pages) take 35× the
    time of the 1× plan. The tuple is kept until a page is added (pages are only ever
    appended), so the result is the same tuple of the same bytes
    (tests/pdf/test_page_references.py compares it with pydyf's own)."""
    import pydyf

    original = pydyf.PDF.page_references.fget
    if getattr(original, "cached", False):
        return

    def page_references(pdf) -> tuple:
        kids = pdf.pages["Kids"]
        cached = pdf.__dict__.get("_plandoc_page_references")
        if cached is None or cached[0] != len(kids):
            cached = (len(kids), original(pdf))
            pdf.__dict__["_plandoc_page_references"] = cached
        return cached[1]

    page_references.cached = True
    pydyf.PDF.page_references = property(page_references)


def render(plan: m.Plan, out_dir: Path, findings: tuple = (), cache: LayoutCache | None = None,
           interrupted=None) -> list[Path]:
    """Write out_dir/plan.pdf. `findings` are not printed: the print edition is the plan.
    `cache` and `interrupted`: serve's PDF worker (see print_assembly)."""
    return [write(layout(plan, cache=cache, interrupted=interrupted), out_dir / "plan.pdf")]
