import pytest

from plandoc import numerals as n


@pytest.mark.parametrize("value, text", [
    (1, "一"), (9, "九"), (10, "十"), (11, "十一"), (19, "十九"), (20, "二十"), (21, "二十一"),
    (38, "三十八"), (90, "九十"), (99, "九十九"),
])
def test_known_values(value, text):
    assert n.to_cn(value) == text
    assert n.from_cn(text) == value


def test_round_trip_1_to_99():
    assert [n.from_cn(n.to_cn(i)) for i in range(1, 100)] == list(range(1, 100))
    assert len({n.to_cn(i) for i in range(1, 100)}) == 99


@pytest.mark.parametrize("bad", ["", "一十一", "十十", "零", "二十〇", "百", "abc", "三四", "一百一", "一百零零一", "零五"])
def test_non_canonical_is_rejected(bad):
    with pytest.raises(ValueError):
        n.from_cn(bad)


@pytest.mark.parametrize("value, text", [
    (100, "一百"), (101, "一百零一"), (110, "一百一十"), (111, "一百一十一"), (1000, "一千"),
    (1001, "一千零一"), (1010, "一千零一十"), (1100, "一千一百"), (9999, "九千九百九十九"),
    (2035, "二千零三十五"), (10000, "一万"), (10001, "一万零一"), (100000, "十万"),
    (123456, "十二万三千四百五十六"), (1010000, "一百零一万"),
])
def test_beyond_99(value, text):
    assert n.to_cn(value) == text
    assert n.from_cn(text) == value


def test_round_trip_to_9999():
    assert all(n.from_cn(n.to_cn(i)) == i for i in range(1, 10000))


@pytest.mark.parametrize("bad", [0, 100_000_000, -1])
def test_out_of_range(bad):
    with pytest.raises(ValueError):
        n.to_cn(bad)


def test_years_digit_by_digit():
    assert n.year_cn(2035) == "二〇三五"
    assert n.year_cn("2020") == "二〇二〇"
    assert n.year_from_cn("二〇三五") == 2035
    assert n.year_from_cn("二零二一") == 2021
    with pytest.raises(ValueError):
        n.year_from_cn("二千")


def test_labels():
    assert n.part_label(11) == "第十一篇"
    assert n.chapter_label(38) == "第三十八章"
    assert n.section_label(2) == "第二节"
    assert n.column_label(12) == "专栏 12"
    assert n.figure_label(3) == "图 3"


@pytest.mark.parametrize("text, value", [
    ("三十八", 38), ("一十一", 11), ("两", 2), ("一百零二", 102), ("十", 10), ("二万零一", 20001),
])
def test_lenient_reading_for_the_importer(text, value):
    assert n.read_cn(text) == value


@pytest.mark.parametrize("text", ["", "abc", "第三", "三章"])
def test_lenient_reading_refuses_non_numerals(text):
    assert n.read_cn(text) is None


def test_read_year():
    assert n.read_year("二〇三五") == 2035 and n.read_year("2035") == 2035 and n.read_year("二〇") is None
