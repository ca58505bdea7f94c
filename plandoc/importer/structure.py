"""Building the plan tree from repaired paragraphs: parts, chapters, sections, columns.

Role: walk the body in order and place every paragraph, list item, table, column and
figure where it stands. Columns (专栏) have no printed end; one is closed by the next
heading, column or figure, or by a paragraph that is clearly section prose: after
project entries, a paragraph whose lead does not end like the entries' names (…工程。,
…行动。) nor opens like them (“一心”——…); after a list, any lead paragraph. Every column
end is a finding so that a person can check it. Printed numbers are checked against
the computed sequence. Guarantee: the text of every paragraph reaches exactly one node.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import indicators, inline, tables
from .blocks import classify, ends_sentence
from .inline import Node, plain
from .paragraphs import Item, TableChunk
from .report import Findings
from .source import Unit, tidy_title

SUBHEAD_MAX = 30
"""Longest line taken for a column's sub-heading (characters)."""


@dataclass
class Para:
    nodes: list[Node]
    lead: list[Node]
    lines: tuple[int, ...]


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


@dataclass
class IndTable:
    table: indicators.IndicatorTable
    id: str = ""


@dataclass
class Column:
    number: int | None
    title: list[Node]
    lines: tuple[int, ...]
    blocks: list = field(default_factory=list)
    id: str = ""


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


@dataclass
class Body:
    preamble: list[Para] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    headings: list[tuple[int, str, int | None, str]] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


def _suffix(name: list[Node]) -> str:
    return re.sub(r"[。：:”’\s]+$", "", plain(name))[-2:]


def _shape(name: list[Node]) -> bool:
    text = plain(name)
    return text.startswith("“") and "——" in text


