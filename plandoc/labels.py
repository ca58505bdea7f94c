"""Labels: every id of the plan with the label it prints as, before conversion.

Parts, chapters, sections, columns, figures and tables are numbered in document order
(第一篇…, 第一章… across parts, 第一节… per chapter, 专栏 N, 图 N, 表 N) and every block
id is given the label of the place that holds it, so that `convert` can give a
reference its target's label even when the target comes later in the plan.
"""

from __future__ import annotations

from . import model as m
from . import numerals
from .load import SourceFile, Sources


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

    root = sources.plan.tree.getroot()
    for path, page, label in (("notice/p", "notice", "通知"), ("preamble/p", "preamble", "序言"),
                              ("closing/p", "closing", "结束语")):
        for el in root.iterfind(path):
            put(el.get("id"), "block", label, page)
    if sources.indicators is not None and sources.indicators.tree is not None:
        for el in sources.indicators.tree.getroot().findall("indicator"):
            put(el.get("id"), "indicator", "".join(el.find("name").itertext()), "indicators")
    n_ch = n_col = n_fig = n_tbl = 0
    for n_part, part in enumerate(root.findall("part"), 1):
        put(part.get("id"), "part", numerals.part_label(n_part), part.get("id", ""))
        for el in part.findall("p"):
            put(el.get("id"), "block", numerals.part_label(n_part), part.get("id", ""))
        for src in numbered_chapters(sources, n_part - 1):
            ch = shape(src)
            n_ch += 1
            if ch is None:
                continue
            ch_id, ch_label = ch.get("id", ""), numerals.chapter_label(n_ch)
            put(ch_id, "chapter", ch_label, ch_id)
            for n_sec, sec in enumerate(ch.findall("section"), 1):
                put(sec.get("id"), "section", ch_label + numerals.section_label(n_sec), ch_id)
            for el in ch.iter("column", "figure", "table", "indicator-table", "p", "subhead",
                              "item", "entry"):
                if el.tag == "column":
                    n_col += 1
                    put(el.get("id"), "column", numerals.column_label(n_col), ch_id)
                elif el.tag == "figure":
                    n_fig += 1
                    put(el.get("id"), "figure", numerals.figure_label(n_fig), ch_id)
                elif el.tag in ("table", "indicator-table"):
                    n_tbl += 1
                    put(el.get("id"), "table", f"表 {n_tbl}", ch_id)
                else:
                    put(el.get("id"), "block", ch_label, ch_id)
    return labels
