"""The print edition laid out piece by piece, kept in a cache, and assembled.

The edition is cut into pieces at its 篇: the first 篇 carries the 纲要's opening
(title and preamble), the last the closing words, the appendices and the 版记; the
front matter (notice, title page, contents) is one more piece. Each piece is laid out
as a WeasyPrint document of its own, all with one FontConfiguration and one parsed
stylesheet, and their pages are put together into one document (`Document.copy`):
links, the outline and the PDF/UA tags are made from the assembled pages, so they span
the pieces as they would span one document.

A piece's layout depends only on its own HTML and the parity of its first page: a 篇
that starts on an even page is laid out after one page the assembly drops, so its
margins and running heads are those it is printed with. Its page numbers come from the
assembly: where the 篇 before it grew or shrank by an even number of pages, only its
margin boxes are made again (`pdf_patches.renumber`), not its text. The front matter
is laid out last, with the page of every heading written into its contents (no
`target-counter()`, whose cost grew with the square of the plan), and with one body
page at its end, dropped too, that brings out the blank page the 纲要 opens after.

`LayoutCache` keeps the pieces of the last assembly by the hash of their HTML: serve's
PDF worker keeps one, so an edit re-lays the 篇 it touched (and the front matter when a heading's page
moved); the 篇 after it are renumbered, or laid out again where their parity changed. `build` assembles with an empty cache, so a full build and serve's PDF after the
same edits are the same bytes (tests/pdf/test_assembly.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace

from .. import model as m
from .patches import Laid, renumber


@dataclass(frozen=True)
class Piece:
    """Which part of the edition one print document holds (read by plan.html.j2)."""

    front: bool = False
    """The notice, title page and contents."""
    opening: bool = False
    """The 纲要's title and preamble, before its first 篇."""
    parts: tuple = ()
    """The 篇 laid out in this piece."""
    back: bool = False
    """The closing words, appendices, printed companion pages and the 版记."""
    start: int | None = None
    """The body page number of the piece's first page (None: the page counter's own)."""
    pages: dict | None = None
    """Heading id -> body page number, written into the contents."""
    sentinel: bool = False
    """End with one body page (dropped) so a blank page is made where the 纲要 needs one."""


def whole(plan: m.Plan) -> Piece:
    """The whole edition as one document (the print HTML that `print_html` gives)."""
    return Piece(front=True, opening=True, parts=plan.parts, back=True)


def pieces(plan: m.Plan) -> list[Piece]:
    """The 篇 pieces of `plan` in order, without their start pages."""
    parts = plan.parts
    return [Piece(opening=i == 0, parts=(part,), back=i == len(parts) - 1)
            for i, part in enumerate(parts)]


class Interrupted(Exception):
    """A newer edit arrived while the edition was being laid out: the work is dropped
    at a piece's boundary (the pieces laid out so far stay in the cache)."""


class LayoutCache:
    """Laid-out pieces by the hash of their HTML, with the font configuration and the
    parsed stylesheet they share. Holds the pieces of the last assembly only."""

    def __init__(self, keep: bool = True) -> None:
        self.keep = keep
        """Whether the pieces serve a later assembly (serve's worker); a build's cache
        does not keep what only renumbering needs (each piece's layout context)."""
        self.pieces: dict[str, Laid] = {}
        self.font_config = None
        self.stylesheet = None
        self.compressed: dict[bytes, bytes] = {}
        """The deflated streams of the last PDF written (pdf_patches.reuse_compressed)."""
        self.laid_out = 0
        """How many pieces were laid out (not taken from the cache) since creation."""

    def prepare(self, stylesheet_path: str, fetch) -> None:
        if self.font_config is None:
            import weasyprint
            from weasyprint.text.fonts import FontConfiguration

            self.font_config = FontConfiguration()
            self.stylesheet = weasyprint.CSS(filename=stylesheet_path, url_fetcher=fetch,
                                             font_config=self.font_config)


def assemble(plan: m.Plan, html_of: Callable[[Piece], str], lay_out: Callable,
             cache: LayoutCache, interrupted: Callable[[], bool] | None = None):
    """The edition as one weasyprint.Document: every 篇 laid out (or taken from the
    cache) from page 1 on, then the front matter with their pages in its contents.
    `html_of(piece)` is the piece's print HTML; `lay_out(html, first, drop_last)` its
    pdf_patches.Laid. `interrupted()` is asked before each piece; True raises
    Interrupted."""
    kept: dict[str, Laid] = {}
    body, heading_pages, start = [], {}, 1
    for piece in pieces(plan):
        if interrupted is not None and interrupted():
            raise Interrupted
        laid_at = 2 - start % 2  # laid out from page 1 or 2, by its parity; numbered here
        laid = _piece(cache, kept, html_of(replace(piece, start=laid_at)), lay_out, first=laid_at - 1)
        pages = renumber(laid, start - laid_at)
        if not cache.keep:
            laid.context = None  # its computed styles and page states: memory a build frees
        for number, page in enumerate(pages, start):
            for anchor in sorted(page.anchors):
                heading_pages.setdefault(anchor, number)
        body += pages
        start += len(pages)
    if interrupted is not None and interrupted():
        raise Interrupted
    front = Piece(front=True, sentinel=True, pages=heading_pages)
    laid = _piece(cache, kept, html_of(front), lay_out, drop_last=True)
    cache.pieces = kept
    return laid.document.copy(laid.pages + body)


def _piece(cache: LayoutCache, kept: dict, html: str, lay_out: Callable, first: int = 0,
           drop_last: bool = False) -> Laid:
    """One piece, from the cache or laid out now."""
    key = hashlib.sha256(html.encode("utf-8")).hexdigest()
    if key not in cache.pieces:
        cache.pieces[key] = lay_out(html, first, drop_last)
        cache.laid_out += 1
    kept[key] = cache.pieces[key]
    return kept[key]
