"""The print edition measured from the PDF itself: are its Chinese lines justified?

Reads a PDF's words and lines with `pdftotext -bbox-layout` (poppler-utils) and reports,
for the body text (3号仿宋, 16 pt) and the 专栏 text (4号仿宋, 14 pt):

- every *continuation line* (a line followed, at one line pitch, by another line of
  the same paragraph starting at the frame's left edge, on the same page or at the top
  of the next) that stops short of the frame's right edge by more than `tolerance`;
- every gap between two words of a line wider than half an em.

Lines are classed by the height of their words: the body face (FandolFang) reports a
word box exactly one em high, so 16.0 pt high words are body text and 14.0 pt ones
专栏 text; headings (other faces, other sizes) and tables (10.5 pt) are not measured.
The frame comes from the page geometry of templates/pdf/print.css: the 订口 (28 mm) is
on the left of odd (right-hand) pages and on the right of even ones, the measure is
156 mm, and a 专栏's text sits 11.05 pt (0.75 pt rule + 10.3 pt padding) inside it.
Used by tests/pdf/test_justify.py and benchmarks/pdf.py. Never imported by `build`.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

MM = 72 / 25.4
MEASURE = 156 * MM
LEFT_ODD, LEFT_EVEN = 28 * MM, 26 * MM
COLUMN_INSET = 0.75 + 10.3
EM = {"body": 16.0, "column": 14.0}
"""Font size of each frame's text: the body face (FandolFang) reports word boxes exactly
one em high, which tells its words from headings, leads and names set in other faces."""
PITCH = {"body": 28.95, "column": 24.0}
TOP, BOTTOM = 96.0, 752.0
"""The 版心 with a little room, without the running heads above and page numbers below."""
_NS = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Line:
    page: int          # 1-based
    kind: str          # "body" or "column": the frame its left edge sits in
    x0: float
    x1: float
    y0: float
    text: str
    gaps: tuple[float, ...]   # between consecutive words both set in the body face
    opens: bool = False       # starts in another face (an entry's name, a lead)


@dataclass
class Report:
    continuation: int = 0
    short: list[tuple[Line, float]] = field(default_factory=list)   # (line, shortfall)
    wide: list[tuple[Line, float]] = field(default_factory=list)    # (line, widest gap)

    @property
    def short_share(self) -> float:
        return len(self.short) / self.continuation if self.continuation else 0.0

    def summary(self) -> str:
        return (f"{self.continuation} continuation lines, {len(self.short)} short "
                f"({100 * self.short_share:.2f} %), {len(self.wide)} lines with a gap "
                f"wider than half an em")


def frame(page: int, kind: str) -> tuple[float, float]:
    """(left, right) edge of the text frame of `kind` on `page`."""
    left = LEFT_ODD if page % 2 else LEFT_EVEN
    inset = COLUMN_INSET if kind == "column" else 0.0
    return left + inset, left + MEASURE - inset


def lines(pdf: Path) -> list[Line]:
    """The lines of `pdf` that start in the body or 专栏 frame (flush or indented two
    characters), page by page, top to bottom."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"],
                         check=True, capture_output=True).stdout
    root = etree.fromstring(out, etree.XMLParser(resolve_entities=False, no_network=True,
                                                 recover=True, huge_tree=True))
    found: list[Line] = []
    for number, page in enumerate(root.iter(f"{_NS}page"), start=1):
        for line in page.iter(f"{_NS}line"):
            words = [(float(w.get("xMin")), float(w.get("xMax")),
                      round(float(w.get("yMax")) - float(w.get("yMin")), 1), w.text or "")
                     for w in line.iter(f"{_NS}word")]
            kind = _kind(number, words[0][0]) if words else None
            if kind is None or not TOP <= float(line.get("yMin")) <= BOTTOM:
                continue
            em = EM[kind]
            gaps = tuple(b[0] - a[1] for a, b in zip(words, words[1:]) if a[2] == b[2] == em)
            found.append(Line(number, kind, words[0][0], words[-1][1],
                              float(line.get("yMin")), "".join(w[3] for w in words), gaps,
                              opens=words[0][2] != em))
    return sorted(found, key=lambda ln: (ln.page, ln.y0, ln.x0))


def _kind(page: int, x0: float) -> str | None:
    for kind in ("body", "column"):
        left = frame(page, kind)[0]
        if abs(x0 - left) < 1.0 or abs(x0 - left - 2 * EM[kind]) < 1.0:
            return kind
    return None


def measure(pdf: Path, tolerance: float = 2.0) -> Report:
    """Continuation lines short of the right edge by more than `tolerance` pt, and lines
    with a gap wider than half an em between two words of the body face."""
    report = Report()
    found = lines(pdf)
    for ln in found:
        if max(ln.gaps, default=0.0) > EM[ln.kind] / 2:
            report.wide.append((ln, max(ln.gaps)))
    for ln, nxt in zip(found, found[1:]):
        if nxt.kind != ln.kind or nxt.opens or abs(nxt.x0 - frame(nxt.page, nxt.kind)[0]) > 1.0:
            continue                     # the next line opens a paragraph, or is elsewhere
        same_page = nxt.page == ln.page and abs(nxt.y0 - ln.y0 - PITCH[ln.kind]) < PITCH[ln.kind] / 2
        next_page = nxt.page == ln.page + 1 and nxt is _first_on(found, nxt.page)
        if not (same_page or next_page):
            continue
        report.continuation += 1
        shortfall = frame(ln.page, ln.kind)[1] - ln.x1
        if shortfall > tolerance:
            report.short.append((ln, shortfall))
    return report


def _first_on(run: list[Line], page: int) -> Line | None:
    return next((ln for ln in run if ln.page == page), None)
