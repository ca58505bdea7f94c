"""征求意见: a returned Word/WPS copy's tracked changes and comments as proposals on the plan.

`review(plan, copies)` reads each copy (`review_read`), anchors every paragraph at its
block through the bookmarks the export embedded (a paragraph whose bookmark was lost is
matched by text similarity and reported), and turns each tracked change into exactly one
proposal: a replacement of [start, end) of the block's plain text by new text (an
insertion has start == end, a deletion empty new text), or a change of a table cell;
each comment becomes a note with author, date and the words it is anchored to.

Proposals are rebased onto the current plan: the copy's original text (kept + deleted)
is compared with the block's current text; an edit inside an unchanged stretch moves
with it, an edit of words that changed since export is a conflict and never applied.
Two reviewers changing overlapping words of one block are a conflict too. Applying is
`review_apply`; nothing here writes.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from . import diagnostics as dg
from . import model as m
from . import walk
from .cells import grid
from .review_read import Copy, DocParagraph, Refused, read_copy

SIMILAR = 0.75
"""Least difflib ratio for a paragraph without its bookmark to be matched with a block."""


@dataclass(frozen=True)
class Target:
    """A block as the Word edition prints it: what a returned paragraph is matched with."""

    id: str
    kind: str
    """paragraph | item | entry | subhead | heading | column-title | table."""
    prefix: str
    """Printed before the block's text in the same paragraph (a list marker, 第八章　)."""
    text: str
    """The block's plain text (what offsets count in)."""
    place: str
    """Where it is, as an editor says it: 第八章第二节, 专栏 2, 序言."""
    loc: m.Loc
    node: object = field(compare=False, repr=False)


@dataclass
class Proposal:
    id: str
    copy: str
    kind: str
    """edit | comment | cell."""
    block: str
    place: str
    author: str
    date: str
    start: int
    end: int
    old: str
    new: str
    """The replacement (edit, cell) or the comment's text (comment)."""
    status: str = "clean"
    """clean | rebased | conflict | manual | unplaced | same (another proposal makes the
    identical change: applied with it)."""
    reason: str = ""
    file: str = ""
    line: int = 0
    column: int = 0
    cell: tuple[int, int] | None = None
    """(row, grid column) of a table cell."""
    indicator: str = ""
    """For an indicator table's value cell: 指标, year and role, as the report names it."""
    matched: str = ""
    """How the paragraph was anchored: bookmark | similarity (its bookmark lost) | renamed
    (its bookmark names an id the plan no longer has: matched by similarity too)."""

    @property
    def applicable(self) -> bool:
        return self.kind != "comment" and self.status in ("clean", "rebased")

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Review:
    proposals: list[Proposal]
    diagnostics: list[dg.Diagnostic]
    copies: list[Copy]


# ------------------------------------------------------------------ the plan's targets

DOCX_AREAS = ("notice", "preamble", "part", "chapter", "closing")
"""What the Word edition prints (`export.word`): a returned copy holds nothing else."""


def _place_of(at: walk.Place) -> str:
    """Where a returned paragraph stands, as the review report names it."""
    if at.column is not None:
        return at.column.label
    if at.chapter is not None:
        return at.chapter.label + (at.section.label if at.section is not None else "")
    if at.part is not None:
        return at.part.label
    return {"notice": "印发通知", "preamble": "序言", "closing": "结束语"}[at.area]


def targets(plan: m.Plan) -> dict[str, Target]:
    """Every block a returned paragraph can belong to, by id."""
    out: dict[str, Target] = {}

    def add(node, kind, prefix, text, place):
        out.setdefault(node.id, Target(node.id, kind, prefix, text, place, node.loc, node))

    for step in walk.steps(plan):
        b, at = step.node, step.place
        if at.area not in DOCX_AREAS:
            continue
        place = _place_of(at)
        if isinstance(b, m.Part | m.Chapter | m.Section):
            add(b, "heading", f"{b.label}　", m.plain(b.title), place)
        elif isinstance(b, m.Subsection):  # 一、… printed without a space after the number
            add(b, "heading", b.label, m.plain(b.title), place)
        elif isinstance(b, m.Paragraph | m.Entry | m.Subhead):
            add(b, type(b).__name__.lower(), "", b.text, place)
        elif isinstance(b, m.Item):
            add(b, "item", b.marker, b.text, place)
        elif isinstance(b, m.Table):
            add(b, "table", "", "", b.label if b.column is None else place)
        elif isinstance(b, m.Column):
            add(b, "column-title", f"{b.label}　", m.plain(b.title), b.label)
    return out


