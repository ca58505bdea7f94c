"""Labels: every id of the plan with the label it prints as, before conversion.

Parts, chapters, sections, columns, figures and tables are numbered in document order
(第一篇…, 第一章… across parts, 第一节… per chapter, 专栏 N, 图 N, 表 N) and every block
id is given the label of the place that holds it, so that `convert` can give a
reference its target's label even when the target comes later in the plan.

The label schemes a plan declares in <meta><numbering> (一、 chapters, （一） sections,
专栏一, 专栏 2-1, 图 2-1) and the numbered levels inside chapters and sections
(<subsection> and numbered <p>: 一、 （一） 1. （1）) are numbered here too: `scheme` and
`levels` are the one place both this pre-pass and `convert` take them from.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import model as m
from . import numerals
from .load import SourceFile, Sources
from .numerals import LEVELS


@dataclass(frozen=True)
class Scheme:
    """The label schemes of one plan (defaults: 第一章, 第一节, 专栏 1, 图 1, no 表 N)."""

    chapter: str = "第一章"
    section: str = "第一节"
    column: str = "1"
    figure: str = "1"
    table: str = "none"

    def depth(self, in_section: bool) -> int:
        """Index in LEVELS of the level holding a chapter's (or a section's) blocks; -1
        when that is 第X章/第X节, so that the first numbered level inside is 一、."""
        depth = LEVELS.index(self.chapter) if self.chapter in LEVELS else -1
        if in_section and self.section in LEVELS:
            depth = max(depth, LEVELS.index(self.section))
        return depth

    def pairs(self) -> tuple[tuple[str, str], ...]:
        """The declared schemes that differ from the defaults, sorted by key."""
        default = Scheme()
        return tuple((k, getattr(self, k)) for k in ("chapter", "column", "figure", "section", "table")
                     if getattr(self, k) != getattr(default, k))


def scheme(root) -> Scheme:
    el = root.find("meta/numbering")
    if el is None:
        return Scheme()
    default = Scheme()
    return Scheme(**{k: el.get(k, getattr(default, k))
                     for k in ("chapter", "section", "column", "figure", "table")})


def part_elements(root) -> list:
    """The plan's <part> elements, or [None] for the one implicit part of a plan whose
    chapters stand directly under it."""
    parts = root.findall("part")
    return parts if parts else ([None] if root.find("chapter") is not None else [])


def numbered(el) -> bool:
    return el.tag == "subsection" or (el.tag == "p" and el.get("numbering") is not None)


def levels(children, depth: int) -> list[tuple[str, int, str] | None]:
    """For each child, (style, number, label) when it is a numbered level, else None.
    Numbers count the container's children of the same style; a style not declared is
    the level after the container's (`depth`)."""
    counts: dict[str, int] = {}
    out: list[tuple[str, int, str] | None] = []
    for el in children:
        if not isinstance(el.tag, str) or not numbered(el):
            out.append(None)
            continue
        style = el.get("numbering") or LEVELS[min(depth + 1, len(LEVELS) - 1)]
        counts[style] = counts.get(style, 0) + 1
        out.append((style, counts[style], numerals.level_label(style, counts[style])))
    return out


def appendix_labels(root) -> list[tuple[object, int, str]]:
    """(element, number, label) of each <appendix>: 附件2, or 附件 when alone of its kind."""
    els = root.findall("appendix")
    kinds = [el.get("kind", "") for el in els]
    out, seen = [], {}
    for el, kind in zip(els, kinds):
        seen[kind] = seen.get(kind, 0) + 1
        alone = kinds.count(kind) == 1 or kind == "名词解释"
        out.append((el, seen[kind], kind if alone else f"{kind}{seen[kind]}"))
    return out


def ref_label(prefix: str, label: str) -> str:
    """How a reference names a numbered level: 第三章第二节（一）, 第三章二."""
    return prefix + label.rstrip("、.")


def numbered_chapters(sources: Sources, part_index: int) -> list[SourceFile]:
    """The chapter files of one part that count for numbering, in listed order: those that
    loaded and validated, and broken ones (an XML or schema error) too, so that one broken
    chapter does not renumber the chapters, columns and figures after it."""
    return [c for c in sources.chapters if sources.chapter_parts.get(c.rel) == part_index]


