"""Convert: validated trees to the frozen `Plan` model.

Numbers and labels are computed from document order (第一篇…, 第一章… across parts,
第一节… per chapter, 专栏 N and 图 N through the plan); references get their target's
label from `labels`, which labels every id before conversion starts; indicator tables are laid out into plain rows and cells and their
values become statements about indicators. Files that failed to parse or validate are
skipped. The only diagnostics raised here are about shapes this stage interprets
(indicator-table layouts, figure images); cross-file rules live in `checks`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace

from lxml import etree

from . import diagnostics as dg
from . import images
from . import model as m
from . import numerals
from .labels import (Scheme, appendix_labels, labels, levels, numbered_chapters, part_elements,
                     ref_label, scheme, shape)
from .load import SourceFile, Sources, resolve_inside
from .quantity import parse as parse_quantity
from .recognise import Recogniser

IMAGE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".webp")


@dataclass
class _Context:
    """Per-conversion state: counters, the label of every id, collected statements."""

    sources: Sources
    labels: dict[str, m.Target]
    diags: list[dg.Diagnostic] = field(default_factory=list)
    statements: list[m.Statement] = field(default_factory=list)
    targets: list[m.Target] = field(default_factory=list)
    used_ids: dict[str, int] = field(default_factory=dict)
    columns: list[m.Column] = field(default_factory=list)
    figures: list[m.Figure] = field(default_factory=list)
    tables: list[m.Table] = field(default_factory=list)
    n_column: int = 0
    n_figure: int = 0
    n_table: int = 0
    src: SourceFile | None = None
    chapter: str = ""
    chapter_label: str = ""
    section: str | None = None
    column: str | None = None
    indicators: dict[str, etree._Element] = field(default_factory=dict)
    scheme: Scheme = field(default_factory=Scheme)
    n_chapter: int = 0
    k_column: int = 0
    """Columns (and figures) so far in the current chapter, for 专栏 2-1 style labels."""
    k_figure: int = 0
    depth: int = -1
    """Index in numerals.LEVELS of the level holding the current blocks (-1: 章 or 节)."""
    prefix: str = ""
    """How a reference names the current container (第三章第二节), before a level's number."""
    recogniser: Recogniser | None = None
    recognised: list[m.Recognised] = field(default_factory=list)

    def loc(self, el: etree._Element, attr: str | None = None) -> m.Loc:
        assert self.src is not None
        line, col = self.src.locate(el, attr)
        return m.Loc(self.src.display, line, col)

    def block_id(self, el: etree._Element, prefix: str, text: str) -> str:
        """The explicit id, or one derived from the text: editing a block changes only its own id."""
        explicit = el.get("id")
        if explicit:
            return explicit
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
        base = f"{prefix}-{digest}"
        n = self.used_ids.get(base, 0) + 1
        self.used_ids[base] = n
        return base if n == 1 else f"{base}-{n}"

    def target(self, el: etree._Element, kind: str, label: str, page: str) -> None:
        self.targets.append(m.Target(el.get("id", ""), kind, label, page, self.loc(el)))


# ------------------------------------------------------------------ numbering pre-pass

# ------------------------------------------------------------------ inline

def _inline(ctx: _Context, el: etree._Element, facts: list[m.Fact] | None = None,
            tail: bool = False) -> tuple[m.Inline, ...]:
    """The mixed content of `el` (its text and children, not its own tail)."""
    out: list[m.Inline] = []
    if el.text:
        out.append(m.Text(el.text))
    for child in el:
        if not isinstance(child.tag, str):
            pass  # comments
        else:
            node = _inline_element(ctx, child, facts)
            if node is not None:
                out.append(node)
        if child.tail:
            out.append(m.Text(child.tail))
    return tuple(_merge_text(out))


def _title_lines(ctx: _Context, el: etree._Element) -> tuple[tuple[m.Inline, ...], ...]:
    """The inline content of a title cut at its <br/> marks (empty lines dropped)."""
    lines: list[list[m.Inline]] = [[m.Text(el.text)] if el.text else []]
    for child in el:
        if child.tag == "br":
            lines.append([])
        elif isinstance(child.tag, str):
            node = _inline_element(ctx, child, None)
            if node is not None:
                lines[-1].append(node)
        if child.tail:
            lines[-1].append(m.Text(child.tail))
    return tuple(tuple(_merge_text(line)) for line in lines if line)


