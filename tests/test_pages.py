"""Companion pages in Markdown (plan/pages/*.md): read into the plan's own blocks, with
plan links, quoted facts and CJK-aware emphasis through markdown-it-py's plugin API."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from plandoc import model as m
from plandoc.pages import markdown, stated
from plandoc.pipeline import compile_plan

from plans import MINI, ROOT

PAGE = """+++
title = "解读"
kind = "{kind}"
date = 2021-06-24
order = {order}
+++

{body}
"""


def _with_page(tmp_path: Path, body: str, name: str = "jiedu", kind: str = "解读", order: int = 1,
               plan: Path = MINI) -> Path:
    copy = tmp_path / "plan"
    if not copy.exists():
        shutil.copytree(plan, copy)
    (copy / "pages").mkdir(exist_ok=True)
    (copy / "pages" / f"{name}.md").write_text(PAGE.format(kind=kind, order=order, body=body), encoding="utf-8")
    return copy


def _page(plan_dir: Path, index: int = 0) -> m.Page:
    compiled = compile_plan(plan_dir)
    assert compiled.plan is not None, compiled.diagnostics
    return compiled.plan.pages[index]


def test_cjk_emphasis_closes_between_chinese_punctuation_and_a_letter():
    html = markdown().render("**坚持深化改革开放。**坚定不移推进改革。")
    assert html == "<p><strong>坚持深化改革开放。</strong>坚定不移推进改革。</p>\n"
    # CommonMark's own rule is untouched elsewhere
    assert markdown().render("a **b** c") == "<p>a <strong>b</strong> c</p>\n"
    assert markdown().render("2 * 3 * 4") == "<p>2 * 3 * 4</p>\n"


def test_raw_html_in_a_page_is_text_not_markup():
    assert "<script>" not in markdown().render("<script>alert(1)</script>")


def test_blocks_links_and_quotes(tmp_path):
    body = ("## 总体目标\n\n**坚持深化改革开放。**坚定推进，主要指标见[](plan:col-main)，\n"
            "到2025年城镇化率达到{{urban-resident 2025 target}}%。\n\n- 第一项\n- 第二项\n\n"
            "| 指标 | 2025年 |\n|---|---|\n| 城镇化率 | {{urban-resident 2025 目标}} |\n")
    page = _page(_with_page(tmp_path, body))
    assert (page.id, page.title, page.kind, page.date, page.public) == ("page-jiedu", "解读", "解读", "2021-06-24", True)
    heading, para, lst, table = page.blocks
    assert isinstance(heading, m.Subhead) and heading.text == "总体目标"
    assert isinstance(para.content[0], m.Emph)
    ref = next(n for n in para.content if isinstance(n, m.Ref))
    assert (ref.to, ref.label, ref.kind) == ("col-main", "专栏 1", "column")
    quote = next(n for n in para.content if isinstance(n, m.Quote))
    assert (quote.ind, quote.year, quote.role, quote.quantity.text) == ("urban-resident", 2025, "target", "54")
    # a soft line break between Chinese characters adds no space
    assert "见专栏 1，到2025年" in para.text
    assert [it.text for it in lst.items] == ["第一项", "第二项"] and lst.type == "dash"
    assert m.plain(table.body[0].cells[1].content) == "54"


def test_changing_the_target_in_the_table_changes_the_quoted_number(tmp_path):
    plan = _with_page(tmp_path, "城镇化率达到{{urban-resident 2025 target}}%。")
    assert "54%" in _page(plan).blocks[0].text
    chapter = plan / "chapters" / "ch01.xml"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("<v>46.94</v><v>54</v>", "<v>46.94</v><v>56</v>"), encoding="utf-8")
    assert "56%" in _page(plan).blocks[0].text


def test_the_main_indicator_table_wins_over_prose_and_other_tables():
    plan = compile_plan(ROOT / "plan").plan
    found = [s for s in plan.statements if s.indicator == "urbanisation-resident" and s.year == 2025
             and s.role == "target"]
    assert len({s.block for s in found}) > 1  # stated in the targets table and in prose
    chosen = stated(plan, "urbanisation-resident", 2025, "target")
    assert chosen.source == "table" and chosen.column == "col-main-indicators"


def test_pages_are_ordered_and_only_explained_kinds_are_public(tmp_path):
    plan = _with_page(tmp_path, "第二页。", name="b-notes", kind="说明", order=2)
    _with_page(tmp_path, "第一页。", name="a-jiedu", kind="编制说明", order=1)
    pages = compile_plan(plan).plan.pages
    assert [(p.id, p.public) for p in pages] == [("page-a-jiedu", True), ("page-b-notes", False)]


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_a_page_linked_from_outside_the_plan_is_not_read(tmp_path):
    outside = tmp_path / "secret.md"
    outside.write_text(PAGE.format(kind="解读", order=1, body="机密内容"), encoding="utf-8")
    plan = tmp_path / "plan"
    shutil.copytree(MINI, plan)
    (plan / "pages").mkdir()
    (plan / "pages" / "leak.md").symlink_to(outside)
    compiled = compile_plan(plan)
    assert compiled.plan.pages == ()
    assert [d.code for d in compiled.diagnostics] == ["PD284"]
    assert "机密" not in repr(compiled.diagnostics)


def test_the_editors_handbook_reads_cleanly_against_any_plan():
    from plandoc.pages import handbook

    for plan_dir in (MINI, ROOT / "plan"):
        page, diags = handbook(compile_plan(plan_dir).plan)
        assert diags == [] and page is not None and not page.public
        assert page.title.startswith("编辑手册") and len(page.blocks) > 20
        assert any(isinstance(b, m.Table) for b in page.blocks)


def test_the_bundled_plan_has_an_interpretation_page_that_checks_clean():
    compiled = compile_plan(ROOT / "plan")
    (page,) = compiled.plan.pages
    assert page.kind == "解读" and page.public
    assert not [d for d in compiled.diagnostics if d.file.endswith(".md")]
    quotes = [n for b in page.blocks for n in getattr(b, "content", ()) if isinstance(n, m.Quote)]
    quotes += [n for b in page.blocks if isinstance(b, m.ListBlock) for it in b.items for n in it.content
               if isinstance(n, m.Quote)]
    assert len(quotes) >= 15 and all(q.to for q in quotes)


def test_plan_json_carries_public_pages_with_their_quotes_and_links():
    from plandoc.export.plan_json import to_dict

    d = to_dict(compile_plan(ROOT / "plan").plan)
    (page,) = d["pages"]
    assert (page["id"], page["kind"], page["url"]) == ("page-jiedu", "解读", "pages/jiedu.html")
    blocks = {b["id"]: b for b in d["blocks"]}
    quotes = [s for bid in page["blocks"] for s in blocks[bid]["spans"] if s["type"] == "quote"]
    urban = [q for q in quotes if q["indicator"] == "urbanisation-resident" and q["role"] == "target"]
    assert urban and urban[0]["value"] == 54 and urban[0]["url"].startswith("chapters/")
    text = blocks[page["blocks"][0]]["text"]
    assert text.startswith("本解读依据纲要原文编写")


def test_editor_only_pages_stay_out_of_plan_json(tmp_path):
    from plandoc.export.plan_json import to_dict

    plan = _with_page(tmp_path, "仅供编辑。", name="notes", kind="说明")
    d = to_dict(compile_plan(plan).plan)
    assert d["pages"] == [] and not any(b["area"] == "page" for b in d["blocks"])


def test_a_number_typed_in_a_page_is_checked_against_the_plan(tmp_path):
    """The page quotes the target once and types it once by hand; changing the target in
    the indicator table changes the quote and makes check warn at the typed number."""
    plan = _with_page(tmp_path, "城镇化率达到{{urban-resident 2025 target}}%。\n\n"
                                "到2025年，全市常住人口城镇化率达到54%。")
    compiled = compile_plan(plan)
    assert not [d for d in compiled.diagnostics if d.file.endswith(".md")]
    chapter = plan / "chapters" / "ch01.xml"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("<v>46.94</v><v>54</v>", "<v>46.94</v><v>56</v>"),
                       encoding="utf-8")
    compiled = compile_plan(plan)
    assert "56%" in compiled.plan.pages[0].blocks[0].text
    (d,) = [d for d in compiled.diagnostics if d.file.endswith(".md")]
    assert (d.code, d.severity.value, d.line) == ("PD285", "warning", 10)  # front matter: 6 lines, then a blank
    line = (plan / "pages" / "jiedu.md").read_text(encoding="utf-8").splitlines()[d.line - 1]
    assert line[d.column - 1:].startswith("54%")
    assert dict(d.data)["expected"] == "56" and "专栏 1" in d.hint


def test_a_page_is_linted_like_the_plan_but_may_quote_its_sentences(tmp_path):
    quoted = "创建美丽乡村示范村 200 个，其中省级 30 个左右、市级 70 个左右、县级 100 个左右。"
    plan_dir = _with_page(tmp_path, f"推進改革开放，没有句号\n\n纲要提出：{quoted}")
    found = sorted((d.code, d.line) for d in compile_plan(plan_dir).diagnostics if d.file.endswith(".md"))
    assert found == [("PD361", 8), ("PD363", 8)]


def test_a_page_marked_print_is_an_appendix_of_the_print_edition(tmp_path):
    """The 编制说明 may be printed after the plan (front matter `print = true`); a page
    without it is not in the print edition."""
    from plandoc.pdf.render import print_html

    plan_dir = _with_page(tmp_path, "## 编制过程\\n\\n本说明随纲要印发。\\n\\n| 阶段 | 时间 |\\n|---|---|\\n| 起草 | 2020年 |\\n",
                          name="notes", kind="编制说明")
    page = plan_dir / "pages" / "notes.md"
    html = print_html(compile_plan(plan_dir).plan)
    assert "本说明随纲要印发" not in html
    page.write_text(page.read_text(encoding="utf-8").replace("order = 1", "order = 1\nprint = true"), encoding="utf-8")
    html = print_html(compile_plan(plan_dir).plan)
    assert 'class="appendix companion" id="page-notes"' in html and "本说明随纲要印发" in html
    assert html.index("本说明随纲要印发") > html.index('class="closing"')
