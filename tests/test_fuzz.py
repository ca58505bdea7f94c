"""Property-based fuzzing: mutate valid plan files (delete, duplicate or move
elements and attributes, change text and numbers) and assert that loading,
validating, checking and rendering HTML, JSON, CSV and XLSX never raise — every problem is a
diagnostic. CI runs a bounded number of examples (PLANDOC_FUZZ_EXAMPLES, default 40);
docs/fuzzing.md says how to run a long session."""

from __future__ import annotations

import copy
import os
import shutil

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from plandoc.export import tables as render_data
from plandoc.site import render as render_html
from plandoc.export import plan_json as render_json
from plandoc.diagnostics import CATALOGUE
from plandoc.pipeline import compile_plan

from plans import FIXTURES, MINI

EXAMPLES = int(os.environ.get("PLANDOC_FUZZ_EXAMPLES", "40"))
BASES = [MINI] + ([FIXTURES / "plan-ok"] if (FIXTURES / "plan-ok" / "plan.xml").exists() else [])

TEXTS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "-", "[10]", "≥65.53", ">12", "1,000", "１２", "完成省定目标", "左右",
                     "<script>alert(1)</script>", "\u202e", "𠀀", "../../etc/passwd", "0", "-0.0",
                     "1e309", "NaN", "2107.7亿元", "95% 以上", "[-33%]", "2021-02-30", "2021-13-45",
                     "9999-99-99", "200", "201", "=1+1", "figures/map#1 50%.svg"]),
)
ATTRS = ["id", "ind", "year", "role", "from", "to", "kind", "file", "src", "colspan", "rowspan",
         "exhaustive", "corr", "type", "parent", "unit", "nature", "category", "date", "vision"]


def mutate(root: etree._Element, data) -> None:
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        el = data.draw(st.sampled_from(elements), label="element")
        op = data.draw(st.sampled_from(["delete", "duplicate", "move", "attr-del", "attr-set",
                                        "text", "tail", "number"]), label="op")
        parent = el.getparent()
        if op == "delete" and parent is not None:
            parent.remove(el)
            elements = [e for e in root.iter() if isinstance(e.tag, str)]
        elif op == "duplicate" and parent is not None:
            parent.insert(parent.index(el), copy.deepcopy(el))
            elements = [e for e in root.iter() if isinstance(e.tag, str)]
        elif op == "move" and parent is not None:
            target = data.draw(st.sampled_from(elements), label="target")
            if target is not el and el not in target.iterancestors() and target is not parent:
                parent.remove(el)
                target.append(el)
                elements = [e for e in root.iter() if isinstance(e.tag, str)]
        elif op == "attr-del" and el.attrib:
            del el.attrib[data.draw(st.sampled_from(sorted(el.attrib)), label="attr")]
        elif op == "attr-set":
            name = data.draw(st.sampled_from(ATTRS), label="attr")
            el.set(name, _clean(data.draw(TEXTS, label="value")))
        elif op == "text":
            el.text = _clean(data.draw(TEXTS, label="text"))
        elif op == "tail" and parent is not None:
            el.tail = _clean(data.draw(TEXTS, label="tail"))
        elif op == "number":
            el.text = data.draw(st.sampled_from(["0", "-1", "99999999999", "3.14159", "[0]", "≥", "1e5"]))


def _clean(text: str) -> str:
    """XML cannot carry control characters; lxml refuses them before we could write them."""
    return "".join(c for c in text if c in "\t\n\r" or (ord(c) >= 0x20 and not 0xD800 <= ord(c) <= 0xDFFF
                                                          and c not in "\ufffe\uffff"))


@settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("CI") == "true",
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_plans_never_crash(tmp_path_factory, data):
    base = data.draw(st.sampled_from(BASES), label="base")
    work = tmp_path_factory.mktemp("fuzz")
    plan = work / "plan"
    shutil.copytree(base, plan)
    files = sorted(p for p in plan.rglob("*.xml"))
    for path in data.draw(st.lists(st.sampled_from(files), min_size=1, max_size=2, unique=True), label="files"):
        root = etree.parse(str(path)).getroot()
        mutate(root, data)
        path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    compiled = compile_plan(plan)
    for d in compiled.diagnostics:
        assert d.code in CATALOGUE and d.message and d.hint
    event("compiled clean" if compiled.ok else "diagnosed")
    if compiled.ok:
        out = work / "out"
        out.mkdir()
        render_json.render(compiled.plan, out, compiled.diagnostics)
        render_data.render_csv(compiled.plan, out, compiled.diagnostics)
        render_data.render_xlsx(compiled.plan, out, compiled.diagnostics)
        render_html.render(compiled.plan, out, compiled.diagnostics)


PROSE = st.lists(st.one_of(
    st.sampled_from(["到", "2025", "年", "，", "。", "、", "；", "：", "（", "）", "“", "”", "由", "增加到",
                     "城镇化率", "常住人口城镇化率", "地区生产总值", "达到", "年均增长", "分别", "城乡居民人均可支配收入",
                     "其中", "含", "等", "个", "大", "两", "五", "十四五", "%", "个百分点", "万", "亿元", "以上",
                     "左右", "超过", "下降", "比", "2015", "第", "G55", "5G", "—", "-", "～", "0746",
                     "12345678", ".", "58", "3.5", "0", "占", "的", "新增", "公里", "和", "五年来"]),
    st.text(alphabet="0123456789.%、，。其中个大两万亿年到由", max_size=4),
    st.text(max_size=3)), max_size=40).map("".join)


