"""征求意见 round trip: export the bundled plan, make tracked changes and comments as Word
writes them (tests/wordlike.py), review: every change is exactly one proposal at its block
and offset, and applying all of them gives the same XML as making the same edits by hand.
Rebasing, conflicts, the report, the review files and the command line."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plandoc import model as m
from plandoc import walk
from plandoc.fmt import canonical_xml, plan_files
from plandoc.pipeline import build, compile_plan
from plandoc.cells import grid as _grid
from plandoc.review import report, review, value_statement
from plandoc.review_apply import apply

from plans import MINI, ROOT
from wordlike import Edit, Note, with_changes

PLAN = ROOT / "plan"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The Word edition of the bundled plan (also a valid export of any copy of plan/)."""
    compiled = compile_plan(PLAN)
    out = tmp_path_factory.mktemp("export") / "dist"
    build(compiled.plan, out, ["docx"], compiled.diagnostics)
    return (out / "plan.docx").read_bytes()


def _export(plan_dir: Path, exported: bytes) -> tuple[m.Plan, bytes]:
    compiled = compile_plan(plan_dir)
    assert compiled.ok
    return compiled.plan, exported


def _files(plan_dir: Path) -> dict[str, bytes]:
    return {p.relative_to(plan_dir).as_posix(): p.read_bytes() for p in plan_files(plan_dir)}


def _text_edits(plan: m.Plan, kinds, count: int, source: dict[str, str], start_at: int = 0):
    """`count` blocks of the given kinds, each with an edit of two characters inside one
    plain text run (as Word and the XML both hold it), unique in its source file:
    (edit, block id, offset in the block's text, file)."""
    out = []
    seen = 0

    every = [s.node for s in walk.blocks(plan, ("chapter",))
             if not isinstance(s.node, m.ListBlock | m.Column)]
    for b in every:
        if type(b).__name__ not in kinds or len(out) == count:
            continue
        seen += 1
        if seen <= start_at:
            continue
        offset = len(m.plain(getattr(b, "lead", ()) or getattr(b, "name", ())))
        for node in b.content:
            if isinstance(node, m.Text) and len(node.text) >= 24:
                middle = len(node.text) // 2
                before, old = node.text[middle - 8:middle], node.text[middle:middle + 2]
                rel = m.plan_relative(b.loc.file, plan.root)
                if source[rel].count(before + old) == 1 and "\n" not in before + old:
                    kind = len(out) % 3
                    new = {0: old + "进一步", 1: "", 2: "切实" + old}[kind]
                    out.append((Edit(b.id, before, old, new, author=f"部门{len(out) % 4 + 1}"),
                                b.id, offset + middle, rel))
                    break
            offset += len(m.plain((node,)))
    assert len(out) == count, (kinds, len(out))
    return out


def _cell_edits(plan: m.Plan, count: int):
    out = []
    for table in (t for t in plan.tables if t.indicator):
        for r, slots in enumerate(_grid(table)):
            for slot in filter(None, slots):
                cell, col = slot
                s = value_statement(plan, table, r, col) if cell.fact_role else None
                text = m.plain(cell.content)
                if s is None or not text.replace(".", "").isdigit() or len(out) == count:
                    continue
                new = text + "1"
                out.append((Edit(table.id, "", text, new, author="统计局", cell=(r, col)), s, text, new))
    assert len(out) == count
    return out


