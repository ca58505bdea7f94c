"""Importer on an invented sample plan: front and back matter, structure, page repairs,
lists, inline markup, columns, figures. Assertions are on structure (XPath) and on the
kinds and line numbers of findings, not on wording."""

from __future__ import annotations

from pathlib import Path

from importer.plan_samples import SAMPLE, Imported, line_of, sample, validate  # noqa: F401 (fixture)


def test_meta_notice_and_imprint(sample: Imported):
    assert sample.x("string(/all/plan/meta/title)") == "临江市国民经济和社会发展第十五个五年规划纲要"
    assert sample.x("string(/all/plan/meta/issuer)") == "临江市人民政府"
    assert sample.x("string(/all/plan/meta/docno)") == "临政发〔2024〕3号"
    approved = sample.x("/all/plan/meta/approved")[0]
    assert approved.get("date") == "2026-01-20"
    assert approved.get("by") == "临江市第九届人民代表大会第三次会议"
    period = sample.x("/all/plan/meta/period")[0]
    assert (period.get("from"), period.get("to")) == ("2026", "2030")
    notice = sample.x("/all/plan/notice")[0]
    assert notice.findtext("title").startswith("临江市人民政府关于印发《")   # space removed
    assert notice.findtext("to") == "各区县人民政府，市直各单位："
    assert len(notice.findall("p")) == 1
    assert [x.text for x in sample.x("/all/plan/imprint/cc/line")] == [
        "市委各部门。", "市人大常委会办公室，市政协办公室。"]
    printed = sample.x("/all/plan/imprint/printed")[0]
    assert (printed.get("date"), printed.get("by")) == ("2026-02-01", "临江市人民政府办公室")
    assert sample.x("count(/all/plan/closing/p)") == 1
    assert sample.x("count(/all/plan/preamble/p)") == 1
    assert any(f.lines == (line_of(SAMPLE, "抄送"),) for f in sample.findings("front-matter"))


def test_parts_chapters_sections_in_order(sample: Imported):
    assert sample.x("count(/all/plan/part)") == 2
    assert [len(p.findall("chapter")) for p in sample.x("/all/plan/part")] == [2, 2]
    files = [c.get("file") for c in sample.x("/all/plan/part/chapter")]
    assert files == ["chapters/ch01-01.xml", "chapters/ch02-02.xml",
                     "chapters/ch03-03.xml", "chapters/ch04-04.xml"]
    assert [s.get("id") for s in sample.x("//section")] == ["sec-03-1", "sec-03-2", "sec-04-1"]
    assert sample.x("string(/all/plan/part[1]/p)").startswith("五年来")
    assert sample.result.counts["sections"] == 3


def test_toc_is_not_content_and_differences_are_reported(sample: Imported):
    assert not sample.x("//*[contains(text(), '目 录')]")
    toc_lines = sample.findings("toc-line")
    assert len(toc_lines) == 10          # the heading and nine entries
    diffs = sample.findings("toc-diff")
    assert len(diffs) == 1
    assert diffs[0].lines == (line_of(SAMPLE, "第一章 发展回顾"), line_of(SAMPLE, "第一章 发展成就"))
    assert sample.x("string(//chapter[@id='ch-01']/title)") == "发展成就"   # as the body prints it


def test_split_paragraph_joined_and_reported(sample: Imported):
    first = sample.line("财政收入持续增")
    assert any(f.lines == (first, first + 2) for f in sample.findings("page-join"))
    assert sample.x("count(//p[contains(., '财政收入持续增长，民生投入')])") == 1


def test_repeated_character_across_break(sample: Imported):
    first = sample.line("推进交通基")
    found = sample.findings("repeated-char")
    assert [f.lines for f in found] == [(first, first + 2)]
    assert sample.x("count(//p[contains(., '推进交通基础设施数字化改造')])") == 1


def test_doubtful_join_left_alone_and_reported(sample: Imported):
    line = sample.line("“一核”：数字经济核心区")
    assert any(f.lines == (line, line + 2) for f in sample.findings("doubtful-join"))
    assert sample.x("count(//p[.='“一核”：数字经济核心区'])") == 1


def test_heading_split_over_two_lines(sample: Imported):
    line = sample.line("第四章 完善基础", exact=True)
    assert [f.lines for f in sample.findings("heading-split")] == [(line, line + 2)]
    assert sample.x("string(//chapter[@id='ch-04']/title)") == "完善基础设施"
    assert not sample.findings("toc-count")


def test_dash_and_decimal_lists(sample: Imported):
    decimal = sample.x("//chapter[@id='ch-02']/list[@type='decimal']/item")
    assert len(decimal) == 2
    assert decimal[0].findtext("lead") == "远景目标。"
    assert not decimal[1].text or not decimal[1].text.startswith("2")    # no printed number
    dash = sample.x("//chapter[@id='ch-02']/list[@type='dash']/item")
    assert [d.findtext("lead") for d in dash] == ["经济发展取得新成效。", "生态环境实现新改善。"]
    assert not sample.x("//item[starts-with(., '——')]")


def test_bold_leads_with_cjk_punctuation(sample: Imported):
    inside = sample.x("//chapter[@id='ch-01']/p/lead[em='坚持创新驱动。']")
    assert len(inside) == 1 and inside[0][0].tail is None                # 。 inside the bold
    outside = sample.x("//item/lead[em='坚持改革开放']")
    assert len(outside) == 1 and outside[0][0].tail == "。"            # 。 after the bold
    assert not sample.x("//*[contains(text(), '**')]")


def test_subscript(sample: Imported):
    p = sample.x("//item[contains(., '平均浓度持续下降')]")[0]
    assert p.xpath("sub/text()") == ["2.5"]
    assert "".join(p.itertext()).endswith("PM2.5 平均浓度持续下降。")
    assert sample.x("//indicator/name/sub/text()") == ["2.5"]


