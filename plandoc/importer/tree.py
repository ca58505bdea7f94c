"""The tree the importer builds: parts, chapters, sections, numbered levels, columns,
appendices and the blocks they hold, in print order, before ids are given and XML is
written. Plain dataclasses; `structure` fills them, `writer` maps them to plan.rng.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import indicators, tables
from .inline import Node


@dataclass
class Para:
    nodes: list[Node]
    lead: list[Node]
    lines: tuple[int, ...]
    numbering: str = ""
    """A run-in numbered paragraph's style (（一）…); its printed number is dropped."""


@dataclass
class Subhead:
    """A column's sub-heading: a short line without final punctuation, with more of the
    column after it (“一核”：冷水滩-零陵现代物流发展核心区)."""

    nodes: list[Node]
    lines: tuple[int, ...]


@dataclass
class Entry:
    name: list[Node]
    nodes: list[Node]
    lines: tuple[int, ...]


@dataclass
class ListBlock:
    type: str
    items: list[Para] = field(default_factory=list)


@dataclass
class Figure:
    number: int | None
    caption: list[Node]
    lines: tuple[int, ...]
    id: str = ""


@dataclass
class Table:
    grid: tables.Grid
    id: str = ""
    caption: list[Node] = field(default_factory=list)


@dataclass
class IndTable:
    table: indicators.IndicatorTable
    id: str = ""
    caption: list[Node] = field(default_factory=list)


@dataclass
class Level:
    """A numbered heading on its own line (一、… （一）…) and the blocks after it."""

    style: str
    title: list[Node]
    lines: tuple[int, ...]
    blocks: list = field(default_factory=list)


@dataclass
class Column:
    number: int | None
    title: list[Node]
    lines: tuple[int, ...]
    blocks: list = field(default_factory=list)
    id: str = ""
    styles: set[str] = field(default_factory=set)
    """Numbered-line styles whose sequence started inside this column."""
    host: list = field(default_factory=list, repr=False)
    """The blocks the column stands in."""
    printed: str = ""


@dataclass
class Section:
    number: int | None
    title: list[Node]
    lines: tuple[int, ...]
    blocks: list = field(default_factory=list)
    id: str = ""


@dataclass
class Chapter(Section):
    sections: list[Section] = field(default_factory=list)


@dataclass
class Part:
    number: int | None
    title: list[Node]
    lines: tuple[int, ...]
    intro: list[Para] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)
    id: str = ""
    implicit: bool = False
    """The unprinted part of a plan whose chapters stand directly under it."""
    printed: str = ""


@dataclass
class Appendix:
    """附件, 附表 or 名词解释 after the closing words."""

    kind: str
    title: list[Node]
    lines: tuple[int, ...]
    blocks: list = field(default_factory=list)
    id: str = ""


@dataclass
class Body:
    preamble: list[Para] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    headings: list[tuple[int, str, int | None, str]] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    tables: list = field(default_factory=list)
    """Every Table and IndTable in print order."""
    appendices: list[Appendix] = field(default_factory=list)
    numbering: dict[str, str] = field(default_factory=dict)
    """Label schemes that differ from 第一章/第一节/专栏 1/图 1 (plan.xml <numbering>)."""
