"""Numbering is computed once (`labels.number`) and the model, the references and the
targets all read it: checked here against an independent count over the XML, on the
bundled plan (parts) and on a small plan without parts whose appendices and section
columns continue the plan's numbering."""

from __future__ import annotations

import shutil

import pytest
from lxml import etree

from plandoc import model as m
from plandoc.numerals import to_cn
from plandoc.pipeline import compile_plan
from plans import FIXTURES, ROOT

APPENDED = """
  <appendix id="app-extra" kind="附表">
    <title>另一张附表</title>
    <column id="col-appendix">
      <title>附表中的专栏</title>
      <p>专栏里的段落。</p>
      <table id="tbl-in-appendix-column">
        <thead><tr><th>项目</th><th>数量</th></tr></thead>
        <tbody><tr><td>服务区</td><td>2</td></tr></tbody>
      </table>
    </column>
  </appendix>
</plan>"""


def _expected(plan_dir) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """id -> (label as printed, label a reference prints) for chapters, sections, columns,
    figures, tables and appendices, and every table's label in document order: counted
    here straight from the XML, without plandoc."""
    root = etree.parse(str(plan_dir / "plan.xml")).getroot()
    scheme = root.find("meta/numbering")
    style = {k: (scheme.get(k) if scheme is not None else None) or "1" for k in ("column", "figure")}
    assert root.find("meta/numbering") is None or \
        root.find("meta/numbering").get("chapter") is None, "this count knows 第X章 only"
    out: dict[str, tuple[str, str]] = {}
    tables: list[str] = []
    n = {"column": 0, "figure": 0, "table": 0}
    n_ch = 0

    def count(el, n_ch: int, k: dict) -> None:
        for inner in el.iter("column", "figure", "table", "indicator-table"):
            kind = "table" if inner.tag == "indicator-table" else inner.tag
            n[kind] += 1
            k[kind] = k.get(kind, 0) + 1
            if kind == "table":
                label = f"表 {n[kind]}"
                tables.append(label)
            else:
                word = "专栏" if kind == "column" else "图"
                label = f"{word} {n_ch}-{k[kind]}" if style[kind] == "1-1" else f"{word} {n[kind]}"
            if inner.get("id"):
                out[inner.get("id")] = (label, label)

    k: dict = {}
    for chapter in root.iter("chapter"):
        n_ch += 1
        ch = etree.parse(str(plan_dir / chapter.get("file"))).getroot()
        label = f"第{to_cn(n_ch)}章"
        out[ch.get("id")] = (label, label)
        for s, sec in enumerate(ch.findall("section"), 1):
            out[sec.get("id")] = (f"第{to_cn(s)}节", f"{label}第{to_cn(s)}节")
        k = {}
        count(ch, n_ch, k)
    kinds = [a.get("kind") for a in root.findall("appendix")]
    seen: dict[str, int] = {}
    for a in root.findall("appendix"):
        kind = a.get("kind")
        seen[kind] = seen.get(kind, 0) + 1
        label = kind if kinds.count(kind) == 1 or kind == "名词解释" else f"{kind}{seen[kind]}"
        out[a.get("id")] = (label, label)
        count(a, n_ch, k)   # appendices continue the last chapter's columns and figures
    return out, tables


def _model(plan: m.Plan) -> dict[str, str]:
    """id -> label as the model prints it."""
    things = [*plan.chapters, *plan.columns, *plan.figures, *plan.tables, *plan.appendices,
              *(s for c in plan.chapters for s in c.sections)]
    return {t.id: t.label for t in things}


def _refs(plan: m.Plan) -> list[m.Ref]:
    from plandoc.checks.structure import nodes

    return list(nodes(plan, m.Ref))


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The plan without parts, with one more 附表 holding a column and a table (so the
    two 附表 number 附表1, 附表2, and the appendix column continues 专栏 N-k), and a
    reference to that column from the closing words."""
    plan = tmp_path_factory.mktemp("numbering") / "plan"
    shutil.copytree(FIXTURES / "no-parts", plan)
    xml = (plan / "plan.xml").read_text(encoding="utf-8")
    xml = xml.replace("</plan>", APPENDED.lstrip("\n"))
    xml = xml.replace("重点项目见<ref to=\"app-projects\"/>", "重点项目见<ref to=\"app-projects\"/>和"
                      "<ref to=\"col-appendix\"/>，另见<ref to=\"sec-tasks-roads\"/>")
    (plan / "plan.xml").write_text(xml, encoding="utf-8")
    return plan


@pytest.mark.parametrize("which", ["bundled", "no-parts"])
def test_labels_agree_with_an_independent_count(which, small):
    plan_dir = ROOT / "plan" if which == "bundled" else small
    compiled = compile_plan(plan_dir)
    assert not [d for d in compiled.diagnostics if d.code < "PD200" and d.severity == "error"]
    plan = compiled.plan
    expected, tables = _expected(plan_dir)
    model = _model(plan)
    printed = {i: printed for i, (printed, _) in expected.items()}
    assert {i: model.get(i) for i in printed} == printed
    assert [t.label for t in plan.tables] == tables          # tables without ids too
    assert [t.number for t in plan.tables] == list(range(1, len(tables) + 1))
    targets = {t.id: t.label for t in plan.targets if t.id in expected}
    assert targets == {i: ref for i, (_, ref) in expected.items()}
    refs = [r for r in _refs(plan) if r.to in expected]   # the bundled plan prints none
    assert [(r.to, r.label) for r in refs] == [(r.to, expected[r.to][1]) for r in refs]
    if which == "no-parts":
        assert len(refs) >= 5 and {r.to for r in refs} >= {"col-appendix", "sec-tasks-roads", "app-projects"}
        assert plan.parts[0].implicit and printed["col-appendix"] == "专栏 2-2"
        assert printed["app-projects"] == "附表1" and printed["app-extra"] == "附表2"


def test_numbered_levels_label_the_model_and_the_references(small):
    """Subsections and numbered paragraphs: the model's label and what a reference to
    them prints come from the same numbering (第二章第一节一（一）)."""
    plan = compile_plan(small).plan
    ch = plan.chapters[1]
    ss = ch.sections[0].blocks[0]
    assert (ss.label, ss.blocks[0].label, ss.blocks[1].label) == ("一、", "（一）", "（二）")
    ref_labels = {r.to: r.label for r in _refs(plan)}
    targets = {t.id: t.label for t in plan.targets}
    for to, label in (("p-first-task", "第二章第一节一（一）"), ("ss-nested", "第二章第一节一（二）"),
                      ("ss-achievements", "第一章一")):
        assert ref_labels[to] == targets[to] == label


def test_list_items_are_marked_by_their_list_type(small):
    """Item markers come from the numbering too: 一是 二是 (shi), （1） （2） (paren)."""
    plan = compile_plan(small).plan
    lists = [b for col in plan.columns for b in col.blocks if isinstance(b, m.ListBlock)]
    got = {lb.type: [it.marker for it in lb.items] for lb in lists}
    xml = {el.get("type"): len(el.findall("item"))
           for f in sorted((small / "chapters").glob("*.xml"))
           for el in etree.parse(str(f)).getroot().iter("list")}
    cn = "一二三四五六七八九"
    expected = {kind: [f"{cn[i]}是" if kind == "shi" else f"（{i + 1}）" for i in range(n)]
                for kind, n in xml.items()}
    assert set(got) == {"shi", "paren"} and got == expected
