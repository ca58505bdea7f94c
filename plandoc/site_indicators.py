"""The indicators page's view: one row per indicator with every value and where it is stated.

Reads only the model (indicator definitions, their statements, the indicator tables'
grid). An indicator's category comes from its definition, else from its parent, else
from the category group of the indicator table that states it (the model does not yet
carry that group per statement; see the report's proposed model change). Deterministic:
rows and values keep document order.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import model as m
from .site_view import SiteView

ROLES: tuple[tuple[str, str], ...] = (
    ("base", "基期值"), ("target", "目标值"), ("rate", "目标增速〔累计〕"),
    ("actual", "实现值"), ("actual-rate", "实现增速〔累计〕"))
"""Value columns of the indicators page, in order: (role, heading)."""

UNSET = "未注明"


@dataclass(frozen=True)
class Value:
    text: str
    years: str
    """2020年, or 2015—2020年 for a rate over a span."""
    href: str
    place: str
    """专栏 2 / 第四章: where the value is stated."""
    source: str
    """表 or 文: stated in a table or in prose."""


@dataclass(frozen=True)
class IndicatorRow:
    id: str
    name: tuple[m.Inline, ...]
    parent: str | None
    """The parent indicator's name, when the indicator is a sub-indicator."""
    category: str
    nature: str
    unit: str
    cells: tuple[tuple[Value, ...], ...]
    """One tuple of values per entry of ROLES."""


@dataclass(frozen=True)
class Facets:
    categories: tuple[str, ...]
    natures: tuple[str, ...]


def _years(s: m.Statement) -> str:
    if s.year is None:
        return ""
    if s.from_year is not None:
        return f"{s.from_year}—{s.year}年"
    return f"{s.year}年"


def table_categories(plan: m.Plan) -> dict[tuple[str, int], str]:
    """(table id, statement line) -> category group, for statements in indicator tables.

    The category cell opens each group and spans its rows (convert lays it out so), so
    walking the rows while counting down its rowspan recovers each row's group."""
    out: dict[tuple[str, int], str] = {}
    for t in plan.tables:
        if not (t.indicator and t.layout and t.layout[0].kind == "category"):
            continue
        current, remaining = "", 0
        lines: list[tuple[int, str]] = []
        for row in t.body:
            if remaining == 0 and row.cells and row.cells[0].header:
                current, remaining = m.plain(row.cells[0].content), row.cells[0].rowspan
            lines.append((row.loc.line, current))
            remaining = max(remaining - 1, 0)
        for s in plan.statements:
            if s.block == t.id and s.source == "table":
                cat = ""
                for line, name in lines:
                    if line <= s.loc.line:
                        cat = name
                out[(t.id, s.loc.line)] = cat
    return out


def rows(plan: m.Plan, view: SiteView) -> tuple[IndicatorRow, ...]:
    by_id = {i.id: i for i in plan.indicators}
    groups = table_categories(plan)
    out = []
    for ind in plan.indicators:
        parent = by_id.get(ind.parent) if ind.parent else None
        category = ind.category or (parent.category if parent else None)
        if not category:
            found = [groups.get((s.block, s.loc.line)) for s in ind.facts if s.source == "table"]
            category = next((c for c in found if c), None)
        nature = ind.nature or (parent.nature if parent else None)
        cells = []
        for role, _ in ROLES:
            cells.append(tuple(
                Value(s.quantity.text, _years(s), view.url(s.chapter, s.block),
                      view.place(s.chapter, s.column), "表" if s.source == "table" else "文")
                for s in ind.facts if s.role == role))
        out.append(IndicatorRow(ind.id, ind.name, m.plain(parent.name) if parent else None,
                                category or UNSET, nature or UNSET, ind.unit or "",
                                tuple(cells)))
    return tuple(out)


def facets(table: tuple[IndicatorRow, ...]) -> Facets:
    """The filter choices, in first-seen order."""
    cats = tuple(dict.fromkeys(r.category for r in table))
    natures = tuple(dict.fromkeys(r.nature for r in table))
    return Facets(cats, natures)
