"""Compare two versions of a plan, for sign-off: what changed, said as an editor reads it.

`diff_plans(old, new)` takes two compiled models and returns a `PlanDiff`:

- **structure**: parts, chapters, sections, columns and figures added, removed, renamed,
  or *moved* — only when a thing changed its parent or its order among the things both
  versions have (a longest common subsequence keeps the rest in place);
- **renumbering**: labels that changed only because something was inserted or removed
  before them, summarised as runs (专栏 7–37 依次改为 专栏 8–38), never listed as changes;
- **cells**: table changes cell by cell; in an indicator table keyed by indicator, year and
  role (常住人口城镇化率，2020年实现值：46.94 → 47.10), elsewhere by row and column heading;
- **indicators**: changes to an indicator's definition (unit, 属性, category…);
- **text**: changed paragraphs, list items, entries and captions, aligned per chapter and
  diffed token by token: numbers are whole tokens (46.94 → 47.10), Chinese text goes
  character by character. References count by their target, so renumbering changes no text.

Versions are directories or git revisions of plan/ (`materialise`); the redline is
formatted by `plandoc.redline`.
"""

from __future__ import annotations

import difflib
import re
import subprocess
import tarfile
import tempfile
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

from . import diagnostics as dg
from . import model as m
from . import walk

KINDS = ("part", "chapter", "section", "subsection", "column", "figure", "appendix")


@dataclass(frozen=True)
class Change:
    kind: str
    """added | removed | moved | renamed | changed."""
    what: str
    """part | chapter | section | column | figure | indicator | cell."""
    id: str
    old: str | None = None
    new: str | None = None
    where: str | None = None
    """Where it stands, as an editor reads it (第九章 …, 专栏 2 第 5 行)."""


@dataclass(frozen=True)
class Renumbering:
    what: str
    scope: str
    """The chapter whose sections were renumbered (sections only), else empty."""
    old: str
    """专栏 7–37"""
    new: str
    """专栏 8–38"""
    count: int


@dataclass
class PlanDiff:
    structure: list[Change] = field(default_factory=list)
    renumbering: list[Renumbering] = field(default_factory=list)
    cells: list[Change] = field(default_factory=list)
    indicators: list[Change] = field(default_factory=list)
    text: list[dict] = field(default_factory=list)
    """Per changed block: chapter, where, kind (added|removed|changed), old, new, ops."""

    def as_dict(self) -> dict:
        return {"structure": [asdict(c) for c in self.structure],
                "renumbering": [asdict(r) for r in self.renumbering],
                "cells": [asdict(c) for c in self.cells],
                "indicators": [asdict(c) for c in self.indicators], "text": self.text}

    @property
    def empty(self) -> bool:
        return not (self.structure or self.renumbering or self.cells or self.indicators or self.text)


# ------------------------------------------------------------------ structure

@dataclass(frozen=True)
class _Thing:
    label: str
    title: str
    parent: str | None
    order: int
    """Position in document order among things of its kind."""


def _things(plan: m.Plan) -> dict[str, dict[str, _Thing]]:
    out: dict[str, dict[str, _Thing]] = {k: {} for k in KINDS}

    for p in plan.parts:
        if not p.implicit:   # a plan without parts: its one part is not printed
            out["part"][p.id] = _Thing(p.label, m.plain(p.title), None, len(out["part"]))
        for c in p.chapters:
            out["chapter"][c.id] = _Thing(c.label, m.plain(c.title), p.id or None, len(out["chapter"]))
            for s in c.sections:
                out["section"][s.id] = _Thing(s.label, m.plain(s.title), c.id, len(out["section"]))
    for a in plan.appendices:
        out["appendix"][a.id] = _Thing(a.label, m.plain(a.title), None, len(out["appendix"]))
    for step in walk.blocks(plan, walk.PLAN):   # numbered headings (一、…)
        b, at = step.node, step.place
        if isinstance(b, m.Subsection):
            holder = next((h for h in reversed(at.within) if isinstance(h, m.Subsection)), None)
            parent = holder.id if holder else at.section.id if at.section else at.page
            out["subsection"][b.id] = _Thing(b.label, m.plain(b.title), parent, len(out["subsection"]))
    for col in plan.columns:
        out["column"][col.id] = _Thing(col.label, m.plain(col.title), col.chapter, len(out["column"]))
    for f in plan.figures:
        out["figure"][f.id] = _Thing(f.label, m.plain(f.caption), f.chapter, len(out["figure"]))
    return out


