"""XML and schema errors in an editor's words: one case per kind of mistake, each laid
over the mini plan's chapter, asserted by code, place and data (what kind of mistake,
which element and attribute, the value written, what is allowed), not by wording."""

from __future__ import annotations

import pytest

from plandoc.pipeline import compile_plan

CASES = {
    # name: (text in mini's ch01.xml, replacement, code, line, expected data)
    "bad-value": ('role="actual">2107.7', 'role="goal">2107.7', "PD110", 4,
                  {"kind": "bad-value", "element": "fact", "attribute": "role", "value": "goal",
                   "allowed": "base, target, rate, actual, actual-rate"}),
    "bad-value-list": ('<list type="dash">', '<list type="bullet">', "PD110", 8,
                       {"kind": "bad-value", "element": "list", "attribute": "type",
                        "value": "bullet"}),
    "bad-value-chinese": ("<sum>", '<sum exhaustive="否">', "PD110", 21,
                          {"kind": "bad-value", "element": "sum", "attribute": "exhaustive",
                           "value": "否", "allowed": "true, false"}),
    "bad-form-id": ('<section id="sec-review-1">', '<section id="第一节">', "PD110", 6,
                    {"kind": "bad-form", "element": "section", "attribute": "id", "value": "第一节",
                     "pattern": "[a-z][a-z0-9]*(-[a-z0-9]+)*"}),
    "missing-attribute": ('<column id="col-main">', "<column>", "PD110", 9,
                          {"kind": "missing-attribute", "element": "column", "attribute": "id"}),
    "unknown-attribute": ('<section id="sec-review-1">', '<section id="sec-review-1" nmae="x">',
                          "PD110", 6, {"kind": "unknown-attribute", "element": "section",
                                       "attribute": "nmae"}),
    "unexpected-element": ("<subhead>重点工程</subhead>", "<subhead>重点工程</subhead><bogus/>",
                           "PD110", 19, {"kind": "unexpected-element", "element": "bogus",
                                         "parent": "column"}),
    "missing-title": ("<title>主要指标</title>", "", "PD110", 9,
                      {"kind": "missing-element", "element": "title", "parent": "column"}),
    "bare-ampersand": ("坚持。", "坚持 & 发展。", "PD100", 8, {"kind": "bare-ampersand"}),
    "bare-less-than": ("坚持。", "坚持 <5 年。", "PD100", 8, {"kind": "bare-less-than"}),
    "unclosed-inline": ("<p>PM<sub>2.5</sub>", "<p>PM<sub>2.5", "PD100", 27,
                        {"kind": "unclosed-tag", "element": "sub", "opened": 27}),
    "unclosed-paragraph": ('见<ref to="fig-map"/>。</p>', '见<ref to="fig-map"/>。', "PD100", 27,
                           {"kind": "unclosed-tag", "element": "p", "opened": 27, "noticed": 29}),
    "unquoted-attribute": ('<section id="sec-review-2">', "<section id=sec-review-2>", "PD100", 25,
                           {"kind": "unquoted-attribute"}),
    "duplicate-attribute": ('<section id="sec-review-2">', '<section id="sec-review-2" id="b">',
                            "PD100", 25, {"kind": "duplicate-attribute", "name": "id"}),
    "undefined-entity": ("坚持。", "坚持&nbsp;。", "PD100", 8,
                         {"kind": "undefined-entity", "name": "nbsp"}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_error_kind(name, mini_copy):
    old, new, code, line, data = CASES[name]
    ch = mini_copy / "chapters" / "ch01.xml"
    text = ch.read_text(encoding="utf-8")
    assert old in text
    ch.write_text(text.replace(old, new, 1), encoding="utf-8")
    found = [d for d in compile_plan(mini_copy).diagnostics if d.severity.value == "error"]
    assert [(d.code, d.line) for d in found] == [(code, line)], found
    (d,) = found
    assert {k: v for k, v in d.data if k in data} == data
    assert d.column > 0
    assert "Element" not in d.message and "expect" not in d.message  # not libxml2's words
    src_line = text.replace(old, new, 1).splitlines()[line - 1]
    if data["kind"] == "unknown-attribute":  # the attributes the grammar allows, the id among them
        assert "id" in dict(d.data)["allowed"].split(", ")
    if name == "bad-value-list":  # the values the grammar allows, as it lists them
        assert dict(d.data)["allowed"].split(", ")[:2] == ["dash", "decimal"]
    if data["kind"] in ("bad-value", "bad-form", "unknown-attribute"):
        assert src_line[d.column - 1:].startswith(data["attribute"] + "=")
    if data["kind"] in ("bare-ampersand", "bare-less-than"):
        assert src_line[d.column - 1] == ("&" if data["kind"] == "bare-ampersand" else "<")
    if data["kind"] == "unclosed-tag":  # at the tag left open, not where the parser noticed
        assert src_line[d.column - 1:].startswith("<" + data["element"])


@pytest.mark.parametrize("mistake", ["xml", "schema"])
def test_a_broken_chapter_leaves_the_others_alone(mistake, tmp_path):
    """One chapter with an XML or a schema error: every other chapter keeps its labels
    (第十六章, 专栏 15, 图 3…) and its findings, word for word."""
    import shutil

    from plans import ROOT

    plan = tmp_path / "plan"
    shutil.copytree(ROOT / "plan", plan)
    before = compile_plan(plan)
    ch = plan / "chapters" / "ch05-new-engines.xml"  # holds 图 1 and a column
    text = ch.read_text(encoding="utf-8")
    ch.write_text(text.replace("</p>", "", 1) if mistake == "xml" else
                  text.replace("<p>", '<p role="goal">', 1), encoding="utf-8")
    after = compile_plan(plan)

    def others(compiled):
        labels = {(t.id, t.label) for t in compiled.plan.targets if "ch05" not in t.loc.file}
        found = {(d.code, d.file, d.line, d.message, d.place) for d in compiled.diagnostics
                 if "ch05" not in d.file}
        return labels, found

    assert others(after) == others(before)
    assert [d.code for d in after.diagnostics if "ch05" in d.file] == \
        ["PD100" if mistake == "xml" else "PD110"]
    assert len(before.plan.figures) == len(after.plan.figures) + 1  # 图 1 is ch05's
