"""Compare two versions of a plan: structure, text per paragraph, indicators.

`diff_plans(old, new)` takes two compiled models. Structure is matched by id
(chapters added, removed, moved to another part or place, renamed; likewise sections,
columns and figures). Text is aligned per chapter by sequence (block ids change when a
paragraph's text changes, so they cannot be the key) and a replaced paragraph gets a
character-level diff, which suits Chinese. Indicators are compared fact by fact,
keyed by (year, role, where). Versions are directories or git revisions of plan/.
"""

from __future__ import annotations

import difflib
import subprocess
import tarfile
import tempfile
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

from markupsafe import escape

from . import diagnostics as dg
from . import model as m


@dataclass(frozen=True)
class Change:
    kind: str
    """added | removed | moved | renamed | changed."""
    what: str
    """part | chapter | section | column | figure | block | indicator | fact."""
    id: str
    old: str | None = None
    new: str | None = None
    where: str | None = None


@dataclass
class PlanDiff:
    structure: list[Change] = field(default_factory=list)
    text: list[dict] = field(default_factory=list)
    """Per changed block: chapter, kind (added|removed|changed), old, new, ops."""
    indicators: list[Change] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"structure": [asdict(c) for c in self.structure], "text": self.text,
                "indicators": [asdict(c) for c in self.indicators]}

    @property
    def empty(self) -> bool:
        return not (self.structure or self.text or self.indicators)


def _things(plan: m.Plan) -> dict[str, dict[str, tuple]]:
    """kind -> id -> (label, title, parent, position)."""
    out: dict[str, dict[str, tuple]] = {k: {} for k in ("part", "chapter", "section", "column", "figure")}
    for p in plan.parts:
        out["part"][p.id] = (p.label, m.plain(p.title), None, p.number)
        for c in p.chapters:
            out["chapter"][c.id] = (c.label, m.plain(c.title), p.id, c.number)
            for s in c.sections:
                out["section"][s.id] = (s.label, m.plain(s.title), c.id, s.number)
    for col in plan.columns:
        out["column"][col.id] = (col.label, m.plain(col.title), col.chapter, col.number)
    for f in plan.figures:
        out["figure"][f.id] = (f.label, m.plain(f.caption), f.chapter, f.number)
    return out


def _structure(old: m.Plan, new: m.Plan) -> list[Change]:
    changes = []
    a, b = _things(old), _things(new)
    for kind in a:
        old_ids = [i for i, _ in sorted(a[kind].items(), key=lambda kv: kv[1][3])]
        new_ids = [i for i, _ in sorted(b[kind].items(), key=lambda kv: kv[1][3])]
        common = [i for i in old_ids if i in b[kind]]
        common_new = [i for i in new_ids if i in a[kind]]
        for i in new_ids:
            if i not in a[kind]:
                changes.append(Change("added", kind, i, None, f"{b[kind][i][0]} {b[kind][i][1]}",
                                      b[kind][i][2]))
        for i in old_ids:
            if i not in b[kind]:
                changes.append(Change("removed", kind, i, f"{a[kind][i][0]} {a[kind][i][1]}", None,
                                      a[kind][i][2]))
        # moved: another parent, or out of order among the ids both versions have
        matcher = difflib.SequenceMatcher(a=common, b=common_new, autojunk=False)
        in_order = {common[blk.a + k] for blk in matcher.get_matching_blocks() for k in range(blk.size)}
        for i in common:
            (ol, ot, op, _), (nl, nt, np_, _) = a[kind][i], b[kind][i]
            if op != np_ or i not in in_order:
                changes.append(Change("moved", kind, i, f"{ol} ({op})", f"{nl} ({np_})", np_))
            if ot != nt:
                changes.append(Change("renamed", kind, i, ot, nt, np_))
    return changes


def _block_texts(plan: m.Plan) -> dict[str, list[tuple[str, str]]]:
    """chapter id -> [(block id, text)] in reading order (columns' blocks included)."""
    out: dict[str, list[tuple[str, str]]] = {}

    def walk(blocks, acc):
        for b in blocks:
            if isinstance(b, m.Paragraph | m.Entry | m.Subhead):
                acc.append((b.id, b.text))
            elif isinstance(b, m.ListBlock):
                acc.extend((it.id, it.marker + it.text) for it in b.items)
            elif isinstance(b, m.Table):
                acc.append((b.id, "\n".join("\t".join(m.plain(c.content) for c in r.cells)
                                            for r in b.head + b.body)))
            elif isinstance(b, m.Figure):
                acc.append((b.id, f"{b.label} {m.plain(b.caption)}"))
            elif isinstance(b, m.Column):
                acc.append((b.id, f"{b.label} {m.plain(b.title)}"))
                walk(b.blocks, acc)

    for name, blocks in (("notice", plan.notice.blocks if plan.notice else ()),
                         ("preamble", plan.preamble), ("closing", plan.closing)):
        out[name] = []
        walk(blocks, out[name])
    for p in plan.parts:
        out[p.id] = []
        walk(p.blocks, out[p.id])
        for c in p.chapters:
            acc: list[tuple[str, str]] = []
            walk(c.blocks, acc)
            for s in c.sections:
                walk(s.blocks, acc)
            out[c.id] = acc
    return out


