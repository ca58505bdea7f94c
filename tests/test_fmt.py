"""The formatter: canonical, idempotent, text-preserving, atomic, and --check for CI."""

from __future__ import annotations

import subprocess
import sys

from lxml import etree

from plandoc.fmt import fmt, canonical_xml
from plandoc.pipeline import compile_plan
from plandoc.export.plan_json import dumps

from plans import ROOT

MESSY = """<?xml version='1.0' encoding='utf-8'?>
<!-- 编辑说明：保留这条注释 -->
<chapter   id="ch-x"><title>标题</title>
      <p year="x" id="p-a"><lead>主题句。</lead>正文  有两个空格，<em>强调</em>。</p>
<!-- 段间注释 -->
    <section id="s-a"><title>节</title><list type="dash"><item>一项；</item>
<item>二项。</item></list>
  <column id="col-a"><title>专栏</title><entry><name>工程。</name>内容。</entry></column></section>
</chapter>
"""


def _texts(xml: str) -> list[str]:
    root = etree.fromstring(xml.encode("utf-8"))
    out = []
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag in ("p", "item", "entry", "title", "lead", "em", "name"):
            out.append("".join(el.itertext()))
    return out


def test_canonical_form_is_idempotent_and_keeps_text_and_comments():
    once = canonical_xml(MESSY.encode("utf-8"))
    assert canonical_xml(once.encode("utf-8")) == once
    assert _texts(once) == _texts(MESSY)
    assert "<!-- 编辑说明：保留这条注释 -->" in once and "<!-- 段间注释 -->" in once
    assert "正文  有两个空格" in once
    lines = once.splitlines()
    assert lines[0] == '<?xml version="1.0" encoding="UTF-8"?>'
    assert '  <p id="p-a" year="x"><lead>主题句。</lead>正文  有两个空格，<em>强调</em>。</p>' in lines
    assert "      <item>一项；</item>" in lines and "      <item>二项。</item>" in lines


def test_formatting_changes_nothing_the_compiler_sees(mini_copy):
    before = dumps(compile_plan(mini_copy).plan)
    outcomes = fmt(mini_copy)
    assert any(o.changed for o in outcomes)
    after = compile_plan(mini_copy)
    assert after.ok
    strip = lambda s: "\n".join(l for l in s.splitlines() if '"line"' not in l and '"char"' not in l)
    assert strip(dumps(after.plan)) == strip(before)
    assert [o.changed for o in fmt(mini_copy)] == [False] * len(outcomes)
    assert not [p for p in mini_copy.rglob(".*.tmp")]


def test_check_mode_lists_and_exits_1_without_writing(mini_copy):
    ch = mini_copy / "chapters" / "ch01.xml"
    before = ch.read_bytes()
    r = subprocess.run([sys.executable, str(ROOT / "build.py"), "fmt", "--plan", str(mini_copy), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "ch01.xml" in r.stderr
    assert ch.read_bytes() == before
    subprocess.run([sys.executable, str(ROOT / "build.py"), "fmt", "--plan", str(mini_copy)], check=True,
                   capture_output=True)
    r = subprocess.run([sys.executable, str(ROOT / "build.py"), "fmt", "--plan", str(mini_copy), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0


def test_malformed_file_is_reported_and_left_alone(mini_copy):
    ch = mini_copy / "chapters" / "ch01.xml"
    ch.write_text("<chapter><p>未闭合</chapter>", encoding="utf-8")
    (o,) = [o for o in fmt(mini_copy) if o.path == ch]
    assert o.error and not o.changed
    assert ch.read_text(encoding="utf-8") == "<chapter><p>未闭合</chapter>"


def test_bundled_plan_is_in_canonical_form():
    plan = ROOT / "plan"
    assert [o.path.name for o in fmt(plan, check=True) if o.changed or o.error] == []


def test_fmt_joins_a_line_wrapped_between_chinese_characters(mini_copy):
    """The wrap would print as a space (PD374); fmt joins it and nothing else."""
    from plandoc.fmt import fmt as run_fmt
    from plandoc.pipeline import compile_plan

    ch = mini_copy / "chapters" / "ch01.xml"
    clean = ch.read_text(encoding="utf-8")
    wrapped = clean.replace("20%，常住", "20%，\n      常住").replace("坚持。", "坚持到 2025\n      年。")
    ch.write_text(wrapped, encoding="utf-8")
    assert [d.code for d in compile_plan(mini_copy).diagnostics] == ["PD374"]
    run_fmt(mini_copy)
    expected = canonical_xml(clean.replace("坚持。", "坚持到 2025\n      年。").encode("utf-8"))
    assert ch.read_text(encoding="utf-8") == expected  # the digit's wrap is no stray space
    assert compile_plan(mini_copy).diagnostics == ()
