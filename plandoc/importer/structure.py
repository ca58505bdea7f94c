"""Building the plan tree from repaired paragraphs: parts, chapters, sections, columns.

Role: walk the body in order and place every paragraph, list item, table, column and
figure where it stands. Columns (专栏) have no printed end; one is closed by the next
heading, column or figure, or by a paragraph that is clearly section prose: after
project entries, a paragraph whose lead does not end like the entries' names (…工程。,
…行动。) nor opens like them (“一心”——…); after a list, any lead paragraph. Every column
end is a finding so that a person can check it. Printed numbers are checked against
the computed sequence. The plan's heading scheme is read first (篇/章/节, 章/节/一、, or
一、/（一） as chapters and sections); numbered lines below that are levels: a heading on
its own line holds what follows, a run-in one opens a numbered paragraph. Appendices
(附件, 附表, 名词解释) hold what follows them. The tree's types are in `tree`.
Guarantees: the text of every paragraph reaches exactly one node; the tree always makes
a valid plan (a 专栏 line without content, a 篇 without chapters, a text without
chapters are kept as paragraphs or one chapter, and reported).
"""

from __future__ import annotations

import re

from . import indicators, inline, tables
from .blocks import classify, ends_sentence, standalone
from .inline import Node, plain
from .paragraphs import Item, TableChunk
from .report import Findings
from .source import Unit, tidy_title
from .tree import (  # noqa: F401 (the tree's types, also used as structure.X)
    Appendix, Body, Chapter, Column, Entry, Figure, IndTable, Level, ListBlock, Para, Part,
    Section, Subhead, Table)

SUBHEAD_MAX = 30
"""Longest line taken for a column's sub-heading (characters)."""


def _suffix(name: list[Node]) -> str:
    return re.sub(r"[。：:”’\s]+$", "", plain(name))[-2:]


def _shape(name: list[Node]) -> bool:
    text = plain(name)
    return text.startswith("“") and "——" in text


LEVEL_ORDER = ("一、", "（一）", "1.", "（1）")


def detect_scheme(items: list[Item], findings: Findings, toc: frozenset[str] = frozenset()) -> bool:
    """True when the plan's headings are 一、/（一） (no 第X章): they are its chapters and
    sections. The body decides, the printed TOC (its levels: 章, 一、…) confirms or not;
    reported either way, so that a person can check the choice."""
    kinds = [classify(i.text) for i in items if not isinstance(i, TableChunk)]

    def witness(levels: bool) -> str:
        if not toc:
            return "; no TOC"
        agrees = ("一、" in toc and "章" not in toc) if levels else "章" in toc
        return "; the TOC agrees" if agrees else "; the TOC disagrees"

    if any(k.kind == "chapter" for k in kinds):
        parts = any(k.kind == "part" for k in kinds)
        levels = sorted({k.style for k in kinds if k.kind == "level" and standalone(k.text)},
                        key=LEVEL_ORDER.index)
        scheme = ("篇/章/节" if parts else "章/节") + "".join("/" + s for s in levels)
        findings.add("scheme", (), f"heading scheme {scheme}: numbered lines below 节 kept as "
                     "numbered levels" + witness(False), scheme)
        return False
    heads = [k for k in kinds if k.kind == "level" and k.style == "一、" and standalone(k.text)]
    if not heads:
        findings.add("scheme", (), "no chapter headings (第X章 or 一、) found: the text is "
                     "kept in one chapter", "")
        return False
    findings.add("scheme", (), "heading scheme 一、/（一）: 一、 lines taken as chapters, "
                 "（一） lines as their sections" + witness(True), "一、/（一）")
    return True


