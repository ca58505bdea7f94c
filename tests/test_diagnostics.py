"""One fixture per diagnostic code: each triggers exactly its expected findings
(code, file, line) and nothing else; the clean fixture triggers none."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from plandoc import diagnostics as dg
from plandoc import model as m
from plandoc.pipeline import compile_plan, release_blockers, release_refusal

from plans import DIAG_FIXTURES, MINI, overlay

CODES = sorted(p.name for p in DIAG_FIXTURES.iterdir())


def _found(plan_dir, diags):
    prefix = plan_dir.as_posix() + "/"
    beside = plan_dir.parent.as_posix() + "/"  # a returned Word copy (review fixtures)
    out = []
    for d in diags:
        if not d.file.startswith(prefix) and d.file.startswith(beside):
            out.append((d.code, "../" + d.file[len(beside):], d.line))
            continue
        assert d.file.startswith(prefix), d.file
        out.append((d.code, d.file[len(prefix):], d.line))
    return sorted(out)


def test_clean_fixture_has_no_findings():
    compiled = compile_plan(MINI)
    assert compiled.plan is not None
    assert compiled.diagnostics == ()


def test_every_catalogued_code_has_a_fixture():
    assert CODES == sorted(dg.CATALOGUE)


def _import_fixture(code: str, tmp_path) -> list[dict] | None:
    """Fixtures of the importer's own codes name their input (`"import": FILE`): the
    importer is run on it, and the codes it prints are compared."""
    meta = json.loads((DIAG_FIXTURES / code / "fixture.json").read_text(encoding="utf-8"))
    if "import" not in meta:
        return None
    source = DIAG_FIXTURES / code / meta["import"]
    r = subprocess.run([sys.executable, "-m", "plandoc.importer", str(source), "--out", str(tmp_path / "out")],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    found = sorted(re.findall(r"^(.+?):(\d+):\d+: error\[(PD\d{3})\]", r.stderr, re.M))
    assert [(Path(f).name, int(line), c) for f, line, c in found] == sorted(
        (e["file"], e["line"], e["code"]) for e in meta["expected"])
    return meta["expected"]


def _release(code: str) -> bool:
    """A fixture marked "release" is checked as `build --release` checks it (the gate)."""
    meta = json.loads((DIAG_FIXTURES / code / "fixture.json").read_text(encoding="utf-8"))
    return bool(meta.get("release"))


@pytest.mark.parametrize("code", CODES)
def test_fixture_triggers_its_code(code, tmp_path):
    if _import_fixture(code, tmp_path) is not None:
        return
    plan_dir, expected = overlay(code, tmp_path)
    spec = json.loads((DIAG_FIXTURES / code / "fixture.json").read_text(encoding="utf-8"))
    if "review" in spec:  # 征求意见: export, make the returned copies, review them
        from wordlike import review_fixture

        diags = review_fixture(plan_dir, spec["review"])
    else:
        diags = list(compile_plan(plan_dir).diagnostics)
    if _release(code) and release_blockers(diags):
        diags.append(release_refusal(plan_dir, release_blockers(diags)))
    want = sorted((e["code"], e["file"], e["line"]) for e in expected)
    assert _found(plan_dir, diags) == want
    for d in diags:
        assert d.severity is dg.CATALOGUE[d.code].severity
        assert d.message and d.hint
        if d.line:
            assert d.column >= 0


@pytest.mark.parametrize("code", ["PD110", "PD201", "PD200", "PD002"])
def test_columns_point_into_the_line(code, tmp_path):
    """Where a column is given, the source line at that column starts the offending tag or attribute."""
    plan_dir, _ = overlay(code, tmp_path)
    (d,) = [d for d in compile_plan(plan_dir).diagnostics if d.code == code]
    line = (plan_dir.parent / d.file).read_text(encoding="utf-8").splitlines()[d.line - 1]
    assert d.column > 0
    assert line[d.column - 1] in "<" + "abcdefghijklmnopqrstuvwxyz"


def test_unreferenced_hint_gives_the_reference_to_paste(tmp_path):
    """The hint names the figure's own id (not a column placeholder), as a <ref> to paste."""
    plan_dir, _ = overlay("PD350", tmp_path)
    compiled = compile_plan(plan_dir)
    (d,) = [d for d in compiled.diagnostics if d.code == "PD350"]
    (fig,) = [f for f in compiled.plan.figures if (f.loc.line, f.loc.column) == (d.line, d.column)]
    assert f'<ref to="{fig.id}"/>' in d.hint and fig.label in d.hint


def test_an_error_in_one_file_does_not_hide_errors_in_another(tmp_path):
    plan_dir, _ = overlay("PD100", tmp_path)
    ind = plan_dir / "indicators.xml"
    ind.write_text(ind.read_text(encoding="utf-8").replace('id="gdp"', 'id="GDP X"'), encoding="utf-8")
    codes = {(d.code, os.path.basename(d.file)) for d in compile_plan(plan_dir).diagnostics}
    assert ("PD100", "ch01.xml") in codes and ("PD110", "indicators.xml") in codes