# ------------------------------------------------------------------ anchoring

def _anchor(para: DocParagraph, index: dict[str, Target], plan: m.Plan):
    """(target, cell, how) for a paragraph: its innermost plandoc bookmark, its table's
    cell, or the most similar block; (None, None, '') when nothing matches."""
    if para.cell is not None:
        ids, row, col = para.cell
        table = next((index[i] for i in ids if i in index and index[i].kind == "table"), None)
        if table is not None:
            return table, (row, col), "bookmark"
    for plan_id in reversed(para.ids):  # innermost first: an item inside its list's span
        target = index.get(plan_id)
        if target is not None and target.kind != "table":
            return target, None, "bookmark"
    text = para.original
    if len(text) < 8:
        return None, None, ""
    best, score = None, SIMILAR
    for target in index.values():
        if target.kind == "table" or abs(len(target.prefix + target.text) - len(text)) > len(text) // 2:
            continue
        matcher = difflib.SequenceMatcher(None, text, target.prefix + target.text, autojunk=False)
        if matcher.quick_ratio() >= score and (r := matcher.ratio()) >= score:
            best, score = target, r
    # an id the plan no longer has: a derived id changes with its text after export
    how = "renamed" if para.ids else "similarity"
    return (best, None, how) if best else (None, None, "")


def _changes(para: DocParagraph) -> list[tuple[int, int, str, str, str, str]]:
    """(start, end, old, new, author, date) per tracked change: a run of adjacent
    deletions and insertions by one author is one change (Word writes a replacement as
    w:del followed by w:ins)."""
    out: list[list] = []
    pos = 0
    previous = "keep"
    for piece in para.pieces:
        if piece.kind == "keep":
            pos += len(piece.text)
            previous = "keep"
            continue
        if previous != "keep" and out and out[-1][4] == piece.author:
            current = out[-1]
        else:
            current = [pos, pos, "", "", piece.author, piece.date]
            out.append(current)
        if piece.kind == "del":
            current[2] += piece.text
            current[1] += len(piece.text)
            pos += len(piece.text)
        else:
            current[3] += piece.text
        previous = piece.kind
    return [tuple(c) for c in out]


class _Rebase:
    """Maps offsets of the copy's original paragraph text onto the block's current text."""

    def __init__(self, old: str, new: str):
        self.same = old == new
        self.blocks = [] if self.same else [
            b for b in difflib.SequenceMatcher(None, old, new, autojunk=False).get_matching_blocks()
            if b.size]

    def map(self, start: int, end: int) -> tuple[int, int] | None:
        if self.same:
            return start, end
        for b in self.blocks:
            inside = b.a <= start and end <= b.a + b.size if start < end else b.a <= start <= b.a + b.size
            if inside:
                return b.b + start - b.a, b.b + end - b.a
        return None


def _proposal_id(*parts) -> str:
    return "R" + hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:8]