class Builder:
    def __init__(self, findings: Findings, registry: indicators.Registry,
                 level_headings: bool = False):
        self.findings, self.registry = findings, registry
        self.body = Body()
        self.part: Part | None = None
        self.chapter: Chapter | None = None
        self.section: Section | None = None
        self.column: Column | None = None
        self.levels: list[Level] = []
        self.appendix: Appendix | None = None
        self.level_headings = level_headings
        self.counts: dict[tuple[int, str], tuple[list, int]] = {}
        self.serials: dict[str, int] = {}
        """专栏/图 so far in the current chapter (专栏 2-1 numbering)."""
        self.caption: tuple[Item, object] | None = None
        if level_headings:
            self.body.numbering.update(chapter="一、", section="（一）")

    # -- placing ---------------------------------------------------------------
    def _blocks(self, what: str, lines: tuple[int, ...]) -> list:
        if self.levels:
            return self.levels[-1].blocks
        if self.appendix:
            return self.appendix.blocks
        if self.section:
            return self.section.blocks
        if self.chapter:
            return self.chapter.blocks
        self.findings.add("structure", lines, f"{what} outside any chapter: placed in a new "
                          "chapter of its own", what)
        self._chapter(Unit("（无题）", lines), None, "（无题）")
        assert self.chapter
        return self.chapter.blocks

    def _close_column(self, reason: str, lines: tuple[int, ...], text: str) -> None:
        col = self.column
        if col and not col.blocks:   # a 专栏 line with nothing after it: not a column
            self.column = None
            self.body.columns = [c for c in self.body.columns if c is not col]
            at = next(i for i, b in enumerate(col.host) if b is col)
            col.host[at] = Para(inline.parse(col.printed, col.lines, self.findings), [], col.lines)
            self.findings.add("structure", col.lines, f"专栏 line without content before {reason} "
                              "kept as a paragraph", col.printed[:24])
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
        self.part = Part(number, self._title(title, unit.lines), unit.lines, printed=unit.text)
        self.body.parts.append(self.part)
        self._check("part", number, len(self.body.parts), unit.lines)
        self.chapter = self.section = self.appendix = None
        self.levels = []

    def _appendix(self, unit: Unit, k) -> None:
        """附件1：title (or 附件1 with the title on the next line): what follows is in it."""
        self._close_column("an appendix", unit.lines, unit.text)
        self.chapter = self.section = None
        self.levels = []
        self.appendix = Appendix(k.style, self._title(k.text, unit.lines) if k.text else [],
                                 unit.lines)
        self.body.appendices.append(self.appendix)
        same = [a for a in self.body.appendices if a.kind == k.style]
        if k.number is not None:
            self._check(k.style, k.number, len(same), unit.lines)

    def _chapter(self, unit: Unit, number: int | None, title: str | None = None) -> None:
        if self.part is None:   # chapters directly under the plan: one unprinted part
            self.part = Part(None, [], unit.lines, implicit=True)
            self.body.parts.append(self.part)
        assert self.part
        self.serials = {}
        self.appendix = None
        self.chapter = Chapter(number, self._title(title or unit.text, unit.lines), unit.lines)
        self.part.chapters.append(self.chapter)
        if number is not None:
            self._check("chapter", number, sum(len(p.chapters) for p in self.body.parts), unit.lines)
        self.section = None
        self.levels = []

    def _section(self, unit: Unit, number: int | None, title: str) -> None:
        if self.chapter is None:
            self.appendix, self.levels = None, []   # a 节 heading needs a chapter
            self._blocks("section", unit.lines)
        assert self.chapter
        self.section = Section(number, self._title(title, unit.lines), unit.lines)
        self.chapter.sections.append(self.section)
        self._check(f"section in chapter {len([c for p in self.body.parts for c in p.chapters])}",
                    number, len(self.chapter.sections), unit.lines)
        self.levels = []

    def _serial(self, kind: str, k, seq: list, lines: tuple[int, ...]) -> None:
        """Check a 专栏/图 number against the computed one, in the plan's own scheme
        (专栏 3, 专栏三, 专栏 2-1); the first scheme met is the plan's."""
        self.serials[kind] = self.serials.get(kind, 0) + 1
        if k.style == "附图":
            self.findings.add("numbering", lines, "附图 numbered with the figures (图 N)", k.text)
            return
        scheme = self.body.numbering.setdefault(kind, k.style)
        if scheme != k.style:
            self.findings.add("numbering", lines, f"{kind} numbered {k.serial}, unlike the "
                              f"plan's first ({scheme}): computed in that scheme", k.serial)
        computed = self.serials[kind] if k.style == "1-1" else len(seq)
        self._check(kind, k.number, computed, lines)
        chapters = sum(len(p.chapters) for p in self.body.parts)
        if k.style == "1-1" and not k.serial.startswith(f"{chapters}"):
            self.findings.add("numbering", lines, f"{kind} {k.serial} printed in chapter "
                              f"{chapters}", k.serial)

    def _level_in_column(self, unit: Unit, k) -> bool:
        """A numbered line in an open column stays in it when its sequence starts there
        (专栏 items （1）… or 一、… sub-headings); otherwise it ends the column."""
        col = self.column
        assert col
        if any(isinstance(b, (Table, IndTable)) for b in col.blocks) or not (
                k.style in col.styles or k.number == 1):
            return False
        col.styles.add(k.style)
        if k.style == "（1）":
            self._list_item(unit, "paren", k.text, k.number)
            return True
        self.findings.add("structure", unit.lines, "numbered line inside a column kept as "
                          "printed", unit.text[:24])
        if standalone(k.text):
            col.blocks.append(Subhead(inline.parse(unit.text, unit.lines, self.findings), unit.lines))
        else:
            col.blocks.append(self._para(unit, unit.text))
        return True

    # -- numbered levels (一、 （一） （1）) -----------------------------------------
    def _container(self, style: str, lines: tuple[int, ...]) -> list:
        """Close the open levels at or below `style`; the blocks the new one joins."""
        depth = LEVEL_ORDER.index(style)
        while self.levels and LEVEL_ORDER.index(self.levels[-1].style) >= depth:
            self.levels.pop()
        return self._blocks("numbered heading", lines)

    def _numbered(self, target: list, style: str, printed: int | None, lines) -> None:
        """Check the printed number against the count of its style in its container (kept
        per container, so that a long run of numbered paragraphs stays linear)."""
        key = (id(target), style)
        count = self.counts.get(key, (target, 0))[1] + 1
        self.counts[key] = (target, count)   # the list is kept alive: its id stays unique
        self._check(f"{style} heading", printed, count, lines)

    def _level(self, unit: Unit, k) -> None:
        """A numbered line: a heading (a container) or a run-in lead (a numbered paragraph);
        in a plan without 第X章, 一、 and （一） headings are its chapters and sections."""
        if self.level_headings and standalone(k.text) and k.style in ("一、", "（一）") \
                and (k.style == "一、" or self.chapter is not None):
            kind = "chapter" if k.style == "一、" else "section"
            self.body.headings.append((unit.lines[0], kind, k.number, tidy_title(k.text, (), Findings())))
            getattr(self, f"_{kind}")(unit, k.number, k.text)
            return
        target = self._container(k.style, unit.lines)
        if standalone(k.text):
            level = Level(k.style, self._title(k.text, unit.lines), unit.lines)
            target.append(level)
            self.levels.append(level)
        else:
            para = self._para(unit, k.text)
            para.numbering = k.style
            target.append(para)
        self._numbered(target, k.style, k.number, unit.lines)

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
            block: IndTable | Table = IndTable(indicators.convert(rows, ncols, self.registry,
                                                                 self.findings))
        else:
            block = Table(tables.parse(chunk, self.findings))
        lines = tuple(line.no for line in chunk.lines)
        if self.caption is not None:
            unit, k = self.caption
            self.caption = None
            block.caption = self._title(k.text, unit.lines)
            self.body.numbering["table"] = "1"
            self._check("table", k.number, len(self.body.tables) + 1, unit.lines)
        self.body.tables.append(block)
        (self.column.blocks if self.column else self._blocks("table", lines)).append(block)

    def _flush_caption(self) -> None:
        """A 表 N line not followed by a table is a paragraph after all."""
        if self.caption is not None:
            unit, _ = self.caption
            self.caption = None
            self.findings.add("structure", unit.lines, "表 N line without a table after it "
                              "kept as a paragraph", unit.text[:24])
            self._blocks("paragraph", unit.lines).append(self._para(unit, unit.text))

    def _list_item(self, unit: Unit, kind: str, text: str, number: int | None) -> None:
        target = self.column.blocks if self.column else (
            self._blocks("list", unit.lines) if self.chapter or self.appendix or self.part is None
            else None)
        if target is None:
            self.findings.add("structure", unit.lines, "list item in a part introduction "
                              "kept as a paragraph", unit.text[:20])
            self.part.intro.append(self._para(unit, unit.text))  # type: ignore[union-attr]
            return
        if not (target and isinstance(target[-1], ListBlock) and target[-1].type == kind):
            target.append(ListBlock(kind))
        items = target[-1].items
        if kind != "dash" and number != len(items) + 1:
            self.findings.add("numbering", unit.lines, f"list item printed as {number}, "
                              f"computed {len(items) + 1}", str(number))
        items.append(self._para(unit, text))

    def feed(self, item: Item) -> None:
        if isinstance(item, TableChunk):
            self._table(item)
            return
        self._flush_caption()
        k = classify(item.text)
        if k.kind == "level" and self.column and self._level_in_column(item, k):
            return
        app = self.appendix
        if app is not None and not app.title and not app.blocks and k.kind == "p" \
                and standalone(item.text):   # 附件1 ⏎ its title
            app.title = self._title(item.text, item.lines)
            return
        if k.kind == "appendix":
            self._appendix(item, k)
        elif k.kind == "table":
            self.caption = (item, k)
        elif k.kind == "level":
            self._close_column("a numbered heading", item.lines, item.text)
            self._level(item, k)
        elif k.kind == "enum":
            self._list_item(item, "shi", k.text, k.number)
        elif k.kind in ("part", "chapter", "section"):
            self._close_column(f"the {k.kind} heading", item.lines, item.text)
            self.body.headings.append((item.lines[0], k.kind, k.number, tidy_title(k.text, (), Findings())))
            getattr(self, f"_{k.kind}")(item, k.number, k.text)
        elif k.kind == "column":
            self._close_column("the next column", item.lines, item.text)
            host = self._blocks("column", item.lines)
            self.column = Column(k.number, self._title(k.text, item.lines), item.lines,
                                 host=host, printed=item.text)
            self.body.columns.append(self.column)
            self._serial("column", k, self.body.columns, item.lines)
            host.append(self.column)
        elif k.kind == "figure":
            self._close_column("a figure", item.lines, item.text)
            fig = Figure(k.number, self._title(k.text, item.lines), item.lines)
            self.body.figures.append(fig)
            self._serial("figure", k, self.body.figures, item.lines)
            self._blocks("figure", item.lines).append(fig)
        elif k.kind in ("dash", "decimal"):
            self._list_item(item, k.kind, k.text, k.number)
        elif self.column and self._in_column(item):
            pass
        else:
            self._close_column("section prose", item.lines, item.text)
            para = self._para(item, item.text)
            if self.chapter or self.appendix:
                self._blocks("paragraph", item.lines).append(para)
            elif self.part:
                self.part.intro.append(para)
            else:
                self.body.preamble.append(para)


