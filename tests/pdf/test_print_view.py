"""The print view's small guarantees: fixed dates, balanced titles, table widths."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from plandoc import model as m
from plandoc.pipeline import compile_plan
from plandoc.pdf.view import (chinese_date, column_widths, fixed_date, signoff_indents,
                               title_lines, view)

import plans

MINI = plans.MINI


def test_dates_never_come_from_the_clock():
    plan = compile_plan(MINI).plan
    assert fixed_date(plan, {"SOURCE_DATE_EPOCH": "0"}) == dt.datetime(1970, 1, 1)
    assert fixed_date(plan, {}).strftime("%Y-%m-%d") == plan.imprint.printed_date
    assert view(plan, {}).date == f"{plan.imprint.printed_date}T00:00:00Z"  # the PDF's metadata
    assert view(plan, {"SOURCE_DATE_EPOCH": "86400"}).date == "1970-01-02T00:00:00Z"
    # a printing date the grammar admits but the calendar does not: the first year's 1 January
    # (the XLSX and DOCX writers raised on it before, the PDF printed it as given)
    odd = replace(plan, imprint=replace(plan.imprint, printed_date="2021-02-30"))
    assert fixed_date(odd, {}) == dt.datetime(plan.meta.period_from, 1, 1)
    assert chinese_date("2021-06-24") == "2021年6月24日"
    assert chinese_date("六月") == "六月"


def test_long_titles_break_near_the_middle_at_a_natural_point():
    lines = title_lines("永州市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要")
    assert len(lines) == 2 and all(len(line) <= 20 for line in lines)
    assert lines[0].endswith("规划")
    assert title_lines("短标题") == ("短标题",)


def test_table_widths_cover_the_grid_and_keep_short_texts_whole():
    plan = compile_plan(MINI).plan
    for table in plan.tables:
        widths = column_widths(table)
        grid = sum(c.colspan for c in table.head[0].cells)
        assert len(widths) == grid
        assert abs(sum(widths) - 100) < 0.01
        assert min(widths) > 5


def test_a_table_without_cells_has_no_widths():
    loc = m.Loc("x.xml", 1)
    empty = m.Table("t", 1, "表 1", (), (), (), False, (), None, "ch", loc)
    assert column_widths(empty) == ()


def test_signoff_indents_follow_gb_9704():
    loc = m.Loc("plan.xml", 1)
    notice = m.Notice((m.Text("通知"),), None, (), "永州市人民政府", None, loc)
    assert signoff_indents(notice) == (2.0, 2.0)              # signature alone: 右空二字
    short = m.Notice((), None, (), "永州市人民政府办公室发展研究中心", "2021-01-20", loc)
    sig, date = signoff_indents(short)
    assert sig == 2.0 and date > 2.0                           # date starts 2 chars further right
    long = m.Notice((), None, (), "市政府", "2021-12-20", loc)
    sig, date = signoff_indents(long)
    assert date == 2.0 and sig > 4.0                           # a longer date pushes the name left


def test_br_marks_cut_titles_into_lines_and_leave_the_title_whole():
    plan = compile_plan(Path(__file__).resolve().parents[2] / "plan").plan
    assert plan.meta.title_lines == ("永州市国民经济和社会发展第十四个", "五年规划和二〇三五年远景目标纲要")
    assert plan.meta.title == "".join(plan.meta.title_lines)
    lines = [m.plain(line) for line in plan.notice.title_lines]
    assert len(lines) == 4 and "".join(lines) == m.plain(plan.notice.title)
    assert all(len(line) <= 20 for line in lines)          # 2号 on the 版心: 20 characters
    assert view(plan).title_lines == plan.meta.title_lines


def test_a_title_without_marks_is_one_line_in_the_model():
    plan = compile_plan(MINI).plan
    assert plan.meta.title_lines == (plan.meta.title,)
    assert [m.plain(line) for line in plan.notice.title_lines] == [m.plain(plan.notice.title)]