def _merge_text(nodes: list[m.Inline]) -> list[m.Inline]:
    merged: list[m.Inline] = []
    for node in nodes:
        if isinstance(node, m.Text) and merged and isinstance(merged[-1], m.Text):
            merged[-1] = m.Text(merged[-1].text + node.text)
        else:
            merged.append(node)
    return merged


def _inline_element(ctx: _Context, el: etree._Element, facts: list | None) -> m.Inline | None:
    tag = el.tag
    text = "".join(el.itertext())
    if tag == "em":
        return m.Emph(_inline(ctx, el, facts))
    if tag == "sub":
        return m.Sub(text)
    if tag == "sup":
        return m.Sup(text)
    if tag == "sic":
        return m.Sic(text, el.get("corr", ""))
    if tag == "ref":
        to = el.get("to", "")
        target = ctx.labels.get(to)
        return m.Ref(to, target.label if target else "", target.kind if target else "",
                     target.page if target else "", ctx.loc(el, "to"))
    if tag == "fact":
        from_year = el.get("from")
        quantity = parse_quantity(text)
        if el.get("cumulative") == "true":
            quantity = replace(quantity, cumulative=True)
        fact = m.Fact(el.get("ind", ""), int(el.get("year", "0")), el.get("role", ""),
                      int(from_year) if from_year else None, quantity, ctx.loc(el))
        if facts is not None:
            facts.append(fact)
        return fact
    if tag == "sum":
        return m.Sum(_inline(ctx, el, facts), el.get("exhaustive", "true") == "true", ctx.loc(el))
    if tag == "count":
        return m.Count(_inline(ctx, el, facts), el.get("exhaustive", "true") == "true", ctx.loc(el))
    if tag == "total":
        return m.Total(parse_quantity(text), ctx.loc(el))
    if tag == "term":
        return m.Term(parse_quantity(text), ctx.loc(el))
    if tag == "num":
        return m.Num(parse_quantity(text), ctx.loc(el))
    if tag == "member":
        return m.Member(_inline(ctx, el, facts))
    return m.Text(text)


def _lead_and_content(ctx: _Context, el: etree._Element, facts: list[m.Fact],
                      skip: str = "lead") -> tuple[tuple[m.Inline, ...], tuple[m.Inline, ...]]:
    """Split `<p><lead>…</lead>rest</p>` (or `<entry><name>…</name>rest`) into two parts."""
    first = el.find(skip)
    if first is None:
        return (), _inline(ctx, el, facts)
    lead = _inline(ctx, first, facts)
    rest: list[m.Inline] = []
    if el.text and el.text.strip():
        rest.append(m.Text(el.text))
    if first.tail:
        rest.append(m.Text(first.tail))
    for child in el:
        if child is first or child.tag == skip:
            continue
        if isinstance(child.tag, str):
            node = _inline_element(ctx, child, facts)
            if node is not None:
                rest.append(node)
        if child.tail:
            rest.append(m.Text(child.tail))
    return lead, tuple(_merge_text(rest))


def _register(ctx: _Context, facts: list[m.Fact], block: str,
              el: etree._Element | None = None) -> None:
    for f in facts:
        ctx.statements.append(m.Statement(f.ind, f.year, f.role, f.from_year, f.quantity,
                                          "prose", block, ctx.column, ctx.chapter, f.loc))
    if el is not None and ctx.recogniser is not None:  # then what the prose says unmarked
        scan = ctx.recogniser.scan(el)
        statements, nodes = ctx.recogniser.model(scan, ctx.src, el, block, ctx.column, ctx.chapter)
        ctx.statements += statements
        ctx.recognised += nodes


# ------------------------------------------------------------------ blocks