def _in_place(old: list[str], new: list[str]) -> set[str]:
    """The ids that keep their relative order: a longest common subsequence."""
    sm = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    return {old[b.a + k] for b in sm.get_matching_blocks() for k in range(b.size)}


def _moved(kind: str, a: dict[str, _Thing], b: dict[str, _Thing]) -> set[str]:
    common = [i for i in sorted(a, key=lambda i: a[i].order) if i in b]
    moved = {i for i in common if a[i].parent != b[i].parent}
    staying = [i for i in common if i not in moved]
    # parts and chapters are numbered through the whole plan, the rest within a parent
    groups: dict[str | None, list[str]] = {}
    for i in staying:
        groups.setdefault(None if kind in ("part", "chapter") else a[i].parent, []).append(i)
    for ids in groups.values():
        new_order = sorted(ids, key=lambda i: b[i].order)
        kept = _in_place(ids, new_order)
        moved |= {i for i in ids if i not in kept}
    return moved


def _structure(old: m.Plan, new: m.Plan) -> tuple[list[Change], list[Renumbering]]:
    changes: list[Change] = []
    renumbered: list[Renumbering] = []
    a, b = _things(old), _things(new)
    where_old, where_new = _places(old), _places(new)
    for kind in KINDS:
        x, y = a[kind], b[kind]
        for i in sorted(y, key=lambda i: y[i].order):
            if i not in x:
                changes.append(Change("added", kind, i, None, f"{y[i].label} {y[i].title}",
                                      where_new.get(y[i].parent or "", "")))
        for i in sorted(x, key=lambda i: x[i].order):
            if i not in y:
                changes.append(Change("removed", kind, i, f"{x[i].label} {x[i].title}", None,
                                      where_old.get(x[i].parent or "", "")))
        moved = _moved(kind, x, y)
        for i in sorted((i for i in x if i in y), key=lambda i: y[i].order):
            if i in moved:
                changes.append(Change("moved", kind, i,
                                      f"{x[i].label} {x[i].title}（{where_old.get(x[i].parent or '', '')}）",
                                      f"{y[i].label} {y[i].title}（{where_new.get(y[i].parent or '', '')}）",
                                      where_new.get(y[i].parent or "", "")))
            if x[i].title != y[i].title:
                changes.append(Change("renamed", kind, i, x[i].title, y[i].title,
                                      f"{y[i].label}"))
        renumbered += _renumbering(kind, x, y, moved, where_new)
    return changes, renumbered


def _renumbering(kind: str, x: dict[str, _Thing], y: dict[str, _Thing], moved: set[str],
                 where: dict[str, str]) -> list[Renumbering]:
    """Runs of things whose label changed but which did not move: one line per run."""
    runs: list[list[str]] = []
    previous: tuple[str, int] | None = None
    for i in sorted((i for i in x if i in y and i not in moved), key=lambda i: x[i].order):
        if x[i].label == y[i].label:
            previous = None
            continue
        shift = y[i].order - x[i].order
        if previous and previous[1] == shift and (kind != "section" or x[previous[0]].parent == x[i].parent):
            runs[-1].append(i)
        else:
            runs.append([i])
        previous = (i, shift)
    out = []
    for run in (r for r in runs if r):
        first, last = run[0], run[-1]
        scope = where.get(y[first].parent or "", "") if kind == "section" else ""
        out.append(Renumbering(kind, scope, _span(x[first].label, x[last].label),
                               _span(y[first].label, y[last].label), len(run)))
    return out


