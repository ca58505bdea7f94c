"""Accepted findings (plan/accepted.xml): a decision is recorded once, by the finding's
identity (code, the id of the element holding it, its own data), never by a line number;
edits elsewhere keep it matched, a change of the accepted value opens the finding again
and the stale record is reported; errors cannot be accepted."""

from __future__ import annotations

import json
import subprocess
import sys

from plandoc import diagnostics as dg
from plandoc.accepted import finding_xml
from plandoc.pipeline import compile_plan

from plans import ROOT

RECORD = """<?xml version="1.0" encoding="UTF-8"?>
<accepted>
  <decision status="接受" by="规划科 王编辑" date="2026-11-20">
    <reason>“等”字表示未列全，印刷版如此。</reason>
    {finding}
  </decision>
</accepted>
"""


def _count_of_three(plan):
    """Make mini's count say 3 while it lists two: a PD331 warning inside 专栏 1 (col-main)."""
    ch = plan / "chapters" / "ch01.xml"
    ch.write_text(ch.read_text(encoding="utf-8").replace("<num>2</num>", "<num>3</num>"),
                  encoding="utf-8")
    (d,) = compile_plan(plan).diagnostics
    assert (d.code, d.block, d.decision) == ("PD331", "col-main", None)
    return d


def _accept(plan, d):
    (plan / "accepted.xml").write_text(RECORD.format(finding=finding_xml(d)), encoding="utf-8")


def _only(plan):
    return [(d.code, d.decision.status if d.decision else None) for d in compile_plan(plan).diagnostics]


def test_the_record_names_the_finding_by_id_and_data_not_line(mini_copy):
    d = _count_of_three(mini_copy)
    assert finding_xml(d) == '<finding code="PD331" block="col-main" value="3"/>'


def test_an_accepted_finding_is_counted_not_listed_and_keeps_its_reason(mini_copy):
    _accept(mini_copy, _count_of_three(mini_copy))
    (d,) = compile_plan(mini_copy).diagnostics
    assert d.decision == dg.Decision("接受", "“等”字表示未列全，印刷版如此。", "规划科 王编辑", "2026-11-20")
    run = [sys.executable, str(ROOT / "build.py"), "check", "--plan", str(mini_copy)]
    quiet = subprocess.run(run, capture_output=True, text=True)
    assert quiet.returncode == 0 and "PD331" not in quiet.stdout
    assert quiet.stdout.splitlines() == ["错误 0，警告 0 | 已决定 1 (--show-accepted)"]
    shown = subprocess.run(run + ["--show-accepted"], capture_output=True, text=True).stdout
    assert "PD331" in shown and "已决定：接受（规划科 王编辑，2026-11-20）" in shown
    (as_json,) = json.loads(subprocess.run(run + ["--format", "json"], capture_output=True,
                                           text=True).stdout)
    assert as_json["decision"] == {"status": "接受", "reason": "“等”字表示未列全，印刷版如此。",
                                   "by": "规划科 王编辑", "date": "2026-11-20"}
    assert subprocess.run(run + ["--strict"]).returncode == 0  # decided warnings pass --strict


def test_the_editorial_report_shows_accepted_findings_with_their_reason(mini_copy, tmp_path):
    _accept(mini_copy, _count_of_three(mini_copy))
    from plandoc.pipeline import build

    compiled = compile_plan(mini_copy)
    build(compiled.plan, tmp_path / "out", ["editorial"], compiled.diagnostics)
    page = (tmp_path / "out" / "editorial" / "report.html").read_text(encoding="utf-8")
    assert "PD331" in page and "“等”字表示未列全，印刷版如此。" in page and "decided" in page


