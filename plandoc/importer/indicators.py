"""Indicator tables (主要指标): printed header, column layout, groups, rows, definitions.

Role: recognise a table whose header names 指标 and a year, a 属性 or a 类别 column (with
or without 类别, 序号, a 单位 column, 年均增长 or [累计] columns, one or two header rows),
and turn it into
an ``IndicatorTable`` (header grid, layout of column kinds, groups of rows with one
value per value column) while defining each indicator once in the ``Registry``.
Column roles come from the printed header: a lone year column before the others is the
base; a year under 规划目标 (or a later lone year) is a target; under 实现情况 an actual;
年均增速/累计 columns are rates to the year beside them, from the base year.
Two name columns mean parent and sub-indicator (城镇化率 | 常住人口城镇化率（%）).
Repairs, each a finding: rows shifted left by extraction are realigned from the right;
a category repeated after a page break continues its group; a text value followed by
empty value cells spans them (完成省定目标). The same indicator in two tables is one
definition: the mapping's labels, or else the same name and unit, decide.
Guarantee: every printed cell is kept, as a value, a label, a name or a category.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import tables
from .ids import IdMap, IndSpec, norm
from .report import Findings

_UNIT = re.compile(r"^(.*?)\s*[（(]\s*([^（()）]+?)\s*[)）]\s*$")
NATURES = ("预期性", "约束性")


@dataclass
class Indicator:
    slug: str
    name: str
    unit: str | None
    category: str = ""
    nature: str = ""
    parent: str = ""
    basis: str = ""


@dataclass
class IndRow:
    slug: str
    label: str | None
    values: list[tuple[str, int]]   # (text, colspan)
    line: int
    parent_label: str | None = None   # the parent's cell as printed, where it differs


@dataclass
class IndicatorTable:
    head: list[list[tables.Cell]]
    layout: list[tuple[str, str, str, str]]   # (kind, role, year, from)
    groups: list[tuple[str, list[IndRow]]] = field(default_factory=list)
    lines: tuple[int, ...] = ()


def split_unit(label: str) -> tuple[str, str | None]:
    m = _UNIT.match(label)
    return (m.group(1), m.group(2)) if m else (label.strip(), None)


def rendered(ind: Indicator) -> str:
    return ind.name + (f"（{ind.unit}）" if ind.unit else "")


class Registry:
    """Indicator definitions in order of first appearance."""

    def __init__(self, idmap: IdMap, findings: Findings):
        self.idmap, self.findings = idmap, findings
        self.items: dict[str, Indicator] = {}
        self.fallback = 0

    def _spec(self, label: str, parent: str) -> IndSpec | None:
        key = norm(label)
        for spec in self.idmap.indicators:
            if key in spec.labels and (not spec.parent or spec.parent == parent):
                return spec
        return None

    def resolve(self, label: str, parent: str, category: str, line: int,
                unit_cell: str | None = None) -> Indicator:
        name, unit = split_unit(label)
        if unit_cell and unit is None:   # a 单位 column: the name is printed without it
            name, unit = label.strip(), unit_cell
        if unit is None and parent and parent in self.items:
            unit = self.items[parent].unit
        spec = self._spec(label, parent)
        if spec:
            slug, name = spec.slug, spec.name or name
            unit = spec.unit if spec.unit is not None else unit
        else:
            same = [i for i in self.items.values()
                    if norm(i.name) == norm(name) and i.unit == unit
                    and (not parent or not i.parent or i.parent == parent)]
            if same:
                slug = same[0].slug
            else:
                self.fallback += 1
                slug = f"ind-{self.fallback:02d}"
                self.findings.add("ids", line, f"indicator {label!r} not in the mapping: "
                                  f"id {slug}", label)
        if slug in self.items:
            ind = self.items[slug]
            self.findings.add("indicator", line, f"{label!r} states facts about {slug} "
                              "defined earlier", rendered(ind))
        else:
            ind = Indicator(slug, name, unit or None, category, "", parent,
                            spec.basis if spec else "")
            self.items[slug] = ind
        ind.category = ind.category or category
        return ind


def is_indicator_table(rows: list[tables.Row]) -> bool:
    """A header row naming 指标 in one of its first three cells, and 类别, 属性 or a year."""
    first = [c.strip() for c in rows[0].cells] if rows else []
    if not first or not any("指标" in c and "属性" not in c for c in first[:3]):
        return False
    return first[0] == "类别" or any("属性" in c or re.search(r"20\d\d", c) for c in first)


def _layout(head: list[list[tables.Cell]], ncols: int) -> list[tuple[str, str, str, str]]:
    out: list[tuple[str, str, str, str]] = []
    base_year, last_year = "", ""
    for c in range(ncols):
        leaf = head[-1][c].text
        group = head[0][c].text if head[0][c] is not head[-1][c] else ""
        year = m.group(1) if (m := re.search(r"(\d{4})\s*年", leaf)) else ""
        if "类别" in leaf:
            out.append(("category", "", "", ""))
        elif "序号" in leaf:
            out.append(("seq", "", "", ""))
        elif "属性" in leaf:
            out.append(("nature", "", "", ""))
        elif "指标" in leaf:
            out.append(("name", "", "", ""))
        elif leaf.strip() in ("单位", "计量单位"):
            out.append(("unit", "", "", ""))
        elif any(w in leaf for w in ("增速", "累计", "增长", "增幅")):
            role = "actual-rate" if "实现" in group else "rate"
            out.append(("value", role, year or last_year, base_year))
        else:
            if "实现" in group:
                role = "actual"
            elif "目标" in group or "规划" in group or base_year:
                role = "target"
            else:
                role, base_year = "base", year
            last_year = year or last_year
            out.append(("value", role, year, ""))
    return out


def _repair(row: tables.Row, layout: list[tuple[str, str, str, str]], child_above: str | None,
            categories: set[str], findings: Findings) -> list[str]:
    """Realign a row shifted left. A lone name goes to the sub-name column when the row
    above is a sub-row with the same unit (移动宽带用户普及率 after 固定宽带家庭普及率)."""
    names = [i for i, col in enumerate(layout) if col[0] == "name"]
    tail = len(layout) - 1 - names[-1]
    kept = list(row.cells)
    while kept and kept[-1] == "":
        kept.pop()
    values, texts = kept[len(kept) - tail:], [c for c in kept[:len(kept) - tail] if c]
    cells = [""] * len(layout)
    cells[len(layout) - tail:] = values
    if texts and texts[0] in categories and len(texts) > 1:
        cells[0] = texts.pop(0)
    if len(texts) == len(names):
        for i, t in zip(names, texts):
            cells[i] = t
    elif len(texts) == 1:
        sub = child_above is not None and split_unit(texts[0])[1] == child_above
        cells[names[-1] if sub and len(names) > 1 else names[0]] = texts[0]
    else:
        findings.add("table-note", row.no, "shifted row with unexpected name cells", "⇥".join(row.cells))
        return tables._pad(row.cells, len(layout))
    findings.add("table-shift", row.no, "indicator row shifted left by extraction: "
                 "realigned from the right", "⇥".join(row.cells) + "  →  " + "⇥".join(cells))
    return cells


def _values(cells: list[str], layout: list[tuple[str, str, str, str]]) -> list[tuple[str, int]]:
    idx = [i for i, col in enumerate(layout) if col[0] == "value"]
    cells = cells + [""] * (len(layout) - len(cells))  # a short row: its missing cells are empty (fuzz)
    out: list[tuple[str, int]] = []
    k = 0
    while k < len(idx):
        text, span = cells[idx[k]], 1
        if text and re.search(r"[\u4e00-\u9fff]", text) and not tables.numeric(text):
            while k + span < len(idx) and not cells[idx[k + span]]:
                span += 1
        out.append((text, span))
        k += span
    return out


def convert(rows: list[tables.Row], ncols: int, registry: Registry,
            findings: Findings) -> IndicatorTable:
    n = max(1, tables.header_count(rows))
    head = tables.build_head(rows[:n], ncols)
    layout = _layout(head, ncols)
    table = IndicatorTable(head, layout, lines=tuple(r.no for r in rows))
    kinds = [col[0] for col in layout]
    names = [i for i, k in enumerate(kinds) if k == "name"]
    parent, seq = "", 0
    child_above: str | None = None   # the unit of the sub-row above, if it is one
    categories: set[str] = set()
    for row in rows[n:]:
        cells = tables._pad(row.cells, ncols)
        filled = [c for c in cells if c]
        if "category" not in kinds and len(filled) == 1 and not tables.numeric(filled[0]) \
                and cells.index(filled[0]) <= max(names[0], 1):
            table.groups.append((filled[0], []))   # 一、经济发展 across the table: a group
            continue
        if row.trailing_empty:
            cells = _repair(row, layout, child_above, categories, findings)
        if "category" in kinds and (cat := cells[kinds.index("category")]):
            if table.groups and cat == table.groups[-1][0] and row.after_break:
                findings.add("table-repeat", row.no, "category repeated after a page break: "
                             "same group", cat)
            else:
                table.groups.append((cat, []))
                categories.add(cat)
        if not table.groups:
            table.groups.append(("", []))
        category = table.groups[-1][0]
        seq += 1
        if "seq" in kinds and (printed := cells[kinds.index("seq")]) and printed != str(seq):
            findings.add("table-note", row.no, f"printed 序号 {printed}, computed {seq}", printed)
        label = cells[names[-1]]
        parent_shown = None
        if len(names) == 2:
            top = cells[names[0]]
            if top and label:
                parent_ind = registry.resolve(top, "", category, row.no)
                # a parent cell printed again below (or after a page break) is one cell
                starts = parent_ind.slug != parent or not table.groups[-1][1]
                parent = parent_ind.slug
                if starts and norm(top) != norm(rendered(parent_ind)):
                    parent_shown = top
            elif top:
                parent, label = "", top
            elif not parent:
                findings.add("table-note", row.no, "sub-row without a parent", label)
            child_above = split_unit(cells[names[1]])[1] if cells[names[1]] else None
        unit_cell = cells[kinds.index("unit")] if "unit" in kinds else None
        ind = registry.resolve(label, parent if len(names) == 2 else "", category, row.no,
                               unit_cell)
        if unit_cell is not None and unit_cell != (ind.unit or ""):
            findings.add("table-note", row.no, f"单位 {unit_cell!r} differs from the "
                         f"definition's {ind.unit!r}", unit_cell)
        if "nature" in kinds:
            nature = cells[kinds.index("nature")]
            if nature in NATURES:
                ind.nature = ind.nature or nature
            else:
                findings.add("table-note", row.no, f"属性 {nature!r} is neither 预期性 nor 约束性", nature)
        printed_as = ind.name if unit_cell is not None else rendered(ind)
        shown = None if norm(label) == norm(printed_as) else label
        table.groups[-1][1].append(IndRow(ind.slug, shown, _values(cells, layout), row.no,
                                          parent_shown))
    return table
