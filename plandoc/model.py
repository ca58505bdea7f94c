"""The plan model: frozen dataclasses that every renderer and check reads.

Built once by `convert` from validated trees; no lxml here. Every addressable node
carries its source location. Numbers and labels (第八章, 专栏 2, 图 3) are computed
once by `labels` and stored by `convert`, so renderers never count or look things up.
"""

from __future__ import annotations

import reprlib
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Union


def frozen(cls):
    """`@dataclass(frozen=True)`, its equality, hash and repr (over the fields in order,
    for instances of the same class) made as closures rather than compiled from source
    for each class: importing the model costs about 11 ms instead of 17."""
    cls = dataclass(frozen=True, eq=False, repr=False)(cls)
    names = tuple(f.name for f in fields(cls))
    get = attrgetter(*names) if len(names) > 1 else lambda obj: tuple(getattr(obj, n) for n in names)

    def __eq__(self, other):
        return get(self) == get(other) if other.__class__ is self.__class__ else NotImplemented

    def __hash__(self):
        return hash(get(self))

    @reprlib.recursive_repr()
    def __repr__(self):
        return f"{self.__class__.__qualname__}({', '.join(f'{n}={v!r}' for n, v in zip(names, get(self)))})"

    for fn in (__eq__, __hash__, __repr__):
        fn.__qualname__ = f"{cls.__qualname__}.{fn.__name__}"
        setattr(cls, fn.__name__, fn)
    return cls


@frozen
class Loc:
    file: str
    """Path as diagnostics show it."""
    line: int
    column: int = 0


def plan_relative(file: str, root: str) -> str:
    """A source path as diagnostics show it, made relative to the plan directory: what
    the outputs say must not depend on where the plan was built from."""
    prefix = root.rstrip("/") + "/"
    return file[len(prefix):] if root and file.startswith(prefix) else file


# ------------------------------------------------------------------ quantities

@frozen
class Quantity:
    """A number as printed, parsed: `≥65.53`, `[10]`, `95% 以上`, `-`, `完成省定目标`."""

    text: str
    """The printed text, unchanged."""
    kind: str
    """number | na (printed '-') | text (words only) | empty."""
    value: float | None = None
    decimals: int = 0
    """Digits after the decimal point as printed (the precision the checks allow for)."""
    comparator: str | None = None
    """None (exact), '>', '≥', '<', '≤' or '≈' (左右)."""
    cumulative: bool = False
    """Printed in brackets [x]: a cumulative change over the period, not an annual rate."""
    unit: str | None = None
    """Unit printed with the number, if any (%, 亿元, 万人…)."""


ROLE_NAMES = {"base": "基期值", "target": "目标值", "rate": "年均增速", "actual": "实现值",
              "actual-rate": "实现增速"}
"""A stated value's role in an editor's words, in the indicators page's order: read everywhere."""
RATE_ROLES = ("rate", "actual-rate")


def role_name(role: str, either: bool = False) -> str:
    """With `either`, a rate named as annual or cumulative alike: 年均增速〔累计〕."""
    return ROLE_NAMES.get(role, role) + ("〔累计〕" if either and role in RATE_ROLES else "")


# ------------------------------------------------------------------ inline

@frozen
class Text:
    text: str


@frozen
class Emph:
    children: tuple["Inline", ...]


@frozen
class Sub:
    text: str


@frozen
class Sup:
    text: str


@frozen
class Ref:
    to: str
    """Target id."""
    label: str
    """Computed label of the target (专栏 2, 第八章, 图 3); '' when the id is unknown."""
    kind: str
    """Kind of the target (part, chapter, section, column, figure, table, block); '' if unknown."""
    page: str
    """Id of the chapter (or part, or 'notice') whose page holds the target."""
    loc: Loc


@frozen
class Sic:
    text: str
    """The published reading, kept."""
    corr: str
    """The correction."""


@frozen
class Fact:
    """An indicator value stated in prose."""

    ind: str
    year: int
    role: str
    from_year: int | None
    quantity: Quantity
    loc: Loc


@frozen
class Total:
    quantity: Quantity
    loc: Loc


@frozen
class Term:
    quantity: Quantity
    loc: Loc