def _paragraph(ctx: _Context, el: etree._Element, prefix: str = "p",
               level: tuple[str, int, str] | None = None) -> m.Paragraph:
    facts: list[m.Fact] = []
    lead, content = _lead_and_content(ctx, el, facts)
    pid = ctx.block_id(el, prefix, m.id_text(lead + content))
    _register(ctx, facts, pid, el)
    style, number, label = level if level else ("", 0, "")
    return m.Paragraph(pid, lead, content, ctx.loc(el), label, number, style)


def _subsection(ctx: _Context, el: etree._Element, level: tuple[str, int, str]) -> m.Subsection:
    """A numbered heading and its blocks; the levels inside it count afresh."""
    style, number, label = level
    title = _inline(ctx, el.find("title"))
    sid = ctx.block_id(el, "ss", m.id_text(title))
    saved = ctx.depth, ctx.prefix
    ctx.target(el, "subsection", ref_label(ctx.prefix, label), ctx.chapter)
    ctx.depth, ctx.prefix = numerals.LEVELS.index(style), ref_label(ctx.prefix, label)
    blocks = _blocks(ctx, [c for c in el if c.tag != "title"])
    ctx.depth, ctx.prefix = saved
    return m.Subsection(sid, number, label, style, title, blocks, ctx.loc(el))


def _subhead(ctx: _Context, el: etree._Element) -> m.Subhead:
    facts: list[m.Fact] = []
    content = _inline(ctx, el, facts)
    sid = ctx.block_id(el, "sh", m.id_text(content))
    _register(ctx, facts, sid, el)
    return m.Subhead(sid, content, ctx.loc(el))


_MARKERS = {"decimal": lambda n: f"{n}.", "shi": lambda n: f"{numerals.to_cn(n)}是",
            "paren": lambda n: f"（{n}）"}


def _list(ctx: _Context, el: etree._Element) -> m.ListBlock:
    kind = el.get("type", "dash")
    items = []
    for n, it in enumerate(el.findall("item"), 1):
        facts: list[m.Fact] = []
        lead, content = _lead_and_content(ctx, it, facts)
        iid = ctx.block_id(it, "li", m.id_text(lead + content))
        _register(ctx, facts, iid, it)
        if it.get("id"):
            ctx.target(it, "block", ctx.chapter_label, ctx.chapter)
        items.append(m.Item(iid, _MARKERS[kind](n) if kind in _MARKERS else "——", lead, content,
                            ctx.loc(it)))
    lid = ctx.block_id(el, "ls", "".join(i.id for i in items))
    return m.ListBlock(lid, kind, tuple(items), ctx.loc(el))


def _entry(ctx: _Context, el: etree._Element) -> m.Entry:
    facts: list[m.Fact] = []
    name, content = _lead_and_content(ctx, el, facts, skip="name")
    eid = ctx.block_id(el, "en", m.id_text(name + content))
    _register(ctx, facts, eid, el)
    return m.Entry(eid, name, content, ctx.loc(el))


def _rows(ctx: _Context, parent: etree._Element | None) -> tuple[m.Row, ...]:
    if parent is None:
        return ()
    rows = []
    for tr in parent.findall("tr"):
        cells = tuple(m.Cell(_inline(ctx, c), c.tag == "th", int(c.get("colspan", "1")),
                             int(c.get("rowspan", "1"))) for c in tr if c.tag in ("th", "td"))
        rows.append(m.Row(cells, ctx.loc(tr)))
    return tuple(rows)


def _table(ctx: _Context, el: etree._Element) -> m.Table:
    ctx.n_table += 1
    head = _rows(ctx, el.find("thead"))
    caption_el = el.find("caption")
    caption = _inline(ctx, caption_el) if caption_el is not None else ()
    stated: list[tuple[str, m.ColSpec, m.Quantity, m.Loc, int, int]] = []
    if el.tag == "indicator-table":
        layout, body = _indicator_body(ctx, el, stated, len(head))
    else:
        layout, body = (), _rows(ctx, el.find("tbody"))
    text = "".join(m.id_text(c.content) for r in head + body for c in r.cells)
    tid = ctx.block_id(el, "tbl", text)
    for ind, spec, quantity, loc, row, cell in stated:
        ctx.statements.append(m.Statement(ind, spec.year, spec.role or "", spec.from_year,
                                          quantity, "table", tid, ctx.column, ctx.chapter, loc,
                                          row, cell))
    table = m.Table(tid, ctx.n_table, f"表 {ctx.n_table}", caption, head, body,
                    el.tag == "indicator-table", layout, ctx.column, ctx.chapter, ctx.loc(el),
                    tuple(el.get("former", "").split()), numbered=ctx.scheme.table == "1")
    ctx.tables.append(table)
    return table


