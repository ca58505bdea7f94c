"""Recognition: facts, counts and totals found in plain prose, without markup.

`convert` runs it on every paragraph, list item, entry and sub-heading, so `check`,
`build` and `serve` all see the same recognised items; `annotate` writes them into the
chapter files as markup for an editor to review. Explicit markup always wins: a
number inside <fact>, <num>, <total>, <term> or <nofact> is never a candidate, text
inside a marked <count> or <sum> is never recognised as another, and an indicator a
block marks by hand is not bound again in that block.

Recognition never raises: a block it cannot read is a block without findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from .. import model as m
from . import counts, facts, names, text, totals

__all__ = ["Memo", "Recogniser", "Scan"]

_NUMERAL = re.compile(r"[0-9两二三四五六七八九十]")
MEMO_SIZE = 50_000
"""Blocks a memo remembers (a plan has a few thousand)."""


@dataclass
class Scan:
    """What recognition found in one block, spans in the block's squeezed text."""

    block: text.BlockText
    facts: list[facts.Found] = field(default_factory=list)
    counts: list[counts.FoundCount] = field(default_factory=list)
    totals: list[totals.FoundTotal] = field(default_factory=list)


def table_labels(trees) -> list[tuple[str, str]]:
    """(indicator id, printed label) of every indicator-table row with a <label>."""
    out = []
    for tree in trees:
        if tree is None:
            continue
        for row in tree.getroot().iter("row"):
            label = row.find("label")
            if label is not None and row.get("ind"):
                out.append((row.get("ind"), "".join(label.itertext())))
    return out


class Memo:
    """Scans remembered across compiles, owned by whoever compiles (`pipeline.Memo`):
    `serve` keeps one across rebuilds, so that a rebuild pays only for the blocks that
    changed. Keyed by a block's markup, the indicator names and the year context."""

    def __init__(self, size: int = MEMO_SIZE) -> None:
        self.size = size
        self.scans: dict[tuple, tuple[Scan, int | None]] = {}
        self.hits = self.misses = 0


class Recogniser:
    """Built once per plan from its indicator registry and its indicator tables."""

    def __init__(self, indicators: etree._Element | None, trees, period_from: int,
                 period_to: int, memo: Memo | None = None) -> None:
        self.names = names.build(indicators, table_labels(trees))
        self.period = (period_from, period_to)
        self.ctx = facts.Context(period_from, period_to)
        self.memo = Memo() if memo is None else memo

    @classmethod
    def for_sources(cls, sources, memo: Memo | None = None) -> "Recogniser | None":
        """The recogniser of a loaded plan (None without a readable period)."""
        if sources.plan is None or sources.plan.tree is None:
            return None
        period = sources.plan.tree.getroot().find("meta/period")
        try:
            frm, to = int(period.get("from")), int(period.get("to"))
        except (AttributeError, TypeError, ValueError):
            return None
        registry = sources.indicators.tree.getroot() if sources.indicators is not None and \
            sources.indicators.tree is not None else None
        return cls(registry, [c.tree for c in sources.chapters], frm, to, memo)

    def chapter(self) -> None:
        """A new chapter: the year context starts again."""
        self.ctx = facts.Context(*self.period)

    def scan(self, el: etree._Element) -> Scan:
        """What one block says; memoised on its text, markup and year context, so that
        `serve`'s rebuilds pay only for the blocks that changed."""
        try:
            xml = etree.tostring(el, encoding=str, with_tail=False)
            key = (self.names.key, xml, self.ctx.year, self.period)
            memo = self.memo
            hit = memo.scans.get(key)
            if hit is not None:
                memo.hits += 1
                scan, self.ctx.year = hit
                return scan
            memo.misses += 1
            block = text.read(el, xml)
            scan = Scan(block)
            if not _NUMERAL.search(block.text):
                facts.recognise(block, self.names, self.ctx)  # keeps the year context
            else:
                scan.facts = facts.recognise(block, self.names, self.ctx)
                scan.counts = counts.recognise(block)
                scan.totals = totals.recognise(block)
            if len(memo.scans) > memo.size:
                memo.scans.clear()
            memo.scans[key] = (scan, self.ctx.year)
            return scan
        except Exception:  # noqa: BLE001 - recognition must never stop a compile
            return Scan(text.read_safe(el))

    def model(self, scan: Scan, src, el: etree._Element, block: str, column: str | None,
              chapter: str) -> tuple[list[m.Statement], list[m.Recognised]]:
        """The scan as model objects: statements, and counts and totals as nodes."""
        if not (scan.facts or scan.counts or scan.totals):
            return [], []
        try:
            return self._model(scan, src, el, block, column, chapter)
        except Exception:  # noqa: BLE001 - recognition must never stop a compile
            return [], []

    def _model(self, scan: Scan, src, el, block, column, chapter):
        b = scan.block
        offsets = sorted({b.raw_at(s) for s in _starts(scan)})
        line, col = src.locate(el)
        where = dict(zip(offsets, text.locate(src.lines, line, col, offsets)))

        def loc(i: int) -> m.Loc:
            ln, c = where.get(b.raw_at(i), (line, col))
            return m.Loc(src.display, ln, c)

        statements = [m.Statement(f.ind, f.year, f.role, f.from_year, f.quantity, "prose",
                                  block, column, chapter, loc(f.start), origin="recognised",
                                  confident=f.confident)
                      for f in scan.facts]
        nodes = []
        for c in scan.counts:
            children = [m.Member((m.Text(b.text[x:y]),)) for x, y in c.members]
            children.append(m.Num(m.Quantity(b.text[c.num[0]:c.num[1]], "number", float(c.value)),
                                  loc(c.num[0])))
            nodes.append(m.Recognised(m.Count(tuple(children), c.exhaustive, loc(c.start)),
                                      c.confident))
        for t in scan.totals:
            total = m.Total(t.quantities[0], loc(t.total[0]))
            terms = [m.Term(q, loc(span[0])) for q, span in zip(t.quantities[1:], t.terms)]
            nodes.append(m.Recognised(m.Sum((total, *terms), t.exhaustive, loc(t.start)), True))
        return statements, nodes


def _starts(scan: Scan) -> list[int]:
    out = [f.start for f in scan.facts]
    for c in scan.counts:
        out += [c.start, c.num[0]]
    for t in scan.totals:
        out += [t.start, *(s for s, _ in t.terms)]
    return out