def _from_paragraph(copy: Copy, para: DocParagraph, index, plan, root) -> list[Proposal]:
    target, cell, how = _anchor(para, index, plan)
    name = Path(copy.path).name
    if target is None:
        lost = f"第 {para.index} 段无法对应到规划中的任何一处"
        return [Proposal(_proposal_id(name, para.index, s, e, o, n), name, "edit", "", "", a, d, s, e,
                         o, n, "unplaced", lost, copy.path, para.index, s + 1)
                for s, e, o, n, a, d in _changes(para)] + \
            [Proposal(_proposal_id(name, para.index, "c", x.comment), name, "comment", "", "",
                      _comment(copy, x.comment).author, _comment(copy, x.comment).date, x.start, x.end,
                      para.original[x.start:x.end], _comment(copy, x.comment).text, "unplaced", lost,
                      copy.path, para.index, x.start + 1)
             for x in para.anchors]
    if cell is not None:
        current = _cell_text(target.node, *cell)
        prefix, base = "", current if current is not None else ""
    else:
        prefix, base = target.prefix, target.text
    rebase = _Rebase(para.original, prefix + base)
    loc = target.loc
    file = dg.where(loc.file, loc.line, root).rsplit(":", 1)[0]
    place = target.place + (f" 第 {cell[0] + 1 - len(target.node.head)} 行" if cell else "")
    out = []
    for s, e, old, new, author, date in _changes(para):
        p = Proposal(_proposal_id(target.id, cell, s, e, old, new, author), name,
                     "cell" if cell else "edit", target.id, place, author, date, s, e, old, new,
                     file=file, line=loc.line, column=loc.column, cell=cell, matched=how)
        out.append(_place(p, rebase, prefix, para, target))
    for x in para.anchors:
        comment = _comment(copy, x.comment)
        p = Proposal(_proposal_id(target.id, cell, "c", x.comment, comment.text), name, "comment",
                     target.id, place, comment.author, comment.date, x.start, x.end,
                     para.original[x.start:x.end], comment.text,
                     file=file, line=loc.line, column=loc.column, cell=cell, matched=how)
        out.append(_place(p, rebase, prefix, para, target))
    if cell is not None and target.node.indicator:
        out = [replace(p, indicator=_indicator_of(plan, target.node, *cell)) for p in out]
    return out


def _comment(copy: Copy, cid: str):
    from .review_read import Comment

    return copy.comments.get(cid) or Comment(cid, "", "", "")


def _place(p: Proposal, rebase: _Rebase, prefix: str, para: DocParagraph, target: Target) -> Proposal:
    """Rebase a proposal's offsets onto the block's current text (without its prefix)."""
    mapped = rebase.map(p.start, p.end)
    if mapped is None:
        return replace(p, status="conflict",
                       reason="导出后规划在此处的文字已修改（原文：“%s”）" % para.original[p.start:p.end][:40])
    start, end = mapped[0] - len(prefix), mapped[1] - len(prefix)
    if start < 0:
        return replace(p, status="manual", start=0, end=max(end, 0),
                       reason="改动涉及自动编号（%s），编号由规划结构生成，请改标题或调整结构" % prefix.strip())
    status = "clean" if rebase.same and p.matched == "bookmark" else "rebased"
    return replace(p, start=start, end=end, status=status,
                   reason="" if status == "clean" else "已按当前规划文字重新定位")


def _cell_text(table: m.Table, row: int, col: int) -> str | None:
    for slots in grid(table)[row:row + 1]:
        for slot in slots:
            if slot is not None and slot[1] == col:
                return m.plain(slot[0].content)
    return None


def value_statement(plan: m.Plan, table: m.Table, row: int, col: int) -> m.Statement | None:
    """The indicator statement a value cell of an indicator table prints, if any."""
    rows = table.head + table.body
    if not 0 <= row < len(rows) or _cell_text(table, row, col) is None:
        return None
    first, last = rows[row].loc.line, rows[row + 1].loc.line if row + 1 < len(rows) else 10 ** 9
    text = _cell_text(table, row, col)
    candidates = [s for s in plan.statements if s.block == table.id and first <= s.loc.line < last
                  and s.quantity.text == text]
    values = [c for c in grid(table)[row] if c[0].fact_role]
    order = [c[1] for c in values]
    if col not in order:
        return None
    in_row = sorted((s for s in plan.statements if s.block == table.id and first <= s.loc.line < last),
                    key=lambda s: (s.loc.line, s.loc.column))
    k = order.index(col)
    if k < len(in_row) and (not candidates or in_row[k] in candidates):
        return in_row[k]
    return candidates[0] if len(candidates) == 1 else None


