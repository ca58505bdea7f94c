"""Labels: every number and label of the plan, computed once, before conversion.

One walk over the trees, in the order `convert` reads them, numbers parts, chapters
(第一章… across parts), sections (第一节… per chapter), columns, figures and tables
(专栏 N, 图 N, 表 N through the plan, appendices included), the numbered levels
inside chapters, sections and columns (<subsection> and numbered <p>: 一、 （一） 1.
（1）) and list items (1. 一是 （1） ——), and gives every id the label a reference
prints for it, so that a reference can name what comes later in the plan. `convert` stores these numbers in the model and
never counts; renderers read the model. Broken chapters (an XML or schema error) are
numbered from what could be read of them, so they renumber nothing after them.

The label schemes a plan declares in <meta><numbering> (一、 chapters, （一） sections,
专栏一, 专栏 2-1, 图 2-1) are read by `scheme`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


_MARKERS = {"decimal": lambda n: f"{n}.", "shi": lambda n: f"{numerals.to_cn(n)}是",
            "paren": lambda n: f"（{n}）"}


def item_marker(kind: str, n: int) -> str:
    """How item n of a list of type `kind` is marked: 1. 一是 （1）, or —— (dash)."""
    return _MARKERS[kind](n) if kind in _MARKERS else "——"


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


@dataclass(frozen=True)
class Number:
    """The number of one numbered element, computed here once and stored by `convert`."""

    kind: str
    """part | chapter | section | column | figure | table | subsection | block | appendix."""
    number: int
    label: str
    """As printed: 第三章, 第二节, 专栏 2, 图 3, 表 4, （一）, 附件2, a list item's 1. or 一是."""
    ref: str
    """How a reference names it: 第三章第二节, 第三章（一）."""
    style: str = ""
    """A numbered level's style (一、 （一） 1. （1））; '' otherwise."""


@dataclass
class Numbering:
    """Every number and label of one plan: `at` for each numbered element (what `convert`
    stores in the model), `targets` for each id in document order (references and checks)."""

    scheme: Scheme
    at: dict = field(default_factory=dict)
    """Element -> Number; lxml keeps one proxy per node while a reference to it lives."""
    targets: list[m.Target] = field(default_factory=list)
    """What `Plan.targets` holds: every id with its label, duplicates included."""
    by_id: dict[str, m.Target] = field(default_factory=dict)
    """Id -> its first target, broken chapters included: what a reference names."""


_BLOCKS = ("p", "subhead", "list", "entry", "table", "indicator-table", "figure", "column",
           "subsection")
"""The block elements `convert` builds; the numbering walks exactly these."""