@frozen
class Sum:
    """A stated total and its parts."""

    children: tuple["Inline", ...]
    exhaustive: bool
    loc: Loc


@frozen
class Member:
    children: tuple["Inline", ...]


@frozen
class Num:
    quantity: Quantity
    loc: Loc


@frozen
class Count:
    """A stated count and the list it counts."""

    children: tuple["Inline", ...]
    exhaustive: bool
    loc: Loc


@frozen
class Quote:
    """A fact of the plan quoted in a companion page ({{gdp 2025 target}}): printed as the
    plan states it, linked to where it is stated."""

    ind: str
    year: int
    role: str
    quantity: Quantity
    to: str
    """Id of the table or paragraph that states the fact."""
    page: str
    """Id of the chapter whose page holds that block."""
    loc: Loc


Inline = Union[Text, Emph, Sub, Sup, Ref, Sic, Fact, Sum, Total, Term, Count, Member, Num, Quote]


def plain(inlines: tuple[Inline, ...]) -> str:
    """The printed text of inline content (published readings, no markup)."""
    out: list[str] = []
    for node in inlines:
        if isinstance(node, Text | Sub | Sup | Sic):
            out.append(node.text)
        elif isinstance(node, Ref):
            out.append(node.label or node.to)
        elif isinstance(node, Fact | Total | Term | Num | Quote):
            out.append(node.quantity.text)
        else:
            out.append(plain(node.children))
    return "".join(out)


def id_text(inlines: tuple[Inline, ...]) -> str:
    """The text a derived block id is hashed from: references count by their target id,
    not their label, so renumbering (a 专栏 inserted before) changes no paragraph's id."""
    out: list[str] = []
    for node in inlines:
        if isinstance(node, Ref):
            out.append(f"\u2329{node.to}\u232a")
        elif isinstance(node, Emph | Sum | Count | Member):
            out.append(id_text(node.children))
        else:
            out.append(plain((node,)))
    return "".join(out)


def corrected(inlines: tuple[Inline, ...]) -> str:
    """The text with every <sic> read as its correction: what the lint checks."""
    out: list[str] = []
    for node in inlines:
        if isinstance(node, Sic):
            out.append(node.corr)
        elif isinstance(node, Emph | Sum | Count | Member):
            out.append(corrected(node.children))
        else:
            out.append(plain((node,)))
    return "".join(out)


# ------------------------------------------------------------------ blocks

@frozen
class Paragraph:
    id: str
    """Explicit, or derived from the text (stable when other paragraphs change)."""
    lead: tuple[Inline, ...]
    """The opening topic sentence, printed bold; empty when there is none."""
    content: tuple[Inline, ...]
    loc: Loc
    label: str = ""
    """Computed number of a run-in numbered paragraph (（一）, 1., …); '' for a plain one."""
    number: int = 0
    style: str = ""
    """The numbered level's style (一、 （一） 1. （1）); '' for a plain paragraph."""

    @property
    def text(self) -> str:
        return plain(self.lead) + plain(self.content)


@frozen
class Subhead:
    """A sub-heading inside a column (“一核”：……), printed without a full stop."""

    id: str
    content: tuple[Inline, ...]
    loc: Loc

    @property
    def text(self) -> str:
        return plain(self.content)


@frozen
class Item:
    id: str
    marker: str
    """Computed: '——' for dash lists, '1.' '2.' … for decimal lists."""
    lead: tuple[Inline, ...]
    content: tuple[Inline, ...]
    loc: Loc

    @property
    def text(self) -> str:
        return plain(self.lead) + plain(self.content)


@frozen
class ListBlock:
    id: str
    type: str
    """dash | decimal."""
    items: tuple[Item, ...]
    loc: Loc


@frozen
class Entry:
    """A titled project entry in a column."""

    id: str
    name: tuple[Inline, ...]
    content: tuple[Inline, ...]
    loc: Loc

    @property
    def text(self) -> str:
        return plain(self.name) + plain(self.content)


