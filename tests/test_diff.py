"""plandoc diff: structure, text at character level and indicators, between
directories and between git revisions; tested on real edits of the plan."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path


from plandoc.diff import diff_plans, token_ops, version_name
from plandoc.pipeline import compile_plan

from plans import MINI, ROOT, mini_repo

PLAN = ROOT / "plan"


def _plan(path):
    c = compile_plan(path)
    assert c.plan is not None, c.diagnostics
    return c.plan


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_identical_plans_have_no_differences():
    assert diff_plans(_plan(MINI), _plan(MINI)).empty


def test_token_ops_mark_insertions_and_deletions():
    assert token_ops("常住人口城镇化率达到54%", "常住人口城镇化率达到55%") == [
        ["=", "常住人口城镇化率达到"], ["-", "54%"], ["+", "55%"]]


def test_target_nature_title_and_text_changes(mini_copy):
    ch = mini_copy / "chapters" / "ch01.xml"
    _edit(ch, "<v>54</v>", "<v>55</v>")
    _edit(ch, "<title>基本原则</title>", "<title>基本原则与要求</title>")
    _edit(ch, "PM<sub>2.5</sub> 浓度下降", "PM<sub>2.5</sub> 浓度持续下降")
    _edit(mini_copy / "indicators.xml", 'parent="urban" nature="预期性"', 'parent="urban" nature="约束性"')
    d = diff_plans(_plan(MINI), _plan(mini_copy))
    assert [(c.kind, c.what, c.id, c.old, c.new) for c in d.structure] == [
        ("renamed", "section", "sec-review-2", "基本原则", "基本原则与要求")]
    assert [(c.kind, c.old, c.new) for c in d.cells] == [("changed", "54", "55")]
    assert [(c.kind, c.what, c.old, c.new) for c in d.indicators] == [
        ("changed", "indicator", "属性：预期性", "属性：约束性")]
    changed = [t for t in d.text if t["kind"] == "changed"]
    assert any(["+", "持续"] in t["ops"] for t in changed)


def test_inserted_chapter_and_removed_column(mini_copy):
    ch = (mini_copy / "chapters" / "ch01.xml").read_text(encoding="utf-8")
    new = ch.replace('id="ch-review"', 'id="ch-new"').replace('"sec-review-', '"sec-new-') \
        .replace('id="col-main"', 'id="col-new"').replace('id="fig-map"', 'id="fig-new"') \
        .replace('to="col-main"', 'to="col-new"').replace('to="sec-review-2"', 'to="sec-new-2"') \
        .replace('to="fig-map"', 'to="fig-new"')
    (mini_copy / "chapters" / "ch00.xml").write_text(new, encoding="utf-8")
    _edit(mini_copy / "plan.xml", '<chapter file="chapters/ch01.xml"/>',
          '<chapter file="chapters/ch00.xml"/>\n    <chapter file="chapters/ch01.xml"/>')
    d = diff_plans(_plan(MINI), _plan(mini_copy))
    kinds = {(c.kind, c.what, c.id) for c in d.structure}
    assert ("added", "chapter", "ch-new") in kinds and ("added", "column", "col-new") in kinds
    assert not any(c.kind == "removed" for c in d.structure)


def test_cli_json_and_html_between_git_revisions(tmp_path):
    repo, git = mini_repo(tmp_path, "v1")
    _edit(repo / "plan" / "chapters" / "ch01.xml", "<v>54</v>", "<v>55</v>")
    subprocess.run([*git, "commit", "-qam", "v2"], check=True)
    html = tmp_path / "redline.html"
    r = subprocess.run([sys.executable, str(ROOT / "build.py"), "diff", "HEAD~1", "HEAD", "--format", "json",
                        "--html", str(html)], capture_output=True, text=True, cwd=repo)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert [(c["old"], c["new"]) for c in d["cells"]] == [("54", "55")]
    page = html.read_text(encoding="utf-8")
    assert "<del>54</del>" in page and "<ins>55</ins>" in page and "<script" not in page
    assert "HEAD~1（" in page and "v1" in page


def test_unknown_revision_is_a_usage_error(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "build.py"), "diff", "no-such-rev", str(MINI)],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 2


def test_real_edit_of_the_bundled_plan(tmp_path):
    copy = tmp_path / "plan"
    shutil.copytree(PLAN, copy)
    chapter = sorted((copy / "chapters").glob("*.xml"))[7]
    text = chapter.read_text(encoding="utf-8")
    assert "54" in text
    chapter.write_text(text.replace("54", "55", 1), encoding="utf-8")
    d = diff_plans(_plan(PLAN), _plan(copy))
    assert d.text and not d.structure
    assert [t["ops"][1:3] for t in d.text] == [[["-", "54%"], ["+", "55%"]]]


# ------------------------------------------------------------------ sign-off redline

def _signoff_revision(copy: Path) -> None:
    """A new 专栏 before 专栏 7 (renumbering the 31 after it) and one value of 专栏 1 changed."""
    plan = _plan(copy)
    seventh = plan.columns[6]
    chapter = copy / next(c.file for c in plan.chapters if c.id == seventh.chapter)
    _edit(chapter, f'<column id="{seventh.id}">',
          '<column id="col-signoff-new">\n      <title>新增重点工程</title>\n'
          '      <entry><name>数字乡村工程。</name>建设一批数字乡村示范点。</entry>\n    </column>\n'
          f'    <column id="{seventh.id}">')
    review = copy / "chapters" / "ch01-review.xml"
    text = review.read_text(encoding="utf-8")
    assert text.count("<v>46.94</v>") == 1
    review.write_text(text.replace("<v>46.94</v>", "<v>47.10</v>"), encoding="utf-8")


def test_signoff_redline_shows_the_new_column_one_cell_and_one_renumbering_line(tmp_path):
    copy = tmp_path / "plan"
    shutil.copytree(PLAN, copy)
    _signoff_revision(copy)
    d = diff_plans(_plan(PLAN), _plan(copy))
    assert [(c.kind, c.what, c.id) for c in d.structure] == [("added", "column", "col-signoff-new")]
    assert [(r.what, r.old, r.new, r.count) for r in d.renumbering] == [("column", "专栏 7–37", "专栏 8–38", 31)]
    assert [(c.kind, c.id, c.old, c.new) for c in d.cells] == [
        ("changed", "urbanisation-resident", "46.94", "47.10")]
    assert "常住人口城镇化率，2020年实现值" in d.cells[0].where and d.cells[0].where.startswith("专栏 1")
    assert not any(c.kind == "moved" for c in d.structure)
    # the only text changes are the new 专栏's own entry: no paragraph changed by renumbering
    assert [(t["kind"], t["where"]) for t in d.text] == [("added", "专栏 7 新增重点工程")]


def test_numbers_are_whole_tokens_and_chinese_goes_by_character():
    assert token_ops("城镇化率达到46.94%", "城镇化率达到47.10%") == [
        ["=", "城镇化率达到"], ["-", "46.94%"], ["+", "47.10%"]]
    assert token_ops("加快发展优势产业", "加快培育优势产业") == [
        ["=", "加快"], ["-", "发展"], ["+", "培育"], ["=", "优势产业"]]


def test_moving_two_chapters_reports_a_move_and_a_renumbering_not_every_section(mini_copy, tmp_path):
    copy = tmp_path / "big"
    shutil.copytree(PLAN, copy)
    plan_xml = copy / "plan.xml"
    text = plan_xml.read_text(encoding="utf-8")
    a, b = '<chapter file="chapters/ch12-reform.xml"/>', '<chapter file="chapters/ch13-innovation.xml"/>'
    assert a in text and b in text
    plan_xml.write_text(text.replace(a, "\0").replace(b, a).replace("\0", b), encoding="utf-8")
    d = diff_plans(_plan(PLAN), _plan(copy))
    moved = [(c.what, c.id) for c in d.structure if c.kind == "moved"]
    assert len(moved) == 1 and moved[0][0] == "chapter"
    assert not any(c.what == "section" for c in d.structure)
    # the chapter that stayed put is renumbered once; the 专栏 inside both follow their chapters
    assert d.renumbering[0].what == "chapter" and d.renumbering[0].count == 1
    assert {r.what for r in d.renumbering[1:]} <= {"column"}


def test_redline_html_and_pdf_have_the_title_block_and_signature(tmp_path):
    copy = tmp_path / "plan"
    shutil.copytree(PLAN, copy)
    _signoff_revision(copy)
    html, pdf = tmp_path / "redline.html", tmp_path / "redline.pdf"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1764374400"}
    r = subprocess.run([sys.executable, str(ROOT / "build.py"), "diff", str(PLAN), str(copy), "--html", str(html),
                        "--pdf", str(pdf), "--old-name", "征求意见稿", "--new-name", "送审稿"],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert "专栏 7–37 依次改为 专栏 8–38" in r.stdout
    page = html.read_text(encoding="utf-8")
    for must in ("修订对照稿", "征求意见稿", "送审稿", "2025年11月29日", "签发人", "<del>46.94</del>",
                 "<ins>47.10</ins>", "专栏 7–37 依次改为 专栏 8–38"):
        assert must in page, must
    assert "<script" not in page and "moved" not in page and "ch-review" not in page
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "修订对照稿" in text and "签发人" in text and "47.10" in text
    assert re.search(r"—\s*1\s*—", text) and re.search(r"—\s*2\s*—", text)


def test_version_names_a_git_revision_by_hash_subject_and_date(tmp_path):
    repo, git = mini_repo(tmp_path, "征求意见稿")
    name, day = version_name("HEAD", repo)
    assert name.startswith("HEAD（") and "征求意见稿" in name and len(day) == 10
    assert version_name(str(repo / "plan"), repo) == (str(repo / "plan"), "")