class _Walk:
    """One pass over the plan's trees in document order, in the order `convert` reads them."""

    def __init__(self, sources: Sources):
        self.sources = sources
        self.out = Numbering(scheme(sources.plan.tree.getroot()))
        self.src: SourceFile = sources.plan
        self.broken = False
        self.n_ch = self.n_col = self.n_fig = self.n_tbl = self.k_col = self.k_fig = 0

    def put(self, el, number: Number | None, kind: str, label: str, page: str) -> None:
        """Record `el`'s number (if numbered) and its target (label: how a ref names it)."""
        if number is not None:
            self.out.at[el] = number
        id_ = el.get("id", "")
        if not id_ and kind in ("block", "table"):
            return   # plain blocks and tables are targets only with an id of their own
        line, col = self.src.locate(el)
        target = m.Target(id_, kind, label, page, m.Loc(self.src.display, line, col))
        if id_ and id_ not in self.out.by_id:
            self.out.by_id[id_] = target
        if not self.broken or kind in ("chapter", "section", "column", "figure"):
            self.out.targets.append(target)

    def blocks(self, children, depth: int, prefix: str, plain: str, page: str) -> None:
        """A container's blocks: `prefix` names the container in a reference (第三章第二节),
        `plain` is the label of a plain block's place (第三章)."""
        sch = self.out.scheme
        kids = [c for c in children if isinstance(c.tag, str)]
        for el, level in zip(kids, levels(kids, depth)):
            if el.tag not in _BLOCKS:
                if self.broken and el.tag != "title":   # misplaced in a broken file: still counts
                    self.blocks(el, depth, prefix, plain, page)
                continue
            if level is not None:
                style, n, label = level
                ref = ref_label(prefix, label)
                kind = "subsection" if el.tag == "subsection" else "block"
                self.put(el, Number(kind, n, label, ref, style), kind, ref, page)
                if el.tag == "subsection":
                    self.blocks([c for c in el if c.tag != "title"], LEVELS.index(style), ref,
                                plain, page)
            elif el.tag == "column":
                self.n_col, self.k_col = self.n_col + 1, self.k_col + 1
                label = numerals.column_label(self.n_col, sch.column, self.n_ch, self.k_col)
                self.put(el, Number("column", self.n_col, label, label), "column", label, page)
                self.blocks([c for c in el if c.tag != "title"], depth, prefix, plain, page)
            elif el.tag == "figure":
                self.n_fig, self.k_fig = self.n_fig + 1, self.k_fig + 1
                label = numerals.figure_label(self.n_fig, sch.figure, self.n_ch, self.k_fig)
                self.put(el, Number("figure", self.n_fig, label, label), "figure", label, page)
            elif el.tag in ("table", "indicator-table"):
                self.n_tbl += 1
                label = f"表 {self.n_tbl}"
                self.put(el, Number("table", self.n_tbl, label, label), "table", label, page)
            else:
                self.put(el, None, "block", plain, page)
                for n, it in enumerate(el.findall("item") if el.tag == "list" else (), 1):
                    marker = item_marker(el.get("type", "dash"), n)
                    self.put(it, Number("block", n, marker, plain), "block", plain, page)
            if self.broken and el.tag not in ("column", "subsection"):
                self.blocks(el, depth, prefix, plain, page)   # what an unclosed tag swallowed

    def chapter(self, src: SourceFile) -> None:
        self.n_ch += 1
        self.k_col = self.k_fig = 0
        ch = shape(src)
        if ch is None:
            return
        self.src, self.broken = src, src.tree is None
        sch = self.out.scheme
        cid, label = ch.get("id", ""), numerals.chapter_label(self.n_ch, sch.chapter)
        self.put(ch, Number("chapter", self.n_ch, label, label), "chapter", label, cid)
        self.blocks([c for c in ch if c.tag not in ("title", "section")], sch.depth(False),
                    label, label, cid)
        for n, sec in enumerate(ch.findall("section"), 1):
            sec_label = numerals.section_label(n, sch.section)
            ref = label + sec_label
            self.put(sec, Number("section", n, sec_label, ref), "section", ref, cid)
            self.blocks([c for c in sec if c.tag != "title"], sch.depth(True), ref, label, cid)
        self.src, self.broken = self.sources.plan, False

    def plan(self) -> Numbering:
        root = self.sources.plan.tree.getroot()
        for path, page, label in (("notice/p", "notice", "通知"), ("preamble/p", "preamble", "序言")):
            self.blocks(root.findall(path), -1, label, label, page)
        for n_part, part in enumerate(part_elements(root), 1):
            pid = "" if part is None else part.get("id", "")
            if part is not None:
                label = numerals.part_label(n_part)
                self.put(part, Number("part", n_part, label, label), "part", label, pid)
                self.blocks(part.findall("p"), -1, label, label, pid)
            for src in numbered_chapters(self.sources, n_part - 1):
                self.chapter(src)
        self.blocks(root.findall("closing/p"), -1, "结束语", "结束语", "closing")
        for el, n, label in appendix_labels(root):   # pages of their own: ids as chapters
            aid = el.get("id", "")
            self.put(el, Number("appendix", n, label, label), "appendix", label, aid)
            self.blocks([c for c in el if c.tag != "title"], -1, label, label, aid)
        src = self.sources.indicators
        if src is not None and src.tree is not None:
            self.src = src
            for el in src.tree.getroot().findall("indicator"):
                self.put(el, None, "indicator", "".join(el.find("name").itertext()), "indicators")
        return self.out


def number(sources: Sources) -> Numbering:
    """Number and label the whole plan once, in document order (so that a reference can
    name what comes later), broken chapters included: one broken chapter does not
    renumber the chapters, columns, figures and tables after it."""
    return _Walk(sources).plan()
