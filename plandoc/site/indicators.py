"""The indicators page's view: one row per indicator with every value and where it is stated.

Reads only the model (indicator definitions, their statements, the rows that state
them). An indicator's category comes from its definition, else from its parent, else
from the category group of the first indicator-table row that states it (`Row.category`);
its 属性 from its definition, else its parent's (an indicator table prints the 属性 column
from the definitions, so it can tell nothing more). Deterministic: rows and values keep
document order.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import model as m
from .view import SiteView

ROLES: tuple[tuple[str, str], ...] = tuple(
    (role, "目标增速〔累计〕" if role == "rate" else m.role_name(role, either=True))
    for role in m.ROLE_NAMES)
"""Value columns of the indicators page, in order: (role, heading). Beside 实现增速 the
planned rate's column says whose rate it is: 目标增速."""

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


def _row(plan_tables: dict[str, m.Table], s: m.Statement) -> m.Row | None:
    """The indicator-table row that states `s` (None for prose)."""
    t = plan_tables.get(s.block) if s.source == "table" and s.row is not None else None
    return (t.head + t.body)[s.row] if t is not None else None


def _value(s: m.Statement, view: SiteView) -> Value:
    absent = s.quantity.kind in ("na", "empty") or not s.quantity.text.strip()
    return Value(ABSENT if absent else s.quantity.text, _years(s),
                 None if absent else view.url(s.chapter, s.block),
                 view.place(s.chapter, s.column), "表" if s.source == "table" else "文")


def rows(plan: m.Plan, view: SiteView) -> tuple[IndicatorRow, ...]:
    by_id = {i.id: i for i in plan.indicators}
    tables = {t.id: t for t in plan.tables}
    out = []
    for ind in plan.indicators:
        parent = by_id.get(ind.parent) if ind.parent else None
        category = ind.category or (parent.category if parent else None)
        if not category:   # the category group of the first table row that states it
            found = (_row(tables, s) for s in ind.facts)
            category = next((row.category for row in found if row is not None and row.category), None)
        nature = ind.nature or (parent.nature if parent else None)
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
