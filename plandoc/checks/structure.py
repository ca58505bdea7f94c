"""Structural checks: ids are unique, references and indicator names resolve,
indicator hierarchies have no cycles, tables are rectangular."""

from __future__ import annotations

from collections.abc import Iterator

from .. import diagnostics as dg
from .. import model as m
from .. import places, walk
from ..cells import row_widths


def duplicate_ids(plan: m.Plan) -> Iterator[dg.Diagnostic]:
    first: dict[str, m.Target] = {}
    for t in plan.targets:
        if not t.id:
            continue
        if t.id in first:
            f = first[t.id]
            yield dg.make("PD200", t.loc.file, t.loc.line, t.loc.column,
                          f"id 重复：{t.id}（首次出现在 {places.where(plan, f.loc)}）", text=t.id)
        else:
            first[t.id] = t


def former_ids(plan: m.Plan) -> Iterator[dg.Diagnostic]:
    """A former id (kept as an anchor for published links) is nobody's id now, and
    nobody else's former id."""
    live = {t.id for t in plan.targets} | {t.id for t in plan.tables}
    seen: set[str] = set()
    holders = [s for c in plan.chapters for s in c.sections] + list(plan.tables)
    for holder in sorted(holders, key=lambda h: (h.loc.file, h.loc.line, h.loc.column)):
        for old in holder.former:
            if old in live or old in seen:
                what = "现有的 id" if old in live else "另一处的旧 id"
                yield dg.make("PD160", holder.loc.file, holder.loc.line, holder.loc.column,
                              f"旧 id {old} 与{what} 重复（{holder.id} 的 former）")
            seen.add(old)


def nodes(plan: m.Plan, kinds) -> Iterator:
    """Every inline node of the given kinds anywhere in the plan (nested ones included;
    titles, blocks, cells and captions), the companion pages left out (they check their
    own links and quotes, see `pages`)."""
    return walk.inlines(plan, kinds, walk.PLAN)


KINDS = {"col": "专栏", "fig": "图", "ch": "章", "sec": "节", "pt": "篇", "tbl": "表"}


def references(plan: m.Plan) -> Iterator[dg.Diagnostic]:
    import difflib

    known = {t.id: t for t in plan.targets if t.id}
    for ref in nodes(plan, m.Ref):
        if not ref.kind:
            kind = KINDS.get(ref.to.split("-")[0], "")
            close = difflib.get_close_matches(ref.to, sorted(known), n=1, cutoff=0.75)
            hint = (f"是不是 {close[0]}（{known[close[0]].label}）？" if close else "") + \
                (f"若这个{kind}已被删除，删去这处引用；若改了 id，改用新的 id。" if kind else
                 "改成已有的 id，或删去这处引用。")
            yield dg.make("PD201", ref.loc.file, ref.loc.line, ref.loc.column,
                          f"引用的{kind or '目标'} {ref.to} 不存在（已删除，或 id 写错）", hint,
                          text=ref.to)


def indicator_references(plan: m.Plan) -> Iterator[dg.Diagnostic]:
    known = {i.id for i in plan.indicators}
    reported: set[tuple[str, str, int]] = set()
    for s in plan.statements:
        key = (s.indicator, s.loc.file, s.loc.line)
        if s.indicator not in known and key not in reported:
            reported.add(key)
            yield dg.make("PD202", s.loc.file, s.loc.line, s.loc.column,
                          f"未定义的指标：{s.indicator}")
    for ind in plan.indicators:
        if ind.parent and ind.parent not in known:
            yield dg.make("PD202", ind.loc.file, ind.loc.line, ind.loc.column,
                          f"指标 {ind.id} 的上级指标未定义：{ind.parent}")


def indicator_cycles(plan: m.Plan) -> Iterator[dg.Diagnostic]:
    parent = {i.id: i.parent for i in plan.indicators}
    for ind in plan.indicators:
        seen = [ind.id]
        cur = ind.parent
        while cur and cur in parent:
            if cur == ind.id:
                yield dg.make("PD203", ind.loc.file, ind.loc.line, ind.loc.column,
                              "指标层级成环：" + " → ".join(seen + [cur]))
                break
            if cur in seen:
                break
            seen.append(cur)
            cur = parent[cur]


def table_shapes(plan: m.Plan) -> Iterator[dg.Diagnostic]:
    for table in plan.tables:
        rows = table.head + table.body
        if not rows:
            continue
        widths, overflow = row_widths(rows)
        expected = max(widths)
        for row, width in zip(rows, widths):
            if width != expected:
                yield dg.make("PD212", row.loc.file, row.loc.line, row.loc.column,
                              f"{table.label} 这一行有 {width} 列，其他行有 {expected} 列")
        if overflow:
            row = rows[-1]
            yield dg.make("PD212", row.loc.file, row.loc.line, row.loc.column,
                          f"{table.label} 的单元格跨行超出了表格末尾")


def unreferenced(plan: m.Plan) -> Iterator[dg.Diagnostic]:
    """A column or figure that nothing refers to: a note (plans often print them unreferred)."""
    referred = {ref.to for ref in nodes(plan, m.Ref)}
    for thing in (*plan.columns, *plan.figures):
        if thing.id not in referred:
            yield dg.make("PD350", thing.loc.file, thing.loc.line, thing.loc.column,
                          f"{thing.label} 没有被正文引用（{thing.id}）",
                          f"在相关段落加 <ref to=\"{thing.id}\"/>（显示为“{thing.label}”）；印刷版本就不引用的，在 accepted.xml 中记录决定。")


def notice_signoff(plan: m.Plan) -> Iterator[dg.Diagnostic]:
    """The issuing notice carries its issuer (署名) and date (成文日期), GB/T 9704 7.3.5."""
    notice = plan.notice
    if notice is None:
        return
    missing = [name for name, value in (("署名", notice.signature), ("成文日期", notice.date))
               if not value]
    if missing:
        yield dg.make("PD250", notice.loc.file, notice.loc.line, notice.loc.column,
                      f"印发通知缺少{'和'.join(missing)}，印刷版的通知将没有完整落款",
                      missing=tuple(missing))