def test_symlink_out_of_the_plan_is_refused(tmp_path):
    outside = tmp_path / "outside.xml"
    outside.write_text((MINI / "chapters" / "ch01.xml").read_text(encoding="utf-8"), encoding="utf-8")
    plan_dir, _ = overlay("PD003", tmp_path)  # any copy of mini will do
    (plan_dir / "chapters" / "ch02-orphan.xml").unlink()
    (plan_dir / "chapters" / "ch01.xml").unlink()
    (plan_dir / "chapters" / "ch01.xml").symlink_to(outside)
    codes = [d.code for d in compile_plan(plan_dir).diagnostics]
    assert codes == ["PD002"]


def test_strict_turns_warnings_into_errors():
    d = dg.make("PD220", "x.xml", 1, 1, "m")
    (e,) = dg.escalate([d], strict=True)
    assert e.severity is dg.Severity.ERROR
    assert dg.escalate([d], strict=False)[0].severity is dg.Severity.WARNING


def test_gazetteer_names_keep_their_customary_characters(mini_copy):
    ch = mini_copy / "chapters" / "ch01.xml"
    ch.write_text(ch.read_text(encoding="utf-8").replace("坚持。", "坚持蘋洲书院修缮。"), encoding="utf-8")
    assert [d.code for d in compile_plan(mini_copy).diagnostics] == ["PD363"]
    gaz = mini_copy / "gazetteer.xml"
    gaz.write_text(gaz.read_text(encoding="utf-8").replace(
        "</gazetteer>", '  <name kind="other">蘋洲书院</name>\n</gazetteer>'), encoding="utf-8")
    assert compile_plan(mini_copy).diagnostics == ()


def test_prose_rate_is_checked_against_base_and_end_stated_anywhere(mini_copy):
    """A rate stated in prose is verified against the base and end values the table states."""
    ch = mini_copy / "chapters" / "ch01.xml"
    text = ch.read_text(encoding="utf-8")
    ch.write_text(text.replace("坚持。", '坚持，年均增长<fact ind="gdp" year="2025" role="rate" from="2020">7.3</fact>%。'),
                  encoding="utf-8")
    assert compile_plan(mini_copy).diagnostics == ()
    ch.write_text(text.replace("坚持。", '坚持，年均增长<fact ind="gdp" year="2025" role="rate" from="2020">9</fact>%。'),
                  encoding="utf-8")
    found = [(d.code, d.line) for d in compile_plan(mini_copy).diagnostics]
    assert found == [("PD301", 8), ("PD310", 15)]  # the rate disagrees with base, target and the table


def test_cumulative_change_in_prose_meets_the_bracketed_cell(mini_copy):
    ch = mini_copy / "chapters" / "ch01.xml"
    text = ch.read_text(encoding="utf-8")
    ok = '提高<fact ind="urban-resident" year="2025" role="rate" from="2020" cumulative="true">7.06</fact>个百分点。'
    ch.write_text(text.replace("坚持。", "坚持，" + ok), encoding="utf-8")
    assert compile_plan(mini_copy).diagnostics == ()
    ch.write_text(text.replace("坚持。", "坚持，" + ok.replace(">7.06<", ">7.6<")), encoding="utf-8")
    assert "PD310" in [d.code for d in compile_plan(mini_copy).diagnostics]


def test_a_rate_in_percent_is_not_a_unit_mismatch(mini_copy):
    ch = mini_copy / "chapters" / "ch01.xml"
    ch.write_text(ch.read_text(encoding="utf-8").replace(
        "坚持。", '坚持，年均增长<fact ind="gdp" year="2025" role="rate" from="2020">7.3%</fact>。'), encoding="utf-8")
    assert compile_plan(mini_copy).diagnostics == ()


