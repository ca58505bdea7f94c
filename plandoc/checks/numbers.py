"""Numeric checks: growth arithmetic, one fact one value, totals, counts, units.

Each check reads statements and marked quantities from the model and yields findings
with the stated value, the computed value and their difference in `data`. Tolerances
come from the printed precision: a rate printed as 7.1 stands for [7.05, 7.15), a value
printed as 2500 for [2499.5, 2500.5); a value with 左右 (≈) is allowed 10 %.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator

from .. import diagnostics as dg
from .. import model as m
from .. import places
from .structure import nodes

APPROX = 0.10
"""Relative tolerance of a value printed with 左右."""

SCALE = {"万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2}


def half_ulp(q: m.Quantity) -> float:
    return 0.5 * 10 ** -q.decimals


def _interval(q: m.Quantity) -> tuple[float, float]:
    """The values the printed number may stand for."""
    assert q.value is not None
    h = abs(q.value) * APPROX if q.comparator == "≈" else half_ulp(q)
    return q.value - h, q.value + h


def _percent_unit(ind: m.Indicator | None) -> bool:
    return ind is not None and (ind.unit or "").strip() in ("%", "％", "百分点")


def _make(code, s_or_loc, message, hint=None, severity=None, **data):
    """A diagnostic at a statement or node, numbers in `data` rounded for the JSON."""
    loc = s_or_loc.loc if hasattr(s_or_loc, "loc") else s_or_loc
    return dg.make(code, loc.file, loc.line, loc.column, message, hint, severity,
                   **{k: round(v, 6) if isinstance(v, float) else v for k, v in data.items()})


# ------------------------------------------------------------------ growth

def _rows(plan: m.Plan):
    """Statements of each (table, indicator), where growth arithmetic can apply."""
    rows: dict[tuple[str, str], list[m.Statement]] = defaultdict(list)
    for s in plan.statements:
        if s.source == "table" and s.quantity.kind == "number":
            rows[(s.block, s.indicator)].append(s)
    return rows


def growth(plan: m.Plan) -> Iterator[dg.Diagnostic]:
    """A base value, an end value and a stated rate over the years between must agree:
    within a table row, and for a rate stated in prose against the base and end values
    stated anywhere (the same row first)."""
    indicators = {i.id: i for i in plan.indicators}
    yield from _prose_growth(plan, indicators)
    for (_, ind_id), stated in sorted(_rows(plan).items()):
        ind = indicators.get(ind_id)
        by_role: dict[str, list[m.Statement]] = defaultdict(list)
        for s in stated:
            by_role[s.role].append(s)
        for rate_role, end_role in (("rate", "target"), ("actual-rate", "actual")):
            for rate in by_role.get(rate_role, []):
                end = next((s for s in by_role.get(end_role, []) if s.year == rate.year), None)
                base = next((s for s in by_role.get("base", [])
                             if rate.from_year is None or s.year == rate.from_year), None)
                if end is None or base is None or base.year is None or end.year is None:
                    continue
                yield from _growth_one(ind, ind_id, base, end, rate)


def _prose_growth(plan: m.Plan, indicators: dict) -> Iterator[dg.Diagnostic]:
    numbers = [s for s in plan.statements if s.quantity.kind == "number"]
    for rate in numbers:
        if rate.source != "prose" or rate.role not in ("rate", "actual-rate") or rate.from_year is None:
            continue
        end_role = "target" if rate.role == "rate" else "actual"
        same = [s for s in numbers if s.indicator == rate.indicator and  # a marked rate is
                (rate.origin == "recognised" or s.origin == "marked")]  # checked on marked values
        ends = [s for s in same if s.year == rate.year and
                (s.role == end_role or (end_role == "actual" and s.role == "base"))]
        bases = [s for s in same if s.year == rate.from_year and s.role in ("base", "actual")]
        if ends and bases:
            pick = lambda xs: next((s for s in xs if s.block == rate.block), xs[0])  # noqa: E731
            yield from _growth_one(indicators.get(rate.indicator), rate.indicator,
                                   pick(bases), pick(ends), rate)


def _growth_one(ind, ind_id, base: m.Statement, end: m.Statement, rate: m.Statement):
    b, e, r = base.quantity, end.quantity, rate.quantity
    years = end.year - base.year
    if years <= 0 or b.value is None or e.value is None or r.value is None:
        return
    b_lo, b_hi = _interval(b)
    e_lo, e_hi = _interval(e)
    if r.cumulative:
        if _percent_unit(ind):
            computed, lo, hi = e.value - b.value, e_lo - b_hi, e_hi - b_lo
            what = "百分点变化"
        else:
            if b.value <= 0:
                return
            computed = (e.value / b.value - 1) * 100
            lo, hi = (e_lo / b_hi - 1) * 100, (e_hi / max(b_lo, 1e-12) - 1) * 100
            what = "累计变化"
        code = "PD302"
    else:
        if b.value <= 0 or e.value <= 0:
            return
        computed = ((e.value / b.value) ** (1 / years) - 1) * 100
        lo = ((e_lo / b_hi) ** (1 / years) - 1) * 100
        hi = ((e_hi / max(b_lo, 1e-12)) ** (1 / years) - 1) * 100
        what = "年均增速"
        code = "PD301"
    r_lo, r_hi = _interval(r)
    agrees = {
        None: hi >= r_lo and lo <= r_hi,
        "≈": hi >= r_lo and lo <= r_hi,
        ">": hi > r.value, "≥": hi >= r_lo,
        "<": lo < r.value, "≤": lo <= r_hi,
    }[r.comparator]
    # a comparator on an end value widens what the rate may be
    if not agrees and e.comparator in (">", "≥") and r.comparator is None:
        agrees = r_hi >= lo
    if not agrees and e.comparator in ("<", "≤") and r.comparator is None:
        agrees = r_lo <= hi
    if agrees:
        return
    name = m.plain(ind.name) if ind else ind_id
    text = (f"{name}：{base.year} 年 {b.text} → {end.year} 年 {e.text}，{what}应为 "
            f"{computed:.2f}，所列为 {r.text}")
    data = dict(stated=r.value, computed=computed, difference=computed - r.value,
                indicator=ind_id, year=rate.year, base=b.value, end=e.value, years=years)
    if ind is not None and ind.basis:
        yield _make(code, rate, f"{text}（已声明口径：{ind.basis}，无法由所列数值验算）",
                    "口径已声明，无需修改；如需核对请查统计公报。", dg.Severity.NOTE, **data)
    else:
        yield _make(code, rate, text, **data)


# ------------------------------------------------------------------ one fact, one value

ROLE_GROUP = {"base": "value", "actual": "value", "target": "target", "rate": "rate",
              "actual-rate": "actual-rate"}
"""A base value for year Y and an achieved value for year Y are the same quantity."""


def _base_unit(unit: str | None) -> tuple[str | None, float]:
    if not unit:
        return None, 1.0
    unit = unit.replace("％", "%")
    if len(unit) > 1 and unit[0] in SCALE:
        return unit[1:], SCALE[unit[0]]
    return unit, 1.0


def _normalised(s: m.Statement, ind: m.Indicator | None) -> float | None:
    """The statement's value in the indicator's unit (万吨 vs 吨 and the like)."""
    q = s.quantity
    if q.value is None:
        return None
    if not q.unit or ind is None or not ind.unit:
        return q.value
    su, sf = _base_unit(q.unit)
    iu, if_ = _base_unit(ind.unit)
    if su != iu:
        return q.value
    return q.value * sf / if_


def one_value(plan: m.Plan) -> Iterator[dg.Diagnostic]:
    """The same indicator, year and role stated in several places has one value."""
    indicators = {i.id: i for i in plan.indicators}
    groups: dict[tuple, list[m.Statement]] = defaultdict(list)
    for s in plan.statements:
        if s.quantity.kind == "number" and s.year is not None and s.indicator in indicators:
            key = (s.indicator, s.year, ROLE_GROUP.get(s.role, s.role),
                   s.from_year if s.role in ("rate", "actual-rate") else None,
                   s.quantity.cumulative)
            groups[key].append(s)
    for (ind_id, year, role, _, _), stated in sorted(groups.items(), key=lambda kv: kv[0][:3]):
        if len(stated) < 2:
            continue
        stated.sort(key=lambda s: s.origin != "marked")  # a finding lands on the recognised one
        first = stated[0]
        ind = indicators[ind_id]
        v0 = _normalised(first, ind)
        lo0, hi0 = _interval(first.quantity)
        name, what = m.plain(ind.name), ROLE_NAMES.get(role, role)
        for other in stated[1:]:
            v = _normalised(other, ind)
            lo, hi = _interval(other.quantity)
            scale = (v / other.quantity.value) if other.quantity.value else 1.0
            scale0 = (v0 / first.quantity.value) if first.quantity.value else 1.0
            overlap = hi * scale >= lo0 * scale0 and lo * scale <= hi0 * scale0
            data = dict(stated=v, computed=v0, indicator=ind_id, year=year)
            if not overlap:
                elsewhere = "；".join(f"{_at(plan, s.loc)}为 {s.quantity.text}"
                                     for s in stated if s is not other)
                yield _make("PD310", other, f"{name} {year} 年{what}在 {len(stated)} 处陈述，数值不同："
                            f"此处为 {other.quantity.text}；{elsewhere}",
                            difference=(v or 0) - (v0 or 0), **data)
            elif (first.quantity.comparator or "=") != (other.quantity.comparator or "="):
                yield _make("PD311", other, f"{name} {year} 年{what}比较关系不一致："
                            f"此处为 {other.quantity.text}，{_at(plan, first.loc)}为 "
                            f"{first.quantity.text}", difference=0.0, **data)


def _at(plan: m.Plan, loc: m.Loc) -> str:
    """Another place, ready for the word after it (第四章 专栏 2（…:56）为 / …:56 为)."""
    where = places.where(plan, loc)
    return where if where.endswith("）") else where + " "


ROLE_NAMES = {"value": "的数值", "target": "的目标值", "rate": "的年均增速",
              "actual-rate": "的实际增速"}
"""The role groups of `one_value` in an editor's words."""