def test_column_entries_and_end(sample: Imported):
    col = sample.x("//column[@id='col-03']")[0]
    assert [el.tag for el in col[1:]] == ["p", "entry", "entry"]
    assert [e.findtext("name") for e in col.findall("entry")] == ["先进制造提升工程。", "产业链强链工程。"]
    after = col.getnext()
    assert after.tag == "p" and after.findtext("lead") == "推动产业集群发展。"
    ends = {f.lines[0]: f for f in sample.findings("column-end") if f.lines}
    assert sample.line("推动产业集群发展") in ends


def test_figures_and_both_colon_forms(sample: Imported):
    assert [f.findtext("caption") for f in sample.x("//figure")] == ["综合交通网络图", "机场布局图"]
    assert [f.get("id") for f in sample.x("//figure")] == ["fig-01", "fig-02"]
    titles = [c.findtext("title") for c in sample.x("//column")]
    assert titles[1] == "主要指标"                                     # from "专栏 2: 主要指标"
    assert len(titles) == 5 and not sample.findings("numbering")


def test_reference_by_number_and_sic(sample: Imported):
    assert sample.x("//p[contains(., '详见')]/ref/@to") == ["col-03"]
    assert [f.lines for f in sample.findings("ref")] == [(sample.line("详见专栏 3"),)]
    sic = sample.x("//sic")
    assert len(sic) == 1 and sic[0].get("corr") == "和" and sic[0].text.strip() == "and"


def test_fallback_ids_are_reported(sample: Imported):
    assert any("fell back" in f.message for f in sample.findings("ids"))
    assert sample.x("/all/plan/@id") == ["plan"]


def test_mapping_gives_readable_ids(tmp_path: Path):
    ids = '''plan = "linjiang-15th"
[parts]
"总体要求" = "pt-overall"
[chapters]
"发展成就" = "ch-achievements"
[columns]
"主要指标" = "col-main-indicators"
[figures]
"机场布局图" = "fig-airports"
[indicators.gdp]
labels = ["地区生产总值（亿元）"]
[indicators.urbanisation-resident]
labels = ["常住人口城镇化率（%）", "常住人口城镇化率(%)"]
'''
    run = Imported(SAMPLE, tmp_path, ids)
    assert run.x("/all/plan/@id") == ["linjiang-15th"]
    assert run.x("/all/plan/part[1]/@id") == ["pt-overall"]
    assert run.x("/all/plan/part[1]/chapter[1]/@file") == ["chapters/ch01-achievements.xml"]
    assert run.x("//column[2]/@id") == [] or "col-main-indicators" in run.x("//column/@id")
    assert "fig-airports" in run.x("//figure/@id")
    assert run.x("//indicator[@id='gdp']/name/text()") == ["地区生产总值"]
    assert len(run.x("//row[@ind='urbanisation-resident']")) == 2


def test_numbering_gaps_are_reported(tmp_path: Path):
    text = "第一篇 总则\n\n第一章 甲\n\n正文一。\n\n第三章 乙\n\n正文二。\n\n专栏 2：丙\n\n丁工程。内容。\n"
    run = Imported(text, tmp_path)
    lines = sorted(f.lines[0] for f in run.findings("numbering"))
    assert lines == [line_of(text, "第三章"), line_of(text, "专栏 2")]
    assert run.result.counts["chapters"] == 2 and run.result.counts["columns"] == 1


def test_an_empty_text_still_imports_to_a_valid_plan(tmp_path):
    """The importer always writes a valid plan (issue #16): even an empty text gives one
    chapter, reported; the command exits 0 because the plan it wrote checks."""
    import subprocess
    import sys

    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "plandoc.importer", str(empty), "--out", str(tmp_path / "out")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "error[PD" not in r.stderr
    assert validate(tmp_path / "out") == []
    assert "structure" in (tmp_path / "out" / "import-report.md").read_text(encoding="utf-8")


def test_a_written_plan_with_errors_exits_1(tmp_path, capsys):
    """The command checks what it wrote like any plan and exits 1 on an error."""
    from plandoc.importer.__main__ import _validate

    imported = Imported(SAMPLE, tmp_path)
    chapter = sorted((imported.out / "chapters").glob("*.xml"))[0]
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("<title>", "<titel>", 1)
                       .replace("</title>", "</titel>", 1), encoding="utf-8")
    assert _validate(imported.out) == 1
    assert "error[PD" in capsys.readouterr().err


def test_column_subheads_need_column_text_after_them(tmp_path: Path):
    """A short line without final punctuation inside a column is its sub-heading when more
    of the column follows; the column's last such line stays a paragraph."""
    body = "以重点项目为抓手，推动制造业转型升级。\n\n先进制造提升工程。建设智能制造示范工厂十个。\n\n" \
           "产业链强链工程。围绕主导产业补链延链强链。\n\n推动产业集群发展。培育千亿级产业集群一个。\n\n"
    assert body in SAMPLE
    text = SAMPLE.replace(body, "重点**领域**与 PM_{2.5} 治理\n\n以重点项目为抓手，推动制造业转型升级。\n\n"
                                "另见附表\n\n")
    imported = Imported(text, tmp_path)
    col = imported.x("//column[@id='col-03']")[0]
    assert [(el.tag, "".join(el.itertext())) for el in col[1:]] == [
        ("subhead", "重点领域与 PM2.5 治理"), ("p", "以重点项目为抓手，推动制造业转型升级。"),
        ("p", "另见附表")]
    assert [child.tag for child in col[1]] == ["em", "sub"]  # inline markup kept, not re-indented
    assert [f.lines for f in imported.findings("subhead")] == [(line_of(text, "重点**领域**"),)]