def _span(first: str, last: str) -> str:
    """专栏 7, 专栏 37 -> 专栏 7–37; 第十二章, 第十四章 -> 第十二章至第十四章."""
    if first == last:
        return first
    found = re.fullmatch(r"(\D+?)\s*(\d+)", first), re.fullmatch(r"(\D+?)\s*(\d+)", last)
    if found[0] and found[1] and found[0].group(1) == found[1].group(1):
        return f"{first}–{found[1].group(2)}"
    return f"{first}至{last}"


def _places(plan: m.Plan) -> dict[str, str]:
    """id of a part, chapter or section -> how an editor names it (第九章 推进数字永州建设)."""
    out: dict[str, str] = {}
    for p in plan.parts:
        out[p.id] = f"{p.label} {m.plain(p.title)}".strip()
        for c in p.chapters:
            out[c.id] = f"{c.label} {m.plain(c.title)}"
            for s in c.sections:
                out[s.id] = f"{c.label} {s.label} {m.plain(s.title)}"
    for name, label in (("notice", "通知"), ("preamble", "序言"), ("closing", "结束语")):
        out[name] = label
    for a in plan.appendices:
        out[a.id] = f"{a.label} {m.plain(a.title)}"
    return out


# ------------------------------------------------------------------ blocks

@dataclass(frozen=True)
class _Block:
    id: str
    key: str
    """What is compared: the text with references by target id, without computed labels."""
    inlines: tuple
    """The printed inline content (for showing the text with the version's own labels)."""
    where: str


def _walk(plan: m.Plan):
    """(chapter key, block, where) for every block and list item in reading order (`walk`),
    columns' blocks included, companion pages not. The key is the page the block lands on."""
    places = _places(plan)
    for step in walk.blocks(plan, walk.PLAN):
        at, blk = step.place, step.node
        where = places[at.section.id if at.section is not None else at.page]
        for holder in (*at.within, blk):
            if isinstance(holder, m.Subsection):
                where = f"{where} {holder.label}{m.plain(holder.title)}"
            elif isinstance(holder, m.Column):
                where = f"{holder.label} {m.plain(holder.title)}"
        yield at.page, blk, where


def _text_blocks(plan: m.Plan) -> dict[str, list[_Block]]:
    out: dict[str, list[_Block]] = {}
    for chapter, blk, where in _walk(plan):
        acc = out.setdefault(chapter, [])
        if isinstance(blk, m.Paragraph):
            acc.append(_Block(blk.id, m.id_text(blk.lead + blk.content), blk.lead + blk.content, where))
        elif isinstance(blk, m.Entry | m.Subhead):
            inl = (*getattr(blk, "name", ()), *getattr(blk, "content", ()))
            acc.append(_Block(blk.id, m.id_text(inl), inl, where))
        elif isinstance(blk, m.Item):
            # the item marker is computed (1. 2. …): inserting an item must not change the others
            acc.append(_Block(blk.id, m.id_text(_inlines(blk)), _inlines(blk), where))
        elif isinstance(blk, m.Figure):
            acc.append(_Block(blk.id, "图：" + m.id_text(blk.caption), blk.caption, where))
        elif isinstance(blk, m.Subsection):   # its number is computed: the title is the text
            acc.append(_Block(blk.id, "标题：" + m.id_text(blk.title), blk.title, where))
    return out


def _inlines(item) -> tuple:
    return (*getattr(item, "lead", ()), *getattr(item, "content", ()))


TOKEN = re.compile(r"\u2329[^\u232a]*\u232a|[-+]?\d[\d,]*(?:\.\d+)?%?|[A-Za-z]+|\s+|.", re.S)
"""A reference, a number (whole: 46.94, 1,417.89, 54%), a Latin word, white space, or one character."""


