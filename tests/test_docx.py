"""The Word edition (build --format docx): read back with lxml and compared with plan.json
(headings in heading styles, every block's text under its bookmark, indicator tables cell
by cell), ids as bookmarks (the encoding round-trips), provenance properties, byte-identical
builds, and LibreOffice opening and converting it (tests fail, not skip, without it:
make test installs it)."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from plandoc.export import word_parts as dp
from plandoc.pipeline import build, compile_plan

from plans import MINI, ROOT

PLAN = ROOT / "plan"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DATE = "1624492800"  # 2021-06-24T00:00:00Z


def _build(plan_dir: Path, out: Path, formats=("docx",)) -> Path:
    compiled = compile_plan(plan_dir)
    assert compiled.ok
    build(compiled.plan, out, list(formats), compiled.diagnostics)
    return out / "plan.docx"


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    """The bundled plan's .docx and plan.json, built from the repository's plan/."""
    out = tmp_path_factory.mktemp("docx") / "dist"
    path = _build(PLAN, out, ("json", "docx"))
    return path, json.loads((out / "plan.json").read_text(encoding="utf-8"))


# ------------------------------------------------------------------ reading it back

def _xml(path: Path, part: str = "word/document.xml") -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(part), etree.XMLParser(resolve_entities=False))


def _text(p: etree._Element) -> str:
    out = []
    for el in p.iter(f"{W}t", f"{W}br", f"{W}tab", f"{W}instrText"):
        if el.tag == f"{W}t":
            out.append(el.text or "")
        elif el.tag == f"{W}br":
            out.append("\n")
        elif el.tag == f"{W}tab":
            out.append("\t")
    return "".join(out)


def _style(p: etree._Element) -> str | None:
    s = p.find(f"{W}pPr/{W}pStyle")
    return None if s is None else s.get(f"{W}val")


def _paragraphs_by_bookmark(root) -> dict[str, list[etree._Element]]:
    """Plan id -> the paragraphs its bookmark spans (document order)."""
    open_marks: dict[str, str] = {}
    spans: dict[str, list] = {}
    for el in root.iter(f"{W}bookmarkStart", f"{W}bookmarkEnd", f"{W}p"):
        if el.tag == f"{W}bookmarkStart":
            plan_id = dp.id_of_bookmark(el.get(f"{W}name"))
            if plan_id:
                open_marks[el.get(f"{W}id")] = plan_id
                spans[plan_id] = [el.getparent()]
        elif el.tag == f"{W}bookmarkEnd":
            open_marks.pop(el.get(f"{W}id"), None)
        else:
            for plan_id in open_marks.values():
                if spans[plan_id][-1] is not el:
                    spans[plan_id].append(el)
    return spans


def _table_grid(tbl: etree._Element) -> dict[tuple[int, int], tuple[str, int, int]]:
    """(row, column) of each cell's top-left -> (text, colspan, rowspan) from the OOXML
    (w:gridSpan, w:vMerge)."""
    placed: dict[tuple[int, int], list] = {}
    above: dict[int, tuple[int, int]] = {}
    for r, tr in enumerate(tbl.findall(f"{W}tr")):
        c = 0
        for tc in tr.findall(f"{W}tc"):
            span = tc.find(f"{W}tcPr/{W}gridSpan")
            span = int(span.get(f"{W}val")) if span is not None else 1
            merge = tc.find(f"{W}tcPr/{W}vMerge")
            if merge is not None and merge.get(f"{W}val") != "restart":
                placed[above[c]][2] += 1
            else:
                text = "\n".join(_text(p) for p in tc.findall(f"{W}p"))
                placed[(r, c)] = [text, span, 1]
                above[c] = (r, c)
            c += span
    return {k: tuple(v) for k, v in placed.items()}


def _json_grid(rows: list[list[dict]]) -> dict[tuple[int, int], tuple[str, int, int]]:
    covered: set = set()
    out = {}
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in covered:
                c += 1
            out[(r, c)] = (cell["text"], cell["colspan"], cell["rowspan"])
            covered |= {(r + dr, c + dc) for dr in range(cell["rowspan"]) for dc in range(cell["colspan"])}
            c += cell["colspan"]
    return out


# ------------------------------------------------------------------ the bundled plan

def test_headings_are_heading_styles_with_computed_numbers(bundled):
    path, plan = bundled
    root = _xml(path)
    by_style: dict[str, list[str]] = {}
    for p in root.iter(f"{W}p"):
        by_style.setdefault(_style(p) or "Normal", []).append(_text(p))
    parts = [f"{p['label']}　{p['title']}" for p in plan["parts"]]
    chapters = [f"{c['label']}　{c['title']}" for p in plan["parts"] for c in p["chapters"]]
    sections = [f"{s['label']}　{s['title']}" for p in plan["parts"] for c in p["chapters"]
                for s in c["sections"]]
    columns = [f"{c['label']}　{c['title']}" for c in plan["columns"]]
    assert (len(parts), len(chapters), len(sections), len(columns)) == (11, 38, 109, 37)
    assert by_style["Heading1"] == parts
    assert by_style["Heading2"] == chapters
    assert by_style["Heading3"] == sections
    assert by_style["Heading4"] == columns
    assert chapters[7].startswith("第八章　") and columns[1].startswith("专栏 2　")
    # the contents lists every 篇, 章 and 节, each with a PAGEREF to its heading's bookmark
    toc = [p for p in root.iter(f"{W}p") if _style(p) in ("TOC1", "TOC2", "TOC3")]
    assert [_text(p).split("\t")[0] for p in toc] == [
        x for part in plan["parts"] for x in
        [f"{part['label']}　{part['title']}"] + [y for ch in part["chapters"] for y in
                                               [f"{ch['label']}　{ch['title']}"] +
                                               [f"{s['label']}　{s['title']}" for s in ch["sections"]]]]
    refs = ["".join(p.xpath(".//w:instrText/text()", namespaces={"w": W[1:-1]})) for p in toc]
    assert refs[0].strip() == f"PAGEREF {dp.bookmark_name(plan['parts'][0]['id'])} \\h"


def test_every_block_is_under_its_bookmark_with_its_text(bundled):
    path, plan = bundled
    spans = _paragraphs_by_bookmark(_xml(path))
    checked = 0
    for block in plan["blocks"]:
        if block["type"] not in ("paragraph", "item", "entry", "subhead") or block["area"] == "page":
            continue  # companion pages (解读) are published beside the plan, not in its Word edition
        paragraphs = spans.get(block["id"])
        assert paragraphs, f"no bookmark for {block['id']}"
        expected = block.get("marker", "") + block["text"]
        assert [_text(p) for p in paragraphs] == [expected], block["id"]
        checked += 1
    assert checked > 500
    for kind in ("parts", "columns"):
        for node in plan[kind]:
            assert node["id"] in spans, node["id"]
    figures = {f["id"] for f in plan["figures"]}
    assert figures and figures <= set(spans)


def test_indicator_tables_are_word_tables_with_the_printed_values(bundled):
    path, plan = bundled
    root = _xml(path)
    spans = _paragraphs_by_bookmark(root)
    tables = [b for b in plan["blocks"] if b["type"] == "table" and b["area"] != "page"]
    indicator = [t for t in tables if t["indicator"]]
    assert len(indicator) == 2
    for t in tables:
        first_cell_paragraph = spans[t["id"]][0]
        tbl = first_cell_paragraph.getparent().getparent().getparent()
        assert tbl.tag == f"{W}tbl"
        assert _table_grid(tbl) == _json_grid(t["rows"]), t["id"]
        rows = tbl.findall(f"{W}tr")
        assert len(rows) == len(t["rows"])
        repeat = [r.find(f"{W}trPr/{W}tblHeader") is not None for r in rows]
        assert repeat == [i < t["header_rows"] for i in range(len(rows))]
        assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
    # the values as printed, e.g. 地区生产总值 2500 in 专栏 1
    grid = _table_grid(spans[indicator[0]["id"]][0].getparent().getparent().getparent())
    texts = [v[0] for v in grid.values()]
    assert "1417.89" in texts and "[10.4]" in texts


def test_columns_are_framed_and_page_numbers_are_outer(bundled):
    path, plan = bundled
    root = _xml(path)
    styles = _xml(path, "word/styles.xml")
    box = styles.xpath("//w:style[w:name/@w:val='专栏框']", namespaces={"w": W[1:-1]})[0]
    assert {e.get(f"{W}val") for e in box.find(f"{W}tblPr/{W}tblBorders")} == {"single"}
    boxes = root.xpath("//w:tbl[w:tblPr/w:tblStyle/@w:val='ColumnBox']", namespaces={"w": W[1:-1]})
    assert len(boxes) == 37
    with zipfile.ZipFile(path) as z:
        footers = {n: z.read(n).decode() for n in z.namelist() if n.startswith("word/footer")}
        settings = z.read("word/settings.xml").decode()
    numbered = [x for x in footers.values() if "PAGE" in x]
    assert numbered and all("— " in x and " —" in x for x in numbered)
    assert {"right", "left"} <= {etree.fromstring(x.encode()).find(f".//{W}jc").get(f"{W}val")
                                 for x in numbered}
    assert "<w:evenAndOddHeaders/>" in settings and "<w:mirrorMargins/>" in settings
    sect = root.find(f"{W}body/{W}sectPr")
    margins = {k: int(sect.find(f"{W}pgMar").get(f"{W}{k}")) for k in ("top", "bottom", "left", "right")}
    assert margins == {"top": 2098, "bottom": 1984, "left": 1587, "right": 1474}  # 37/35/28/26 mm
    size = sect.find(f"{W}pgSz")
    assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("11906", "16838")  # A4


def test_fonts_and_their_office_fallbacks(bundled):
    path, _ = bundled
    styles = _xml(path, "word/styles.xml")
    ns = {"w": W[1:-1]}
    normal = styles.xpath("//w:style[@w:styleId='Normal']", namespaces=ns)[0]
    assert normal.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "FandolFang"
    assert normal.find(f"{W}rPr/{W}sz").get(f"{W}val") == "32"  # 16 pt, 3号
    fonts = _xml(path, "word/fontTable.xml")
    alt = {f.get(f"{W}name"): f.find(f"{W}altName").get(f"{W}val")
           for f in fonts.findall(f"{W}font") if f.find(f"{W}altName") is not None}
    assert alt["FandolFang"] == "仿宋"
    for sid, face in (("Heading2", "黑体"), ("Heading3", "楷体")):
        style = styles.xpath(f"//w:style[@w:styleId='{sid}']", namespaces=ns)[0]
        assert alt[style.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia")] == face


def test_provenance_properties(bundled):
    path, plan = bundled
    props = dp.read_custom_properties(path.read_bytes())
    assert props["plan_id"] == plan["meta"]["id"]
    assert props["content_sha256"] == dp.content_hash(PLAN)
    assert props["bookmark_scheme"] == dp.BOOKMARK_SCHEME
    head = subprocess.run(["git", "-C", str(PLAN), "rev-parse", "--verify", "-q", "HEAD"],
                          capture_output=True, text=True)
    if head.returncode == 0:  # a checkout: the revision is recorded, with the plan's path in it
        assert props["git_revision"] == head.stdout.strip()
        assert props["git_path"] == "plan"
    else:
        assert "git_revision" not in props


def test_content_hash_follows_the_sources(tmp_path):
    plan = tmp_path / "plan"
    shutil.copytree(MINI, plan)
    before = dp.content_hash(plan)
    chapter = next((plan / "chapters").glob("*.xml"))
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("。", "；", 1), encoding="utf-8")
    assert dp.content_hash(plan) != before
    (plan / "notes.txt").write_text("not a source", encoding="utf-8")
    changed = dp.content_hash(plan)
    (plan / "notes.txt").unlink()
    assert dp.content_hash(plan) == changed


def test_byte_identical_across_builds_and_directories(tmp_path):
    outs = []
    for name, seed in (("a", "1"), ("b c", "2")):
        plan = tmp_path / name / "plan"
        shutil.copytree(PLAN, plan)
        env = {**os.environ, "SOURCE_DATE_EPOCH": DATE, "PYTHONHASHSEED": seed}
        r = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--plan", str(plan),
                            "--out", str(tmp_path / name / "dist"), "--format", "docx", "--quiet"],
                           capture_output=True, text=True, env=env)
        assert r.returncode == 0, r.stderr
        outs.append((tmp_path / name / "dist" / "plan.docx").read_bytes())
    assert outs[0] == outs[1]
    with zipfile.ZipFile(io.BytesIO(outs[0])) as z:
        assert {i.date_time for i in z.infolist()} == {(2021, 6, 24, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert core.count("2021-06-24T00:00:00Z") == 2  # created and modified


def test_mini_plan_and_an_embedded_image(tmp_path):
    """A figure with a PNG is embedded; an SVG (which python-docx cannot embed) prints as
    the placeholder, as a missing image does."""
    from PIL import Image

    plan = tmp_path / "plan"
    shutil.copytree(MINI, plan)
    svg = _build(plan, tmp_path / "svg")
    with zipfile.ZipFile(svg) as z:
        assert not [n for n in z.namelist() if n.startswith("word/media/")]
        assert "（图片待补）" in z.read("word/document.xml").decode()
    (plan / "figures" / "fig-map.svg").unlink()
    Image.new("RGB", (40, 30), "red").save(plan / "figures" / "fig-map.png")
    png = _build(plan, tmp_path / "png")
    with zipfile.ZipFile(png) as z:
        assert [n for n in z.namelist() if n.startswith("word/media/")]
        assert "（图片待补）" not in z.read("word/document.xml").decode()


def test_cli_builds_docx_and_keeps_other_outputs(tmp_path):
    out = tmp_path / "dist"
    run = [sys.executable, str(ROOT / "build.py"), "build", "--plan", str(MINI), "--out", str(out),
           "--quiet"]
    assert subprocess.run(run + ["--format", "json"], capture_output=True).returncode == 0
    r = subprocess.run(run + ["--format", "docx"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert (out / "plan.docx").is_file() and (out / "plan.json").is_file()


def test_reference_docx_is_what_the_script_makes(tmp_path):
    out = tmp_path / "reference.docx"
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_reference_docx.py"), str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == (ROOT / "templates" / "docx" / "reference.docx").read_bytes()


# ------------------------------------------------------------------ ids as bookmark names

def _valid(name: str) -> bool:
    return len(name) <= 40 and all(c.isascii() and (c.isalnum() or c == "_") for c in name) \
        and name == name.lower()


def test_every_plan_id_round_trips_through_its_bookmark_name():
    plan = compile_plan(PLAN).plan
    ids = sorted({t.id for t in plan.targets if t.id})
    names = [dp.bookmark_name(i) for i in ids]
    assert all(_valid(n) for n in names)
    assert len(set(names)) == len(ids)
    assert [dp.id_of_bookmark(n) for n in names] == ids
    assert dp.bookmark_name("col-main-indicators") == "_pd_col_main_indicators"


@given(st.text(min_size=1, max_size=60))
def test_any_id_round_trips(plan_id):
    name = dp.bookmark_name(plan_id)
    assert _valid(name)
    assert dp.id_of_bookmark(name, [plan_id, plan_id + "x"]) == plan_id
    if len(name) <= 40 and not name.startswith(dp.HASHED_PREFIX):
        assert dp.decode_id(dp.encode_id(plan_id)) == plan_id


@given(st.text(min_size=1, max_size=12), st.text(min_size=1, max_size=12))
def test_distinct_ids_never_share_a_name(a, b):
    if a != b:
        assert dp.bookmark_name(a) != dp.bookmark_name(b)


@pytest.mark.parametrize("name", ["_GoBack", "_Toc123456", "Bookmark1", "_pd_", "_pd_a__zz",
                                  "_pd_a_", "_pd_a__002D_", "_pdh_00"])
def test_foreign_bookmarks_carry_no_id(name):
    assert dp.id_of_bookmark(name, ["a-b"]) is None


def test_tricky_ids():
    for plan_id in ("a--b", "a-", "-a", "a_b", "A-b", "a.b", "第八章", "a-😀", "x" * 36):
        assert dp.id_of_bookmark(dp.bookmark_name(plan_id), [plan_id]) == plan_id, plan_id
    assert dp.bookmark_name("x" * 36).startswith(dp.PREFIX)
    assert dp.bookmark_name("x" * 37).startswith(dp.HASHED_PREFIX)
    # Word compares bookmark names ignoring case; so does the reading
    assert dp.id_of_bookmark("_PD_Col_Main__002D", []) == "col-main-"


# ------------------------------------------------------------------ LibreOffice

def _soffice(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe, "LibreOffice is missing: make test installs libreoffice-writer-nogui"
    profile = cwd / "profile"
    return subprocess.run([exe, "--headless", "--norestore",
                           f"-env:UserInstallation={profile.as_uri()}", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=600,
                          env={**os.environ, "HOME": str(cwd)})


def test_libreoffice_opens_and_converts_it(bundled, tmp_path):
    path, plan = bundled
    r = _soffice(["--convert-to", "pdf", "--outdir", str(tmp_path), str(path)], tmp_path)
    pdf = tmp_path / "plan.pdf"
    assert r.returncode == 0 and pdf.is_file(), r.stdout + r.stderr
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 150 < pages < 400
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    for needle in ("永州市人民政府文件", "第三十八章", "专栏 37", "— 20 —"):
        assert needle in text, needle
    # every contents entry (11 篇, 38 章, 109 节) with its page number, laid out by LibreOffice
    numbers = [int(n) for n in re.findall(r"\.{5,}\s*(\d+)\n", text)]
    assert len(numbers) == 11 + 38 + 109 and numbers == sorted(numbers) and numbers[0] > 5
    # and a copy saved by LibreOffice keeps the ids (what a returned copy is matched by)
    saved = tmp_path / "saved"
    r = _soffice(["--convert-to", "docx", "--outdir", str(saved), str(path)], tmp_path)
    assert r.returncode == 0, r.stderr
    kept = set(_paragraphs_by_bookmark(_xml(saved / "plan.docx")))
    ids = {b["id"] for b in plan["blocks"] if b["type"] != "table" and b["area"] != "page"}
    assert ids - kept == set()


# ------------------------------------------------------------------ schema order

ORDER = {
    "settings": "writeProtection view zoom removePersonalInformation removeDateAndTime "
                "doNotDisplayPageBoundaries displayBackgroundShape printPostScriptOverText "
                "printFractionalCharacterWidth printFormsData embedTrueTypeFonts embedSystemFonts "
                "saveSubsetFonts saveFormsData mirrorMargins alignBordersAndEdges "
                "bordersDoNotSurroundHeader bordersDoNotSurroundFooter gutterAtTop hideSpellingErrors "
                "hideGrammaticalErrors activeWritingStyle proofState formsDesign attachedTemplate "
                "linkStyles stylePaneFormatFilter stylePaneSortMethod documentType mailMerge "
                "revisionView trackRevisions doNotTrackMoves doNotTrackFormatting documentProtection "
                "autoFormatOverride styleLockTheme styleLockQFSet defaultTabStop autoHyphenation "
                "consecutiveHyphenLimit hyphenationZone doNotHyphenateCaps showEnvelope summaryLength "
                "clickAndTypeStyle defaultTableStyle evenAndOddHeaders bookFoldRevPrinting "
                "bookFoldPrinting bookFoldPrintingSheets drawingGridHorizontalSpacing "
                "drawingGridVerticalSpacing displayHorizontalDrawingGridEvery "
                "displayVerticalDrawingGridEvery doNotUseMarginsForDrawingGridOrigin "
                "drawingGridHorizontalOrigin drawingGridVerticalOrigin doNotShadeFormData "
                "noPunctuationKerning characterSpacingControl printTwoOnOne strictFirstAndLastChars "
                "noLineBreaksAfter noLineBreaksBefore savePreviewPicture doNotValidateAgainstSchema "
                "saveInvalidXml ignoreMixedContent alwaysShowPlaceholderText doNotDemarcateInvalidXml "
                "saveXmlDataOnly useXSLTWhenSaving saveThroughXslt showXMLTags "
                "alwaysMergeEmptyNamespace updateFields hdrShapeDefaults footnotePr endnotePr compat "
                "docVars rsids mathPr attachedSchema themeFontLang clrSchemeMapping "
                "doNotIncludeSubdocsInStats doNotAutoCompressPictures forceUpgrade captions "
                "readModeInkLockDown smartTagType schemaLibrary shapeDefaults doNotEmbedSmartTags "
                "decimalSymbol listSeparator",
    "sectPr": "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc "
              "pgBorders lnNumType pgNumType cols formProt vAlign noEndnote titlePg textDirection "
              "bidi rtlGutter docGrid printerSettings sectPrChange",
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
           "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct "
           "topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
           "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
           "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
           "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
           "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
             "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook",
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText "
            "vAlign hideMark",
    "style": "name aliases basedOn next link autoRedefine hidden uiPriority semiHidden "
             "unhideWhenUsed qFormat locked personal personalCompose personalReply rsid pPr rPr "
             "tblPr trPr tcPr tblStylePr",
}


@pytest.mark.parametrize("part", ["word/document.xml", "word/styles.xml", "word/settings.xml"])
def test_parts_follow_the_schema_order(bundled, part):
    """Word refuses (asks to repair) elements out of their schema sequence; LibreOffice does
    not mind, so this is checked here: every element of the kinds Word is strict about has
    its children in schema order."""
    path, _ = bundled
    root = _xml(path, part)
    for kind, sequence in ORDER.items():
        rank = {f"{W}{name}": i for i, name in enumerate(sequence.split())}
        for el in root.iter(f"{W}{kind}"):
            if kind == "rPr" and el.getparent().tag == f"{W}pPr":
                continue  # the paragraph mark's run properties: same sequence, checked below
            seen = [rank[c.tag] for c in el if c.tag in rank]
            assert seen == sorted(seen), (kind, [etree.QName(c).localname for c in el])
            unknown = [etree.QName(c).localname for c in el if c.tag not in rank and
                       c.tag.startswith(W)]
            assert not unknown, (kind, unknown)