def test_round_trip_every_change_is_one_proposal_and_applying_equals_editing_by_hand(tmp_path, exported):
    work, by_hand = tmp_path / "work" / "plan", tmp_path / "hand" / "plan"
    shutil.copytree(PLAN, work)
    shutil.copytree(PLAN, by_hand)
    plan, exported = _export(work, exported)
    source = {k: v.decode("utf-8") for k, v in _files(work).items()}
    prose = _text_edits(plan, ("Paragraph",), 8, source)
    items = _text_edits(plan, ("Item",), 6, source)
    entries = _text_edits(plan, ("Entry",), 4, source)
    cells = _cell_edits(plan, 4)
    notes = [Note(p[1], "", p[0].before[2:6], f"请核实（{n}）", author="审计局")
             for n, p in enumerate(prose[:3])]
    chapter = plan.chapters[0]  # a heading: its title is edited, its computed label kept
    title = m.plain(chapter.title)
    heading = (Edit(chapter.id, title[:1], title[1:2], "新"), chapter.id, 1,
               m.plan_relative(chapter.loc.file, plan.root))
    assert source[heading[3]].count(f"<title>{title}</title>") == 1
    edits = prose + items + entries + [heading]
    copy = tmp_path / "返回稿-各部门.docx"
    data = with_changes(exported, [e for e, *_ in edits] + [e for e, *_ in cells])
    data = with_changes(data, notes)  # comments on words just before the edits
    copy.write_bytes(data)

    result = review(plan, [copy])
    assert len(edits) + len(cells) >= 20
    assert result.diagnostics == []
    assert len(result.proposals) == len(edits) + len(cells) + len(notes)
    by_block = {}
    for p in result.proposals:
        by_block.setdefault((p.block, p.kind), []).append(p)
    for edit, block, offset, _ in edits:
        (p,) = by_block[(block, "edit")]
        assert (p.start, p.end, p.old, p.new, p.author, p.status) == \
            (offset, offset + len(edit.old), edit.old, edit.new, edit.author, "clean")
    for edit, statement, old, new in cells:
        (p,) = [p for p in by_block[(edit.block, "cell")] if p.cell == edit.cell]
        assert (p.old, p.new, p.status) == (old, new, "clean")
        assert str(statement.year) in p.indicator
    for note in notes:
        (p,) = by_block[(note.block, "comment")]
        assert (p.old, p.new, p.author) == (note.quoted, note.text, "审计局")
    assert "专栏 1 第" in report(result) and "可直接采纳" in report(result)

    outcome = apply(plan, result, [p for p in result.proposals if p.kind != "comment"], work)
    assert {p.status for p in outcome} == {"applied"}, [(p.id, p.reason) for p in outcome
                                                       if p.status != "applied"]
    # the same edits by hand, then fmt
    touched: dict[str, str] = {}
    for edit, _block, _offset, rel in edits:
        text = touched.get(rel, (by_hand / rel).read_text(encoding="utf-8"))
        if edit is heading[0]:
            touched[rel] = text.replace(f"<title>{title}</title>",
                                        f"<title>{title[:1]}{edit.new}{title[2:]}</title>")
            continue
        assert text.count(edit.before + edit.old) == 1
        touched[rel] = text.replace(edit.before + edit.old, edit.before + edit.new)
    for _edit, statement, old, new in cells:
        rel = m.plan_relative(statement.loc.file, plan.root)
        lines = touched.get(rel, (by_hand / rel).read_text(encoding="utf-8")).split("\n")
        assert lines[statement.loc.line - 1].count(f"<v>{old}</v>") == 1
        lines[statement.loc.line - 1] = lines[statement.loc.line - 1].replace(f"<v>{old}</v>", f"<v>{new}</v>")
        touched[rel] = "\n".join(lines)
    for rel, text in touched.items():
        (by_hand / rel).write_text(canonical_xml(text.encode("utf-8")), encoding="utf-8")
    assert _files(work) == _files(by_hand)
    assert compile_plan(work).ok


