"""Text lint an editor sees most: titles (traditional characters, gazetteer names,
punctuation), stray spaces from wrapped lines, and near-misses of three-character names."""

from __future__ import annotations

from plandoc.pipeline import compile_plan


def _edit(plan, old, new, file="chapters/ch01.xml"):
    path = plan / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _found(plan):
    return [(d.code, d.line, dict(d.data).get("text") or dict(d.data).get("found"))
            for d in compile_plan(plan).diagnostics]


def test_traditional_characters_in_a_column_title(mini_copy):
    _edit(mini_copy, "<title>主要指标</title>", "<title>主要指標</title>")
    assert _found(mini_copy) == [("PD363", 9, "標→标")]


def test_traditional_characters_in_a_section_title(mini_copy):
    _edit(mini_copy, "<title>基本原则</title>", "<title>基本原則</title>")
    assert _found(mini_copy) == [("PD363", 25, "則→则")]


def test_gazetteer_near_miss_in_a_title(mini_copy):
    _edit(mini_copy, "<title>基本原则</title>", "<title>冷水摊区基本原则</title>")
    assert _found(mini_copy) == [("PD364", 25, "冷水摊区")]


def test_title_punctuation(mini_copy):
    _edit(mini_copy, "<title>主要指标</title>", "<title>主要指标：</title>")
    assert _found(mini_copy) == [("PD373", 9, "主要指标：")]


def test_stray_space_in_one_line_and_across_a_wrap(mini_copy):
    _edit(mini_copy, "坚持。", "坚持 发展。")
    assert _found(mini_copy) == [("PD374", 8, "持发")]
    _edit(mini_copy, "坚持 发展。", "坚持，\n        发展。")
    assert _found(mini_copy) == [("PD374", 8, "，发")]
    _edit(mini_copy, "坚持，\n        发展。", "坚持 2025 年目标。")  # a space beside a number is style
    assert _found(mini_copy) == []


def _gazetteer(plan, *names):
    lines = "".join(f'  <name kind="river">{n}</name>\n' for n in names)
    _edit(plan, "</gazetteer>", lines + "</gazetteer>", "gazetteer.xml")


def test_three_character_name_homophone_slip(mini_copy):
    _gazetteer(mini_copy, "涔天河", "东江湖")
    _edit(mini_copy, "坚持。", "坚持岑天河库区航运建设。")
    assert _found(mini_copy) == [("PD364", 8, "岑天河")]


def test_three_character_names_without_false_alarms(mini_copy):
    """Two characters shared by chance (沿江湖 beside 东江湖), a window inside a longer known
    name (涔天河 in 涔天河水库 is the name itself), a common word ending like the name."""
    _gazetteer(mini_copy, "涔天河", "东江湖", "潇湘湖")
    _edit(mini_copy, "坚持。", "坚持沿江湖泊治理，建设涔天河水库，保护小湘湖。")
    assert _found(mini_copy) == []