def token_ops(old: str, new: str) -> list[list]:
    """[op, text] runs, op '=', '-' or '+': numbers change as whole tokens, Chinese by character."""
    xs, ys = TOKEN.findall(old), TOKEN.findall(new)
    ops: list[list] = []

    def put(op, tokens):
        if not tokens:
            return
        text = "".join(tokens)
        if ops and ops[-1][0] == op:
            ops[-1][1] += text
        else:
            ops.append([op, text])

    sm = difflib.SequenceMatcher(a=xs, b=ys, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            put("=", xs[i1:i2])
        else:
            put("-", xs[i1:i2])
            put("+", ys[j1:j2])
    return ops


def _shown(ops: list[list], labels_old: dict[str, str], labels_new: dict[str, str]) -> list[list]:
    """Replace ⟨target⟩ tokens by each version's label (deleted runs: the old version's)."""
    def label(op, text):
        table = labels_old if op == "-" else labels_new
        return re.sub(r"\u2329([^\u232a]*)\u232a", lambda g: table.get(g.group(1), g.group(1)), text)
    return [[op, label(op, text)] for op, text in ops]


def _labels(plan: m.Plan) -> dict[str, str]:
    return {t.id: t.label for t in plan.targets if t.label}


def _text(old: m.Plan, new: m.Plan) -> list[dict]:
    a, b = _text_blocks(old), _text_blocks(new)
    la, lb = _labels(old), _labels(new)
    out = []
    for chapter in [*a, *(k for k in b if k not in a)]:
        xs, ys = a.get(chapter, []), b.get(chapter, [])
        sm = difflib.SequenceMatcher(a=[x.key for x in xs], b=[y.key for y in ys], autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag == "equal":
                continue
            olds, news = xs[i1:i2], ys[j1:j2]
            pairs = min(len(olds), len(news)) if tag == "replace" else 0
            for x, y in zip(olds[:pairs], news[:pairs]):
                out.append(_entry(chapter, "changed", x, y, _shown(token_ops(x.key, y.key), la, lb)))
            for x in olds[pairs:]:
                out.append(_entry(chapter, "removed", x, None, _shown([["-", x.key]], la, lb)))
            for y in news[pairs:]:
                out.append(_entry(chapter, "added", None, y, _shown([["+", y.key]], la, lb)))
    return out


def _entry(chapter: str, kind: str, x: _Block | None, y: _Block | None, ops: list[list]) -> dict:
    return {"chapter": chapter, "where": (y or x).where, "kind": kind,
            "old_id": x.id if x else None, "new_id": y.id if y else None,
            "old": m.plain(x.inlines) if x else None, "new": m.plain(y.inlines) if y else None,
            "ops": ops}


# ------------------------------------------------------------------ tables

def _tables(plan: m.Plan) -> dict[tuple[str, int], tuple[m.Table, str]]:
    """(container id, index in container) -> (table, where): tables keep their place as a key
    even when a fix inside a cell changes a derived table id."""
    out: dict[tuple[str, int], tuple[m.Table, str]] = {}
    seen: dict[str, int] = {}
    for _, blk, where in _walk(plan):
        if isinstance(blk, m.Table):
            container = blk.column or blk.chapter
            n = seen.get(container, 0)
            seen[container] = n + 1
            name = where if blk.column else f"{where} {blk.label}"
            out[(container, n)] = (blk, name)
    return out


def _indicator_cells(plan: m.Plan, table: m.Table) -> dict[tuple, tuple[str, str]]:
    names = {i.id: m.plain(i.name) for i in plan.indicators}
    out = {}
    for s in plan.statements:
        if s.source == "table" and s.block == table.id:
            key = (s.indicator, s.year or 0, s.role, s.from_year or 0)
            years = f"{s.from_year}—{s.year}年" if s.from_year else f"{s.year}年" if s.year else ""
            out.setdefault(key, (f"{names.get(s.indicator, s.indicator)}，{years}{m.role_name(s.role, either=True)}",
                                 s.quantity.text))
    return out


def _grid_rows(table: m.Table) -> list[tuple[str, ...]]:
    return [tuple(m.plain(c.content) for c in row.cells) for row in table.head + table.body]


def _plain_cells(x: m.Table, y: m.Table, where: str) -> list[Change]:
    rx, ry = _grid_rows(x), _grid_rows(y)
    head = [m.plain(c.content) for c in y.head[-1].cells] if y.head else []
    out = []
    sm = difflib.SequenceMatcher(a=rx, b=ry, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(pairs):
            old_row, new_row = rx[i1 + k], ry[j1 + k]
            for c in range(max(len(old_row), len(new_row))):
                o = old_row[c] if c < len(old_row) else None
                n = new_row[c] if c < len(new_row) else None
                if o != n:
                    col = head[c] if c < len(head) else f"第 {c + 1} 列"
                    out.append(Change("changed", "cell", y.id, o, n, f"{where} 第 {j1 + k + 1} 行 {col}"))
        for row in rx[i1 + pairs:i2]:
            out.append(Change("removed", "cell", x.id, "　".join(row), None, f"{where} 行"))
        for row in ry[j1 + pairs:j2]:
            out.append(Change("added", "cell", y.id, None, "　".join(row), f"{where} 行"))
    return out


def _cells(old: m.Plan, new: m.Plan) -> list[Change]:
    a, b = _tables(old), _tables(new)
    out: list[Change] = []
    for key in [*b, *(k for k in a if k not in b)]:
        if key not in a or key not in b:
            table, where = b.get(key) or a[key]
            kind = "added" if key not in a else "removed"
            out.append(Change(kind, "cell", table.id, None if kind == "added" else where,
                              where if kind == "added" else None, where))
            continue
        (x, _), (y, where) = a[key], b[key]
        if x.indicator and y.indicator:
            cx, cy = _indicator_cells(old, x), _indicator_cells(new, y)
            for k in [*cy, *(k for k in cx if k not in cy)]:
                o, n = cx.get(k, ("", None))[1], cy.get(k, ("", None))[1]
                if o != n:
                    kind = "added" if o is None else "removed" if n is None else "changed"
                    out.append(Change(kind, "cell", k[0], o, n, f"{where}：{(cy.get(k) or cx[k])[0]}"))
            if _grid_rows(x) != _grid_rows(y) and not any(c.where and c.where.startswith(where) for c in out):
                out += _plain_cells(x, y, where)
        else:
            out += _plain_cells(x, y, where)
    return out


# ------------------------------------------------------------------ indicators

def _indicators(old: m.Plan, new: m.Plan) -> list[Change]:
    """Changes to what an indicator is (its values are compared where they stand)."""
    a = {i.id: i for i in old.indicators}
    b = {i.id: i for i in new.indicators}
    names = {"unit": "单位", "category": "类别", "nature": "属性", "parent": "上级指标", "basis": "口径"}
    changes = []
    for iid in sorted(set(a) | set(b)):
        if iid not in b:
            changes.append(Change("removed", "indicator", iid, m.plain(a[iid].name), None))
        elif iid not in a:
            changes.append(Change("added", "indicator", iid, None, m.plain(b[iid].name)))
        else:
            x, y = a[iid], b[iid]
            if m.plain(x.name) != m.plain(y.name):
                changes.append(Change("renamed", "indicator", iid, m.plain(x.name), m.plain(y.name)))
            for attr, name in names.items():
                if getattr(x, attr) != getattr(y, attr):
                    changes.append(Change("changed", "indicator", iid, f"{name}：{getattr(x, attr) or '（无）'}",
                                          f"{name}：{getattr(y, attr) or '（无）'}", m.plain(y.name)))
    return changes


def diff_plans(old: m.Plan, new: m.Plan) -> PlanDiff:
    structure, renumbering = _structure(old, new)
    return PlanDiff(structure, renumbering, _cells(old, new), _indicators(old, new), _text(old, new))


# ------------------------------------------------------------------ versions

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


def version_name(spec: str, repo: Path) -> tuple[str, str]:
    """(name, date) of a version: a git revision as 'abc1234（提交说明）' with its commit
    date; a directory by its path, with no date."""
    if Path(spec).is_dir():
        return spec, ""
    rev = spec.partition(":")[0]
    if rev.startswith("-"):
        return spec, ""
    r = subprocess.run(["git", "-C", str(repo), "log", "-1", "--format=%h%x00%cs%x00%s", rev, "--"],
                       capture_output=True, text=True)
    parts = r.stdout.strip().split("\0")
    if r.returncode != 0 or len(parts) != 3:
        return spec, ""
    short, day, subject = parts
    return f"{spec}（{short}，{subject}）" if spec != short else f"{short}（{subject}）", day