def test_rebase_moves_edits_and_reports_changed_words_as_conflicts(tmp_path, exported):
    work = tmp_path / "plan"
    shutil.copytree(PLAN, work)
    plan, exported = _export(work, exported)
    source = {k: v.decode("utf-8") for k, v in _files(work).items()}
    (moved, block, offset, rel), (clash, block2, _, rel2) = _text_edits(plan, ("Paragraph",), 2, source)
    copy = tmp_path / "copy.docx"
    copy.write_bytes(with_changes(exported, [moved, clash]))
    # after export: words inserted early in the first paragraph, the second's words rewritten
    para = next(b for b in _blocks(plan) if b.id == block)
    first_text = next(n.text for n in para.content if isinstance(n, m.Text) and len(n.text) >= 24)
    text = (work / rel).read_text(encoding="utf-8")
    assert text.count(first_text[:6]) >= 1
    text = text.replace(first_text, "（新增）" + first_text, 1)
    (work / rel).write_text(text, encoding="utf-8")
    text2 = (work / rel2).read_text(encoding="utf-8")
    (work / rel2).write_text(text2.replace(clash.before + clash.old, clash.before + "改写", 1), encoding="utf-8")
    current = compile_plan(work)
    assert current.ok
    result = review(current.plan, [copy])
    # both paragraphs' derived ids changed with their text: found again by similarity (PD038)
    assert sorted(d.code for d in result.diagnostics) == ["PD035", "PD036", "PD038"]
    edits = {p.old + p.new: p for p in result.proposals}
    rebased = edits[moved.old + moved.new]
    assert rebased.status == "rebased" and rebased.start == offset + len("（新增）")
    assert edits[clash.old + clash.new].status == "conflict"
    outcome = apply(current.plan, result, result.proposals, work)
    assert sorted(p.status for p in outcome) == ["applied", "conflict"]
    assert ("（新增）" + first_text).replace(moved.before + moved.old, moved.before + moved.new) in \
        (work / rel).read_text(encoding="utf-8")


def _blocks(plan):
    for ch in plan.chapters:
        for bs in [ch.blocks] + [s.blocks for s in ch.sections]:
            yield from bs


def test_two_reviewers_on_the_same_words_conflict_and_only_one_can_be_chosen(tmp_path, exported):
    work = tmp_path / "plan"
    shutil.copytree(PLAN, work)
    plan, exported = _export(work, exported)
    source = {k: v.decode("utf-8") for k, v in _files(work).items()}
    ((edit, block, offset, rel),) = _text_edits(plan, ("Paragraph",), 1, source, start_at=5)
    a, b = tmp_path / "发改委.docx", tmp_path / "统计局.docx"
    a.write_bytes(with_changes(exported, [Edit(block, edit.before, edit.old, "甲", author="发改委")]))
    b.write_bytes(with_changes(exported, [Edit(block, edit.before, edit.old, "乙", author="统计局")]))
    result = review(plan, [a, b])
    assert [p.status for p in result.proposals] == ["conflict", "conflict"]
    assert [d.code for d in result.diagnostics] == ["PD037", "PD037"]
    before = _files(work)
    assert {p.status for p in apply(plan, result, result.proposals, work)} == {"conflict"}
    assert _files(work) == before


