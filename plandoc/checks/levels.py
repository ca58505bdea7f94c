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
from ..labels import Scheme
from ..numerals import LEVELS


def _depth(plan: m.Plan, in_section: bool) -> int:
    return Scheme(**dict(plan.meta.numbering)).depth(in_section)   # as `labels` numbers them


def _walk(blocks, depth: int, holder: str) -> Iterator[dg.Diagnostic]:
    for b in blocks:
        style = b.style if isinstance(b, m.Subsection | m.Paragraph) else ""
        if style and LEVELS.index(style) <= depth:
            yield dg.make("PD150", b.loc.file, b.loc.line, b.loc.column,
                          f"{holder}之下用了“{style}”：层次应依次为 一、（一）1.（1）")
        if isinstance(b, m.Subsection):
            if not b.blocks:
                yield dg.make("PD151", b.loc.file, b.loc.line, b.loc.column,
                              f"编号标题“{b.label}{m.plain(b.title)}”之下没有内容")
            yield from _walk(b.blocks, LEVELS.index(b.style), f"“{b.style}”")


def levels(plan: m.Plan) -> Iterator[dg.Diagnostic]:
    for ch in plan.chapters:
        yield from _walk(ch.blocks, _depth(plan, False), ch.label)
        for sec in ch.sections:
            yield from _walk(sec.blocks, _depth(plan, True), sec.label)
    for a in plan.appendices:
        yield from _walk(a.blocks, -1, a.label)