def _layout(ctx: _Context, el: etree._Element) -> tuple[m.ColSpec, ...]:
    specs = []
    for col in el.iterfind("layout/col"):
        kind, role, year, frm = col.get("kind"), col.get("role"), col.get("year"), col.get("from")
        if (kind == "value") != bool(role and year) or (kind != "value" and (role or year or frm)):
            line, c = ctx.src.locate(col)
            ctx.diags.append(dg.make("PD211", ctx.src.display, line, c,
                                     f"列声明不完整或不一致：kind={kind} role={role} year={year}"))
        specs.append(m.ColSpec(kind, role, int(year) if year else None, int(frm) if frm else None))
    return tuple(specs)


def _printed_width(thead: etree._Element | None) -> int:
    """Columns of the printed header: its first row's colspans plus what spans into it."""
    if thead is None:
        return 0
    rows = thead.findall("tr")
    if not rows:
        return 0
    return sum(int(c.get("colspan", "1")) for c in rows[0] if c.tag in ("th", "td"))


def _indicator_label(ctx: _Context, ind: str, with_unit: bool = True) -> tuple[m.Inline, ...]:
    """name（unit） from the definition; the name alone where a unit column prints the unit."""
    el = ctx.indicators.get(ind)
    if el is None:
        return (m.Text(ind),)
    saved, ctx.src = ctx.src, ctx.sources.indicators
    name = _inline(ctx, el.find("name"))
    ctx.src = saved
    unit = el.get("unit")
    return name + ((m.Text(f"（{unit}）"),) if unit and with_unit else ())


def _indicator_body(ctx: _Context, el: etree._Element, stated: list, n_head: int):
    layout = _layout(ctx, el)
    values = [c for c in layout if c.kind == "value"]
    groups = el.findall("group")
    # The name column is printed two cells wide (parent | sub-indicator) exactly when the
    # printed header is one column wider than the layout; the same indicator may be a
    # sub-row in one table and a plain row in another.
    two_level = _printed_width(el.find("thead")) == len(layout) + 1
    unit_column = any(s.kind == "unit" for s in layout)
    body: list[m.Row] = []
    seq = 0
    across = len(layout) + (1 if two_level else 0)
    for group in groups:
        rows = group.findall("row")
        if group.get("category") and not any(s.kind == "category" for s in layout):
            body.append(m.Row((m.Cell((m.Text(group.get("category")),), True, across),),
                              ctx.loc(group)))   # no 类别 column: a row across the table
        parents = [ctx.indicators[r.get("ind")].get("parent") if r.get("ind") in ctx.indicators
                   else None for r in rows]
        for i, row in enumerate(rows):
            seq += 1
            ind = row.get("ind", "")
            label_el = row.find("label")
            label = _inline(ctx, label_el) if label_el is not None else \
                _indicator_label(ctx, ind, not unit_column)
            vs = row.findall("v")
            width = sum(int(v.get("colspan", "1")) for v in vs)
            if width != len(values):
                line, c = ctx.src.locate(row)
                ctx.diags.append(dg.make("PD210", ctx.src.display, line, c,
                                         f"指标 {ind} 这一行有 {width} 个数值单元格，layout 声明了 {len(values)} 个"))
            if not any(s.kind == "name" for s in layout):
                _unprinted_parent_label(ctx, row)  # no name column to print it in
            cells: list[m.Cell] = []
            v_iter = iter(vs)
            skip = 0
            printed_seq = None
            for spec in layout:
                if spec.kind == "category":
                    if i == 0:
                        cells.append(m.Cell((m.Text(group.get("category", "")),), True, 1, len(rows)))
                elif spec.kind == "seq":
                    printed_seq = str(seq)
                    cells.append(m.Cell((m.Text(printed_seq),)))
                elif spec.kind == "name":
                    cells += _name_cells(ctx, row, label, parents if two_level else None, i)
                elif spec.kind in ("nature", "unit"):
                    ind_el = ctx.indicators.get(ind)
                    text = ind_el.get(spec.kind, "") if ind_el is not None else ""
                    if spec.kind == "unit" and ind_el is not None and not text:
                        line, c = ctx.src.locate(row)
                        ctx.diags.append(dg.make("PD240", ctx.src.display, line, c,
                                                 f"单位列中指标 {ind} 没有定义单位，印出空白"))
                    cells.append(m.Cell((m.Text(text),) if text else ()))
                elif skip:
                    skip -= 1
                else:
                    v = next(v_iter, None)
                    if v is None:
                        cells.append(m.Cell(()))
                        continue
                    span = int(v.get("colspan", "1"))
                    skip = span - 1
                    content = _inline(ctx, v)
                    quantity = parse_quantity(m.plain(content))
                    if quantity.kind == "empty":  # a blank cell states nothing: plans print none as -
                        line, c = ctx.src.locate(v)
                        ctx.diags.append(dg.make("PD122", ctx.src.display, line, c,
                                                 f"指标 {ind} 的 {spec.year or ''} {spec.role} 单元格是空的",
                                                 "填上数值；确实没有数值时写 -。", indicator=ind))
                        cells.append(m.Cell(content, False, span, 1))
                        continue
                    stated.append((ind, spec, quantity, ctx.loc(v), n_head + len(body), len(cells)))
                    cells.append(m.Cell(content, False, span, 1, spec.role, ind, spec.year,
                                        spec.from_year))
            body.append(m.Row(tuple(cells), ctx.loc(row), ind, m.plain(label), printed_seq,
                              group.get("category")))
    return layout, tuple(body)


