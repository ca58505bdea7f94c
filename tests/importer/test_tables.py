"""Tables in the sample plan: a generic tab table with a two-row header, a span cell, a
shifted row and a header repeated after a page break; an indicator table whose rows
become indicator definitions and facts; a column table with spanning header rows."""

from __future__ import annotations

from importer.plan_samples import SAMPLE, Imported, line_of, sample  # noqa: F401 (fixture)


def cells(tr) -> list[tuple[str, str, str | None, str | None]]:
    return [(c.tag, c.text or "", c.get("colspan"), c.get("rowspan")) for c in tr]


def test_generic_table_header_spans_and_repairs(sample: Imported):
    table = sample.x("//column[title='重点项目投资表']/table")[0]
    head = table.findall("thead/tr")
    assert cells(head[0]) == [("th", "项目类别", None, "2"), ("th", "项目名称", None, "2"),
                              ("th", "投资（亿元）", "2", None)]
    assert cells(head[1]) == [("th", "总投资", None, None), ("th", "十五五期间", None, None)]
    body = table.findall("tbody/tr")
    assert len(body) == 5                                   # the repeated header is gone
    assert cells(body[0])[0] == ("td", "交通", None, "2")     # empty cell below spans from above
    assert cells(body[3]) == [("td", "城市燃气管网", None, None), ("td", "12", None, None),
                              ("td", "8", None, None)]      # shifted row realigned under 能源
    assert cells(body[2])[0] == ("td", "能源", None, "2")
    shifted = line_of(SAMPLE, "城市燃气管网")
    assert any(f.lines == (shifted,) for f in sample.findings("table-shift"))
    repeated = [f.lines[0] for f in sample.findings("table-repeat")]
    first = line_of(SAMPLE, "水利T".replace("T", "\t")) - 2
    assert first in repeated and first + 1 in repeated


def test_column_table_with_spanning_header_rows(sample: Imported):
    rows = sample.x("//column[title='对外运输通道布局']/table/tbody/tr")
    assert cells(rows[0]) == [("th", "北部通道", "2", None)]
    assert cells(rows[1]) == [("td", "公路", None, None), ("td", "京港澳高速", None, None)]
    assert cells(rows[3]) == [("th", "南部通道", "2", None)]
    assert not sample.x("//column[title='对外运输通道布局']/table/thead")


def test_indicator_table_layout_and_rows(sample: Imported):
    table = sample.x("//column[title='“十四五”主要指标完成情况']/indicator-table")[0]
    layout = [(c.get("kind"), c.get("role"), c.get("year"), c.get("from"))
              for c in table.find("layout")]
    assert layout == [("category", None, None, None), ("name", None, None, None),
                      ("value", "base", "2020", None),
                      ("value", "target", "2025", None), ("value", "rate", "2025", "2020"),
                      ("value", "actual", "2025", None), ("value", "actual-rate", "2025", "2020")]
    head = table.findall("thead/tr")
    assert len(head) == 2 and head[0][1].get("colspan") == "2" and head[0][1].get("rowspan") == "2"
    groups = table.findall("group")
    assert [g.get("category") for g in groups] == ["经济发展"]       # repeated category merged
    rows = groups[0].findall("row")
    assert len(rows) == 5
    assert [v.text for v in rows[0].findall("v")] == ["800", "1100", "7", "1050", "6.5"]
    assert [v.text for v in rows[3].findall("v")] == ["50000", ">70000", "7", "68000", "6.4"]
    assert all(len(r.findall("v")) == 5 for r in rows)


def test_indicator_definitions_parents_and_shared_facts(sample: Imported):
    inds = {i.get("id"): i for i in sample.x("//indicators/indicator")}
    by_name = {i.findtext("name"): i for i in inds.values()}
    parent = by_name["城镇化率"]
    resident = by_name["常住人口城镇化率"]
    assert resident.get("parent") == parent.get("id") and resident.get("unit") == "%"
    assert not sample.x(f"//row[@ind='{parent.get('id')}']")          # a parent has no row
    assert len(sample.x(f"//row[@ind='{resident.get('id')}']")) == 2   # one indicator, two tables
    assert resident.get("nature") == "预期性"
    gdp = by_name["人均地区生产总值"]
    assert not gdp.get("parent")                                       # unit differs: not a sub-row
    pm = [i for i in inds.values() if i.find("name/sub") is not None][0]
    assert pm.get("parent") == by_name["空气质量"].get("id")
    assert pm.get("unit") == "微克/立方米"


def test_indicator_labels_spans_and_nature(sample: Imported):
    table = sample.x("//column[title='主要指标']/indicator-table")[0]
    assert [c.get("kind") for c in table.find("layout")] == [
        "category", "seq", "name", "value", "value", "value", "nature"]
    rows = table.findall("group/row")
    assert rows[0].findtext("label") == "地区生产总值增长(%)"          # half-width as printed
    assert rows[2].find("label") is None
    spans = rows[2].findall("v")
    assert [(v.text, v.get("colspan")) for v in spans] == [("-", None), ("完成省定目标", "2")]
    natures = {i.get("nature") for i in sample.x("//indicators/indicator[@nature]")}
    assert natures == {"预期性", "约束性"}