# ------------------------------------------------------------------ totals and counts

def totals(plan: m.Plan) -> Iterator[dg.Diagnostic]:
    """A stated total and its parts sum within the tolerance their wording allows."""
    recognised = [r.node for r in plan.recognised if isinstance(r.node, m.Sum)]
    for node in [*nodes(plan, m.Sum), *recognised]:
        totals_ = [n for n in node.children if isinstance(n, m.Total)]
        terms = [n for n in node.children if isinstance(n, m.Term)]
        if len(totals_) != 1 or not terms:
            yield _make("PD322", node, f"一个 <sum> 应有一个 <total> 和至少一个 <term>，"
                        f"这里有 {len(totals_)} 个 total、{len(terms)} 个 term")
            continue
        total = totals_[0].quantity
        if total.value is None or any(t.quantity.value is None for t in terms):
            yield _make("PD322", node, "总数或部分不是数字：" + "、".join(
                q.quantity.text for q in [totals_[0], *terms] if q.quantity.value is None))
            continue
        parts = sum(t.quantity.value for t in terms)
        slack = sum(abs(t.quantity.value) * APPROX if t.quantity.comparator == "≈" else half_ulp(t.quantity)
                    for t in terms)
        slack += abs(total.value) * APPROX if total.comparator == "≈" else half_ulp(total)
        data = dict(stated=total.value, computed=parts, difference=parts - total.value)
        too_big = [t for t in terms if t.quantity.value > total.value + slack]
        for t in too_big:
            yield _make("PD321", t, f"部分 {t.quantity.text} 大于总数 {total.text}",
                        stated=total.value, computed=t.quantity.value,
                        difference=t.quantity.value - total.value)
        if too_big:
            continue
        if parts > total.value + slack:
            yield _make("PD320", node, f"各部分之和 {parts:g} 超过总数 {total.text}", **data)
        elif node.exhaustive and parts < total.value - slack:
            yield _make("PD320", node, f"各部分之和 {parts:g} 与总数 {total.text} 不符",
                        "核对总数和各部分，改正抄错的数字；若“其中”本来只列出一部分，"
                        "在 <sum> 上写 exhaustive=\"false\"。", **data)


