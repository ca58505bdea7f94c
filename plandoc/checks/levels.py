"""Numbered levels (一、 （一） 1. （1）) inside chapters, sections and appendices.

GB/T 9704 orders them 一、 → （一） → 1. → （1）: a level must be deeper than the one
holding it (PD150), and a numbered heading on its own line holds something (PD151).
The depth of a chapter's or section's own blocks comes from the plan's declared label
schemes (meta.numbering: a plan numbered 一、/（一） has its chapters at 一、).
"""

from __future__ import annotations

from collections.abc import Iterator

from .. import diagnostics as dg
from .. import model as m
from .. import walk
from ..labels import Scheme
from ..numerals import LEVELS


def _depth(plan: m.Plan, in_section: bool) -> int:
    return Scheme(**dict(plan.meta.numbering)).depth(in_section)   # as `labels` numbers them


def levels(plan: m.Plan) -> Iterator[dg.Diagnostic]:
    """The numbered levels of chapters, sections and appendices (`walk`; a 专栏 numbers its
    own content and is not looked into)."""
    for step in walk.blocks(plan, ("chapter", "appendix")):
        b, at = step.node, step.place
        if any(isinstance(h, m.Column) for h in (*at.within, b)):
            continue
        depth, holder = _holder(plan, at)
        style = b.style if isinstance(b, m.Subsection | m.Paragraph) else ""
        if style and LEVELS.index(style) <= depth:
            yield dg.make("PD150", b.loc.file, b.loc.line, b.loc.column,
                          f"{holder}之下用了“{style}”：层次应依次为 一、（一）1.（1）")
        if isinstance(b, m.Subsection) and not b.blocks:
            yield dg.make("PD151", b.loc.file, b.loc.line, b.loc.column,
                          f"编号标题“{b.label}{m.plain(b.title)}”之下没有内容")


def _holder(plan: m.Plan, at: walk.Place) -> tuple[int, str]:
    """The depth a block must be deeper than, and how the message names what holds it."""
    for h in reversed(at.within):
        if isinstance(h, m.Subsection):
            return LEVELS.index(h.style), f"“{h.style}”"
    if at.appendix is not None:
        return -1, at.appendix.label
    if at.section is not None:
        return _depth(plan, True), at.section.label
    return _depth(plan, False), at.chapter.label
