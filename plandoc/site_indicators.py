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
from .cells import grid
from .site_view import SiteView

ROLES: tuple[tuple[str, str], ...] = (
    ("base", "基期值"), ("target", "目标值"), ("rate", "目标增速〔累计〕"),
    ("actual", "实现值"), ("actual-rate", "实现增速〔累计〕"))
"""Value columns of the indicators page, in order: (role, heading)."""

UNSET = "未注明"
ABSENT = "—"
"""What an absent value reads as: the plan's '-' (or an empty cell), never a link."""


@dataclass(frozen=True)
class Value:
    text: str
    years: str
    """2020年, or 2015—2020年 for a rate over a span."""
    href: str | None
    """Where the plan states it; None for an absent value (printed '-')."""
    place: str
    """专栏 2 / 第四章: where the value is stated."""
    source: str
    """表 or 文: stated in a table or in prose."""


@dataclass(frozen=True)
class Values:
    """One value column of a row: every value stated in that role."""

    role: str
    heading: str
    values: tuple[Value, ...]


@dataclass(frozen=True)
class IndicatorRow:
    id: str
    name: tuple[m.Inline, ...]
    parent: str | None
    """The parent indicator's name, when the indicator is a sub-indicator."""
    category: str
    nature: str
    unit: str
    cells: tuple[Values, ...]
    """One per entry of ROLES, in order."""


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


def table_natures(plan: m.Plan) -> dict[str, str]:
    """Indicator id -> 属性 as its indicator table prints it (预期性/约束性), for the
    indicators whose definition does not say: the first table that states one wins."""
    out: dict[str, str] = {}
    for t in plan.tables:
        col = next((i for i, spec in enumerate(t.layout) if spec.kind == "nature"), None)
        if not t.indicator or col is None:
            continue
        rows = t.head + t.body
        nature_at: list[tuple[int, str]] = []
        for r, slots in enumerate(grid(t)):
            for cell, c in (s for s in slots if s is not None):
                if c == col and r >= len(t.head):
                    nature_at.append((rows[r].loc.line, m.plain(cell.content).strip()))
        for s in plan.statements:
            if s.block == t.id and s.source == "table" and s.indicator not in out:
                found = [text for line, text in nature_at if line <= s.loc.line]
                if found and found[-1]:
                    out[s.indicator] = found[-1]
    return out


def _value(s: m.Statement, view: SiteView) -> Value:
    absent = s.quantity.kind in ("na", "empty") or not s.quantity.text.strip()
    return Value(ABSENT if absent else s.quantity.text, _years(s),
                 None if absent else view.url(s.chapter, s.block),
                 view.place(s.chapter, s.column), "表" if s.source == "table" else "文")


def rows(plan: m.Plan, view: SiteView) -> tuple[IndicatorRow, ...]:
    by_id = {i.id: i for i in plan.indicators}
    groups = table_categories(plan)
    natures = table_natures(plan)
    out = []
    for ind in plan.indicators:
        parent = by_id.get(ind.parent) if ind.parent else None
        category = ind.category or (parent.category if parent else None)
        if not category:
            found = [groups.get((s.block, s.loc.line)) for s in ind.facts if s.source == "table"]
            category = next((c for c in found if c), None)
        nature = (ind.nature or (parent.nature if parent else None) or natures.get(ind.id)
                  or (natures.get(parent.id) if parent else None))
        cells = [Values(role, heading, tuple(_value(s, view) for s in ind.facts if s.role == role))
                 for role, heading in ROLES]
        out.append(IndicatorRow(ind.id, ind.name, m.plain(parent.name) if parent else None,
                                category or UNSET, nature or UNSET, ind.unit or "",
                                tuple(cells)))
    return tuple(out)


def facets(table: tuple[IndicatorRow, ...]) -> Facets:
    """The filter choices, in first-seen order."""
    cats = tuple(dict.fromkeys(r.category for r in table))
    natures = tuple(dict.fromkeys(r.nature for r in table))
    return Facets(cats, natures)
