"""Importing a plan drafted in Word/WPS (.docx): structure from heading styles or list
numbering, exact table cells (merged ones too), a 专栏 drawn as a one-cell table, bold
leads; hostile and broken files give diagnostics, never a traceback. The documents are
written for these tests by docx_maker, which writes OOXML as Word does."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from importer.docx_maker import box, cell, p, table, write
from plandoc import diagnostics as dg
from plandoc import model as m
from plandoc.importer import run
from plandoc.importer.docx import DocxError, read_blocks, read_lines
from plandoc.importer.report import Findings
from plandoc.pipeline import compile_plan

ROOT = Path(__file__).resolve().parents[2]
TITLE = "清溪县国民经济和社会发展第十四个五年规划纲要"
APPROVAL = "(2021年3月1日清溪县第十八届人民代表大会第五次会议批准)"
HEADER = ["类别", "序号", "指标名称", "2020年", "2025年", "年均增速 [累计]", "属性"]


def _indicator_table(merged: bool) -> str:
    category = cell("经济发展", vmerge="restart") if merged else "经济发展"
    cont = cell("", vmerge="continue") if merged else ""
    return table([HEADER,
                  [category, "1", "地区生产总值增长(%)", "4.1", "-", "7", "预期性"],
                  [cont, "2", "常住人口城镇化率(%)", "45.2", "52", "-", "预期性"],
                  ["绿色生态", "3", "森林覆盖率(%)", "60.1", "≥60.1", "-", "约束性"]])


def _body(heading, numbered: bool = False, merged: bool = False, boxed: bool = False) -> list[str]:
    """A small county plan: two 篇, three 章, two 节, a 专栏 of indicators, a 专栏 of projects."""
    def h(level, typed, text):
        if numbered:
            return p(text, num=(1, level - 1))
        return p(f"{typed} {text}" if typed else text, style=heading(level))

    projects = [p("专栏 2：重点工程"), p("交通提质工程。建设县乡公路一百公里。"),
                p("产业园区工程。建设标准厂房二十万平方米。")]
    indicators = [p("专栏 1：主要指标"), _indicator_table(merged)]
    return [p(TITLE, style="Title"), p(APPROVAL),
            h(1, "第一篇", "总体要求"),
            p("五年来，全县经济社会发展取得新成就。"),
            h(2, "第一章", "发展基础"),
            p(("坚持创新驱动。", True), "创新能力明显提升，新建研发平台五个。"),
            h(2, "第二章", "主要目标"),
            p("今后五年努力实现以下目标，主要指标见专栏 1。"),
            *([box(*indicators)] if boxed else indicators),
            h(1, "第二篇", "产业发展"),
            h(2, "第三章", "壮大实体经济"),
            h(3, "第一节", "推进工业提质"),
            p(("推动制造业高端化。", True), "支持骨干企业做大做强，详见专栏 2。"),
            *([box(*projects)] if boxed else projects),
            h(3, "第二节", "发展现代服务业"),
            p("加快发展现代物流、电子商务等服务业。"),
            p("全县人民要团结一心，为实现“十四五”规划目标而努力奋斗！")]


def _import(tmp_path: Path, name: str, *blocks: str, numbering: bool = False):
    doc = write(tmp_path / f"{name}.docx", *blocks, numbering=numbering)
    out = tmp_path / name
    result = run(doc, out)
    compiled = compile_plan(out)
    errors = [d for d in compiled.diagnostics if d.severity is dg.Severity.ERROR]
    assert compiled.plan is not None and not errors, errors
    return result, compiled.plan


def _outline(plan):
    return ([p.label for p in plan.parts], [c.label + " " + "".join(t.text for t in c.title) for c in plan.chapters],
            [s.label for c in plan.chapters for s in c.sections], [c.label for c in plan.columns])


EXPECTED = (["第一篇", "第二篇"], ["第一章 发展基础", "第二章 主要目标", "第三章 壮大实体经济"],
            ["第一节", "第二节"], ["专栏 1", "专栏 2"])


def test_heading_styles_with_typed_numbers(tmp_path):
    result, plan = _import(tmp_path, "styled", *_body(lambda n: str(n)))
    assert _outline(plan) == EXPECTED
    assert (plan.meta.period_from, plan.meta.period_to) == (2021, 2025)
    ind = {i.id: i for i in plan.indicators}
    assert len(ind) == 3 and result.counts["indicators"] == 3
    facts = {(s.indicator, s.year, s.role, s.quantity.text) for s in plan.statements if s.source == "table"}
    assert any(f[1:] == (2025, "target", "52") for f in facts)
    lead = plan.chapters[0].blocks[0]
    assert m.plain(lead.lead) == "坚持创新驱动。"


def test_numbering_without_heading_styles(tmp_path):
    """Word's list numbering (第%1篇 / 第%2章 / 第%3节, chineseCounting) gives the numbers."""
    _, plan = _import(tmp_path, "numbered", *_body(None, numbered=True), numbering=True)
    assert _outline(plan) == EXPECTED