def _name_cells(ctx: _Context, row: etree._Element, label: tuple, parents: list | None,
                i: int) -> list[m.Cell]:
    """The name cells of row i: one, or (two-level tables) the parent's cell where its
    sub-rows start, spanning them, printed as <parent-label> or from its definition."""
    parent = parents[i] if parents else None
    starts = parent is not None and (i == 0 or parents[i - 1] != parent)
    if not starts:
        _unprinted_parent_label(ctx, row)
    printed = row.find("parent-label")
    if parents is None:
        return [m.Cell(label, True)]
    if parent is None:
        return [m.Cell(label, True, 2)]
    if not starts:
        return [m.Cell(label, True)]
    run = 1
    while i + run < len(parents) and parents[i + run] == parent:
        run += 1
    name = _inline(ctx, printed) if printed is not None else _indicator_label(ctx, parent)
    return [m.Cell(name, True, 1, run), m.Cell(label, True)]


def _unprinted_parent_label(ctx: _Context, row: etree._Element) -> None:
    """PD213 for a <parent-label> on a row where no parent cell starts."""
    printed = row.find("parent-label")
    if printed is not None:
        line, c = ctx.src.locate(printed)
        ctx.diags.append(dg.make("PD213", ctx.src.display, line, c,
                                 f"指标 {row.get('ind', '')} 这一行不开始上级指标单元格，<parent-label> 不会印出"))