def test_cli_review_writes_only_the_review_files_until_apply(tmp_path, exported):
    work = tmp_path / "plan"
    shutil.copytree(PLAN, work)
    plan, exported = _export(work, exported)
    source = {k: v.decode("utf-8") for k, v in _files(work).items()}
    edits = _text_edits(plan, ("Paragraph",), 2, source)
    copy = tmp_path / "copy.docx"
    copy.write_bytes(with_changes(exported, [e for e, *_ in edits]))
    bad = tmp_path / "not-a-copy.docx"
    bad.write_bytes(b"PK\x03\x04 broken")
    before = _files(work)
    out = tmp_path / "reviews"
    run = [sys.executable, str(ROOT / "build.py"), "review", "--plan", str(work), "--out", str(out)]
    r = subprocess.run(run + [str(copy), str(bad)], capture_output=True, text=True)
    assert r.returncode == 1 and "Traceback" not in r.stderr and "PD030" in r.stderr
    assert _files(work) == before
    assert sorted(p.name for p in out.iterdir()) == ["copy.review.json", "意见汇总表.xlsx"]
    saved = json.loads((out / "copy.review.json").read_text(encoding="utf-8"))
    assert len(saved["proposals"]) == 2 and saved["plan"] == plan.meta.id
    sheet = openpyxl.load_workbook(out / "意见汇总表.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("序号", "意见编号", "单位（审阅人）", "来稿", "位置") and "处理意见" in rows[0]
    assert [r[1] for r in rows[1:]] == [p["id"] for p in saved["proposals"]]
    (choice,) = sheet.data_validations.dataValidation
    assert "部分采纳" in choice.formula1 and str(choice.sqref) == "J2:J3"
    # into the plan directory: refused
    r = subprocess.run(run[:-2] + ["--out", str(work / "reviews"), str(copy)], capture_output=True, text=True)
    assert r.returncode == 2 and not (work / "reviews").exists()
    # --apply --only one proposal
    first = saved["proposals"][0]["id"]
    r = subprocess.run(run + ["--apply", "--only", first, str(copy)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    changed = [k for k, v in _files(work).items() if before[k] != v]
    assert len(changed) == 1 and f"[{first}]" in r.stdout and "已采纳" in r.stdout


@pytest.mark.parametrize("recipe", ["raw", "bomb", "xxe", "other_plan"])
def test_hostile_copies_are_refused_without_traceback(tmp_path, exported, recipe):
    from wordlike import _copy_bytes

    plan = compile_plan(PLAN).plan
    spec = {"raw": {"raw": "%PDF-1.7"}, "bomb": {"bomb": True}, "xxe": {"xxe": True},
            "other_plan": {"set": {"plan_id": "another-plan"}}}[recipe]
    copy = tmp_path / "copy.docx"
    copy.write_bytes(_copy_bytes(exported, plan, spec))
    result = review(plan, [copy])
    assert result.proposals == [] and result.copies == []
    assert [d.severity.value for d in result.diagnostics] == ["error"]


def test_review_files_are_deterministic(tmp_path, exported):
    from plandoc.review_files import write

    plan = compile_plan(PLAN).plan
    source = {k: v.decode("utf-8") for k, v in _files(PLAN).items()}
    copy = tmp_path / "copy.docx"
    copy.write_bytes(with_changes(exported, [e for e, *_ in _text_edits(plan, ("Item",), 3, source)]))
    digests = []
    for out in (tmp_path / "a", tmp_path / "b"):
        write(review(plan, [copy]), out, plan)
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir()})
    assert digests[0] == digests[1]


def test_a_copy_edited_by_libreoffice_itself(tmp_path, exported):
    """Tracked changes written by a real office suite (LibreOffice through UNO), not by
    our own writer: read, anchored and applied the same way."""
    work = tmp_path / "plan"
    shutil.copytree(PLAN, work)
    plan, _ = _export(work, exported)
    source = {k: v.decode("utf-8") for k, v in _files(work).items()}
    edits = _text_edits(plan, ("Paragraph", "Item"), 3, source, start_at=20)
    exported_path = tmp_path / "plan.docx"
    exported_path.write_bytes(exported)
    copy = tmp_path / "lo.docx"
    pairs = [[e.before + e.old, e.before + e.new] for e, *_ in edits]
    r = subprocess.run(["/usr/bin/python3", str(ROOT / "tests" / "lo_review_copy.py"), str(exported_path),
                        str(copy), str(tmp_path / "profile"), json.dumps(pairs, ensure_ascii=False)],
                       capture_output=True, text=True, timeout=600, env={"HOME": str(tmp_path),
                                                                         "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0 and copy.is_file(), r.stderr[-2000:]
    result = review(plan, [copy])
    assert result.diagnostics == []
    assert len(result.proposals) == len(edits)
    for edit, block, offset, _ in edits:
        (p,) = [p for p in result.proposals if p.block == block]
        # LibreOffice replaces the whole found string: the change covers before + old
        assert p.status == "clean" and p.author == "LibreOffice 审阅人"
        assert p.new.endswith(edit.new) and p.old.endswith(edit.old) and p.end == offset + len(edit.old)
    outcome = apply(plan, result, result.proposals, work)
    assert {p.status for p in outcome} == {"applied"}
    for edit, _block, _offset, rel in edits:
        assert edit.before + edit.new in (work / rel).read_text(encoding="utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=10 ** 6), flips=st.lists(
    st.tuples(st.integers(min_value=0, max_value=10 ** 6), st.integers(min_value=0, max_value=255)),
    max_size=8))
def test_damaged_copies_give_diagnostics_never_a_traceback(tmp_path, mini_export, cut, flips):
    """Truncated and bit-flipped copies (of the zip, and of document.xml inside it)."""
    plan, data = mini_export
    raw = bytearray(data[:max(cut % (len(data) + 1), 1)] if cut % 3 == 0 else data)
    for at, value in flips:
        raw[at % len(raw)] = value
    copy = tmp_path / "damaged.docx"
    copy.write_bytes(bytes(raw))
    result = review(plan, [copy])  # must not raise
    assert all(d.message and d.hint for d in result.diagnostics)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = bytearray(z.read("word/document.xml"))
        names = z.namelist()
        parts = {n: z.read(n) for n in names}
    for at, value in flips:
        xml[at % len(xml)] = value
    parts["word/document.xml"] = bytes(xml)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n in names:
            z.writestr(n, parts[n])
    copy.write_bytes(out.getvalue())
    review(plan, [copy])


@pytest.fixture(scope="module")
def mini_export(tmp_path_factory):
    compiled = compile_plan(MINI)
    out = tmp_path_factory.mktemp("mini") / "dist"
    build(compiled.plan, out, ["docx"], compiled.diagnostics)
    return compiled.plan, (out / "plan.docx").read_bytes()


def test_a_copy_of_another_plan_posing_as_this_one_is_refused(tmp_path, mini_export):
    """The plan id says yongzhou, the bookmarks are the mini plan's: PD033, no proposals."""
    from wordlike import set_property

    plan = compile_plan(PLAN).plan
    copy = tmp_path / "copy.docx"
    copy.write_bytes(set_property(mini_export[1], "plan_id", plan.meta.id))
    result = review(plan, [copy])
    assert [d.code for d in result.diagnostics] == ["PD033"] and result.proposals == []
    assert "大多不属于本规划" in result.diagnostics[0].message


def test_decisions_in_the_summary_table_survive_and_drive_apply(tmp_path, exported):
    """The editor marks 采纳 / 不采纳 in 意见汇总表.xlsx; a new review run keeps the marks;
    --apply --decisions applies only the rows marked 采纳."""
    work = tmp_path / "plan"
    shutil.copytree(PLAN, work)
    plan, _ = _export(work, exported)
    source = {k: v.decode("utf-8") for k, v in _files(work).items()}
    edits = _text_edits(plan, ("Paragraph",), 3, source, start_at=30)
    copy = tmp_path / "copy.docx"
    copy.write_bytes(with_changes(exported, [e for e, *_ in edits]))
    out = tmp_path / "reviews"
    run = [sys.executable, str(ROOT / "build.py"), "review", "--plan", str(work), "--out", str(out), str(copy)]
    assert subprocess.run(run, capture_output=True).returncode == 0
    table = out / "意见汇总表.xlsx"
    book = openpyxl.load_workbook(table)
    sheet = book.active
    ids = [sheet.cell(row=r, column=2).value for r in (2, 3, 4)]
    sheet.cell(row=2, column=10).value = "采纳"
    sheet.cell(row=3, column=10).value = "不采纳"
    sheet.cell(row=3, column=11).value = "与上位规划表述一致，不改"
    book.save(table)
    before = _files(work)
    r = subprocess.run(run + ["--apply", "--decisions", str(table)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    applied = [line[1:].split("]")[0] for line in r.stdout.splitlines() if line.endswith(" 已采纳")]
    assert applied == [ids[0]]
    assert len([k for k, v in _files(work).items() if before[k] != v]) == 1
    again = openpyxl.load_workbook(table).active  # rewritten by the run, decisions kept
    kept = {again.cell(row=r, column=2).value: (again.cell(row=r, column=10).value,
                                                again.cell(row=r, column=11).value) for r in (2, 3, 4)}
    assert kept[ids[0]][0] == "采纳" and kept[ids[1]] == ("不采纳", "与上位规划表述一致，不改")


def test_a_new_paragraph_is_one_proposal_placed_after_its_neighbour(tmp_path, exported):
    from wordlike import insert_paragraph

    plan = compile_plan(PLAN).plan
    para = next(b for b in _blocks(plan) if isinstance(b, m.Paragraph))
    copy = tmp_path / "copy.docx"
    copy.write_bytes(insert_paragraph(exported, para.id, "新增一段：加快建设现代化产业体系。"))
    result = review(plan, [copy])
    (p,) = result.proposals
    assert (p.block, p.new, p.status, p.author) == (para.id, "新增一段：加快建设现代化产业体系。",
                                                    "manual", "审阅人丙")
    assert "新增段落" in p.reason and p.start == p.end == len(para.text)
    assert [d.code for d in result.diagnostics] == ["PD039"]
    assert apply(plan, result, result.proposals, tmp_path / "unused")[0].status == "manual"


def test_a_plain_table_cell_is_applied_into_its_td(tmp_path, exported):
    work = tmp_path / "plan"
    shutil.copytree(PLAN, work)
    plan = compile_plan(work).plan
    table = next(t for t in plan.tables if not t.indicator)
    (row, (cell, col)) = next((r, s) for r, slots in enumerate(_grid(table)) for s in slots
                              if s is not None and not s[0].header and len(m.plain(s[0].content)) > 6)
    text = m.plain(cell.content)
    copy = tmp_path / "copy.docx"
    copy.write_bytes(with_changes(exported, [Edit(table.id, text[:2], text[2:4], "【改】",
                                                  cell=(row, col))]))
    result = review(plan, [copy])
    (p,) = result.proposals
    assert (p.kind, p.cell, p.start, p.end, p.status) == ("cell", (row, col), 2, 4, "clean")
    rel = m.plan_relative(table.loc.file, plan.root)
    before = (work / rel).read_text(encoding="utf-8")
    assert before.count(f">{text}<") == 1
    (outcome,) = apply(plan, result, result.proposals, work)
    assert outcome.status == "applied", outcome.reason
    assert f">{text[:2]}【改】{text[4:]}<" in (work / rel).read_text(encoding="utf-8")


def test_identical_changes_from_two_departments_agree_and_apply_once(tmp_path, exported):
    work = tmp_path / "plan"
    shutil.copytree(PLAN, work)
    plan = compile_plan(work).plan
    source = {k: v.decode("utf-8") for k, v in _files(work).items()}
    ((edit, block, offset, rel),) = _text_edits(plan, ("Paragraph",), 1, source, start_at=9)
    a, b = tmp_path / "甲.docx", tmp_path / "乙.docx"
    a.write_bytes(with_changes(exported, [Edit(block, edit.before, edit.old, "同改", author="甲")]))
    b.write_bytes(with_changes(exported, [Edit(block, edit.before, edit.old, "同改", author="乙")]))
    result = review(plan, [a, b])
    assert sorted(p.status for p in result.proposals) == ["clean", "same"] and not result.diagnostics
    outcome = apply(plan, result, result.proposals, work)
    assert sorted(p.status for p in outcome) == ["applied", "same"]
    text = (work / rel).read_text(encoding="utf-8")
    assert text.count(edit.before + "同改") == 1 and edit.before + edit.old not in text