def counts(plan: m.Plan) -> Iterator[dg.Diagnostic]:
    """A stated count equals the list it counts (or exceeds it when marked non-exhaustive)."""
    recognised = [r.node for r in plan.recognised if isinstance(r.node, m.Count)]
    for node in [*nodes(plan, m.Count), *recognised]:
        nums = [n for n in node.children if isinstance(n, m.Num)]
        members = [n for n in node.children if isinstance(n, m.Member)]
        if len(nums) != 1 or nums[0].quantity.value is None:
            yield _make("PD332", node, f"一个 <count> 应有一个数字 <num>，这里有 {len(nums)} 个")
            continue
        n = nums[0].quantity.value
        data = dict(stated=n, computed=float(len(members)), difference=len(members) - n)
        if len(members) > n:
            yield _make("PD330", node, f"所述数目为 {nums[0].quantity.text}，却列举了 {len(members)} 项",
                        **data)
        elif node.exhaustive and len(members) < n:
            yield _make("PD331", node, f"所述数目为 {nums[0].quantity.text}，只列举了 {len(members)} 项",
                        **data)


def units(plan: m.Plan) -> Iterator[dg.Diagnostic]:
    """A quantity printed with a unit uses its indicator's unit (or the same unit scaled by 万/亿)."""
    for ind in plan.indicators:
        if not ind.unit:
            continue
        want, _ = _base_unit(ind.unit)
        for s in ind.facts:
            if not s.quantity.unit or s.quantity.cumulative or s.role in ("rate", "actual-rate"):
                continue  # a rate is in % whatever the indicator's unit
            got, _ = _base_unit(s.quantity.unit)
            if got != want:
                yield _make("PD340", s, f"{m.plain(ind.name)} 的单位是 {ind.unit}，此处写作 {s.quantity.unit}",
                            indicator=ind.id, year=s.year, text=s.quantity.unit)


def values(plan: m.Plan) -> Iterator[dg.Diagnostic]:
    """A stated value that is no finite number (NaN, inf, 1e309) is an error (an empty
    cell in a table's value column is convert's PD122 note: plans print "none" as -)."""
    for s in plan.statements:
        text = s.quantity.text.strip().strip("[]［］").strip()
        try:
            number = float(text)
        except ValueError:
            continue
        if not math.isfinite(number):
            yield _make("PD121", s, f"指标 {s.indicator} 的数值不是有限数：{s.quantity.text}")