def _indicator_of(plan: m.Plan, table: m.Table, row: int, col: int) -> str:
    s = value_statement(plan, table, row, col)
    if s is None:
        return ""
    names = {i.id: m.plain(i.name) for i in plan.indicators}
    return f"{names.get(s.indicator, s.indicator)}，{s.year} 年{m.role_name(s.role)}"



# ------------------------------------------------------------------ the whole review

def review(plan: m.Plan, paths: list[Path]) -> Review:
    """Proposals from every returned copy, rebased onto `plan`, with conflicts marked."""
    from .export.word_parts import content_hash

    index = targets(plan)
    root = plan.root
    now = content_hash(Path(root or "."))
    proposals: list[Proposal] = []
    diags: list[dg.Diagnostic] = []
    copies: list[Copy] = []
    for path in paths:
        try:
            copy = read_copy(path)
        except Refused as refused:
            diags.append(refused.diagnostic)
            continue
        diags += copy.diagnostics
        found = _check_copy(copy, plan, now, index)
        diags += found
        if any(d.severity is dg.Severity.ERROR for d in found):
            continue
        copies.append(copy)
        previous: Target | None = None
        for para in copy.paragraphs:
            if para.changed and not para.original and para.revised.strip():
                proposals.append(_new_paragraph(copy, para, previous, root))
                continue
            if para.changed or para.anchors:
                proposals += _from_paragraph(copy, para, index, plan, root)
            if para.split:
                diags.append(dg.make("PD039", copy.path, para.index, 0,
                                     f"第 {para.index} 段的段落标记被修订（拆分或合并段落），结构变化须人工处理"))
            known = next((index[i] for i in reversed(para.ids) if i in index), None)
            previous = known or previous
    _cross_conflicts(proposals)
    diags += [_diagnostic(p, root) for p in proposals if p.status in ("conflict", "unplaced", "manual")
              or p.matched in ("similarity", "renamed")]
    return Review(sorted(proposals, key=lambda p: (p.copy, p.file, p.line, p.start, p.id)),
                  sorted(set(diags), key=dg.sort_key), copies)


def _new_paragraph(copy: Copy, para: DocParagraph, after: Target | None, root: str) -> Proposal:
    """A paragraph the reviewer added (all of it inserted): one proposal, for the editor,
    placed after the block before it."""
    name = Path(copy.path).name
    piece = next(p for p in para.pieces if p.kind == "ins")
    where = f"（在 {after.place} {after.id} 之后）" if after else ""
    p = Proposal(_proposal_id(name, "new", after.id if after else "", para.revised), name, "edit",
                 after.id if after else "", after.place if after else "", piece.author, piece.date,
                 len(after.text) if after else 0, len(after.text) if after else 0, "",
                 para.revised, "manual" if after else "unplaced", f"新增段落{where}，请在 XML 中添加",
                 m.plan_relative(after.loc.file, root) if after else copy.path,
                 after.loc.line if after else para.index, after.loc.column if after else 0)
    return p


def _check_copy(copy: Copy, plan: m.Plan, now: str, index: dict) -> list[dg.Diagnostic]:
    props = copy.properties
    if props.get("plan_id") != plan.meta.id:
        said = f"（文档记录的规划为 {props['plan_id']}）" if props.get("plan_id") else "（文档没有 plandoc 属性）"
        return [dg.make("PD033", copy.path, 0, 0, f"不是本规划（{plan.meta.id}）的征求意见稿{said}")]
    if not any(p.ids for p in copy.paragraphs):
        return [dg.make("PD033", copy.path, 0, 0, "文档中没有 plandoc 书签，无法对应到规划")]
    ids = {i for p in copy.paragraphs for i in p.ids}
    known = len(ids & index.keys())
    if known * 2 < len(ids):  # edits after export change a few derived ids, never most
        return [dg.make("PD033", copy.path, 0, 0,
                        f"文档中的 plandoc 书签大多不属于本规划（{len(ids)} 个中只有 {known} 个）")]
    if props.get("content_sha256") and props["content_sha256"] != now:
        rev = props.get("git_revision", "")
        return [dg.make("PD035", copy.path, 0, 0,
                        "规划在导出此稿后已修改，意见已按当前文字重新定位"
                        + (f"（导出时的版本 {rev[:12]}）" if rev else ""))]
    return []


