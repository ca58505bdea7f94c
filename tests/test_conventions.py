"""Plans written in other conventions (issue #16), from the grammar to every output:
a plan without parts, numbered levels inside sections (<subsection>, numbered <p>),
declared label schemes (专栏 2-1, 图 2-1, printed 表 N, 一、/（一） chapters), 一是 and
（1） lists, and an indicator table with a 单位 column. The fixture is
tests/fixtures/no-parts, a small hand-written plan that checks clean."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from plandoc import model as m
from plandoc.diff import diff_plans
from plandoc.fmt import canonical_xml
from plandoc.pipeline import build, compile_plan
from plandoc.export.plan_json import to_dict
from plandoc.pdf.render import print_html

import plans

NO_PARTS = plans.NO_PARTS


@pytest.fixture(scope="module")
def plan() -> m.Plan:
    compiled = compile_plan(NO_PARTS)
    assert compiled.ok and not compiled.diagnostics, compiled.diagnostics
    return compiled.plan


def _copy(tmp_path: Path) -> Path:
    dest = tmp_path / "plan"
    shutil.copytree(NO_PARTS, dest)
    return dest


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_chapters_stand_directly_under_the_plan(plan):
    assert len(plan.parts) == 1 and plan.parts[0].implicit and plan.parts[0].label == ""
    assert [c.label for c in plan.chapters] == ["第一章", "第二章"]
    assert {c.part for c in plan.chapters} == {""}


def test_levels_are_numbered_from_order_per_container_and_style(plan):
    ch1, ch2 = plan.chapters
    subs = [b for b in ch1.blocks if isinstance(b, m.Subsection)]
    assert [(s.label, s.style) for s in subs] == [("一、", "一、"), ("二、", "一、")]
    assert [p.label for p in subs[0].blocks] == ["（一）", "（二）"]
    assert [p.number for p in subs[0].blocks] == [1, 2]
    first = ch2.sections[0].blocks[0]
    # a run-in （一） and a nested heading of the default next style share one sequence
    assert [(type(b).__name__, b.label) for b in first.blocks] == [
        ("Paragraph", "（一）"), ("Subsection", "（二）")]


def test_references_name_levels_and_schemes(plan):
    targets = {t.id: t.label for t in plan.targets}
    assert targets["ss-achievements"] == "第一章一"
    assert targets["p-first-task"] == "第二章第一节一（一）"
    assert targets["ss-nested"] == "第二章第一节一（二）"
    assert [c.label for c in plan.columns] == ["专栏 1-1", "专栏 2-1"]
    assert [f.label for f in plan.figures] == ["图 2-1"]
    refs = [n for n in _inlines(plan) if isinstance(n, m.Ref)]
    assert {r.to: r.label for r in refs}["ss-achievements"] == "第一章一"
    assert all(r.kind for r in refs)


def _inlines(plan):
    def walk(blocks):
        for b in blocks:
            if isinstance(b, m.Paragraph):
                yield from b.lead + b.content
            yield from walk(getattr(b, "blocks", ()))
    for ch in plan.chapters:
        yield from walk(ch.blocks)
        for s in ch.sections:
            yield from walk(s.blocks)


def test_lists_and_unit_column(plan):
    col = plan.columns[0]
    lst, table = col.blocks[0], col.blocks[1]
    assert [i.marker for i in lst.items] == ["一是", "二是"]
    assert [i.marker for i in plan.columns[1].blocks[0].items] == ["（1）", "（2）"]
    assert table.numbered and table.label == "表 1"
    # no 类别 column: each group's category is a row across the table
    assert [[m.plain(c.content) for c in r.cells] for r in table.body] == [
        ["设施网络"], ["1", "公路总里程", "公里", "3500", "4000", "2.7", "预期性"],
        ["运输服务"], ["2", "建制村通客车率", "%", "100", "100", "[0]", "约束性"]]
    assert table.body[0].cells[0].colspan == 7 and table.body[0].cells[0].header


def test_site(plan, tmp_path):
    build(plan, tmp_path, ["html"])
    site = tmp_path / "site"
    assert not (site / "parts").exists() and not list(site.glob("part*"))
    page = (site / "chapters" / "ch-tasks.html").read_text(encoding="utf-8")
    assert '<span class="label">一、</span>加快高速公路建设' in page
    assert '<p id="p-first-task" class="numbered"><span class="label">（一）</span><strong class="lead">建成一条高速。' in page
    assert ">第二章第一节一（二）</a>" in page
    basis = (site / "chapters" / "ch-basis.html").read_text(encoding="utf-8")
    assert '<span class="label">表 1</span>　主要指标' in basis
    assert '<span class="marker" aria-hidden="true">一是</span>' in basis
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "第一篇" not in index and "第一章" in index


def test_print_html(plan):
    html = print_html(plan)
    assert 'class="part implicit"' in html and 'class="part-title"' not in html
    assert '<span class="label">二、</span>提升农村公路' in html
    assert "表 1　主要指标" in html and "专栏 2-1　重点工程" in html


def test_json(plan):
    d = to_dict(plan)
    assert d["meta"]["numbering"] == {"column": "1-1", "figure": "1-1", "table": "1"}
    assert [(p["id"], p["number"], p["label"]) for p in d["parts"]] == [(None, 0, "")]
    by_id = {b["id"]: b for b in d["blocks"]}
    assert by_id["ss-roads-highways"]["type"] == "subsection"
    assert by_id["ss-roads-highways"]["blocks"] == ["p-first-task", "ss-nested"]
    assert (by_id["p-first-task"]["label"], by_id["p-first-task"]["number"]) == ("（一）", 1)
    assert "label" not in by_id[d["preamble"][0]]
    assert {b["part"] for b in d["blocks"]} == {None}


def test_diff_sees_an_inserted_level_and_renumbers_nothing_else(plan, tmp_path):
    new = _copy(tmp_path)
    _edit(new / "chapters" / "ch01.xml", '  <subsection id="ss-achievements">',
          '  <subsection id="ss-new">\n    <title>新的一级</title>\n    <p>新增内容。</p>\n'
          '  </subsection>\n  <subsection id="ss-achievements">')
    after = compile_plan(new).plan
    assert [s.label for s in after.chapters[0].blocks if isinstance(s, m.Subsection)] == [
        "一、", "二、", "三、"]
    d = diff_plans(plan, after)
    assert [(c.kind, c.what, c.id) for c in d.structure] == [("added", "subsection", "ss-new")]


def test_fmt_is_canonical_and_the_grammar_guards_the_styles(tmp_path):
    for f in sorted(NO_PARTS.rglob("*.xml")):
        assert canonical_xml(f.read_bytes()) == f.read_text(encoding="utf-8"), f.name
    bad = _copy(tmp_path)
    _edit(bad / "chapters" / "ch02.xml", 'numbering="（一）"', 'numbering="(a)"')
    codes = [d.code for d in compile_plan(bad).diagnostics]
    assert codes == ["PD110"]


def test_a_plan_cannot_mix_parts_and_loose_chapters(tmp_path):
    bad = _copy(tmp_path)
    _edit(bad / "plan.xml", '  <chapter file="chapters/ch02.xml"/>',
          '  <part id="pt-x"><title>篇</title><chapter file="chapters/ch02.xml"/></part>')
    assert "PD110" in [d.code for d in compile_plan(bad).diagnostics]


def test_levels_only_scheme_labels_chapters_and_sections(tmp_path):
    plan_dir = _copy(tmp_path)
    _edit(plan_dir / "plan.xml", '<numbering column="1-1"', '<numbering chapter="一、" section="（一）" column="1-1"')
    plan = compile_plan(plan_dir).plan
    assert [c.label for c in plan.chapters] == ["一、", "二、"]
    assert plan.chapters[1].sections[0].label == "（一）"
    # a level without a declared style is the one after its container's: 1. inside a
    # （一） section, （一） inside a 一、 chapter
    assert plan.chapters[1].sections[0].blocks[0].label == "1."
    assert [b.label for b in plan.chapters[0].blocks if isinstance(b, m.Subsection)] == [
        "（一）", "（二）"]


def test_appendices(plan, tmp_path):
    assert [(a.label, a.kind, m.plain(a.title)) for a in plan.appendices] == [
        ("附表", "附表", "重点项目表"), ("名词解释", "名词解释", "名词解释")]
    assert {t.id: (t.kind, t.label) for t in plan.targets}["app-projects"] == ("appendix", "附表")
    assert [t.label for t in plan.tables][-1] == "表 3"
    build(plan, tmp_path, ["html", "json"])
    back = (tmp_path / "site" / "back.html").read_text(encoding="utf-8")
    assert '<section class="appendix" id="app-projects"' in back and "四好农村路" in back
    assert '<a class="xref" href="back.html#app-projects">附表</a>' in back
    d = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert [(a["label"], a["blocks"]) for a in d["appendices"]][0][0] == "附表"
    assert '<h2 id="app-glossary" class="appendix-title"' in print_html(plan)


def test_labels_of_several_appendices_of_a_kind(tmp_path):
    plan_dir = _copy(tmp_path)
    _edit(plan_dir / "plan.xml", 'kind="名词解释"', 'kind="附表"')
    plan = compile_plan(plan_dir).plan
    assert [a.label for a in plan.appendices] == ["附表1", "附表2"]
