"""Page-break repairs: from body blocks to paragraphs and table chunks.

Role: undo what PDF extraction does to running text. A paragraph split by a page break
(a blank line in mid-sentence) is joined; a character printed on both sides of the
break (交通基 | 基础设施) is removed once; a heading split over two lines is joined when
the printed TOC confirms it. Runs of tab-separated lines become table chunks, also
across a page break. Guarantee: every change is a finding with its source lines; a join
that is not evident (a short unpunctuated line, a doubled character that also occurs
elsewhere in the text) is left alone and reported as doubtful.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import inline
from .blocks import CLOSERS, classify, ends_sentence, is_han, is_heading, is_structural
from .report import Findings
from .source import Block, Line, Unit, join_block

SHORT_LINE = 30


@dataclass
class TableChunk:
    """Tab-separated lines; ``breaks`` holds the line numbers that follow a page break."""

    lines: list[Line] = field(default_factory=list)
    breaks: set[int] = field(default_factory=set)


Item = Unit | TableChunk


def _is_table_line(line: Line) -> bool:
    return "\t" in line.text and classify(line.text.strip()).kind in ("p", "level", "enum")


def _runs(block: Block) -> list[tuple[bool, list[Line]]]:
    """Split a block into runs of table lines and text lines."""
    out: list[tuple[bool, list[Line]]] = []
    for line in block.lines:
        table = _is_table_line(line)
        if out and out[-1][0] == table:
            out[-1][1].append(line)
        else:
            out.append((table, [line]))
    return out


def _items(blocks: list[Block], findings: Findings) -> list[Item]:
    items: list[Item] = []
    for block in blocks:
        first = True
        for table, lines in _runs(block):
            if table:
                if first and items and isinstance(items[-1], TableChunk):
                    items[-1].breaks.add(lines[0].no)
                    items[-1].lines.extend(lines)
                else:
                    items.append(TableChunk(list(lines)))
            else:
                unit = join_block(Block(lines), findings)
                items.append(Unit(unit.text.strip("\t "), unit.lines))
            first = False
    return items


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _join_headings(items: list[Item], toc_titles: set[str], findings: Findings) -> list[Item]:
    out: list[Item] = []
    i = 0
    while i < len(items):
        cur = items[i]
        nxt = items[i + 1] if i + 1 < len(items) else None
        if (isinstance(cur, Unit) and isinstance(nxt, Unit)
                and classify(cur.text).kind in ("part", "chapter", "section")
                and not is_structural(nxt.text) and len(nxt.text) <= 20
                and not re.search("[。，；：！？]", nxt.text)):
            title = classify(cur.text).text
            if _norm(title) not in toc_titles and _norm(title + nxt.text) in toc_titles:
                findings.add("heading-split", cur.lines + nxt.lines,
                             "heading continued on the next line (confirmed by the TOC)",
                             f"{cur.text} | {nxt.text}")
                out.append(Unit(cur.text + nxt.text, cur.lines + nxt.lines))
                i += 2
                continue
            if _norm(title) not in toc_titles:
                findings.add("doubtful-join", cur.lines + nxt.lines, "heading may continue "
                             "on the next line; not joined", f"{cur.text} | {nxt.text}")
        out.append(cur)
        i += 1
    return out


def _join_breaks(items: list[Item], whole: str, findings: Findings) -> list[Item]:
    out: list[Item] = []
    for item in items:
        prev = out[-1] if out else None
        if not (isinstance(item, Unit) and isinstance(prev, Unit)) or ends_sentence(prev.text) \
                or is_heading(prev.text) or is_structural(item.text):
            out.append(item)
            continue
        lines = prev.lines + item.lines
        shown = f"{prev.text[-12:]} | {item.text[:12]}"
        if len(prev.text) <= SHORT_LINE and not re.search("[，。；、]", prev.text):
            findings.add("doubtful-join", lines, "short line without punctuation before a "
                         "paragraph: kept as its own paragraph", shown)
            out.append(item)
            continue
        if prev.text[-1] in CLOSERS and _opens_entry(item):
            findings.add("doubtful-join", lines, "paragraph ends with a bracket or quote and "
                         "the next opens like an entry: not joined", shown)
            out.append(item)
            continue
        a, b = prev.text[-1], item.text[0]
        text = item.text
        if a == b and is_han(a):
            if whole.count(a + a) == 0:
                findings.add("repeated-char", lines, f"character {a} printed on both sides "
                             "of a page break; one removed", shown)
                text = item.text[1:]
            else:
                findings.add("doubtful-join", lines, f"{a}{a} also occurs elsewhere; "
                             "both characters kept", shown)
        findings.add("page-join", lines, "paragraph split by a page break joined", shown)
        out[-1] = Unit(prev.text + text, lines)
    return out


def _opens_entry(unit: Unit) -> bool:
    scratch = Findings()
    nodes = inline.parse(unit.text, unit.lines, scratch)
    return bool(inline.split_lead(nodes, unit.lines, scratch, colon=True)[0])


def _report_unterminated(items: list[Item], findings: Findings) -> None:
    for i, item in enumerate(items):
        if isinstance(item, Unit) and not is_structural(item.text) \
                and not ends_sentence(item.text):
            nxt = items[i + 1] if i + 1 < len(items) else None
            after = "a table" if isinstance(nxt, TableChunk) else (
                "the end" if nxt is None else nxt.text[:12])
            findings.add("unterminated", item.lines, f"no final punctuation (next: {after})",
                         item.text[-16:])


def paragraphs(blocks: list[Block], toc_titles: set[str], findings: Findings) -> list[Item]:
    """The body as paragraphs and table chunks, with page-break damage repaired."""
    whole = "\n".join(line.text for b in blocks for line in b.lines)
    items = _items(blocks, findings)
    items = _join_headings(items, toc_titles, findings)
    items = _join_breaks(items, whole, findings)
    _report_unterminated(items, findings)
    return items
