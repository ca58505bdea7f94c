"""The printed table of contents, compared with the headings of the body.

Role: the TOC is not content (the compiler generates one), but it is a second witness
of the headings. Every difference is a finding: a title that differs from the body's
(dot leaders ignored), an entry missing on either side, a number out of sequence,
differing counts per level, and page numbers that go backwards.
Guarantee: pure comparison; nothing is changed.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace

from .report import Findings
from .source import TocEntry

LEVEL = {"篇": "part", "章": "chapter", "节": "section"}


def _key(level: str, title: str) -> str:
    bare = re.sub(r"[.．…·]+$", "", re.sub(r"\s+", "", title))
    return f"{level}:{bare}"


def normalise(toc: list[TocEntry]) -> list[TocEntry]:
    """TOC levels as the body's: in a plan with 第X章, lines numbered 一、/（一） are levels
    below 节 (not compared); without, they are its chapters and sections."""
    if any(e.level == "章" for e in toc):
        return [e for e in toc if e.level in LEVEL]
    return [replace(e, level={"一、": "章", "（一）": "节"}.get(e.level, e.level)) for e in toc]


def titles(toc: list[TocEntry]) -> set[str]:
    """Whitespace-free TOC titles, used to confirm a heading split over two lines."""
    return {re.sub(r"\s+", "", e.title).rstrip(".．…·") for e in toc}


def compare(toc: list[TocEntry], headings: list[tuple[int, str, int | None, str]],
            findings: Findings) -> int:
    """Report every TOC/body difference; returns how many were found."""
    toc = normalise(toc)
    if not toc:
        return 0
    before = len(findings.items)
    a = [_key(LEVEL[e.level], e.title) for e in toc]
    b = [_key(h[1], h[3]) for h in headings]
    strip = [k.split(":", 1) for k in a]
    for level in ("part", "chapter", "section"):
        n_toc = sum(1 for k in strip if k[0] == level)
        n_body = sum(1 for h in headings if h[1] == level)
        if n_toc != n_body:
            findings.add("toc-count", (), f"{level}s: TOC {n_toc}, body {n_body}")
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        pairs = list(zip(range(i1, i2), range(j1, j2))) if op == "replace" else []
        for i, j in pairs:
            e, h = toc[i], headings[j]
            if e.level and LEVEL[e.level] == h[1]:
                findings.add("toc-diff", (e.line, h[0]), f"{h[1]} title: TOC "
                             f"「{e.title}」, body 「{h[3]}」", f"{e.title} → {h[3]}")
            else:
                findings.add("toc-diff", (e.line, h[0]), "TOC and body disagree on the "
                             "kind of heading", f"{e.title} / {h[3]}")
        for i in range(i1 + len(pairs), i2):
            findings.add("toc-diff", (toc[i].line,), "TOC entry has no heading in the body",
                         toc[i].title)
        for j in range(j1 + len(pairs), j2):
            findings.add("toc-diff", (headings[j][0],), "body heading missing from the TOC",
                         headings[j][3])
    for e, h in zip(toc, headings):
        if e.number is not None and h[2] is not None and e.number != h[2] \
                and LEVEL[e.level] == h[1]:
            findings.add("toc-diff", (e.line, h[0]), f"number: TOC {e.number}, body {h[2]}",
                         e.title)
    for prev, e in zip(toc, toc[1:]):
        if e.page < prev.page:
            findings.add("toc-page-order", (prev.line, e.line), f"page {e.page} after "
                         f"page {prev.page}", e.title)
    return len(findings.items) - before