def shape(src: SourceFile):
    """The root element a chapter is numbered from: its tree, or a broken file's
    recovered shape; None when nothing could be read."""
    tree = src.tree if src.tree is not None else src.recovered
    return tree.getroot() if tree is not None else None


def labels(sources: Sources) -> dict[str, m.Target]:
    """Label every id in document order, so a reference can name what comes later."""
    labels: dict[str, m.Target] = {}
    nowhere = m.Loc("", 0)

    def put(id_: str | None, kind: str, label: str, page: str) -> None:
        if id_ and id_ not in labels:
            labels[id_] = m.Target(id_, kind, label, page, nowhere)

    def put_levels(container, depth: int, prefix: str, page: str) -> None:
        kids = [c for c in container if isinstance(c.tag, str)]
        for el, level in zip(kids, levels(kids, depth)):
            if level is None:
                continue
            style, _, label = level
            kind = "subsection" if el.tag == "subsection" else "block"
            put(el.get("id"), kind, ref_label(prefix, label), page)
            if el.tag == "subsection":
                put_levels(el, LEVELS.index(style), ref_label(prefix, label), page)

    root = sources.plan.tree.getroot()
    sch = scheme(root)
    for path, page, label in (("notice/p", "notice", "通知"), ("preamble/p", "preamble", "序言"),
                              ("closing/p", "closing", "结束语")):
        for el in root.iterfind(path):
            put(el.get("id"), "block", label, page)
    if sources.indicators is not None and sources.indicators.tree is not None:
        for el in sources.indicators.tree.getroot().findall("indicator"):
            put(el.get("id"), "indicator", "".join(el.find("name").itertext()), "indicators")
    n_ch = n_col = n_fig = n_tbl = 0
    for n_part, part in enumerate(part_elements(root), 1):
        if part is not None:
            put(part.get("id"), "part", numerals.part_label(n_part), part.get("id", ""))
            for el in part.findall("p"):
                put(el.get("id"), "block", numerals.part_label(n_part), part.get("id", ""))
        for src in numbered_chapters(sources, n_part - 1):
            ch = shape(src)
            n_ch += 1
            if ch is None:
                continue
            k_col = k_fig = 0
            ch_id, ch_label = ch.get("id", ""), numerals.chapter_label(n_ch, sch.chapter)
            put(ch_id, "chapter", ch_label, ch_id)
            put_levels(ch, sch.depth(False), ch_label, ch_id)
            for n_sec, sec in enumerate(ch.findall("section"), 1):
                sec_label = ch_label + numerals.section_label(n_sec, sch.section)
                put(sec.get("id"), "section", sec_label, ch_id)
                put_levels(sec, sch.depth(True), sec_label, ch_id)
            for el in ch.iter("column", "figure", "table", "indicator-table", "p", "subhead",
                              "item", "entry"):
                if el.tag == "column":
                    n_col += 1
                    k_col += 1
                    put(el.get("id"), "column", numerals.column_label(n_col, sch.column, n_ch, k_col), ch_id)
                elif el.tag == "figure":
                    n_fig += 1
                    k_fig += 1
                    put(el.get("id"), "figure", numerals.figure_label(n_fig, sch.figure, n_ch, k_fig), ch_id)
                elif el.tag in ("table", "indicator-table"):
                    n_tbl += 1
                    put(el.get("id"), "table", f"表 {n_tbl}", ch_id)
                else:
                    put(el.get("id"), "block", ch_label, ch_id)
    for el, _, label in appendix_labels(root):
        put(el.get("id"), "appendix", label, el.get("id", ""))
        for inner in el.iter("column", "figure", "table", "indicator-table", "p", "subhead",
                             "item", "entry", "subsection"):
            if inner.tag in ("table", "indicator-table"):
                n_tbl += 1
                put(inner.get("id"), "table", f"表 {n_tbl}", el.get("id", ""))
            else:
                put(inner.get("id"), inner.tag if inner.tag in ("column", "figure") else "block",
                    label, el.get("id", ""))
    return labels