def char_ops(old: str, new: str) -> list[list]:
    """[op, text] runs: op is '=', '-' or '+'."""
    ops = []
    sm = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            ops.append(["=", old[i1:i2]])
        else:
            if i2 > i1:
                ops.append(["-", old[i1:i2]])
            if j2 > j1:
                ops.append(["+", new[j1:j2]])
    return ops


def _text(old: m.Plan, new: m.Plan) -> list[dict]:
    a, b = _block_texts(old), _block_texts(new)
    out = []
    for chapter in [*a, *(k for k in b if k not in a)]:
        xs, ys = a.get(chapter, []), b.get(chapter, [])
        sm = difflib.SequenceMatcher(a=[t for _, t in xs], b=[t for _, t in ys], autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag == "equal":
                continue
            olds, news = xs[i1:i2], ys[j1:j2]
            pairs = min(len(olds), len(news)) if tag == "replace" else 0
            for k in range(pairs):
                out.append({"chapter": chapter, "kind": "changed", "old_id": olds[k][0],
                            "new_id": news[k][0], "old": olds[k][1], "new": news[k][1],
                            "ops": char_ops(olds[k][1], news[k][1])})
            for bid, t in olds[pairs:]:
                out.append({"chapter": chapter, "kind": "removed", "old_id": bid, "new_id": None,
                            "old": t, "new": None, "ops": [["-", t]]})
            for bid, t in news[pairs:]:
                out.append({"chapter": chapter, "kind": "added", "old_id": None, "new_id": bid,
                            "old": None, "new": t, "ops": [["+", t]]})
    return out


def _fact_key(s: m.Statement) -> tuple:
    return (s.year or 0, s.role, s.from_year or 0, s.source, s.column or "")


def _indicators(old: m.Plan, new: m.Plan) -> list[Change]:
    a = {i.id: i for i in old.indicators}
    b = {i.id: i for i in new.indicators}
    changes = []
    for iid in sorted(set(a) | set(b)):
        if iid not in b:
            changes.append(Change("removed", "indicator", iid, m.plain(a[iid].name), None))
            continue
        if iid not in a:
            changes.append(Change("added", "indicator", iid, None, m.plain(b[iid].name)))
            continue
        x, y = a[iid], b[iid]
        for attr in ("unit", "category", "nature", "parent", "basis"):
            if getattr(x, attr) != getattr(y, attr):
                changes.append(Change("changed", "indicator", iid, f"{attr}={getattr(x, attr)}",
                                      f"{attr}={getattr(y, attr)}", m.plain(y.name)))
        fx = {}
        for s in x.facts:
            fx.setdefault(_fact_key(s), s)
        fy = {}
        for s in y.facts:
            fy.setdefault(_fact_key(s), s)
        for key in sorted(set(fx) | set(fy)):
            where = f"{m.plain(y.name)} {key[0] or ''} {key[1]} ({key[3]}{' ' + key[4] if key[4] else ''})"
            old_t = fx[key].quantity.text if key in fx else None
            new_t = fy[key].quantity.text if key in fy else None
            if old_t != new_t:
                kind = "added" if old_t is None else "removed" if new_t is None else "changed"
                changes.append(Change(kind, "fact", iid, old_t, new_t, where))
    return changes


def diff_plans(old: m.Plan, new: m.Plan) -> PlanDiff:
    return PlanDiff(_structure(old, new), _text(old, new), _indicators(old, new))


def materialise(spec: str, repo: Path, workdir: Path,
                refused: list[dg.Diagnostic] | None = None) -> Path:
    """A plan directory for `spec`: a directory as is, else a git revision of plan/
    (`REV` or `REV:path`) extracted with git archive into `workdir`. A member the
    tarfile data filter refuses (a link leaving the plan, an absolute path) is not
    extracted: it becomes a PD002 diagnostic in `refused`."""
    path = Path(spec)
    if path.is_dir():
        return path
    rev, _, sub = spec.partition(":")
    sub = sub or "plan"
    if rev.startswith("-") or sub.startswith("-"):
        raise ValueError(f"不是目录，也不是 git 修订版本：{spec}")
    archive = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", rev, sub],
                             capture_output=True)
    if archive.returncode != 0:
        raise ValueError(f"不是目录，也不是 git 修订版本：{spec}（{archive.stderr.decode(errors='replace').strip()}）")
    dest = Path(tempfile.mkdtemp(prefix="plandoc-diff-", dir=workdir))
    with tempfile.TemporaryFile() as f:
        f.write(archive.stdout)
        f.seek(0)
        with tarfile.open(fileobj=f) as tar:
            tar.extractall(dest, filter=partial(_refuse_outside, spec, [] if refused is None else refused))
    return dest / sub