def _figure(ctx: _Context, el: etree._Element) -> m.Figure:
    ctx.n_figure += 1
    ctx.k_figure += 1
    fid = el.get("id", "")
    src = el.get("src")
    image = None
    if src is not None:
        path = resolve_inside(ctx.sources.root, src)
        if path is None:
            line, c = ctx.src.locate(el, "src")
            ctx.diags.append(dg.make("PD221", ctx.src.display, line, c, f"图片路径离开了规划目录：{src}"))
        elif path.is_file():
            image = src
    else:
        for suffix in IMAGE_SUFFIXES:
            rel = f"figures/{fid}{suffix}"
            path = resolve_inside(ctx.sources.root, rel)
            if path is not None and path.is_file():
                image = rel
                break
    label = numerals.figure_label(ctx.n_figure, ctx.scheme.figure, ctx.n_chapter, ctx.k_figure)
    if image is None and not (src is not None and resolve_inside(ctx.sources.root, src) is None):
        line, c = ctx.src.locate(el)
        wanted = src or f"figures/{fid}.png"
        ctx.diags.append(dg.make("PD220", ctx.src.display, line, c,
                                 f"{label} 缺少图片：{wanted}",
                                 f"把图片放到规划目录下的 {wanted}（也可用 .svg/.jpg）；图件确实另行印发时，"
                                 "记为已接受，公开输出只印图题和“（图件另行印发）”。"))
    if image is not None:
        line, c = ctx.src.locate(el)
        ctx.diags += images.check(ctx.sources.root / image, image, ctx.src.display, line, c)
    caption = _inline(ctx, el.find("caption"))
    alt_el = el.find("alt")
    alt = alt_el.text or "" if alt_el is not None else m.plain(caption)
    fig = m.Figure(fid, ctx.n_figure, label, caption, alt, src, image, ctx.column, ctx.chapter,
                   ctx.loc(el))
    ctx.target(el, "figure", label, ctx.chapter)
    ctx.figures.append(fig)
    return fig


def _column(ctx: _Context, el: etree._Element) -> m.Column:
    ctx.n_column += 1
    ctx.k_column += 1
    number, cid = ctx.n_column, el.get("id", "")
    label = numerals.column_label(number, ctx.scheme.column, ctx.n_chapter, ctx.k_column)
    ctx.target(el, "column", label, ctx.chapter)
    ctx.column = cid
    blocks = _blocks(ctx, [c for c in el if c.tag != "title"])
    ctx.column = None
    col = m.Column(cid, number, label, _inline(ctx, el.find("title")), blocks, ctx.chapter,
                   ctx.section, ctx.loc(el))
    ctx.columns.append(col)
    return col


_BLOCKS = {"p": _paragraph, "subhead": _subhead, "list": _list, "entry": _entry, "table": _table,
           "indicator-table": _table, "figure": _figure, "column": _column,
           "subsection": _subsection}


def _blocks(ctx: _Context, elements) -> tuple[m.Block, ...]:
    out = []
    elements = [el for el in elements if isinstance(el.tag, str)]
    for el, level in zip(elements, levels(elements, ctx.depth)):
        build = _BLOCKS.get(el.tag)
        if build is None:
            continue
        if el.tag == "subsection":
            out.append(_subsection(ctx, el, level))
            continue
        block = _paragraph(ctx, el, level=level) if level else build(ctx, el)
        if el.get("id") and el.tag not in ("figure", "column"):
            if isinstance(block, m.Table):
                ctx.target(el, "table", block.label, ctx.chapter)
            elif level:
                ctx.target(el, "block", ref_label(ctx.prefix, level[2]), ctx.chapter)
            else:
                ctx.target(el, "block", ctx.chapter_label, ctx.chapter)
        out.append(block)
    return tuple(out)


# ------------------------------------------------------------------ structure

def _chapter(ctx: _Context, src: SourceFile, number: int, part: str) -> m.Chapter:
    ctx.src = src
    el = src.tree.getroot()
    cid = el.get("id", "")
    ctx.chapter, ctx.section = cid, None
    if ctx.recogniser is not None:
        ctx.recogniser.chapter()
    ctx.n_chapter, ctx.k_column, ctx.k_figure = number, 0, 0
    label = numerals.chapter_label(number, ctx.scheme.chapter)
    ctx.chapter_label = label
    ctx.target(el, "chapter", label, cid)
    ctx.depth, ctx.prefix = ctx.scheme.depth(False), label
    intro = _blocks(ctx, [c for c in el if c.tag not in ("title", "section")])
    sections = []
    for n, sec in enumerate(el.findall("section"), 1):
        ctx.section = sec.get("id", "")
        sec_label = numerals.section_label(n, ctx.scheme.section)
        ctx.target(sec, "section", label + sec_label, cid)
        ctx.depth, ctx.prefix = ctx.scheme.depth(True), label + sec_label
        blocks = _blocks(ctx, [c for c in sec if c.tag != "title"])
        sections.append(m.Section(sec.get("id", ""), n, sec_label,
                                  _inline(ctx, sec.find("title")), blocks, ctx.loc(sec),
                                  tuple(sec.get("former", "").split())))
    ctx.section, ctx.depth, ctx.prefix = None, -1, ""
    return m.Chapter(cid, number, label, _inline(ctx, el.find("title")), part, src.rel, intro,
                     tuple(sections), ctx.loc(el))