class Builder:
    def __init__(self, findings: Findings, registry: indicators.Registry):
        self.findings, self.registry = findings, registry
        self.body = Body()
        self.part: Part | None = None
        self.chapter: Chapter | None = None
        self.section: Section | None = None
        self.column: Column | None = None

    # -- placing ---------------------------------------------------------------
    def _blocks(self, what: str, lines: tuple[int, ...]) -> list:
        if self.section:
            return self.section.blocks
        if self.chapter:
            return self.chapter.blocks
        self.findings.add("structure", lines, f"{what} outside any chapter: placed in a new "
                          "chapter of its own", what)
        self._chapter(Unit("（无题）", lines), None)
        assert self.chapter
        return self.chapter.blocks

    def _close_column(self, reason: str, lines: tuple[int, ...], text: str) -> None:
        if self.column:
            self._settle_subheads(self.column)
            self.findings.add("column-end", lines, f"column {self.column.number} "
                              f"({self.column.id or plain(self.column.title)[:14]}) ends "
                              f"before {reason}", text[:24])
            self.column = None

    def _settle_subheads(self, col: Column) -> None:
        """A sub-heading needs column text after it: a short last line stays a paragraph."""
        if col.blocks and isinstance(col.blocks[-1], Subhead):
            last = col.blocks[-1]
            col.blocks[-1] = Para(last.nodes, [], last.lines)
        for b in col.blocks:
            if isinstance(b, Subhead):
                self.findings.add("subhead", b.lines, "short line without final punctuation "
                                  "inside a column kept as a sub-heading", plain(b.nodes)[:24])

    def _check(self, what: str, printed: int | None, expected: int, lines: tuple[int, ...]) -> None:
        if printed != expected:
            self.findings.add("numbering", lines, f"{what} printed as {printed}, "
                              f"computed {expected}", str(printed))

    def _title(self, text: str, lines: tuple[int, ...]) -> list[Node]:
        return inline.parse(tidy_title(text, lines, self.findings), lines, self.findings)

    # -- headings --------------------------------------------------------------
    def _part(self, unit: Unit, number: int | None, title: str) -> None:
        self.part = Part(number, self._title(title, unit.lines), unit.lines)
        self.body.parts.append(self.part)
        self._check("part", number, len(self.body.parts), unit.lines)
        self.chapter = self.section = None

    def _chapter(self, unit: Unit, number: int | None, title: str | None = None) -> None:
        if self.part is None:
            self.findings.add("structure", unit.lines, "chapter before any part: new part")
            self._part(Unit("", unit.lines), None, "（无题）")
        assert self.part
        self.chapter = Chapter(number, self._title(title or unit.text, unit.lines), unit.lines)
        self.part.chapters.append(self.chapter)
        if number is not None:
            self._check("chapter", number, sum(len(p.chapters) for p in self.body.parts), unit.lines)
        self.section = None

    def _section(self, unit: Unit, number: int | None, title: str) -> None:
        if self.chapter is None:
            self._blocks("section", unit.lines)
        assert self.chapter
        self.section = Section(number, self._title(title, unit.lines), unit.lines)
        self.chapter.sections.append(self.section)
        self._check(f"section in chapter {len([c for p in self.body.parts for c in p.chapters])}",
                    number, len(self.chapter.sections), unit.lines)

    # -- content ---------------------------------------------------------------
    def _para(self, unit: Unit, text: str) -> Para:
        nodes = inline.parse(text, unit.lines, self.findings)
        lead, rest = inline.split_lead(nodes, unit.lines, self.findings)
        return Para(rest, lead, unit.lines)

    def _in_column(self, unit: Unit) -> bool:
        """Place a paragraph in the open column; False when it ends the column."""
        col = self.column
        assert col
        scratch = Findings()
        nodes = inline.parse(unit.text, unit.lines, scratch)
        name, rest = inline.split_lead(nodes, unit.lines, scratch, colon=True)
        entries = [b for b in col.blocks if isinstance(b, Entry)]
        if not name and entries and _shape(entries[0].name) and nodes and \
                isinstance(nodes[0], str) and _shape([nodes[0].split("。")[0]]) and "。" in nodes[0]:
            cut = nodes[0].index("。") + 1
            name, rest = [nodes[0][:cut]], [n for n in [nodes[0][cut:], *nodes[1:]] if n]
        has_list = any(isinstance(b, ListBlock) for b in col.blocks)
        if any(isinstance(b, (Table, IndTable)) for b in col.blocks):
            return False
        if name and entries:
            fits = any(_suffix(e.name) == _suffix(name) for e in entries) or (
                _shape(name) and _shape(entries[0].name))
            if not fits:
                return False
        elif name and has_list:
            return False
        elif not name and entries:
            return False
        self.findings.items += [f for f in scratch.items if f.kind != "lead-doubtful"]
        if name:
            col.blocks.append(Entry(name, rest, unit.lines))
        elif len(unit.text) <= SUBHEAD_MAX and not ends_sentence(unit.text):
            col.blocks.append(Subhead(nodes, unit.lines))
        else:
            col.blocks.append(Para(nodes, [], unit.lines))
        return True

    def _table(self, chunk: TableChunk) -> None:
        rows, ncols = tables.split_rows(chunk)
        if indicators.is_indicator_table(rows):
            block: object = IndTable(indicators.convert(rows, ncols, self.registry, self.findings))
        else:
            block = Table(tables.parse(chunk, self.findings))
        lines = tuple(line.no for line in chunk.lines)
        (self.column.blocks if self.column else self._blocks("table", lines)).append(block)

    def _list_item(self, unit: Unit, kind: str, text: str, number: int | None) -> None:
        target = self.column.blocks if self.column else (
            self._blocks("list", unit.lines) if self.chapter or self.part is None
            else None)
        if target is None:
            self.findings.add("structure", unit.lines, "list item in a part introduction "
                              "kept as a paragraph", unit.text[:20])
            self.part.intro.append(self._para(unit, unit.text))  # type: ignore[union-attr]
            return
        if not (target and isinstance(target[-1], ListBlock) and target[-1].type == kind):
            target.append(ListBlock(kind))
        items = target[-1].items
        if kind == "decimal" and number != len(items) + 1:
            self.findings.add("numbering", unit.lines, f"list item printed as {number}, "
                              f"computed {len(items) + 1}", str(number))
        items.append(self._para(unit, text))

    def feed(self, item: Item) -> None:
        if isinstance(item, TableChunk):
            self._table(item)
            return
        k = classify(item.text)
        if k.kind in ("part", "chapter", "section"):
            self._close_column(f"the {k.kind} heading", item.lines, item.text)
            self.body.headings.append((item.lines[0], k.kind, k.number, tidy_title(k.text, (), Findings())))
            getattr(self, f"_{k.kind}")(item, k.number, k.text)
        elif k.kind == "column":
            self._close_column("the next column", item.lines, item.text)
            self.column = Column(k.number, self._title(k.text, item.lines), item.lines)
            self.body.columns.append(self.column)
            self._check("column", k.number, len(self.body.columns), item.lines)
            self._blocks("column", item.lines).append(self.column)
        elif k.kind == "figure":
            self._close_column("a figure", item.lines, item.text)
            fig = Figure(k.number, self._title(k.text, item.lines), item.lines)
            self.body.figures.append(fig)
            self._check("figure", k.number, len(self.body.figures), item.lines)
            self._blocks("figure", item.lines).append(fig)
        elif k.kind in ("dash", "decimal"):
            self._list_item(item, k.kind, k.text, k.number)
        elif self.column and self._in_column(item):
            pass
        else:
            self._close_column("section prose", item.lines, item.text)
            para = self._para(item, item.text)
            if self.chapter:
                self._blocks("paragraph", item.lines).append(para)
            elif self.part:
                self.part.intro.append(para)
            else:
                self.body.preamble.append(para)


def build(items: list[Item], findings: Findings, registry: indicators.Registry) -> Body:
    builder = Builder(findings, registry)
    for item in items:
        builder.feed(item)
    builder._close_column("the end of the body", (), "")
    return builder.body


def assign_ids(body: Body, assigner) -> None:
    """Ids for parts, chapters, sections, columns and figures, in print order."""
    for part in body.parts:
        part.id = assigner.title("parts", plain(part.title), part.lines)
        for chapter in part.chapters:
            chapter.id = assigner.title("chapters", plain(chapter.title), chapter.lines)
            for n, section in enumerate(chapter.sections, 1):
                section.id = assigner.title("sections", plain(section.title), section.lines,
                                            f"sec-{chapter.id[3:]}-{n}")
            _table_ids(chapter.id[3:], chapter.blocks + [b for s in chapter.sections for b in s.blocks],
                       assigner)
    for column in body.columns:
        column.id = assigner.title("columns", plain(column.title), column.lines)
        _table_ids(column.id.removeprefix("col-"), column.blocks, assigner, named=True)
    for figure in body.figures:
        figure.id = assigner.title("figures", plain(figure.caption), figure.lines)
    assigner.report()


def _table_ids(slug: str, blocks: list, assigner, named: bool = False) -> None:
    """tbl-<holder slug> for the tables directly in `blocks` (numbered when several, or
    always outside a column): an id from the holder, never from the cells."""
    tables = [b for b in blocks if isinstance(b, Table | IndTable)]
    for n, table in enumerate(tables, 1):
        wanted = f"tbl-{slug}" if named and len(tables) == 1 else f"tbl-{slug}-{n}"
        table.id = assigner.claim(wanted)