def _cross_conflicts(proposals: list[Proposal]) -> None:
    """Two authors (or copies) changing overlapping words of one block: both conflict."""
    edits = [p for p in proposals if p.kind != "comment" and p.status in ("clean", "rebased")]
    by_block: dict = {}
    for p in edits:
        by_block.setdefault((p.block, p.cell), []).append(p)
    for group in by_block.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if b.status == "same" or (a.author, a.copy) == (b.author, b.copy):
                    continue
                if (a.start, a.end, a.new) == (b.start, b.end, b.new):  # they agree: apply once
                    b.status, b.reason = "same", f"与 {a.id}（{a.author or a.copy}）相同，随之采纳"
                    continue
                overlap = a.start < b.end and b.start < a.end or (a.start == b.start and
                                                                  (a.start == a.end or b.start == b.end))
                if overlap:
                    for p, other in ((a, b), (b, a)):
                        p.status = "conflict"
                        p.reason = f"与 {other.author or other.copy}（{other.copy}，{other.id}）的修改重叠"


def _diagnostic(p: Proposal, root: str) -> dg.Diagnostic:
    """Where a proposal has a block, the diagnostic points at its source (as other
    diagnostics do: the plan directory as the user named it); else at the copy."""
    file = p.file if p.status == "unplaced" else f"{root.rstrip('/')}/{p.file}" if root else p.file
    if p.status == "unplaced" or p.status == "manual":
        return dg.make("PD039", file, p.line, p.column, f"{p.id}：{p.reason}")
    if p.status == "conflict" and "重叠" in p.reason:
        return dg.make("PD037", file, p.line, p.column, f"{p.id}（{p.place}）：{p.reason}")
    if p.status == "conflict":
        return dg.make("PD036", file, p.line, p.column, f"{p.id}（{p.place}）：{p.reason}")
    lost = "书签已丢失" if p.matched == "similarity" else "书签的 id 在规划中已不存在（导出后文字已改）"
    return dg.make("PD038", file, p.line, p.column, f"{p.id}（{p.place}）：{lost}，按文字相似度对应到 {p.block}")


# ------------------------------------------------------------------ report

STATUS = {"clean": "可直接采纳", "rebased": "已重新定位，可采纳", "conflict": "冲突，不会自动采纳",
          "manual": "需人工处理", "unplaced": "无法定位", "same": "与另一条意见相同"}
KIND = {"edit": "修改", "cell": "表格修改", "comment": "批注"}


def report(result: Review) -> str:
    """The Chinese report: every proposal with its place, author and whether it applies."""
    lines = []
    for copy in sorted({p.copy for p in result.proposals}):
        mine = [p for p in result.proposals if p.copy == copy]
        lines.append(f"== {copy}：{len(mine)} 条意见 ==")
        for p in mine:
            who = " ".join(x for x in (p.author, p.date[:10]) if x)
            what = (f"批注“{p.new}”（针对“{p.old}”）" if p.kind == "comment" else
                    f"删除“{p.old}”" if not p.new else f"插入“{p.new}”" if not p.old else
                    f"“{p.old}” → “{p.new}”")
            where = p.place + (f"（{p.indicator}）" if p.indicator else "")
            state = "已定位，供参考" if p.kind == "comment" and p.status == "clean" else STATUS[p.status]
            lines.append(f"[{p.id}] {where or '?'} {KIND[p.kind]} {who}：{what} —— {state}"
                         + (f"：{p.reason}" if p.reason and p.status != "clean" else ""))
    edits = [p for p in result.proposals if p.kind != "comment"]
    counts = {s: sum(p.status == s for p in edits) for s in STATUS}
    notes = len(result.proposals) - len(edits)
    lines.append("合计：" + "，".join([f"{STATUS[s]} {n} 条" for s, n in counts.items() if n] +
                                    ([f"批注 {notes} 条"] if notes else []))
                 if result.proposals else "没有修订或批注。")
    return "\n".join(lines)
