"""Convert, tables: a <table> to the model's rows and cells; an indicator table's
columns (its layout), its rows in the printed grid, and the statement each value cell
makes about its indicator."""

from __future__ import annotations

from lxml import etree

from . import diagnostics as dg
from . import model as m
from .convert_inline import Context, inline
from .quantity import parse as parse_quantity


def _rows(ctx: Context, parent: etree._Element | None) -> tuple[m.Row, ...]:
    if parent is None:
        return ()
    rows = []
    for tr in parent.findall("tr"):
        cells = tuple(m.Cell(inline(ctx, c), c.tag == "th", int(c.get("colspan", "1")),
                             int(c.get("rowspan", "1"))) for c in tr if c.tag in ("th", "td"))
        rows.append(m.Row(cells, ctx.loc(tr)))
    return tuple(rows)


def table(ctx: Context, el: etree._Element) -> m.Table:
    num = ctx.numbering.at[el]
    head = _rows(ctx, el.find("thead"))
    caption_el = el.find("caption")
    caption = inline(ctx, caption_el) if caption_el is not None else ()
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
    table = m.Table(tid, num.number, num.label, caption, head, body,
                    el.tag == "indicator-table", layout, ctx.column, ctx.chapter, ctx.loc(el),
                    tuple(el.get("former", "").split()), numbered=ctx.numbering.scheme.table == "1")
    ctx.tables.append(table)
    return table


def _layout(ctx: Context, el: etree._Element) -> tuple[m.ColSpec, ...]:
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


def _indicator_label(ctx: Context, ind: str, with_unit: bool = True) -> tuple[m.Inline, ...]:
    """name（unit） from the definition; the name alone where a unit column prints the unit."""
    el = ctx.indicators.get(ind)
    if el is None:
        return (m.Text(ind),)
    saved, ctx.src = ctx.src, ctx.sources.indicators
    name = inline(ctx, el.find("name"))
    ctx.src = saved
    unit = el.get("unit")
    return name + ((m.Text(f"（{unit}）"),) if unit and with_unit else ())


def _indicator_body(ctx: Context, el: etree._Element, stated: list, n_head: int):
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
            label = inline(ctx, label_el) if label_el is not None else \
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
                    cells.append(m.Cell((m.Text(printed_seq),), quantity=parse_quantity(printed_seq)))
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
                    content = inline(ctx, v)
                    quantity = parse_quantity(m.plain(content))
                    if quantity.kind == "empty":  # a blank cell states nothing: plans print none as -
                        line, c = ctx.src.locate(v)
                        ctx.diags.append(dg.make("PD122", ctx.src.display, line, c,
                                                 f"指标 {ind} 的 {spec.year or ''} {spec.role} 单元格是空的",
                                                 "填上数值；确实没有数值时写 -。", indicator=ind))
                        cells.append(m.Cell(content, False, span, 1, quantity=quantity))
                        continue
                    stated.append((ind, spec, quantity, ctx.loc(v), n_head + len(body), len(cells)))
                    cells.append(m.Cell(content, False, span, 1, spec.role, ind, spec.year,
                                        spec.from_year, quantity))
            body.append(m.Row(tuple(cells), ctx.loc(row), ind, m.plain(label), printed_seq,
                              group.get("category")))
    return layout, tuple(body)


def _name_cells(ctx: Context, row: etree._Element, label: tuple, parents: list | None,
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
    name = inline(ctx, printed) if printed is not None else _indicator_label(ctx, parent)
    return [m.Cell(name, True, 1, run), m.Cell(label, True)]


def _unprinted_parent_label(ctx: Context, row: etree._Element) -> None:
    """PD213 for a <parent-label> on a row where no parent cell starts."""
    printed = row.find("parent-label")
    if printed is not None:
        line, c = ctx.src.locate(printed)
        ctx.diags.append(dg.make("PD213", ctx.src.display, line, c,
                                 f"指标 {row.get('ind', '')} 这一行不开始上级指标单元格，<parent-label> 不会印出"))
