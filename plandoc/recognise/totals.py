"""Totals in plain prose: “T，其中 a、b、c”, “T（其中 a、b）”, “T（含 a、b）” and
“T，其中 A、B 分别为 a、b”.

The total is the last quantity before 其中/含 in its clause (a comparison of 万个 with
个 is made in one scale); the parts are the quantities after it up to the end of the
sentence (or the closing parenthesis). Parts in another unit, or in %, make it no
total (“其中 30% 用于……”). With 分别 and two parts or more the parts are all of the
total (exhaustive); otherwise the parts may be a selection, and only parts that
exceed the total are findings.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..model import Quantity
from ..quantity import parse as parse_quantity
from .facts import PERCENT, candidates
from .text import SUM, BlockText

MARK = re.compile(r"[，,]?(?:其中|（其中|\(其中|（含|\(含)")
SCALE = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}


@dataclass(frozen=True)
class FoundTotal:
    start: int
    end: int
    total: tuple[int, int]
    terms: tuple[tuple[int, int], ...]
    quantities: tuple[Quantity, ...]
    """Total first, then the parts, in the total's scale."""
    exhaustive: bool


def _split(unit: str | None) -> tuple[str, float]:
    unit = unit or ""
    for prefix, factor in SCALE.items():
        if unit.startswith(prefix) and len(unit) > len(prefix):
            return unit[len(prefix):], factor
    return unit, 1.0


def recognise(block: BlockText) -> list[FoundTotal]:
    t = block.text
    if ("其中" not in t and "含" not in t) or MARK.search(t) is None:
        return []
    cands = candidates(block)
    out = []
    for mark in MARK.finditer(t):
        before = [c for c in cands if c.end() <= mark.start() and mark.start() - c.end() <= 2]
        if not before:
            continue
        total = before[-1]
        paren = "（" in mark.group() or "(" in mark.group()
        stops = [i for i in (t.find(c, mark.end()) for c in "。；！？" + ("）)" if paren else "")) if i >= 0]
        end = min(stops) if stops else len(t)
        terms = [c for c in cands if mark.end() <= c.start() and c.end() <= end]
        found = _total(block, total, terms, "分别" in t[mark.end():end], end)
        if found is not None and not block.flags(found.start, found.end) & SUM:
            out.append(found)
    return out


def _total(block, total, terms, respectively, end) -> FoundTotal | None:
    if not terms:
        return None
    tq = parse_quantity(block.printed(total.start(), total.end()))
    if tq.value is None or tq.unit in PERCENT:
        return None
    base, factor = _split(tq.unit)
    quantities = [tq]
    for term in terms:
        q = parse_quantity(block.printed(term.start(), term.end()))
        if q.value is None or q.unit in PERCENT:
            return None
        tb, tf = _split(q.unit or tq.unit)
        if tb != base:
            return None
        if tf != factor:
            q = Quantity(q.text, q.kind, q.value * tf / factor, q.decimals + max(0, round(math.log10(factor / tf))), q.comparator,
                         q.cumulative, q.unit)
        quantities.append(q)
    return FoundTotal(total.start(), terms[-1].end(), total.span(),
                      tuple(t.span() for t in terms), tuple(quantities),
                      respectively and len(terms) >= 2)
