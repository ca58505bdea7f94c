"""The short-cell classification shared by the site and the print edition."""

import pytest

from plandoc import model as m
from plandoc.cells import short_kind, unbroken_runs


def cell(text: str) -> m.Cell:
    return m.Cell(content=(m.Text(text),))


@pytest.mark.parametrize(
    "text, kind",
    [
        ("序号", "seq"), ("12", "seq"), ("预期性", "nature"), ("约束性", "nature"),
        ("属性", "nature"), ("2020年", "year"), ("2025", "year"), ("“十三五”末", "year"),
        ("[累计]", "cumulative"), ("[5]", "cumulative"), ("［-33%］", "cumulative"),
        ("亿元", "unit"), ("（%）", "unit"), ("万人", "unit"), ("≥3000", "value"),
        ("7.5", "value"), ("13%以上", "value"), ("-", "value"),
    ],
)
def test_short_cells_are_recognised(text, kind):
    assert short_kind(cell(text)) == kind


@pytest.mark.parametrize("text", ["常住人口城镇化率", "经济发展", "地区生产总值增长", "", "二〇三五年远景目标纲要说明"])
def test_names_and_long_text_may_wrap(text):
    assert short_kind(cell(text)) is None


def test_a_value_column_makes_its_cells_short():
    spec = m.ColSpec(kind="value", role="target", year=2025, from_year=None)
    assert short_kind(cell("5.5左右"), spec) == "value"
    name = m.ColSpec(kind="name", role=None, year=None, from_year=None)
    assert short_kind(cell("常住人口"), name) is None


def test_the_category_column_makes_its_cells_short():
    """经济发展 wrapped as 经济发/展 in the site's 专栏 2: a category column's names never break."""
    spec = m.ColSpec(kind="category", role=None, year=None, from_year=None)
    assert short_kind(cell("经济发展"), spec) == "category"
    assert short_kind(cell("经济发展"), None) is None


def test_an_indicator_category_is_short_only_in_its_column():
    spec = m.ColSpec("category", None, None, None)
    assert short_kind(cell("经济发展"), spec) == "category"
    assert short_kind(cell("经济发展"), None) is None
    assert short_kind(cell("经济社会发展"), spec) is None


@pytest.mark.parametrize("text, runs", [
    ("年均增速[累计]", ["[累计]"]), ("地区生产总值（亿元）", ["（亿元）"]),
    ("增长7.5%以上", ["7.5%"]), ("常住人口城镇化率", []),
])
def test_unbroken_runs_inside_longer_cells(text, runs):
    assert [text[a:b] for a, b in unbroken_runs(text)] == runs