def test_every_id_is_a_reference_target_and_counts_for_duplicates(mini_copy):
    """Ids on preamble, part-introduction and closing paragraphs and on indicators can be
    referred to; reusing one of them elsewhere is a duplicate."""
    plan_xml = mini_copy / "plan.xml"
    text = plan_xml.read_text(encoding="utf-8")
    text = text.replace("<preamble><p>", '<preamble><p id="pre-a">').replace(
        "<p>篇的导语。</p>", '<p id="pt-intro">篇的导语。</p>').replace(
        "<closing><p>", '<closing><p id="close-a">')
    plan_xml.write_text(text, encoding="utf-8")
    ch = mini_copy / "chapters" / "ch01.xml"
    ch.write_text(ch.read_text(encoding="utf-8").replace(
        "坚持。", '坚持，见<ref to="pre-a"/>、<ref to="pt-intro"/>、<ref to="close-a"/>和<ref to="gdp"/>。'),
        encoding="utf-8")
    compiled = compile_plan(mini_copy)
    assert compiled.diagnostics == ()
    refs = [n for b in compiled.plan.chapters[0].sections[0].blocks if hasattr(b, "items")
            for it in b.items for n in it.content if n.__class__.__name__ == "Ref"]
    assert [(r.label, r.page) for r in refs] == [("序言", "preamble"), ("第一篇", "pt-one"),
                                                 ("结束语", "closing"), ("地区生产总值", "indicators")]
    plan_xml.write_text(plan_xml.read_text(encoding="utf-8").replace('id="close-a"', 'id="col-main"'),
                        encoding="utf-8")
    codes = [d.code for d in compile_plan(mini_copy).diagnostics]
    assert codes.count("PD200") == 1


def test_a_subhead_with_an_id_is_a_reference_target(mini_copy):
    ch = mini_copy / "chapters" / "ch01.xml"
    text = ch.read_text(encoding="utf-8")
    ch.write_text(text.replace("<subhead>重点工程</subhead>", '<subhead id="sh-works">重点工程</subhead>')
                  .replace("坚持。", '坚持，见<ref to="sh-works"/>。'), encoding="utf-8")
    compiled = compile_plan(mini_copy)
    assert compiled.diagnostics == ()
    (sub,) = [b for c in compiled.plan.columns for b in c.blocks if isinstance(b, m.Subhead)]
    assert sub.id == "sh-works"


def test_parent_label_prints_the_parent_cell_as_printed(mini_copy):
    """<parent-label> on the first sub-row replaces the name（unit） made from the definition."""
    def parent_cell(plan):
        (table,) = [t for t in plan.tables if t.indicator]
        (text,) = [m.plain(c.content) for r in table.body for c in r.cells
                   if c.header and m.plain(c.content).startswith("城镇化率")]
        return text

    before = compile_plan(mini_copy)
    assert parent_cell(before.plan) == "城镇化率"  # the definition: no unit
    ch = mini_copy / "chapters" / "ch01.xml"
    ch.write_text(ch.read_text(encoding="utf-8").replace(
        '<row ind="urban-resident">', '<row ind="urban-resident"><parent-label>城镇化率 (%)</parent-label>'),
        encoding="utf-8")
    after = compile_plan(mini_copy)
    assert after.diagnostics == ()
    assert parent_cell(after.plan) == "城镇化率 (%)"


def test_a_window_covered_by_two_known_names_is_no_near_miss(mini_copy):
    """九嶷河舜帝陵 is two correct names side by side, not a slip for 九嶷山舜帝陵; 九嶷川舜帝陵 is."""
    gaz = mini_copy / "gazetteer.xml"
    gaz.write_text(gaz.read_text(encoding="utf-8").replace("</gazetteer>", "".join(
        f'  <name kind="other">{n}</name>\n' for n in ("九嶷河", "舜帝陵", "九嶷山舜帝陵")) + "</gazetteer>"),
        encoding="utf-8")
    ch = mini_copy / "chapters" / "ch01.xml"
    original = ch.read_text(encoding="utf-8")
    ch.write_text(original.replace("坚持。", "坚持，游览九嶷河舜帝陵。"), encoding="utf-8")
    assert compile_plan(mini_copy).diagnostics == ()
    ch.write_text(original.replace("坚持。", "坚持，游览九嶷川舜帝陵。"), encoding="utf-8")
    assert [(d.code, dict(d.data)) for d in compile_plan(mini_copy).diagnostics] == [
        ("PD364", {"found": "九嶷川舜帝陵", "expected": "九嶷山舜帝陵"})]


def test_one_fact_stated_in_three_places_names_every_place(mini_copy):
    """PD310 lists every place the value is stated, as an editor reads them, with its value."""
    ch = mini_copy / "chapters" / "ch01.xml"
    ch.write_text(ch.read_text(encoding="utf-8").replace(
        "PM<sub>2.5</sub> 浓度下降 10%，", 'PM<sub>2.5</sub> 浓度下降 10%，地区生产总值 '
        '<fact ind="gdp" year="2020" role="actual">2170.7</fact> 亿元，'), encoding="utf-8")
    (d,) = compile_plan(mini_copy).diagnostics
    assert (d.code, d.line, d.place) == ("PD310", 27, "第一章第二节")
    assert dict(d.data)["indicator"] == "gdp" and dict(d.data)["year"] == 2020
    assert "3 处" in d.message and "2170.7" in d.message
    assert "第一章（chapters/ch01.xml:4）为 2107.7" in d.message
    assert "第一章第一节 专栏 1（chapters/ch01.xml:15）为 2107.7" in d.message
    assert "value" not in d.message