def _refuse_outside(spec: str, refused: list[dg.Diagnostic], member: tarfile.TarInfo,
                    dest: str) -> tarfile.TarInfo | None:
    try:
        return tarfile.data_filter(member, dest)
    except tarfile.FilterError as exc:
        target = f" → {member.linkname}" if member.linkname else ""
        refused.append(dg.make("PD002", f"{spec}:{member.name}", 0, 0,
                               f"修订版本中的文件离开了规划目录，未取出：{member.name}{target}（{type(exc).__name__}）",
                               "在该修订版本之后删除这个符号链接，把文件本身放进 plan/。"))
        return None


def format_text(d: PlanDiff) -> str:
    lines = []
    if d.structure:
        lines.append("结构 (structure):")
        for c in d.structure:
            lines.append(f"  {c.kind:8} {c.what:8} {c.id}: {c.old or ''} → {c.new or ''}".rstrip())
    if d.indicators:
        lines.append("指标 (indicators):")
        for c in d.indicators:
            lines.append(f"  {c.kind:8} {c.where or c.id}: {c.old} → {c.new}")
    if d.text:
        lines.append(f"文字 (text): {len(d.text)} 处")
        for t in d.text:
            shown = "".join(f"[-{s}-]" if op == "-" else f"{{+{s}+}}" if op == "+" else
                            (s if len(s) <= 24 else s[:10] + "…" + s[-10:]) for op, s in t["ops"])
            lines.append(f"  {t['chapter']} {t['kind']}: {shown}")
    return "\n".join(lines) if lines else "两个版本相同 (no differences)"


def format_html(d: PlanDiff, old_name: str, new_name: str) -> str:
    """A self-contained redline page (no scripts, no external resources)."""
    def ops_html(ops):
        return "".join(f"<del>{escape(s)}</del>" if op == "-" else f"<ins>{escape(s)}</ins>"
                       if op == "+" else str(escape(s)) for op, s in ops)

    rows = []
    for c in d.structure:
        rows.append(f"<tr><td>{escape(c.kind)}</td><td>{escape(c.what)}</td><td>{escape(c.id)}</td>"
                    f"<td>{escape(c.old or '')}</td><td>{escape(c.new or '')}</td></tr>")
    facts = [f"<tr><td>{escape(c.kind)}</td><td>{escape(c.where or c.id)}</td>"
             f"<td>{escape(c.old or '')}</td><td>{escape(c.new or '')}</td></tr>" for c in d.indicators]
    texts = [f'<section class="{escape(t["kind"])}"><h3>{escape(t["chapter"])} · {escape(t["kind"])}</h3>'
             f"<p>{ops_html(t['ops'])}</p></section>" for t in d.text]
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>规划修订对照</title>
<style>body{{font-family:"Noto Serif CJK SC","Source Han Serif SC",serif;max-width:60em;margin:2em auto;line-height:1.8}}
del{{background:#fdd;color:#900}}ins{{background:#dfd;color:#060;text-decoration:underline}}
table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:.2em .5em}}</style></head>
<body><main><h1>规划修订对照</h1><p>{escape(old_name)} → {escape(new_name)}</p>
<h2>结构</h2><table><tr><th scope="col">变化</th><th scope="col">对象</th><th scope="col">id</th><th scope="col">原</th><th scope="col">新</th></tr>{''.join(rows)}</table>
<h2>指标</h2><table><tr><th scope="col">变化</th><th scope="col">事实</th><th scope="col">原</th><th scope="col">新</th></tr>{''.join(facts)}</table>
<h2>文字</h2>{''.join(texts) or '<p>无文字变化。</p>'}
</main></body></html>
"""