@frozen
class Cell:
    content: tuple[Inline, ...]
    header: bool = False
    colspan: int = 1
    rowspan: int = 1
    fact_role: str | None = None
    """For indicator-table value cells: the role of the fact the cell states."""
    fact_indicator: str | None = None
    """For indicator-table value cells: the indicator the fact is about."""
    fact_year: int | None = None
    fact_from: int | None = None
    quantity: Quantity | None = None
    """Indicator tables: what a value cell (or a 序号) prints, parsed once by `convert`."""


@frozen
class Row:
    cells: tuple[Cell, ...]
    loc: Loc
    indicator: str | None = None
    """Indicator tables: the indicator of this row."""
    label: str = ""
    """Indicator tables: the row's printed name."""
    seq: str | None = None
    """Indicator tables: the printed 序号, if the table prints one."""
    category: str | None = None
    """Indicator tables: the category group (类别) the row stands under, printed in a
    类别 column or as a row across the table."""


@frozen
class ColSpec:
    kind: str
    """category | seq | name | value | nature."""
    role: str | None
    year: int | None
    from_year: int | None


@frozen
class Table:
    """A table; an indicator table is laid out into the same grid of rows and cells."""

    id: str
    number: int
    label: str
    """表 N (computed; plans do not print table numbers, the site's list of tables uses it)."""
    caption: tuple[Inline, ...]
    head: tuple[Row, ...]
    body: tuple[Row, ...]
    indicator: bool
    """True for an indicator table."""
    layout: tuple[ColSpec, ...]
    """Indicator tables only: what each printed column holds."""
    column: str | None
    """Id of the column (专栏) holding the table, if any."""
    chapter: str
    loc: Loc
    former: tuple[str, ...] = ()
    """Ids the table had before (kept as anchors so that published links keep working)."""
    numbered: bool = False
    """True when the plan prints table numbers (<numbering table="1">): 表 N before the caption."""


@frozen
class Figure:
    id: str
    number: int
    label: str
    caption: tuple[Inline, ...]
    alt: str
    src: str | None
    """The src attribute as written (None when not given)."""
    image: str | None
    """Path of the image relative to the plan directory, None when missing."""
    column: str | None
    chapter: str
    loc: Loc


@frozen
class Column:
    id: str
    number: int
    label: str
    title: tuple[Inline, ...]
    blocks: tuple["Block", ...]
    chapter: str
    section: str | None
    loc: Loc


@frozen
class Subsection:
    """A numbered heading on its own line (一、…, （一）…) and the blocks it holds."""

    id: str
    number: int
    label: str
    """Computed: 一、 （二） 3. （4） as the level's style prints it."""
    style: str
    """一、 | （一） | 1. | （1）."""
    title: tuple[Inline, ...]
    blocks: tuple["Block", ...]
    loc: Loc


Block = Union[Paragraph, Subhead, ListBlock, Entry, Table, Figure, Column, Subsection]


@frozen
class Recognised:
    """A count or total found in plain prose: the same node the markup would give."""

    node: Union[Count, Sum]
    confident: bool
    """False when the reading is ambiguous: its findings are notes at most."""


# ------------------------------------------------------------------ structure

@frozen
class Page:
    """A companion page written in Markdown (plan/pages/*.md): 政策解读, 编制说明, 说明."""

    id: str
    """page-<file name>."""
    title: str
    kind: str
    """解读 | 编制说明 | 说明."""
    date: str | None
    order: int
    public: bool
    """解读 and 编制说明 are published with the plan; 说明 pages are for editors only."""
    printed: bool
    """Printed as an appendix of the PDF (front matter `print = true`)."""
    file: str
    """Source file relative to the plan directory."""
    blocks: tuple["Block", ...]
    loc: Loc


@frozen
class Section:
    id: str
    number: int
    label: str
    """第二节."""
    title: tuple[Inline, ...]
    blocks: tuple[Block, ...]
    loc: Loc
    former: tuple[str, ...] = ()
    """Ids the section had before (kept as anchors so that published links keep working)."""


@frozen
class Chapter:
    id: str
    number: int
    label: str
    """第三十八章 (numbered continuously across parts)."""
    title: tuple[Inline, ...]
    part: str
    file: str
    """Source file relative to the plan directory."""
    blocks: tuple[Block, ...]
    """The chapter's introduction, before its first section."""
    sections: tuple[Section, ...]
    loc: Loc