def build(items: list[Item], findings: Findings, registry: indicators.Registry,
          title: str = "", toc: frozenset[str] = frozenset()) -> Body:
    builder = Builder(findings, registry, detect_scheme(items, findings, toc))
    for item in items:
        builder.feed(item)
    builder._flush_caption()
    builder._close_column("the end of the body", (), "")
    body = builder.body
    _empty_parts(body, findings)
    if not any(p.chapters for p in body.parts):   # a plan is at least one chapter
        lines = body.preamble[0].lines if body.preamble else ()
        builder.part = None
        builder._chapter(Unit(title or "正文", lines), None, title or "正文")
        assert builder.chapter
        builder.chapter.blocks += body.preamble
        body.preamble = []
        findings.add("structure", lines, "no chapter heading in the text: the body kept as "
                     "one chapter under the plan's title", title[:24])
    return body


def _empty_parts(body: Body, findings: Findings) -> None:
    """A 篇 heading with no chapter after it is not a part: its line and introduction
    go to the next part's introduction, or after the last chapter, or to the preamble."""
    kept: list[Part] = []
    waiting: list = []
    for part in body.parts:
        if part.chapters:
            part.intro[:0] = waiting
            waiting = []
            kept.append(part)
            continue
        findings.add("structure", part.lines, "part heading without chapters kept as a "
                     "paragraph", part.printed[:24])
        waiting += [Para([part.printed], [], part.lines), *part.intro]
    if waiting and kept:
        last = kept[-1].chapters[-1]
        (last.sections[-1].blocks if last.sections else last.blocks).extend(waiting)
    elif waiting:
        body.preamble += waiting
    body.parts = kept


