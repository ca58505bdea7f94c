"""The one walk over a plan's content: every heading and block in reading order, with its place.

Reading order, the same for every output and check: the issuing notice (its heading, its
paragraphs), the preamble, each part (its heading, its blocks, then each chapter: heading,
introduction, then each section: heading, blocks), the closing words, the appendices
(heading, blocks), then the companion pages (heading, blocks). A 专栏 or a numbered
heading (一、…) is followed by the blocks it holds; a list by its items. The imprint and
the indicator registry are not content and are not walked.

`steps` yields a `Step` (the node and its `Place`) for all of that; `blocks` only the
blocks and list items; `texts` gives the inline sequences one node prints (its title,
lead and content, caption, cells); `inlines` every inline node of given kinds anywhere,
nested ones included. A new block type is added here once (see docs/blocks.md), and
every check, index and export that reads blocks in order sees it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Union

from . import model as m

Heading = Union[m.Notice, m.Part, m.Chapter, m.Section, m.Appendix, m.Page]
Node = Union[Heading, m.Block, m.Item]
KINDS: dict[str, type] = {
    "paragraph": m.Paragraph, "listblock": m.ListBlock, "subhead": m.Subhead, "entry": m.Entry,
    "table": m.Table, "figure": m.Figure, "column": m.Column, "subsection": m.Subsection}
"""Every block type by the name templates test it with (`{% if b is paragraph %}`)."""
CONTAINERS = (m.Column, m.Subsection)
"""Blocks that hold blocks (their `blocks` follow them in the walk)."""
NESTED = (m.Emph, m.Sum, m.Count, m.Member)
"""Inline nodes that hold inline nodes (`children`)."""


@dataclass(frozen=True)
class Place:
    """Where a node stands."""

    area: str
    """notice | preamble | part | chapter | closing | appendix | page."""
    page: str
    """Id of the site page the node lands on: 'notice', 'preamble', 'closing', or the id of
    its part (a part's own blocks), chapter, appendix or companion page."""
    part: m.Part | None = None
    chapter: m.Chapter | None = None
    section: m.Section | None = None
    appendix: m.Appendix | None = None
    companion: m.Page | None = None
    within: tuple[m.Column | m.Subsection | m.ListBlock, ...] = ()
    """The blocks holding the node, outermost first."""

    @property
    def column(self) -> m.Column | None:
        """The 专栏 holding the node, if any."""
        return next((b for b in reversed(self.within) if isinstance(b, m.Column)), None)

    def inside(self, block: m.Column | m.Subsection | m.ListBlock) -> "Place":
        return Place(self.area, self.page, self.part, self.chapter, self.section,
                     self.appendix, self.companion, self.within + (block,))


@dataclass(frozen=True)
class Step:
    node: Node
    place: Place


def steps(plan: m.Plan) -> Iterator[Step]:
    """Every heading, block and list item of the plan in reading order (see the module)."""
    if plan.notice is not None:
        yield from _headed(plan.notice, Place("notice", "notice"))
    yield from of(plan.preamble, Place("preamble", "preamble"))
    for part in plan.parts:
        yield from _headed(part, Place("part", part.id, part))
        for ch in part.chapters:
            yield from _headed(ch, Place("chapter", ch.id, part, ch))
            for sec in ch.sections:
                yield from _headed(sec, Place("chapter", ch.id, part, ch, sec))
    yield from of(plan.closing, Place("closing", "closing"))
    for a in plan.appendices:
        yield from _headed(a, Place("appendix", a.id, appendix=a))
    for page in plan.pages:
        yield from _headed(page, Place("page", page.id, companion=page))


def _headed(heading: Heading, at: Place) -> Iterator[Step]:
    yield Step(heading, at)
    yield from of(heading.blocks, at)


def of(blocks: Iterable[m.Block], at: Place) -> Iterator[Step]:
    """The steps of a sequence of blocks standing at `at` (what `steps` does for each
    container; a companion page being read walks its blocks before it is in the plan)."""
    for b in blocks:
        yield Step(b, at)
        if isinstance(b, CONTAINERS):
            yield from of(b.blocks, at.inside(b))
        elif isinstance(b, m.ListBlock):
            inner = at.inside(b)
            for it in b.items:
                yield Step(it, inner)


PLAN = ("notice", "preamble", "part", "chapter", "closing", "appendix")
"""The areas of the plan itself (`Place.area`): all but the companion pages."""
HEADINGS = (m.Notice, m.Part, m.Chapter, m.Section, m.Appendix, m.Page)


def blocks(plan: m.Plan, areas: Iterable[str] | None = None) -> Iterator[Step]:
    """The steps of blocks and list items only (no headings), optionally of some areas."""
    wanted = None if areas is None else set(areas)
    for step in steps(plan):
        if not isinstance(step.node, HEADINGS) and (wanted is None or step.place.area in wanted):
            yield step


def texts(node: Node) -> Iterator[tuple[m.Inline, ...]]:
    """The inline sequences `node` prints, in order: a title, a lead and content together,
    an entry's name and content, a caption, a table's cells row by row. A list prints
    nothing itself (its items do); a companion page's title is plain text (`Page.title`)."""
    if isinstance(node, m.Paragraph | m.Item):
        yield node.lead + node.content
    elif isinstance(node, m.Subhead):
        yield node.content
    elif isinstance(node, m.Entry):
        yield node.name + node.content
    elif isinstance(node, m.Table):
        yield node.caption
        for row in node.head + node.body:
            for cell in row.cells:
                yield cell.content
    elif isinstance(node, m.Figure):
        yield node.caption
    elif isinstance(node, m.Column | m.Subsection | m.Part | m.Chapter | m.Section
                    | m.Appendix | m.Notice):
        yield node.title


def inlines(plan: m.Plan, kinds, areas: Iterable[str] | None = None) -> Iterator:
    """Every inline node of the given kinds in the plan's content (optionally of some
    areas), nested ones included, in reading order."""
    wanted = None if areas is None else set(areas)
    for step in steps(plan):
        if wanted is None or step.place.area in wanted:
            for seq in texts(step.node):
                yield from nested(seq, kinds)


def nested(seq: Iterable[m.Inline], kinds) -> Iterator:
    """The nodes of `kinds` in one inline sequence, nested ones included (pre-order)."""
    for node in seq:
        if isinstance(node, kinds):
            yield node
        if isinstance(node, NESTED):
            yield from nested(node.children, kinds)
