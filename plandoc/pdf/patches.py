"""Everything plandoc does with WeasyPrint's and pydyf's internals, in one place.

WeasyPrint is pinned to 70.x (pyproject.toml; `justify.check_version` refuses any other
major version, and tests/pdf/ exercise each function here). The inter-character
justification patch is `plandoc.pdf.justify`; this module holds the rest:

- `lay_out`: `HTML.render` that keeps the layout context, so a laid-out piece of the
  edition can take other page numbers without laying its text out again (`renumber`);
- three corrections made to the laid-out boxes (`repeat_split_cells`,
  `first_page_without_continued`, `close_split_columns`);
- `linear_page_references`: pydyf's page list read in O(1);
- `reuse_compressed`: a stream whose bytes were compressed by an earlier write of the
  same process (serve's PDF worker) is not compressed again.
"""

from __future__ import annotations

import copy
import hashlib
import zlib
from dataclasses import dataclass, field

TESTED_PYDYF = ("0.13",)
"""pydyf versions (major.minor) whose Stream.data and PDF.page_references are patched
here (pyproject.toml pins the same)."""


@dataclass
class Laid:
    """One print document laid out, with what renumbering its pages needs."""

    document: object
    """The weasyprint.Document."""
    context: object
    """The LayoutContext its pages were made with (page_maker, string sets, styles)."""
    first: int = 0
    """Index of the first page the assembly keeps (1 after a dropped verso start)."""
    count: int = 0
    """How many pages the assembly keeps."""
    shift: int = 0
    """How much the kept pages' numbers have been moved from those laid out."""
    pages: list = field(default_factory=list)
    """The kept pages, with their current numbers."""


def lay_out(html, stylesheet, font_config, options: dict, first: int = 0, drop_last: bool = False) -> Laid:
    """`html.render(stylesheets=[stylesheet], font_config=…, **options)`, keeping the
    layout context: WeasyPrint 70's Document._render, step by step."""
    from weasyprint import DEFAULT_OPTIONS
    from weasyprint.css.counters import CounterStyle
    from weasyprint.document import Document, DocumentMetadata, Page
    from weasyprint.formatting_structure.build import build_formatting_structure
    from weasyprint.html import get_html_metadata
    from weasyprint.layout import layout_document
    from weasyprint.pdf import VARIANTS

    options = {**DEFAULT_OPTIONS, **options, "stylesheets": [stylesheet]}
    if variant := options["pdf_variant"]:
        for key, value in VARIANTS[variant][1].items():
            if options.get(key) is None:
                options[key] = value
    counter_style, color_profiles = CounterStyle(), {}
    context = Document._build_layout_context(html, font_config, counter_style, color_profiles, options)
    root_box = build_formatting_structure(html.etree_element, context.style_for, context.get_image_from_uri,
                                          html.base_url, context.target_collector, counter_style,
                                          context.footnotes)
    page_boxes = layout_document(html, root_box, context)
    document = Document([Page(box) for box in page_boxes], DocumentMetadata(**get_html_metadata(html)),
                        html.url_fetcher, font_config, color_profiles, options["output_intent"])
    count = len(document.pages) - first - (1 if drop_last else 0)
    return Laid(document, context, first, count, 0, document.pages[first:first + count])


def renumber(laid: Laid, shift: int) -> list:
    """The kept pages of `laid` with their page numbers `shift` more than laid out:
    only the margin boxes (page numbers, running heads) are made again, from the page
    state each page was laid out with; the text stays as it is."""
    if shift == laid.shift:
        return laid.pages
    from weasyprint.document import Page
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.background import layout_backgrounds
    from weasyprint.layout.page import make_margin_boxes

    context, pages = laid.context, []
    for index in range(laid.first, laid.first + laid.count):
        box = laid.document.pages[index]._page_box
        context.current_page = index + 1
        state = copy.deepcopy(context.page_maker[index + 1][3])
        state[1]["page"] = [value + shift for value in state[1]["page"]]
        kept = [child for child in box.children if not isinstance(child, boxes.MarginBox)]
        box.children = tuple(kept + list(make_margin_boxes(context, box, state)))
        layout_backgrounds(box, context.get_image_from_uri)
        pages.append(Page(box))
    laid.pages, laid.shift = pages, shift
    return pages


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




def linear_page_references() -> None:
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




def check_pydyf(version: str) -> None:
    """Raise UntestedWeasyPrint (an environment error) unless pydyf is a tested version."""
    from .justify import UntestedWeasyPrint

    if ".".join(version.split(".")[:2]) not in TESTED_PYDYF:
        raise UntestedWeasyPrint(
            f"plandoc.pdf.patches (pydyf Stream.data and PDF.page_references) is tested on "
            f"pydyf {', '.join(TESTED_PYDYF)} only, found {version}: re-check both in "
            f"pydyf/__init__.py, run tests/pdf/, then add the version to TESTED_PYDYF")


def reuse_compressed(compressed: dict[bytes, bytes]):
    """A write_pdf finisher that compresses every stream itself, taking the compressed
    bytes of a stream from `compressed` (content hash -> deflated bytes, at pydyf's
    level 9) where an earlier write made them, and leaves in `compressed` only this
    write's: after an edit, the pages that did not change cost no compression. The bytes
    are pydyf's own (tests/pdf/test_page_references.py compares the files)."""
    import pydyf

    _install_stream_data()

    def finisher(_document, pdf) -> None:
        kept: dict[bytes, bytes] = {}
        for item in pdf.objects:
            if isinstance(item, pydyf.Stream) and item.compress:
                raw = b"\n".join(pydyf._to_bytes(op) for op in item.stream)
                key = hashlib.sha256(raw).digest()
                body = compressed.get(key)
                if body is None:
                    deflate = zlib.compressobj(level=9)
                    body = deflate.compress(raw) + deflate.flush()
                kept[key] = item.__dict__["_plandoc_deflated"] = body
        compressed.clear()
        compressed.update(kept)

    return finisher


def _install_stream_data() -> None:
    """pydyf.Stream.data, but a stream that carries its deflated bytes uses them."""
    import pydyf

    original = pydyf.Stream.data.fget
    if getattr(original, "plandoc", False):
        return

    def data(stream) -> bytes:
        body = stream.__dict__.get("_plandoc_deflated")
        if body is None:
            return original(stream)
        extra = pydyf.Dictionary(stream.extra.copy())
        extra["Filter"] = "/FlateDecode"
        extra["Length"] = len(body)
        return b"\n".join((extra.data, b"stream", body, b"endstream"))

    data.plandoc = True
    pydyf.Stream.data = property(data)