def test_untyped_heading_styles_are_numbered_from_their_level(tmp_path):
    findings = Findings()
    doc = write(tmp_path / "bare.docx", p(TITLE, style="Title"), p("总体要求", style="1"),
                p("发展基础", style="2"), p("正文。"), p("主要目标", style="2"), p("产业发展", style="1"),
                p("壮大实体经济", style="2"), p("推进工业提质", style="3"))
    lines = [line.text for line in read_lines(doc, findings) if line.text]
    assert lines[1:] == ["第一篇 总体要求", "第一章 发展基础", "正文。", "第二章 主要目标", "第二篇 产业发展",
                         "第三章 壮大实体经济", "第一节 推进工业提质"]
    numbered = findings.of("heading-number")
    assert [f.text for f in numbered] == [lines[1], lines[2], lines[4], lines[5], lines[6], lines[7]]
    assert all(f.lines[0] > 0 for f in numbered)


def test_merged_cells_and_columns_drawn_as_one_cell_tables(tmp_path):
    _, plan = _import(tmp_path, "boxed", *_body(lambda n: str(n), merged=True, boxed=True))
    assert _outline(plan) == EXPECTED
    col = plan.columns[1]
    assert [b.__class__.__name__ for b in col.blocks] == ["Entry", "Entry"]
    rows = {s.indicator: s.quantity.text for s in plan.statements if s.year == 2025 and s.role == "target"}
    assert sorted(rows.values()) == ["-", "52", "≥60.1"]
    cats = {i.category for i in plan.indicators}
    assert cats == {"经济发展", "绿色生态"}


def test_tracked_changes_are_read_as_accepted(tmp_path):
    ins = '<w:ins w:id="1" w:author="审阅人" w:date="2021-05-01T00:00:00Z"><w:r><w:t>新增</w:t></w:r></w:ins>'
    dele = '<w:del w:id="2" w:author="审阅人" w:date="2021-05-01T00:00:00Z"><w:r><w:delText>删去</w:delText></w:r></w:del>'
    doc = write(tmp_path / "tracked.docx", p("保留", raw=ins + dele))
    (para,) = read_blocks(doc, Findings())
    assert para.text == "保留新增"


def test_external_relationships_are_reported_never_fetched(tmp_path):
    rel = ('<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
           'Target="http://127.0.0.1:9/x.png" TargetMode="External"/>')
    findings = Findings()
    doc = write(tmp_path / "ext.docx", p(TITLE), rels=rel)
    read_lines(doc, findings)
    assert [f.text for f in findings.of("docx")] == ["image: http://127.0.0.1:9/x.png"]


@pytest.mark.parametrize("make, code", [
    ("not_zip", "PD050"), ("no_document", "PD050"), ("xxe", "PD051"), ("broken_xml", "PD051"), ("bomb", "PD052")])
