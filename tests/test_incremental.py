"""Quick rebuilds: after edits that change numbering and cross-references, the
incremental output equals a full build byte for byte, and only touched pages render."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from plandoc.incremental import QuickBuilder
from plandoc.pipeline import build, compile_plan

from plans import FIXTURES


def tree(d: Path) -> dict[str, bytes]:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def plan_ok(tmp_path):
    plan = tmp_path / "plan"
    shutil.copytree(FIXTURES / "plan-ok", plan)
    return plan


def _compare_with_full(plan: Path, quick: QuickBuilder, tmp_path: Path) -> None:
    compiled = compile_plan(plan)
    assert compiled.ok, compiled.diagnostics
    quick.build(compiled)
    full = tmp_path / "full"
    if full.exists():
        shutil.rmtree(full)
    build(compiled.plan, full, ["json", "editorial"], compiled.diagnostics)
    a, b = tree(quick.out_dir), tree(full)
    assert sorted(a) == sorted(b)
    assert [k for k in a if a[k] != b[k]] == []


def test_paragraph_edit_renders_only_its_chapter(plan_ok, tmp_path):
    quick = QuickBuilder(tmp_path / "dist")
    quick.build(compile_plan(plan_ok))
    chapters = sorted((plan_ok / "chapters").glob("*.xml"))
    edit(chapters[1], "今后五年努力实现以下目标", "今后五年努力实现下列目标")
    _compare_with_full(plan_ok, quick, tmp_path)
    rendered = set(quick.cache.rendered)
    assert not any(u.startswith("chapters/") and u != "chapters/ch-goals.html" for u in rendered), rendered
    assert "chapters/ch-goals.html" in rendered


def test_inserting_a_chapter_and_renaming_a_column(plan_ok, tmp_path):
    quick = QuickBuilder(tmp_path / "dist")
    quick.build(compile_plan(plan_ok))
    chapters = sorted((plan_ok / "chapters").glob("*.xml"))
    # rename a column (its title appears in the lists and in the chapter)
    edit(chapters[2], "<title>对外综合运输通道布局</title>", "<title>对外综合运输大通道布局</title>")
    _compare_with_full(plan_ok, quick, tmp_path)
    # insert a chapter before the others: every chapter, column and figure renumbers
    new = plan_ok / "chapters" / "ch00-new.xml"
    new.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<chapter id="ch-inserted">\n'
                   '  <title>新增一章</title>\n  <p>新增的段落，见<ref to="ch-goals"/>。</p>\n'
                   '  <column id="col-inserted">\n    <title>新增专栏</title>\n'
                   '    <p>专栏内容。</p>\n  </column>\n</chapter>\n', encoding="utf-8")
    plan_xml = plan_ok / "plan.xml"
    first = chapters[0].name
    edit(plan_xml, f'<chapter file="chapters/{first}"/>',
         f'<chapter file="chapters/ch00-new.xml"/>\n    <chapter file="chapters/{first}"/>')
    _compare_with_full(plan_ok, quick, tmp_path)
    assert len([u for u in quick.cache.rendered if u.startswith("chapters/")]) == 4
