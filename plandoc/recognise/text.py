"""The text recognition reads: a block's printed characters with spaces between Chinese
characters squeezed out, what markup already covers each character, and where each
character is in its source file.

Positions are computed only when a finding needs one (most blocks need none): the
source is scanned from the block's start tag, tags and comments skipped, so that
character n of the text is the n-th character of content in the file.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from lxml import etree

NUMBER, COUNT, SUM = 1, 2, 4
"""Flags: a number here is not a fact candidate / a count here is marked / a total is marked."""

FLAGS = {"fact": NUMBER, "num": NUMBER | COUNT, "total": NUMBER | SUM, "term": NUMBER | SUM,
         "nofact": NUMBER | COUNT | SUM, "sub": NUMBER, "sup": NUMBER, "member": NUMBER,
         "count": COUNT, "sum": SUM}
_SP = r"[ \t\r\n\u3000\u00a0]+"
_ASCII = r"[0-9A-Za-z.%+\-/]"
_DROP = re.compile(rf"(?<!{_ASCII}){_SP}|{_SP}(?!{_SP}|{_ASCII})")
"""A run of spaces with a non-ASCII character (or the text's edge) on one side."""
_ANY_SPACE = re.compile(_SP)


@dataclass
class BlockText:
    """One block (paragraph, item, entry, subhead) as recognition reads it."""

    text: str
    """Printed text, spaces next to a non-ASCII character removed."""
    raw: str
    """Printed text as in the source."""
    spans: list[tuple[int, int, int]]
    """(raw start, raw end, flags) of every marked element."""
    marked: list[str] = field(default_factory=list)
    """Indicators of the block's <fact> markup."""
    _segments: tuple[list[int], list[int]] | None = None

    @property
    def seg_sq(self) -> list[int]:
        """Squeezed offset seg_sq[k] is raw offset seg_raw[k]; characters run on from there
        (computed when a position is first needed: most blocks never need one)."""
        if self._segments is None:
            self._segments = segments(self.raw)
        return self._segments[0]

    @property
    def seg_raw(self) -> list[int]:
        if self._segments is None:
            self._segments = segments(self.raw)
        return self._segments[1]

    def raw_at(self, i: int) -> int:
        k = bisect.bisect_right(self.seg_sq, i) - 1
        return self.seg_raw[k] + (i - self.seg_sq[k])

    def flags(self, start: int, end: int) -> int:
        """Flags of the markup overlapping squeezed span [start, end)."""
        a, b = self.raw_at(start), self.raw_at(max(end - 1, start)) + 1
        if not self.spans:
            return 0
        out = 0
        for s, e, f in self.spans:
            if s < b and a < e:
                out |= f
        return out

    def printed(self, start: int, end: int) -> str:
        """The source text of squeezed span [start, end), spaces kept."""
        return self.raw[self.raw_at(start): self.raw_at(max(end - 1, start)) + 1]


_MARKUP = re.compile(r"<(?:" + "|".join(FLAGS) + r")[\s/>]")


def read(el: etree._Element, xml: str | None = None) -> BlockText:
    """The block's text; `xml`, its serialisation when the caller has it, saves a walk."""
    spans: list[tuple[int, int, int]] = []
    facts: list[tuple[int, int, str]] = []
    unmarked = _MARKUP.search(xml) is None if xml is not None else next(el.iter(*FLAGS), None) is None
    if unmarked:  # no markup to mask: the text alone (fast)
        raw = etree.tostring(el, method="text", encoding=str, with_tail=False)
    else:
        pieces: list[str] = []
        _walk(el, pieces, spans, facts, [0])
        raw = "".join(pieces)
    block = BlockText(_DROP.sub("", raw) if _ANY_SPACE.search(raw) else raw, raw, spans)
    block.marked = sorted({ind for _, _, ind in facts})
    return block


def read_safe(el: etree._Element) -> BlockText:
    """An empty reading, for a block recognition gave up on."""
    return BlockText("", "", [])


def _walk(el, pieces, spans, facts, pos) -> None:
    if el.text:
        pieces.append(el.text)
        pos[0] += len(el.text)
    for child in el:
        if isinstance(child.tag, str):
            start = pos[0]
            _walk(child, pieces, spans, facts, pos)
            flag = FLAGS.get(child.tag, 0)
            if flag:
                spans.append((start, pos[0], flag))
            if child.tag == "fact":
                facts.append((start, pos[0], child.get("ind", "")))
        if child.tail:
            pieces.append(child.tail)
            pos[0] += len(child.tail)


def segments(raw: str) -> tuple[list[int], list[int]]:
    """Where the squeezed text (runs of spaces removed unless both neighbours are ASCII,
    which keeps `1 2` apart) restarts in the raw text."""
    seg_sq, seg_raw = [0], [0]
    removed = 0
    for m in _DROP.finditer(raw):
        removed += m.end() - m.start()
        seg_sq.append(m.end() - removed)
        seg_raw.append(m.end())
    return seg_sq, seg_raw


def locate(lines: list[str], line: int, column: int, offsets: list[int]) -> list[tuple[int, int]]:
    """1-based (line, column) of the content characters at `offsets` (sorted, raw) of
    the element whose start tag is at (line, column); (line, column) of the tag when
    the scan gets lost. Never raises."""
    out: list[tuple[int, int]] = []
    want = iter(offsets)
    target = next(want, None)
    n = 0
    ln, col = line - 1, max(column - 1, 0)
    state = "text"
    quote = ""
    try:
        while target is not None and ln < len(lines):
            s = lines[ln]
            while col < len(s) and target is not None:
                ch = s[col]
                if state == "tag":
                    if quote:
                        quote = "" if ch == quote else quote
                    elif ch in "\"'":
                        quote = ch
                    elif ch == ">":
                        state = "text"
                    col += 1
                elif state == "comment":
                    if s.startswith("-->", col):
                        state, col = "text", col + 3
                    else:
                        col += 1
                elif ch == "<":
                    state = "comment" if s.startswith("<!--", col) else "tag"
                    col += 4 if state == "comment" else 1
                else:
                    width = 1
                    if ch == "&":
                        semi = s.find(";", col)
                        width = semi - col + 1 if 0 < semi - col < 10 else 1
                    while target is not None and target == n:
                        out.append((ln + 1, col + 1))
                        target = next(want, None)
                    n += 1
                    col += width
            if state == "text" and target is not None:
                while target is not None and target == n:  # the line break itself
                    out.append((ln + 1, len(s) + 1))
                    target = next(want, None)
                n += 1
            ln, col = ln + 1, 0
    except (IndexError, TypeError):
        pass
    while len(out) < len(offsets):
        out.append((line, column))
    return out