@frozen
class Part:
    id: str
    number: int
    label: str
    title: tuple[Inline, ...]
    blocks: tuple[Block, ...]
    chapters: tuple[Chapter, ...]
    loc: Loc

    @property
    def implicit(self) -> bool:
        """True for the one unprinted part of a plan whose chapters stand directly under it."""
        return self.number == 0


@frozen
class Appendix:
    """附件, 附表 or 名词解释 after the closing words."""

    id: str
    kind: str
    number: int
    label: str
    """附件2, 附表1; the kind alone when it is the only one of its kind (附件, 名词解释)."""
    title: tuple[Inline, ...]
    blocks: tuple[Block, ...]
    loc: Loc


@frozen
class Meta:
    id: str
    title: str
    short_title: str
    issuer: str
    docno: str | None
    approved: str | None
    """The approval line as printed."""
    approved_date: str | None
    approved_by: str | None
    period_from: int
    period_to: int
    vision: int | None
    period_label: str
    """2021—2025年 style label, computed."""
    vision_label: str | None
    """二〇三五年, computed."""
    numbering: tuple[tuple[str, str], ...] = ()
    """The declared label schemes (<numbering>), sorted (key, style) pairs; defaults omitted."""
    title_lines: tuple[str, ...] = ()
    """The title cut at its <br/> marks (one line when it has none)."""


@frozen
class Notice:
    title: tuple[Inline, ...]
    to: str | None
    blocks: tuple[Paragraph, ...]
    signature: str | None
    date: str | None
    loc: Loc
    title_lines: tuple[tuple[Inline, ...], ...] = ()
    """The title cut at its <br/> marks (one line when it has none)."""


@frozen
class Imprint:
    cc: tuple[str, ...]
    printed_date: str
    printed_by: str
    loc: Loc


@frozen
class Statement:
    """One fact about an indicator, wherever it is stated."""

    indicator: str
    year: int | None
    role: str
    from_year: int | None
    quantity: Quantity
    source: str
    """table | prose."""
    block: str
    """Id of the table or paragraph that states it."""
    column: str | None
    chapter: str
    loc: Loc
    row: int | None = None
    """Table statements: index of the stating row in the table's rows (header rows included)."""
    cell: int | None = None
    """Table statements: index of the stating cell in that row."""
    origin: str = "marked"
    """marked (a <fact> or a table cell) | recognised (found in plain prose by `recognise`)."""
    confident: bool = True
    """For recognised statements: False when the binding is ambiguous (its findings are notes)."""


@frozen
class Indicator:
    id: str
    name: tuple[Inline, ...]
    unit: str | None
    category: str | None
    nature: str | None
    parent: str | None
    basis: str | None
    facts: tuple[Statement, ...]
    loc: Loc


@frozen
class Name:
    """A proper name of the plan's gazetteer."""

    text: str
    kind: str
    loc: Loc


@frozen
class Target:
    """What an id names: used to resolve references and to list every id with its place."""

    id: str
    kind: str
    label: str
    page: str
    loc: Loc


@frozen
class Plan:
    meta: Meta
    notice: Notice | None
    preamble: tuple[Paragraph, ...]
    parts: tuple[Part, ...]
    closing: tuple[Paragraph, ...]
    imprint: Imprint | None
    indicators: tuple[Indicator, ...]
    columns: tuple[Column, ...]
    """Every column in document order."""
    figures: tuple[Figure, ...]
    tables: tuple[Table, ...]
    gazetteer: tuple[Name, ...] = field(default=())
    statements: tuple[Statement, ...] = field(default=())
    """Every indicator statement in document order, including those naming unknown indicators."""
    targets: tuple[Target, ...] = field(default=())
    """Every id in document order (duplicates included, for the checks)."""
    root: str = ""
    """The plan directory as the user named it."""
    pages: tuple[Page, ...] = field(default=())
    """Companion pages (plan/pages/*.md), in their order."""
    appendices: tuple[Appendix, ...] = field(default=())
    recognised: tuple["Recognised", ...] = field(default=())
    """Counts and totals `recognise` found in plain prose (facts are in `statements`)."""

    @property
    def chapters(self) -> tuple[Chapter, ...]:
        return tuple(c for p in self.parts for c in p.chapters)
