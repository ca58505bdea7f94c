"""plandoc diff: structure, text at character level and indicators, between
directories and between git revisions; tested on real edits of the plan."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path


from plandoc.diff import char_ops, diff_plans
from plandoc.pipeline import compile_plan

from plans import MINI, ROOT

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


def test_char_ops_mark_insertions_and_deletions():
    assert char_ops("常住人口城镇化率达到54%", "常住人口城镇化率达到55%") == [
        ["=", "常住人口城镇化率达到5"], ["-", "4"], ["+", "5"], ["=", "%"]]


def test_target_nature_title_and_text_changes(mini_copy):
    ch = mini_copy / "chapters" / "ch01.xml"
    _edit(ch, "<v>54</v>", "<v>55</v>")
    _edit(ch, "<title>基本原则</title>", "<title>基本原则与要求</title>")
    _edit(ch, "PM<sub>2.5</sub> 浓度下降", "PM<sub>2.5</sub> 浓度持续下降")
    _edit(mini_copy / "indicators.xml", 'parent="urban" nature="预期性"', 'parent="urban" nature="约束性"')
    d = diff_plans(_plan(MINI), _plan(mini_copy))
    assert [(c.kind, c.what, c.id, c.old, c.new) for c in d.structure] == [
        ("renamed", "section", "sec-review-2", "基本原则", "基本原则与要求")]
    facts = {(c.kind, c.what, c.old, c.new) for c in d.indicators}
    assert ("changed", "fact", "54", "55") in facts
    assert ("changed", "indicator", "nature=预期性", "nature=约束性") in facts
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
    repo = tmp_path / "repo"
    shutil.copytree(MINI, repo / "plan")
    git = ["git", "-C", str(repo), "-c", "user.email=t@example.invalid", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "v1"], check=True)
    _edit(repo / "plan" / "chapters" / "ch01.xml", "<v>54</v>", "<v>55</v>")
    subprocess.run([*git, "commit", "-qam", "v2"], check=True)
    html = tmp_path / "redline.html"
    r = subprocess.run([sys.executable, str(ROOT / "build.py"), "diff", "HEAD~1", "HEAD", "--format", "json",
                        "--html", str(html)], capture_output=True, text=True, cwd=repo)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert [(c["old"], c["new"]) for c in d["indicators"]] == [("54", "55")]
    page = html.read_text(encoding="utf-8")
    assert "<del>4</del><ins>5</ins>" in page and "<script" not in page


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
    assert any(["+", "5"] in t["ops"] for t in d.text)
