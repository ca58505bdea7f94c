"""Chart geometry for the indicators page, computed at build time.

For each indicator table, one small bar chart per indicator that states at least two
numeric values among base, target and actual (base → target for a plan's targets;
target vs actual for a review of the last plan). Each bar is scaled to the largest
value of its own indicator, since units differ. Every coordinate is formatted here as
a fixed-precision string, so the SVG the templates write is deterministic and the
templates hold no arithmetic. Values are printed beside the bars as text, so the
charts read without JavaScript and stay searchable.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import model as m
from .view import SiteView

CHART_ROLES = tuple((role, m.ROLE_NAMES[role].removesuffix("值")) for role in ("base", "target", "actual"))
WIDTH, LABEL_W, VALUE_W, ROW_H, BAR_H, PAD = 280, 70, 70, 24, 15, 4


@dataclass(frozen=True)
class Bar:
    role: str
    label: str
    value: str
    """The value as printed (≥65.53, >43000)."""
    x: str
    y: str
    width: str
    height: str
    text_y: str
    value_x: str


@dataclass(frozen=True)
class Card:
    id: str
    name: str
    unit: str
    href: str
    """The indicator's row on the indicators page."""
    height: str
    width: str
    summary: str
    """Text alternative: every bar's label and value."""
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    href: str
    """Where the table stands in the plan."""
    cards: tuple[Card, ...]


def _f(x: float) -> str:
    return f"{x:.1f}"


def _card(prefix: str, ind: m.Indicator | None, parent: m.Indicator | None, ind_id: str,
          stated: dict[str, m.Statement]) -> Card | None:
    values = [(role, label, stated[role]) for role, label in CHART_ROLES
              if role in stated and stated[role].quantity.value is not None]
    if len(values) < 2:
        return None
    top = max(abs(s.quantity.value) for _, _, s in values)
    if top <= 0:
        return None
    span = WIDTH - LABEL_W - VALUE_W
    bars = []
    for i, (role, label, s) in enumerate(values):
        y = PAD + i * ROW_H
        year = f"{s.year}" if s.year is not None else ""
        bars.append(Bar(role, f"{year} {label}".strip(), s.quantity.text, _f(LABEL_W), _f(y),
                        _f(max(abs(s.quantity.value) / top * span, 1.0)), _f(BAR_H),
                        _f(y + BAR_H - 3),
                        _f(LABEL_W + abs(s.quantity.value) / top * span + 6)))
    name = m.plain(ind.name) if ind else ind_id
    if parent is not None:
        name = f"{m.plain(parent.name)}：{name}"  # 城镇 alone says little
    units = {s.quantity.unit for _, _, s in values}
    # the unit of the plotted facts themselves; the indicator's unit when they print none
    unit = units.pop() if len(units) == 1 and None not in units else ((ind.unit or "") if ind else "")
    summary = "；".join(f"{b.label} {b.value}" for b in bars)
    return Card(f"{prefix}-{ind_id}", name, unit, f"#{ind_id}",
                _f(PAD * 2 + len(bars) * ROW_H), _f(WIDTH), summary, tuple(bars))


def _parent(by_id: dict[str, m.Indicator], ind_id: str) -> m.Indicator | None:
    ind = by_id.get(ind_id)
    return by_id.get(ind.parent) if ind is not None and ind.parent else None


def charts(plan: m.Plan, view: SiteView) -> tuple[Chart, ...]:
    by_id = {i.id: i for i in plan.indicators}
    out = []
    for t in plan.tables:
        if not t.indicator:
            continue
        per: dict[str, dict[str, m.Statement]] = {}
        for s in plan.statements:
            if s.block == t.id and s.source == "table":
                per.setdefault(s.indicator, {}).setdefault(s.role, s)
        cards = tuple(c for c in (_card(f"chart-{t.id}", by_id.get(i), _parent(by_id, i), i, st)
                                  for i, st in per.items()) if c)
        if not cards:
            continue
        has_actual = any(b.role == "actual" for c in cards for b in c.bars)
        what = "规划目标与实现情况" if has_actual else "基期值与目标值"
        owner = view.columns.get(t.column) if t.column else None
        name = (f"{owner.label}　{m.plain(owner.title)}" if owner
                else f"{t.label}　{m.plain(t.caption)}")
        out.append(Chart(f"chart-{t.id}", f"{name}：{what}", view.url(t.chapter, t.id), cards))
    return tuple(out)
