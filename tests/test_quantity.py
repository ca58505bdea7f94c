import pytest

from plandoc.quantity import parse


@pytest.mark.parametrize("text, kind, value, comparator, cumulative, unit", [
    ("2107.7", "number", 2107.7, None, False, None),
    ("≥300", "number", 300, "≥", False, None),
    (">12", "number", 12, ">", False, None),
    ("<5.5", "number", 5.5, "<", False, None),
    ("[10]", "number", 10, None, True, None),
    ("[-33%]", "number", -33, None, True, "%"),
    ("［1.8］", "number", 1.8, None, True, None),
    ("-", "na", None, None, False, None),
    ("", "empty", None, None, False, None),
    ("完成省定目标", "text", None, None, False, None),
    ("95% 以上", "number", 95, "≥", False, "%"),
    ("30 个左右", "number", 30, "≈", False, "个"),
    ("2107.7亿元", "number", 2107.7, None, False, "亿元"),
    ("超过 1000", "number", 1000, ">", False, None),
    ("１，０００", "number", 1000, None, False, None),
    ("突破 1000", "number", 1000, ">", False, None),
    ("五", "number", 5, None, False, None),
    ("十三", "number", 13, None, False, None),
    ("两", "number", 2, None, False, None),
    ("一批", "text", None, None, False, None),
])
def test_parse(text, kind, value, comparator, cumulative, unit):
    q = parse(text)
    assert (q.kind, q.value, q.comparator, q.cumulative, q.unit) == (kind, value, comparator, cumulative, unit)
    assert q.text == text


def test_decimals_follow_the_print():
    assert parse("46.94").decimals == 2
    assert parse("54").decimals == 0
    assert parse("0.205").decimals == 3


@pytest.mark.parametrize("text,value,comparator", [
    ("下降 33% 以上", -33.0, "≤"), ("降低 5", -5.0, None), ("减少 2.5 以下", -2.5, "≥"),
    ("超过 5", 5.0, ">")])
def test_a_printed_decrease_is_a_negative_change(text, value, comparator):
    """“下降 33% 以上” and “[-33%]” state the same change: the sign is in the words."""
    q = parse(text)
    assert (q.kind, q.value, q.comparator, q.text) == ("number", value, comparator, text)
    assert q.unit == ("%" if "%" in text else None)
