"""The importer on plans written in the other conventions Chinese plans use (issue #16).

tests/fixtures/import-conventions/ holds small plain-text plans written for these tests,
each in a different convention: no 篇; 章/节/一、 with run-in （一）; 一、/（一） only;
专栏一 / 专栏二： with 一是 and （1） lists, 图1-1 and 附图; 专栏1-1 with two indicator
layouts (two header rows with 年均增长[累计]; 类别 + 序号 + 单位 column); 序号 without
类别 and 一、 separator rows. Every one must import to a plan that validates and
compiles without error, with the outline, counts and period asserted here, and no
invented part or title.
"""

from __future__ import annotations


import pytest

from importer.plan_samples import Imported, lost_cjk, validate
from plandoc import model as m
from plandoc.pipeline import compile_plan
import plans

FIXTURES = plans.IMPORT_CONVENTIONS
ALL = sorted(p.name for p in FIXTURES.glob("*.txt"))

# fixture -> counts of the import, (period from, to), chapter titles
EXPECTED = {
    "01-no-parts.txt": (
        {"parts": 0, "chapters": 3, "sections": 4, "columns": 2, "figures": 1,
         "indicators": 4, "facts": 8}, (2021, 2025), ["发展基础", "总体要求", "主要任务"]),
    "02-chapter-section-levels.txt": (
        {"parts": 0, "chapters": 2, "sections": 4, "columns": 1, "figures": 0,
         "indicators": 3, "facts": 6}, (2021, 2035), ["规划总则", "目标与战略"]),
    "03-levels-only.txt": (
        {"parts": 0, "chapters": 4, "sections": 4, "columns": 0, "figures": 0,
         "indicators": 2, "facts": 4}, (2021, 2025), ["发展基础", "总体要求", "主要任务", "保障措施"]),
    "04-column-variants.txt": (
        {"parts": 2, "chapters": 2, "sections": 4, "columns": 2, "figures": 3,
         "indicators": 0, "facts": 0}, (2021, 2025), ["发展环境", "深入打好污染防治攻坚战"]),
    "05-chapter-numbered-columns.txt": (
        {"parts": 0, "chapters": 3, "sections": 0, "columns": 4, "figures": 0,
         "indicators": 5, "facts": 24}, (2021, 2025), ["发展现状", "发展目标", "重点任务"]),
    "06-separator-rows.txt": (
        {"parts": 0, "chapters": 2, "sections": 3, "columns": 1, "figures": 0,
         "indicators": 4, "facts": 12}, (2021, 2025), ["发展目标", "重点任务"]),
}


def test_every_fixture_is_listed():
    assert len(ALL) >= 6 and sorted(EXPECTED) == ALL


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> dict[str, Imported]:
    return {name: Imported((FIXTURES / name).read_text(encoding="utf-8"),
                           tmp_path_factory.mktemp(name[:2]))
            for name in ALL}


def _compiled(imp: Imported):
    compiled = compile_plan(imp.out)
    errors = [d for d in compiled.diagnostics if d.severity == "error"]
    assert not errors, [f"{d.code} {d.message}" for d in errors]
    return compiled.plan


@pytest.mark.parametrize("name", ALL)
def test_imports_valid_and_compiles(imported, name):
    """An import that fails its own validation is a bug, whatever the convention."""
    imp = imported[name]
    assert validate(imp.out) == [] and not imp.findings("invalid")
    assert _compiled(imp) is not None
    from plandoc.fmt import canonical_xml

    for f in imp.files:   # in the formatter's canonical form, as the seed import is
        assert canonical_xml(f.read_bytes()) == f.read_text(encoding="utf-8"), f.name


@pytest.mark.parametrize("name", ALL)
def test_counts_period_and_outline(imported, name):
    imp = imported[name]
    counts, period, chapters = EXPECTED[name]
    assert imp.result.counts == counts
    p = imp.x("/all/plan/meta/period")[0]
    assert (int(p.get("from")), int(p.get("to"))) == period
    assert [c.findtext("title") for c in imp.x("/all/chapter")] == chapters
    plan = _compiled(imp)
    assert len(plan.chapters) == counts["chapters"]
    assert sum(len(c.sections) for c in plan.chapters) == counts["sections"]
    assert len(plan.columns) == counts["columns"] and len(plan.figures) == counts["figures"]
    assert len(plan.indicators) == counts["indicators"]
    assert sum(1 for s in plan.statements if s.source == "table") == counts["facts"]