def _broken_chapter(ctx: _Context, src: SourceFile, number: int) -> None:
    """A chapter that failed to parse or validate is left out of the model, but what it
    most likely holds still counts: the columns, figures and tables after it keep their
    numbers, and references to its ids still resolve."""
    root = shape(src)
    if root is None:
        return
    ctx.src, label = src, numerals.chapter_label(number, ctx.scheme.chapter)
    ctx.n_chapter, ctx.k_column, ctx.k_figure = number, 0, 0
    ctx.target(root, "chapter", label, root.get("id", ""))
    for n, sec in enumerate(root.findall("section"), 1):
        ctx.target(sec, "section", label + numerals.section_label(n, ctx.scheme.section),
                   root.get("id", ""))
    for el in root.iter("column", "figure", "table", "indicator-table"):
        if el.tag == "column":
            ctx.n_column += 1
            ctx.k_column += 1
            ctx.target(el, "column", numerals.column_label(ctx.n_column, ctx.scheme.column, number,
                                                           ctx.k_column), root.get("id", ""))
        elif el.tag == "figure":
            ctx.n_figure += 1
            ctx.k_figure += 1
            ctx.target(el, "figure", numerals.figure_label(ctx.n_figure, ctx.scheme.figure, number,
                                                           ctx.k_figure), root.get("id", ""))
        else:
            ctx.n_table += 1


def _date(ctx: _Context, el: etree._Element, attr: str) -> str | None:
    """A YYYY-MM-DD attribute that is a real calendar date; PD112 otherwise."""
    value = el.get(attr)
    if value is None:
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        line, col = ctx.src.locate(el, attr)
        ctx.diags.append(dg.make("PD112", ctx.src.display, line, col, f"日期不存在：{value}"))
        return None
    return value


def _meta(root: etree._Element) -> m.Meta:
    meta = root.find("meta")
    approved = meta.find("approved")
    period = meta.find("period")
    vision = period.get("vision")
    frm, to = int(period.get("from")), int(period.get("to"))
    short = meta.findtext("short-title")
    title_el = meta.find("title")
    title = "".join(title_el.itertext())
    lines = [title_el.text or ""] + [br.tail or "" for br in title_el.findall("br")]
    return m.Meta(
        id=root.get("id", ""), title=title, short_title=short or title,
        title_lines=tuple(line for line in lines if line),
        issuer=meta.findtext("issuer", ""), docno=meta.findtext("docno"),
        approved=approved.text if approved is not None else None,
        approved_date=approved.get("date") if approved is not None else None,
        approved_by=approved.get("by") if approved is not None else None,
        period_from=frm, period_to=to, vision=int(vision) if vision else None,
        period_label=f"{frm}—{to}年",
        vision_label=f"{numerals.year_cn(vision)}年" if vision else None,
        numbering=scheme(root).pairs())


def _indicators(ctx: _Context) -> tuple[m.Indicator, ...]:
    src = ctx.sources.indicators
    if src is None or src.tree is None:
        return ()
    ctx.src = src
    by_ind: dict[str, list[m.Statement]] = defaultdict(list)
    for s in ctx.statements:
        by_ind[s.indicator].append(s)
    out = []
    for el in src.tree.getroot().findall("indicator"):
        iid = el.get("id", "")
        ctx.target(el, "indicator", m.plain(_inline(ctx, el.find("name"))), "indicators")
        out.append(m.Indicator(iid, _inline(ctx, el.find("name")), el.get("unit"),
                               el.get("category"), el.get("nature"), el.get("parent"),
                               el.get("basis"), tuple(by_ind.get(iid, ())), ctx.loc(el)))
    return tuple(out)