@settings(max_examples=EXAMPLES * 5, deadline=None, derandomize=os.environ.get("CI") == "true")
@given(text=PROSE, wrap=st.sampled_from(["{}", "<em>{}</em>", "{}<sub>2.5</sub>{}", "<nofact>{}</nofact>"]))
def test_recognition_never_raises_on_any_prose(text, wrap):
    """Recognition's own functions (not only the safety net around them) accept any text."""
    from plandoc.recognise import Recogniser, counts, facts, text as rtext, totals

    registry = etree.fromstring(
        '<indicators><indicator id="u" unit="%"><name>常住人口城镇化率</name><alias>城镇化率</alias>'
        '</indicator><indicator id="g" unit="亿元"><name>地区生产总值</name></indicator>'
        '<indicator id="a" unit="元"><name>城镇居民人均可支配收入</name></indicator>'
        '<indicator id="b" unit="元"><name>农村居民人均可支配收入</name></indicator></indicators>')
    rec = Recogniser(registry, [], 2021, 2025)
    body = _clean(text).replace("&", "&amp;").replace("<", "&lt;")
    el = etree.fromstring(f"<p>{wrap.format(body, body)}</p>")
    block = rtext.read(el)
    found = facts.recognise(block, rec.names, rec.ctx)
    counted = counts.recognise(block)
    summed = totals.recognise(block)
    event(f"facts={bool(found)} counts={bool(counted)} totals={bool(summed)}")
    for f in found:
        assert 0 <= f.start < f.end <= len(block.text) and f.quantity.value is not None
    lines = f"<p>{wrap.format(body, body)}</p>".splitlines() or [""]
    offsets = sorted(block.raw_at(f.start) for f in found)
    assert len(rtext.locate(lines, 1, 1, offsets)) == len(offsets)


# ---- the importer: mutated plain text

SEED_LINES = (FIXTURES / "seed" / "yongzhou-14th.txt").read_text(encoding="utf-8").split("\n")
IMPORT_BASE = SEED_LINES[:300] + SEED_LINES[1945:]
"""Notice, title, TOC, the first chapters (sections, a column, the indicator table) and
the closing and back matter of the seed: every kind of line the importer recognises."""

HOSTILE_CHARS = st.sampled_from(
    [chr(c) for c in range(0x20)] + ["\x7f", "\ufffe", "\uffff", "\u202e", "\u2066", "\u3000",
                                     "\ufeff", "\u00a0", "\t", "𠀀", "\u0301"])
HEADINGS = st.sampled_from(["第一章", "第章", "第一百万章 太多", "第零篇", "第一篇", "第二节　",
                            "第三章\t\t\t12", "第四章 " + "长" * 5000, "专栏", "专栏 99999", "图 1",
                            "目  录", "第一节 （续）", "第十三章 标题……………… 7", "（一）", "一、"])


def _mutate_text(lines: list[str], data) -> list[str]:
    lines = list(lines)
    for _ in range(data.draw(st.integers(1, 6), label="mutations")):
        i = data.draw(st.integers(0, len(lines) - 1), label="line")
        op = data.draw(st.sampled_from(["control", "huge", "heading", "delete", "duplicate",
                                        "swap", "blank", "tabs", "truncate", "text"]), label="op")
        if op == "control":
            at = data.draw(st.integers(0, len(lines[i])), label="at")
            lines[i] = lines[i][:at] + data.draw(st.text(HOSTILE_CHARS, min_size=1, max_size=5)) + lines[i][at:]
        elif op == "huge":
            lines[i] = (lines[i] or "很长的一行。") * data.draw(st.sampled_from([100, 2000, 20000]), label="times")
        elif op == "heading":
            heading = data.draw(HEADINGS, label="heading")
            lines.insert(i, heading) if data.draw(st.booleans(), label="insert") else \
                lines.__setitem__(i, heading + lines[i])
        elif op == "delete":
            del lines[i: i + data.draw(st.integers(1, 40), label="n")]
        elif op == "duplicate":
            lines[i:i] = lines[i: i + data.draw(st.integers(1, 40), label="n")]
        elif op == "swap":
            j = data.draw(st.integers(0, len(lines) - 1), label="other")
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "blank":
            lines.insert(i, data.draw(st.sampled_from(["", " ", "\t", "\u3000", "　 　"]), label="blank"))
        elif op == "tabs":
            lines[i] = "\t".join(lines[i][k: k + 3] for k in range(0, len(lines[i]), 3))
        elif op == "truncate":
            lines = lines[:i + 1]
        elif op == "text":
            lines[i] = data.draw(st.text(max_size=60).map(lambda t: "".join(
                c for c in t if not 0xD800 <= ord(c) <= 0xDFFF)), label="text")
        if not lines:
            lines = [""]
    return lines


@settings(max_examples=max(EXAMPLES // 2, 10), deadline=None, derandomize=os.environ.get("CI") == "true",
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_mutated_plain_text_never_crashes_the_importer(tmp_path_factory, data):
    """Whatever the text, the importer writes well-formed XML and a report, and the plan
    it wrote compiles to diagnostics, never a traceback."""
    from plandoc.importer import run
    from plandoc.importer.source import InputError

    work = tmp_path_factory.mktemp("fuzz-import")
    text = work / "plan.txt"
    text.write_text("\n".join(_mutate_text(IMPORT_BASE, data)), encoding="utf-8")
    try:
        result = run(text, work / "out")
    except InputError as exc:  # a refusal the command reports cleanly (exit 2), not a crash
        assert "过长" in str(exc)
        event("refused: paragraph too long")
        return
    for path in result.files:
        etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    assert (work / "out" / "import-report.md").is_file()
    compiled = compile_plan(work / "out")
    for d in compiled.diagnostics:
        assert d.code in CATALOGUE and d.message and d.hint
    event("imported clean" if compiled.ok else "imported with diagnostics")