@pytest.mark.parametrize("name", ALL)
def test_nothing_invented_nothing_lost(imported, name):
    imp = imported[name]
    assert not imp.x("//*[contains(text(), '（无题）')]")
    assert not imp.findings("structure") or all("（无题）" not in f.text for f in imp.findings("structure"))
    assert imp.x("string(/all/plan/meta/issuer)").endswith("人民政府")
    assert lost_cjk(imp.text, imp.out) == {}
    assert imp.findings("scheme"), "the chosen heading scheme is reported"


def test_no_parts_means_chapters_directly_under_the_plan(imported):
    imp = imported["01-no-parts.txt"]
    assert not imp.x("/all/plan/part")
    assert len(imp.x("/all/plan/chapter")) == 3
    plan = _compiled(imp)
    assert [p.implicit for p in plan.parts] == [True]
    assert [c.label for c in plan.chapters] == ["第一章", "第二章", "第三章"]
    # 专栏1 without a colon is a column; its 单位-column table states indicator facts
    assert [c.label for c in plan.columns] == ["专栏 1", "专栏 2"]
    assert imp.x("count((//column)[1]/indicator-table/layout/col[@kind='unit'])") == 1
    assert imp.x("string(//indicator[name='建制村通客车率']/@unit)") == "%"
    assert imp.x("string(//indicator[name='建制村通客车率']/@nature)") == "约束性"
    assert [i.text for i in imp.x("(//column)[2]/list[@type='decimal']/item/lead")] == [
        "高速公路工程。", "国省道工程。", "农村公路工程。"]
    assert not imp.findings("toc-diff") and not imp.findings("toc-count")


def test_numbered_levels_under_sections(imported):
    """章/节/一、: standalone 一、 lines hold what follows; run-in （一） lines are numbered
    paragraphs; the numbers are computed, not typed."""
    imp = imported["02-chapter-section-levels.txt"]
    assert [s.findtext("title") for s in imp.x("//section[1]/subsection")] == [
        "规划背景", "规划依据", "城市性质", "发展目标"]
    assert [p.findtext("lead") for p in imp.x("//subsection/p[@numbering='（一）']")] == [
        "法律法规。", "政策文件。", "近期目标。", "远期目标。"]
    assert not imp.x("//p[starts-with(., '（')] | //title[starts-with(., '一、')]")
    plan = _compiled(imp)
    sub = plan.chapters[0].sections[0].blocks
    assert [(b.label, [x.label for x in b.blocks]) for b in sub] == [
        ("一、", [""]), ("二、", ["（一）", "（二）"])]
    assert not imp.findings("numbering")


def test_levels_only_plan_takes_them_as_chapters_and_sections(imported):
    imp = imported["03-levels-only.txt"]
    # the TOC, numbered 一、/（一） too, confirms the scheme and is compared with the body
    assert [f.message.endswith("the TOC agrees") for f in imp.findings("scheme")] == [True]
    assert [f.text for f in imp.findings("toc-diff")] == ["提升机构养老 → 提升机构养老服务"]
    assert not imp.findings("toc-count")
    assert imp.x("/all/plan/meta/numbering")[0].attrib == {
        "chapter": "一、", "section": "（一）", "table": "1"}
    plan = _compiled(imp)
    assert [c.label for c in plan.chapters] == ["一、", "二、", "三、", "四、"]
    assert [s.label for s in plan.chapters[1].sections] == ["（一）", "（二）"]
    assert plan.preamble and plan.preamble[0].text.startswith("为积极应对人口老龄化")
    table = plan.tables[0]
    assert table.indicator and table.numbered and m_plain(table.caption) == "主要指标"
    # the closing words stand before the appendices; 附件2's title is on the next line
    assert plan.closing[0].text.startswith("全县人民要坚定信心")
    assert [(a.label, m_plain(a.title), len(a.blocks)) for a in plan.appendices] == [
        ("附件1", "重点项目表", 1), ("附件2", "“十四五”养老服务设施布局", 1),
        ("名词解释", "名词解释", 1)]
    assert isinstance(plan.appendices[0].blocks[0], m.Table)