def test_edits_elsewhere_keep_the_acceptance_matched(mini_copy):
    _accept(mini_copy, _count_of_three(mini_copy))
    ch = mini_copy / "chapters" / "ch01.xml"
    text = ch.read_text(encoding="utf-8")
    # another paragraph edited, lines added above, a column inserted before (专栏 1 -> 专栏 2)
    text = text.replace("冷水滩区建成区面积增加 20%", "冷水滩区建成区面积增加二成（数据待核）")
    text = text.replace('<section id="sec-review-1">', '<p>新增一段。</p>\n  <p>又一段。</p>\n'
                        '  <section id="sec-review-1">')
    text = text.replace('<column id="col-main">', '<column id="col-new"><title>新专栏</title>'
                        '<p>新增的专栏。</p></column>\n    <column id="col-main">')
    ch.write_text(text, encoding="utf-8")
    plan_xml = mini_copy / "plan.xml"  # a chapter inserted before
    (mini_copy / "chapters" / "ch00.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<chapter id="ch-new">\n  <title>新的一章</title>\n'
        '  <p>新增的章。</p>\n</chapter>\n', encoding="utf-8")
    plan_xml.write_text(plan_xml.read_text(encoding="utf-8").replace(
        '<chapter file="chapters/ch01.xml"/>',
        '<chapter file="chapters/ch00.xml"/>\n    <chapter file="chapters/ch01.xml"/>'), encoding="utf-8")
    found = compile_plan(mini_copy).diagnostics
    assert [(d.code, d.place, d.decision is not None) for d in found
            if d.code not in ("PD350",)] == [("PD331", "第二章第一节 专栏 2", True)]


def test_changing_the_accepted_value_reopens_it_and_reports_the_stale_record(mini_copy):
    _accept(mini_copy, _count_of_three(mini_copy))
    ch = mini_copy / "chapters" / "ch01.xml"
    ch.write_text(ch.read_text(encoding="utf-8").replace("<num>3</num>", "<num>4</num>"),
                  encoding="utf-8")
    assert _only(mini_copy) == [("PD331", None), ("PD370", None)]
    stale = [d for d in compile_plan(mini_copy).diagnostics if d.code == "PD370"][0]
    assert stale.file.endswith("accepted.xml") and dict(stale.data)["value"] == "3"


def test_an_error_cannot_be_accepted(mini_copy):
    ch = mini_copy / "chapters" / "ch01.xml"
    ch.write_text(ch.read_text(encoding="utf-8").replace('<ref to="col-main"/>', '<ref to="col-gone"/>'),
                  encoding="utf-8")
    (d,) = [d for d in compile_plan(mini_copy).diagnostics if d.code != "PD350"]
    assert d.code == "PD201"
    _accept(mini_copy, d)
    assert [f for f in _only(mini_copy) if f[0] != "PD350"] == [("PD201", None), ("PD371", None)]


def test_the_bundled_plan_check_fits_one_screen():
    r = subprocess.run([sys.executable, str(ROOT / "build.py"), "check"], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert len(lines) <= 40, len(lines)
    assert dg._width(lines[-1]) <= 80  # the summary fits a terminal
    assert "已决定" in lines[-1]
    assert not [d for d in compile_plan(ROOT / "plan").diagnostics if d.code in ("PD370", "PD371")]


def test_format_accept_round_trip(tmp_path):
    """What `check --format accept` prints, pasted into accepted.xml, decides every open
    warning and note of the plan: nothing open is left, nothing is stale."""
    import shutil

    plan = tmp_path / "plan"
    shutil.copytree(ROOT / "plan", plan)
    (plan / "accepted.xml").unlink()
    r = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--plan", str(plan),
                        "--format", "accept", "--severity", "note"], capture_output=True, text=True)
    elements = r.stdout.splitlines()
    assert len(elements) == len([d for d in compile_plan(plan).diagnostics])
    (plan / "accepted.xml").write_text(RECORD.format(finding="\n    ".join(elements)), encoding="utf-8")
    after = compile_plan(plan).diagnostics
    assert after and all(d.decision is not None for d in after)


def test_a_malformed_record_is_explained(mini_copy):
    _count_of_three(mini_copy)
    (mini_copy / "accepted.xml").write_text(RECORD.replace('status="接受"', 'status="同意"').format(
        finding='<finding code="PD999" block="col-main"/>'), encoding="utf-8")
    found = [(d.code, dict(d.data).get("kind"), dict(d.data).get("allowed")) for d in compile_plan(mini_copy).diagnostics]
    assert ("PD110", "bad-value", "接受, 暂缓, 误报") in found
    (mini_copy / "accepted.xml").write_text(RECORD.format(
        finding='<finding code="PD999" block="col-main"/>'), encoding="utf-8")
    assert [d.code for d in compile_plan(mini_copy).diagnostics] == ["PD331", "PD371"]