def convert(sources: Sources) -> tuple[m.Plan | None, list[dg.Diagnostic]]:
    """Build the model from every file that parsed and validated."""
    if sources.plan is None or sources.plan.tree is None:
        return None, []
    ctx = _Context(sources, labels(sources))
    ctx.scheme = scheme(sources.plan.tree.getroot())
    if sources.indicators is not None and sources.indicators.tree is not None:
        ctx.indicators = {el.get("id"): el for el in
                          sources.indicators.tree.getroot().findall("indicator")}
    root = sources.plan.tree.getroot()
    plan_src = sources.plan
    ctx.recogniser = Recogniser.for_sources(sources)

    ctx.src, ctx.chapter = plan_src, "notice"
    notice = None
    nel = root.find("notice")
    if nel is not None:
        ctx.chapter_label = "通知"
        notice = m.Notice(_inline(ctx, nel.find("title")), nel.findtext("to"),
                          _blocks(ctx, nel.findall("p")),
                          nel.findtext("signature"), _date(ctx, nel, "date"), ctx.loc(nel),
                          title_lines=_title_lines(ctx, nel.find("title")))
    ctx.chapter, ctx.chapter_label = "preamble", "序言"
    preamble = _blocks(ctx, root.findall("preamble/p"))
    parts, n_chapter = [], 0
    for n_part, pel in enumerate(part_elements(root), 1):
        implicit = pel is None   # a plan without parts: one unprinted part holds its chapters
        pel = root if implicit else pel
        pid = "" if implicit else pel.get("id", "")
        ctx.src, ctx.chapter = plan_src, pid
        label = "" if implicit else numerals.part_label(n_part)
        ctx.chapter_label = label
        if not implicit:
            ctx.target(pel, "part", label, pid)
        intro = () if implicit else _blocks(ctx, pel.findall("p"))
        chapters = []
        for src in numbered_chapters(sources, n_part - 1):
            n_chapter += 1
            if src.tree is None:
                _broken_chapter(ctx, src, n_chapter)
            else:
                chapters.append(_chapter(ctx, src, n_chapter, pid))
        ctx.src = plan_src
        title = () if implicit else _inline(ctx, pel.find("title"))
        parts.append(m.Part(pid, 0 if implicit else n_part, label, title, intro,
                            tuple(chapters), ctx.loc(pel)))
    ctx.src, ctx.chapter, ctx.chapter_label = plan_src, "closing", "结束语"
    closing = _blocks(ctx, root.findall("closing/p"))
    appendices = []
    for el, number, label in appendix_labels(root):   # pages of their own: ids as chapters
        ctx.chapter, ctx.chapter_label, ctx.prefix = el.get("id", ""), label, label
        ctx.target(el, "appendix", label, ctx.chapter)
        appendices.append(m.Appendix(el.get("id", ""), el.get("kind", ""), number, label,
                                     _inline(ctx, el.find("title")),
                                     _blocks(ctx, [c for c in el if c.tag != "title"]), ctx.loc(el)))
    imprint = None
    iel = root.find("imprint")
    if iel is not None:
        printed = iel.find("printed")
        imprint = m.Imprint(tuple(line.text or "" for line in iel.iterfind("cc/line")),
                            _date(ctx, printed, "date") or "", printed.get("by", ""), ctx.loc(iel))
    meta_el = root.find("meta")
    if meta_el is not None and meta_el.find("approved") is not None:
        _date(ctx, meta_el.find("approved"), "date")
    indicators = _indicators(ctx)
    gazetteer = ()
    if sources.gazetteer is not None and sources.gazetteer.tree is not None:
        ctx.src = sources.gazetteer
        gazetteer = tuple(m.Name((el.text or "").strip(), el.get("kind", ""), ctx.loc(el))
                          for el in sources.gazetteer.tree.getroot().findall("name"))
    plan = m.Plan(meta=_meta(root), notice=notice, preamble=preamble, parts=tuple(parts),
                  closing=closing, imprint=imprint, indicators=indicators,
                  columns=tuple(ctx.columns), figures=tuple(ctx.figures),
                  tables=tuple(ctx.tables), targets=tuple(ctx.targets),
                  gazetteer=gazetteer, statements=tuple(ctx.statements), root=str(sources.root),
                  appendices=tuple(appendices), recognised=tuple(ctx.recognised))
    return plan, ctx.diags

