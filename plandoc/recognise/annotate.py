"""annotate: write what recognition finds into the chapter files as markup.

`python build.py annotate [--plan DIR] [--check]` runs recognition exactly as `check`
does (same registry, same year context from block to block) and wraps each recognised
number in <fact>, each recognised count in <count>/<member>/<num>, each recognised total
in <sum>/<total>/<term>; the file is then written through the formatter's canonical
writer (`fmt.canonical_xml`, atomic), so `git diff` shows only the new markup. Items that
overlap existing markup or straddle an inline element are left alone; facts win over
counts, counts over totals. With `check`, nothing is written.

The bundled plan's markup is hand-reviewed: run annotate on an imported plan, or on a
copy, and read the diff before keeping it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..fmt import canonical_xml, write_atomic
from ..load import load
from . import Recogniser, Scan

BLOCKS = ("p", "item", "entry", "subhead")


@dataclass
class Annotated:
    path: Path
    facts: int = 0
    counts: int = 0
    totals: int = 0
    ambiguous: list[str] = field(default_factory=list)
    """Short descriptions of items whose binding is uncertain (to review first)."""

    @property
    def changed(self) -> bool:
        return bool(self.facts or self.counts or self.totals)


def annotate(plan_dir: Path, check: bool = False) -> list[Annotated]:
    """Annotate every chapter file that loads; return what was (or would be) added."""
    sources = load(plan_dir)
    rec = Recogniser.for_sources(sources)
    if rec is None:
        return []
    out = []
    for src in sources.chapters:
        if src.tree is None:
            continue
        rec.chapter()
        result = Annotated(plan_dir / src.rel)
        for el in _in_convert_order(src.tree.getroot()):
            _annotate_block(rec, el, result)
        if result.changed:
            if not check:
                data = etree.tostring(src.tree, encoding="UTF-8", xml_declaration=True)
                write_atomic(result.path, canonical_xml(data))
            out.append(result)
    return out


def _in_convert_order(chapter: etree._Element):
    """Blocks in the order `convert` reads them (introduction, then sections)."""
    ordered = [c for c in chapter if c.tag != "section"] + chapter.findall("section")
    for top in ordered:
        if not isinstance(top.tag, str):
            continue
        for el in top.iter(*BLOCKS):
            if el.getparent() is not None and el.getparent().tag in BLOCKS:
                continue
            yield el


def _annotate_block(rec: Recogniser, el: etree._Element, result: Annotated) -> None:
    scan = rec.scan(el)
    if not (scan.facts or scan.counts or scan.totals):
        return
    items = _items(scan)
    runs = _runs(el)
    taken: list[tuple[int, int]] = []
    chosen = []
    for item in items:
        a, b = item[0], item[1]
        if any(a < y and x < b for x, y in taken):
            continue
        run = next((r for r in runs if r[2] <= a and b <= r[3]), None)
        if run is None:
            continue
        taken.append((a, b))
        chosen.append((item, run))
    for (a, b, kind, make, note), run in sorted(chosen, key=lambda c: -c[0][0]):
        _insert(run, a, b, make)
        setattr(result, kind, getattr(result, kind) + 1)
        if note:
            result.ambiguous.append(note)


def _items(scan: Scan) -> list[tuple]:
    """(raw start, raw end, counter, element maker, note) in priority order."""
    b = scan.block
    raw = lambda s, e: (b.raw_at(s), b.raw_at(max(e - 1, s)) + 1)  # noqa: E731
    out = []
    for f in scan.facts:
        a, z = raw(f.start, f.end)
        attrs = {"ind": f.ind, "role": f.role, "year": str(f.year)}
        if f.from_year is not None:
            attrs["from"] = str(f.from_year)
        if f.quantity.cumulative and "[" not in f.quantity.text:
            attrs["cumulative"] = "true"
        note = "" if f.confident else f"{f.quantity.text} → {f.ind} {f.year} {f.role}"
        out.append((a, z, "facts", _maker("fact", attrs, []), note))
    for c in scan.counts:
        a, z = raw(c.start, c.end)
        subs = [(*raw(x, y), "member") for x, y in c.members] + [(*raw(*c.num), "num")]
        attrs = {} if c.exhaustive else {"exhaustive": "false"}
        note = "" if c.confident else f"计数 {c.value}（列举 {len(c.members)} 项）"
        out.append((a, z, "counts", _maker("count", attrs, [(x - a, y - a, t) for x, y, t in subs]), note))
    for t in scan.totals:
        a, z = raw(t.start, t.end)
        subs = [(*raw(*t.total), "total")] + [(*raw(*span), "term") for span in t.terms]
        attrs = {} if t.exhaustive else {"exhaustive": "false"}
        out.append((a, z, "totals", _maker("sum", attrs, [(x - a, y - a, k) for x, y, k in subs]), ""))
    return out


def _maker(tag: str, attrs: dict, subs: list[tuple[int, int, str]]):
    def make(text: str) -> etree._Element:
        el = etree.Element(tag, attrs)
        last, prev = 0, None
        for x, y, sub in sorted(subs):
            if x < last:
                continue
            piece = text[last:x]
            if prev is None:
                el.text = piece
            else:
                prev.tail = piece
            prev = etree.SubElement(el, sub)
            prev.text = text[x:y]
            last = y
        if prev is None:
            el.text = text
        else:
            prev.tail = text[last:]
        return el
    return make


def _runs(el: etree._Element) -> list[tuple[etree._Element, str, int, int]]:
    """Text runs of the block in reading order: (owner, 'text'|'tail', raw start, raw end).
    Runs inside existing markup (fact, count, sum, nofact…) are not offered."""
    out: list = []
    pos = [0]

    def walk(node, free: bool) -> None:
        if node.text:
            if free:
                out.append((node, "text", pos[0], pos[0] + len(node.text)))
            pos[0] += len(node.text)
        for child in node:
            if isinstance(child.tag, str):
                walk(child, free and child.tag in ("em", "lead", "name"))
            if child.tail:
                if free:
                    out.append((child, "tail", pos[0], pos[0] + len(child.tail)))
                pos[0] += len(child.tail)

    walk(el, True)
    return out


def _insert(run, a: int, b: int, make) -> None:
    owner, which, start, _ = run
    text = owner.text if which == "text" else owner.tail
    before, middle, after = text[: a - start], text[a - start: b - start], text[b - start:]
    new = make(middle)
    new.tail = after
    if which == "text":
        owner.text = before
        owner.insert(0, new)
    else:
        owner.tail = before
        owner.addnext(new)
