"""Accepting proposals: apply edits and cell changes to the plan's XML, atomically, through
`fmt`'s writer (the files come out in canonical form, as `fmt` writes them).

Each block is found by its source position (the model's Loc), its plain text is laid
over the element's text nodes (a <ref/> counts as its label and cannot be edited inside),
and each replacement is spliced into the text nodes it covers, so inline markup the edit
does not touch (<lead>, <fact>, <em>…) stays. An edit that would cut through markup is
left for the editor (status manual). Proposals of one block are applied from the end, so
offsets stay valid. All files are computed first, then written (each atomically); if the
plan then has errors it did not have before, every file is put back.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from lxml import etree

from . import model as m
from .fmt import canonical_xml, write_atomic
from .load import SourceFile, secure_parser
from .cells import grid
from .review import Proposal, Review, targets, value_statement

_LEADS = ("lead", "name")


def _segments(el: etree._Element, labels: dict[str, str]) -> list[list]:
    """[node, slot, start, text] over the element's plain text; slot is text, tail or ref
    (a reference's label: atomic)."""
    out: list[list] = []
    pos = 0

    def add(node, slot, text):
        nonlocal pos
        out.append([node, slot, pos, text])
        pos += len(text)

    def walk(e, top):
        lead_first = top and len(e) and e[0].tag in _LEADS
        if e.text and not (lead_first and not e.text.strip()):
            add(e, "text", e.text)
        for child in e:
            if isinstance(child.tag, str):
                if child.tag == "ref":
                    add(child, "ref", labels.get(child.get("to", ""), child.get("to", "")))
                else:
                    walk(child, False)
            if child.tail:
                add(child, "tail", child.tail)

    walk(el, True)
    return out


def _splice(segments: list[list], start: int, end: int, new: str) -> str | None:
    """Replace [start, end) of the plain text by `new` in the text nodes; None when the
    range crosses a reference or markup boundary it would have to cut."""
    touched = [s for s in segments if s[2] < end and start < s[2] + len(s[3])] if start < end else \
        [s for s in segments if s[2] <= start <= s[2] + len(s[3])][-1:]
    if not touched and segments:
        return "没有可修改的文字"
    if any(s[1] == "ref" for s in touched):
        return "改动落在交叉引用（编号）上，请在 XML 中处理 <ref/>"
    if len(touched) > 1:
        return "改动跨越了行内标记（主题句、指标数值等），请人工处理"
    node, slot, at, text = touched[0] if touched else [None, "text", 0, ""]
    fresh = text[:start - at] + new + text[end - at:]
    if slot == "text":
        node.text = fresh
    else:
        node.tail = fresh
    return None


def _element_at(tree: etree._ElementTree, source: SourceFile, loc: m.Loc) -> etree._Element | None:
    for el in tree.getroot().iter():
        if isinstance(el.tag, str) and el.sourceline == loc.line and \
                source.locate(el) == (loc.line, loc.column):
            return el
    return None


def apply(plan: m.Plan, result: Review, chosen: list[Proposal], plan_dir: Path) -> list[Proposal]:
    """Apply the `chosen` applicable proposals to the XML under plan_dir; returns every
    chosen proposal with its outcome (status applied, or manual with the reason)."""
    from .pipeline import compile_plan

    index = targets(plan)
    labels = {t.id: t.label for t in plan.targets}
    trees: dict[str, tuple] = {}
    outcome: list[Proposal] = []
    ordered = sorted((p for p in chosen if p.applicable), key=lambda p: (p.block, p.cell or (0, 0),
                                                                        -p.start, -p.end))
    checked: set = set()
    for p in ordered:
        reason = _apply_one(plan, index, labels, trees, plan_dir, p, checked)
        outcome.append(replace(p, status="manual", reason=reason) if reason else
                       replace(p, status="applied", reason=""))
    outcome += [p for p in chosen if not p.applicable]
    before = _errors(compile_plan(plan_dir))
    originals: dict[Path, str] = {}
    for path, (tree, _source, old) in sorted(trees.items()):
        text = canonical_xml(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
        if text != old:
            originals[Path(path)] = old
            write_atomic(Path(path), text)
    if originals and _errors(compile_plan(plan_dir)) > before:
        for path, old in originals.items():
            write_atomic(path, old)
        return [replace(p, status="manual", reason="采纳后规划出现新的错误，已全部撤回")
                if p.status == "applied" else p for p in outcome]
    return outcome


def _errors(compiled) -> int:
    return sum(d.severity.value == "error" for d in compiled.diagnostics)


def _source(trees: dict, plan_dir: Path, loc: m.Loc, root: str):
    rel = m.plan_relative(loc.file, root)
    path = str((plan_dir / rel).resolve())
    if path not in trees:
        text = Path(path).read_text(encoding="utf-8")
        tree = etree.ElementTree(etree.fromstring(text.encode("utf-8"), secure_parser()))
        source = SourceFile(rel, loc.file, "chapter", tree, text.splitlines())
        trees[path] = (tree, source, text)
    return trees[path]


def _apply_one(plan, index, labels, trees, plan_dir: Path, p: Proposal, checked: set) -> str | None:
    target = index.get(p.block)
    if target is None:
        return "规划中已没有这一处"
    found = _cell_element(plan, target, trees, plan_dir, p) if p.kind == "cell" else \
        _block_element(plan, target, trees, plan_dir)
    if isinstance(found, str):
        return found
    el, expected = found
    segments = _segments(el, labels)
    if el not in checked and "".join(s[3] for s in segments) != expected:
        return "源文件的文字与规划模型不一致，请人工处理"
    checked.add(el)  # later proposals of the block see the text as already edited
    return _splice(segments, p.start, p.end, p.new)


def _block_element(plan, target, trees, plan_dir: Path):
    """(element, its expected plain text) of a block, or why it cannot be found."""
    tree, source, _ = _source(trees, plan_dir, target.loc, plan.root)
    el = _element_at(tree, source, target.loc)
    if el is not None and target.kind in ("heading", "column-title"):
        el = el.find("title")
    return (el, target.text) if el is not None else "在源文件中找不到这一处"


def _cell_element(plan, target, trees, plan_dir: Path, p: Proposal):
    """(element, expected text) of a table cell: an indicator table's <v> (through the
    statement it prints), a plain table's <td>/<th> (through its row)."""
    table, (row, col) = target.node, p.cell
    if table.indicator:
        statement = value_statement(plan, table, row, col)
        if statement is None:
            return "只有指标数值单元格可以自动采纳（类别、指标名称在 indicators.xml 中定义）"
        tree, source, _ = _source(trees, plan_dir, statement.loc, plan.root)
        el = _element_at(tree, source, statement.loc)
        return (el, statement.quantity.text) if el is not None else "在源文件中找不到这一单元格"
    rows = table.head + table.body
    placed = grid(table)[row] if 0 <= row < len(rows) else []
    k = next((i for i, s in enumerate(placed) if s[1] == col), None)
    if k is None:
        return "表格结构已变化，请人工处理"
    tree, source, _ = _source(trees, plan_dir, rows[row].loc, plan.root)
    tr = _element_at(tree, source, rows[row].loc)
    cells = [] if tr is None else [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
    if k >= len(cells):
        return "在源文件中找不到这一单元格"
    return cells[k], m.plain(placed[k][0].content)
