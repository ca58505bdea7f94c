"""Places: where in the plan a source position lies, as an editor reads it.

A finding at `chapters/ch08.xml:41:7` is, for an editor, in 第八章第二节, 专栏 5. This
module walks the model once and gives every chapter, section, column, figure, table
and block a span of source positions (from its start tag to the start of what follows
it at the same level), then answers two questions about a position: its printed place
(第八章第二节 专栏 5) and the innermost element with an id the editor wrote (the
identity an accepted finding is recorded under; derived ids change with the text).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from . import model as m
from . import walk

END = (1 << 30, 0)
"""A position after every other: the end of a file."""


@dataclass(frozen=True)
class Span:
    file: str
    start: tuple[int, int]
    end: tuple[int, int]
    id: str
    label: str
    """What the place prints as (第八章, 第二节, 专栏 5, 图 3, 表 2), '' for plain blocks."""
    depth: int


class Places:
    """Spans of one plan, by file; `place` and `owner` in O(log n + depth)."""

    def __init__(self, plan: m.Plan):
        self.explicit = {t.id for t in plan.targets if t.id}
        spans: list[Span] = []
        _walk_plan(plan, spans)
        walked = {s.file for s in spans}
        for t in plan.targets:  # a broken chapter is not in the model, but has its label
            if t.kind == "chapter" and t.loc.file not in walked:
                spans.append(Span(t.loc.file, (1, 0), END, t.id, t.label, 0))
        self.by_file: dict[str, list[Span]] = {}
        for s in sorted(spans, key=lambda s: (s.file, s.start, s.depth)):
            self.by_file.setdefault(s.file, []).append(s)
        self.starts = {f: [s.start for s in v] for f, v in self.by_file.items()}

    def around(self, file: str, line: int, column: int) -> list[Span]:
        """The spans holding a position, outermost first."""
        spans = self.by_file.get(file)
        if not spans or not line:
            return []
        pos = (line, column)
        i = bisect.bisect_right(self.starts[file], pos)
        held = [s for s in spans[:i] if s.end > pos or s.end == END]
        return sorted(held, key=lambda s: s.depth)

    def place(self, file: str, line: int, column: int) -> str:
        """第八章第二节 专栏 5 / 第一章 图 3 / 序言; '' where the plan has no such place."""
        labels: list[str] = []
        for s in self.around(file, line, column):
            if s.label and s.label not in labels:
                labels.append(s.label)
        text = ""
        for label in labels:  # 第八章 + 第二节 join; 专栏 / 图 / 表 follow after a space
            text += label if label.startswith("第") and label.endswith("节") else \
                (" " if text else "") + label
        return text

    def owner(self, file: str, line: int, column: int) -> str:
        """The id, written in the source, of the innermost element holding a position."""
        for s in reversed(self.around(file, line, column)):
            if s.id in self.explicit:
                return s.id
        return ""


_LAST: tuple = (None, None)


def of(plan: m.Plan) -> Places:
    """The places of the last plan asked about (checks ask many times per plan). The pair
    is read and replaced whole: serve's two threads may compile at once, and neither may
    get the other plan's places."""
    global _LAST
    last = _LAST
    if last[0] is not plan:
        last = _LAST = (plan, Places(plan))
    return last[1]


def where(plan: m.Plan, loc: m.Loc) -> str:
    """Another place named in a message: 第三章第一节（chapters/ch03.xml:11）."""
    rel = f"{m.plan_relative(loc.file, plan.root)}:{loc.line}"
    place = of(plan).place(loc.file, loc.line, loc.column)
    return f"{place}（{rel}）" if place else rel


def _walk_plan(plan: m.Plan, out: list[Span]) -> None:
    tops: list[tuple[m.Loc, str, str, tuple]] = []
    if plan.notice is not None:
        tops.append((plan.notice.loc, "notice", "通知", plan.notice.blocks))
    if plan.preamble:
        tops.append((plan.preamble[0].loc, "preamble", "序言", plan.preamble))
    for part in plan.parts:
        tops.append((part.loc, part.id, part.label, part.blocks))
    if plan.closing:
        tops.append((plan.closing[0].loc, "closing", "结束语", plan.closing))
    if plan.imprint is not None:
        tops.append((plan.imprint.loc, "imprint", "版记", ()))
    for k, (loc, id_, label, blocks) in enumerate(tops):
        end = _start(tops[k + 1][0]) if k + 1 < len(tops) else END
        out.append(Span(loc.file, _start(loc), end, id_, label, 0))
        _walk_blocks(blocks, end, 1, out)
    for ch in plan.chapters:
        out.append(Span(ch.loc.file, (1, 0), END, ch.id, ch.label, 0))
        first = ch.sections[0].loc if ch.sections else None
        _walk_blocks(ch.blocks, _start(first) if first else END, 1, out)
        for k, sec in enumerate(ch.sections):
            end = _start(ch.sections[k + 1].loc) if k + 1 < len(ch.sections) else END
            out.append(Span(sec.loc.file, _start(sec.loc), end, sec.id, sec.label, 1))
            _walk_blocks(sec.blocks, end, 2, out)
    for k, ind in enumerate(plan.indicators):
        nxt = plan.indicators[k + 1].loc if k + 1 < len(plan.indicators) else None
        out.append(Span(ind.loc.file, _start(ind.loc), _start(nxt) if nxt else END, ind.id,
                        "", 0))


def _walk_blocks(blocks: tuple, end: tuple[int, int], depth: int, out: list[Span]) -> None:
    for k, b in enumerate(blocks):
        stop = _start(blocks[k + 1].loc) if k + 1 < len(blocks) else end
        label = b.label if isinstance(b, m.Column | m.Figure) else ""
        out.append(Span(b.loc.file, _start(b.loc), stop, b.id, label, depth))
        if isinstance(b, walk.CONTAINERS):  # 专栏 and numbered headings (一、…) hold blocks
            _walk_blocks(b.blocks, stop, depth + 1, out)
        elif isinstance(b, m.ListBlock):
            _walk_blocks(b.items, stop, depth + 1, out)


def _start(loc: m.Loc) -> tuple[int, int]:
    return (loc.line, max(loc.column - 1, 0))
