"""Findings on recognised items: a warning at most, a note when the reading is ambiguous.

The numeric checks treat recognised facts, counts and totals like marked ones; this
pass then makes every finding located at a recognised number say so: an error becomes
a warning (recognition never makes the plan fail), an ambiguous binding makes it a
note, and the hint names the binding, the values stated and found, and the two ways
out (correct the number, or wrap it in <nofact> when the binding is wrong).
"""

from __future__ import annotations

from dataclasses import replace

from .. import diagnostics as dg
from .. import model as m

ROLE = {"target": "目标", "actual": "实现值", "base": "基期值", "rate": "增速",
        "actual-rate": "实际增速"}


def _recognised_at(plan: m.Plan) -> dict[tuple[str, int, int], tuple[bool, str]]:
    names = {i.id: m.plain(i.name) for i in plan.indicators}
    where: dict[tuple[str, int, int], tuple[bool, str]] = {}
    for s in plan.statements:
        if s.origin == "recognised":
            what = (f"自动识别为“{names.get(s.indicator, s.indicator)}” {s.year} 年"
                    f"{ROLE.get(s.role, s.role)}")
            where[(s.loc.file, s.loc.line, s.loc.column)] = (s.confident, what)
    for r in plan.recognised:
        kind = "计数及其列举" if isinstance(r.node, m.Count) else "总数及其“其中”各部分"
        locs = [r.node.loc] + [c.loc for c in r.node.children if hasattr(c, "loc")]
        for loc in locs:
            where[(loc.file, loc.line, loc.column)] = (r.confident, f"自动识别为{kind}")
    return where


def adjust(plan: m.Plan, diags: list[dg.Diagnostic]) -> list[dg.Diagnostic]:
    """The findings of the checks, those on recognised numbers made warnings or notes."""
    if not plan.statements and not plan.recognised:
        return diags
    where = _recognised_at(plan)
    if not where:
        return diags
    out = []
    for d in diags:
        hit = where.get((d.file, d.line, d.column))
        if hit is None or not d.code.startswith("PD3"):
            out.append(d)
            continue
        confident, what = hit
        severity = dg.Severity.NOTE if not confident or d.severity is dg.Severity.NOTE \
            else dg.Severity.WARNING
        data = dict(d.data)
        values = ""
        if "stated" in data and "computed" in data:
            values = f"所述 {data['stated']:g}，对照 {data['computed']:g}。" \
                if isinstance(data["stated"], float | int) and isinstance(data["computed"], float | int) else ""
        hint = (f"此数未加标记，{what}（{'' if confident else '绑定不确定，'}仅供核对）。{values}"
                f"若识别有误，把该数写成 <nofact>…</nofact>；若无误，核实后改正数字或加 <sic>，"
                f"也可用 python build.py annotate 写出标记后复核。")
        out.append(replace(d, severity=severity, hint=hint,
                           data=tuple(sorted({**data, "recognised": True}.items()))))
    return out