def assign_ids(body: Body, assigner) -> None:
    """Ids for parts, chapters, sections, columns and figures, in print order."""
    for part in body.parts:
        if not part.implicit:
            part.id = assigner.title("parts", plain(part.title), part.lines)
        for chapter in part.chapters:
            chapter.id = assigner.title("chapters", plain(chapter.title), chapter.lines)
            for n, section in enumerate(chapter.sections, 1):
                section.id = assigner.title("sections", plain(section.title), section.lines,
                                            f"sec-{chapter.id[3:]}-{n}")
            _table_ids(chapter.id[3:], _flat(chapter.blocks + [b for s in chapter.sections
                                                              for b in s.blocks]), assigner)
    for n, appendix in enumerate(body.appendices, 1):
        appendix.id = assigner.claim(f"app-{n:02d}", appendix.lines)
        appendix.title = appendix.title or [appendix.kind]
        _table_ids(appendix.id, _flat(appendix.blocks), assigner)
    for column in body.columns:
        column.id = assigner.title("columns", plain(column.title), column.lines)
        _table_ids(column.id.removeprefix("col-"), column.blocks, assigner, named=True)
    for figure in body.figures:
        figure.id = assigner.title("figures", plain(figure.caption), figure.lines)
    assigner.report()


def _flat(blocks: list) -> list:
    """The blocks with those of numbered headings (一、…) in place, in print order."""
    out: list = []
    for b in blocks:
        out.append(b)
        if isinstance(b, Level):
            out += _flat(b.blocks)
    return out


def _table_ids(slug: str, blocks: list, assigner, named: bool = False) -> None:
    """tbl-<holder slug> for the tables directly in `blocks` (numbered when several, or
    always outside a column): an id from the holder, never from the cells."""
    tables = [b for b in blocks if isinstance(b, Table | IndTable)]
    for n, table in enumerate(tables, 1):
        wanted = f"tbl-{slug}" if named and len(tables) == 1 else f"tbl-{slug}-{n}"
        table.id = assigner.claim(wanted)