def test_hostile_docx_is_a_diagnostic_not_a_traceback(tmp_path, make, code):
    path = tmp_path / "bad.docx"
    if make == "not_zip":
        path.write_bytes(b"PK\x03\x04 this is not really a zip")
    elif make == "no_document":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("hello.txt", "hi")
    elif make == "xxe":
        write(path, document='<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                             '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                             '<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>')
    elif make == "broken_xml":
        write(path, document="<w:document><w:body>")
    else:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("word/document.xml", b"\0" * (64 * 1024 * 1024 + 1))
    with pytest.raises(DocxError) as caught:
        read_lines(path, Findings())
    assert caught.value.code == code and code in dg.CATALOGUE
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "plandoc.importer", str(path), "--out", str(out)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and f"error[{code}]" in r.stderr and "Traceback" not in r.stderr
    assert "root:" not in r.stderr  # /etc/passwd never read
    assert not out.exists() or not any(out.iterdir())


def test_a_special_plan_with_no_parts_and_columns_without_colon(tmp_path):
    """The other conventions (#16) hold for Word input too: chapters directly under the
    plan, 专栏1 headings with no colon, an indicator table with a unit column."""
    _, plan = _import(tmp_path, "special",
                      p("清溪县“十四五”交通运输发展规划", style="Title"),
                      p("第一章 发展基础", style="1"), p("“十四五”期间，全县交通运输取得新成就。"),
                      p("第二章 主要目标", style="1"), p("到2025年，基本建成现代综合交通运输体系。"),
                      p("专栏1 “十四五”交通运输发展主要指标"),
                      table([["序号", "指标", "单位", "2020年", "2025年", "属性"],
                             ["1", "高速公路通车里程", "公里", "120", "180", "预期性"],
                             ["2", "农村公路总里程", "公里", "3200", "3600", "预期性"]]),
                      p("第三章 重点任务", style="1"), p(("完善路网。", True), "建设县乡公路一百公里。"))
    assert not [p for p in plan.parts if not p.implicit]
    assert [c.label for c in plan.chapters] == ["第一章", "第二章", "第三章"]
    assert [c.label for c in plan.columns] == ["专栏 1"]
    assert (plan.meta.period_from, plan.meta.period_to) == (2021, 2025)
    targets = sorted(s.quantity.text for s in plan.statements if s.role == "target" and s.year == 2025)
    assert targets == ["180", "3600"]


def test_the_word_edition_of_the_bundled_plan_imports_back(tmp_path):
    """build --format docx, then import: the same outline (篇/章/节 with titles), 专栏 and
    figures, and every fact of both indicator tables, in order (indicator names may
    differ: plan/indicators.xml holds hand-reviewed names, an import derives them from
    the printed row labels)."""
    original = compile_plan(ROOT / "plan").plan
    from plandoc.pipeline import build

    build(original, tmp_path / "dist", ["docx"])
    result = run(tmp_path / "dist" / "plan.docx", tmp_path / "back")
    compiled = compile_plan(tmp_path / "back")
    assert compiled.plan is not None
    assert not [d for d in compiled.diagnostics if d.severity is dg.Severity.ERROR]
    back = compiled.plan

    def outline(plan):
        return ([(p.label, m.plain(p.title)) for p in plan.parts],
                [(c.label, m.plain(c.title)) for c in plan.chapters],
                [(c.label, s.label, m.plain(s.title)) for c in plan.chapters for s in c.sections],
                [(c.label, m.plain(c.title)) for c in plan.columns], len(plan.figures))

    assert outline(back) == outline(original)

    def facts(plan):
        label = {c.id: c.label for c in plan.columns}
        return [(label.get(s.column), s.year, s.role, s.quantity.text) for s in plan.statements
                if s.source == "table"]

    assert facts(back) == facts(original) and len(facts(back)) == 268
    assert len(result.findings) and any(f.kind == "toc-line" for f in result.findings)