def test_column_and_figure_variants(imported):
    imp = imported["04-column-variants.txt"]
    plan = _compiled(imp)
    assert [c.label for c in plan.columns] == ["专栏一", "专栏二"]
    assert [f.label for f in plan.figures] == ["图 1-1", "图 2-1", "图 2-2"]
    assert [i.getparent().get("type") for i in imp.x("//column/list/item")] == ["shi"] * 2 + ["paren"] * 2
    markers = [it.marker for c in plan.columns for b in c.blocks for it in b.items]
    assert markers == ["一是", "二是", "（1）", "（2）"]
    assert [f.text for f in imp.findings("numbering")] == ["全市生态环境分区管控图"]   # 附图


def test_chapter_numbered_columns_and_indicator_layouts(imported):
    imp = imported["05-chapter-numbered-columns.txt"]
    plan = _compiled(imp)
    assert [c.label for c in plan.columns] == ["专栏 1-1", "专栏 2-1", "专栏 3-1", "专栏 3-2"]
    first, second = plan.tables
    assert [(c.kind, c.role, c.year, c.from_year) for c in first.layout] == [
        ("category", None, None, None), ("name", None, None, None),
        ("value", "base", 2015, None), ("value", "target", 2020, None),
        ("value", "rate", 2020, 2015), ("value", "actual", 2020, None),
        ("value", "actual-rate", 2020, 2015)]
    assert [c.kind for c in second.layout] == [
        "category", "seq", "name", "unit", "value", "value", "value", "nature"]
    # the same indicator in both tables, once printed name（unit）, once with a 单位 column
    gva = [i for i in plan.indicators if m_plain(i.name) == "规模工业增加值"]
    assert len(gva) == 1 and gva[0].unit == "亿元"
    assert sorted(s.year for s in gva[0].facts if s.role == "target") == [2020, 2025]
    cumulative = [s for s in plan.statements if s.quantity.cumulative]
    assert len(cumulative) == 4
    # the printed row of a 单位-column table: name alone, unit in its own cell
    row = second.body[0]
    assert [m_plain(c.content) for c in row.cells][2:4] == ["规模工业增加值", "亿元"]
    assert [it.marker for b in plan.columns[3].blocks for it in b.items] == ["（1）", "（2）"]


def test_separator_rows_become_groups_printed_across_the_table(imported):
    imp = imported["06-separator-rows.txt"]
    assert [g.get("category") for g in imp.x("//indicator-table/group")] == ["一、经济发展", "二、民生福祉"]
    plan = _compiled(imp)
    table = plan.tables[0]
    across = [r for r in table.body if len(r.cells) == 1]
    assert [(m_plain(r.cells[0].content), r.cells[0].colspan) for r in across] == [
        ("一、经济发展", 6), ("二、民生福祉", 6)]
    assert [f.message for f in imp.findings("period") if "period" in f.message] == [
        "period 2021–2025 read from the text, not the title"]
    assert [p.label for p in plan.chapters[1].sections[1].blocks] == ["（一）", "（二）"]
    assert [it.marker for it in plan.chapters[1].sections[0].blocks[0].items] == ["一是", "二是"]


def test_period_is_never_zero(tmp_path):
    """A plan that names no period anywhere still gets one (and the report says so)."""
    imp = Imported("某某县农村公路建设方案\n\n第一章 建设任务\n\n新建农村公路 100 公里，2022年开工。\n",
                   tmp_path)
    p = imp.x("/all/plan/meta/period")[0]
    assert (p.get("from"), p.get("to")) == ("2023", "2027")
    assert imp.findings("period") and validate(imp.out) == []


def m_plain(inlines) -> str:
    from plandoc.model import plain
    return plain(inlines)


@pytest.mark.parametrize("seed", range(12))
def test_any_order_of_convention_paragraphs_imports_valid(tmp_path, seed):
    """Whatever the text (paragraphs of all six conventions and of the seed plan in a
    shuffled order: headings before anything, sections without chapters, parts without
    chapters, empty 专栏, levels in columns, captions without tables, two tables run
    together…), the import is a valid plan and its self-check finds nothing."""
    import random

    texts = [(FIXTURES / name).read_text(encoding="utf-8") for name in ALL]
    seed_text = FIXTURES.parent / "seed" / "yongzhou-14th.txt"
    paragraphs = [p for text in texts for p in text.split("\n\n") if p.strip()]
    paragraphs += [p for p in seed_text.read_text(encoding="utf-8").split("\n\n") if p.strip()][::9]
    random.Random(seed).shuffle(paragraphs)
    imp = Imported("\n\n".join(paragraphs[:90]) + "\n", tmp_path)
    assert not imp.findings("invalid")
    assert validate(imp.out) == []
