"""Make templates/docx/reference.docx: the styles and page of the Word edition.

`build --format docx` opens this file and writes the plan into it, so an office restyles
the Word edition by editing the styles of reference.docx in Word or WPS (and saving it
under the same name), without touching code. This script makes the file plandoc ships;
run it again after changing it (the output is byte-identical for the same script):

    .venv/bin/python scripts/make_reference_docx.py

GB/T 9704-2012: A4, 天头 37 mm, 订口 28 mm (mirrored margins), 版心 156 × 225 mm,
22 lines of 3号 (16 pt) type. Fonts are named by their family and carry the name an
office's Windows has as `altName` in the font table (FandolFang → 仿宋), so Word and WPS
fall back to the office's own 仿宋/黑体/楷体/宋体 where the open font is not installed.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.shared import Mm

OUT = Path(__file__).resolve().parent.parent / "templates" / "docx" / "reference.docx"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

FANG, HEI, KAI, SONG = "FandolFang", "Noto Sans CJK SC", "LXGW WenKai", "Noto Serif CJK SC"
ALT_NAMES = {FANG: "仿宋", HEI: "黑体", KAI: "楷体", SONG: "宋体"}
"""Font family -> the font Chinese offices have (the font table's altName)."""

LINE = 579       # 28.95 pt in twentieths: 22 lines on the 225 mm 版心
CHAR = 320       # one 3号 character, 16 pt, in twentieths (indents of 2 字 = 640)

# name, style id, type, based on, font, half-points, bold, paragraph properties (XML)
PARAGRAPH_STYLES = [
    ("Normal", "Normal", None, FANG, 32, False,
     f'<w:widowControl/><w:spacing w:before="0" w:after="0" w:line="{LINE}" w:lineRule="exact"/>'
     f'<w:ind w:firstLineChars="200" w:firstLine="{2 * CHAR}"/><w:jc w:val="both"/>'),
    ("heading 1", "Heading1", "Normal", SONG, 44, True,  # 篇
     '<w:keepNext/><w:keepLines/><w:pageBreakBefore/>'
     f'<w:spacing w:before="{LINE}" w:after="{LINE}" w:line="868" w:lineRule="exact"/>'
     '<w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/><w:outlineLvl w:val="0"/>'),
    ("heading 2", "Heading2", "Normal", HEI, 32, False,  # 章
     f'<w:keepNext/><w:keepLines/><w:spacing w:before="{LINE}" w:after="{LINE}"/>'
     '<w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/><w:outlineLvl w:val="1"/>'),
    ("heading 3", "Heading3", "Normal", KAI, 32, False,  # 节
     f'<w:keepNext/><w:keepLines/><w:spacing w:before="{LINE}"/><w:outlineLvl w:val="2"/>'),
    ("heading 4", "Heading4", "Normal", HEI, 28, False,  # 专栏 title, atop its frame (no keep-with-
     # next: LibreOffice then moves a whole 专栏 holding a table to the next page)
     '<w:spacing w:before="0" w:after="120" w:line="480" w:lineRule="exact"/>'
     '<w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/><w:outlineLvl w:val="3"/>'),
    ("Title", "Title", "Normal", SONG, 44, True,  # title page
     '<w:spacing w:before="2835" w:after="0" w:line="800" w:lineRule="exact"/>'
     '<w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/>'),
    ("规划标题", "PlanTitle", "Normal", SONG, 44, True,  # the title over the preamble
     f'<w:spacing w:after="{LINE}" w:line="720" w:lineRule="exact"/>'
     '<w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/>'),
    ("批准说明", "Approved", "Normal", KAI, 28, False,  # 4号: the line fits the measure
     f'<w:spacing w:before="{LINE}"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/>'),
    ("发文机关标志", "IssuerMark", "Normal", SONG, 88, True,
     '<w:spacing w:before="1417" w:after="0" w:line="1056" w:lineRule="exact"/>'
     '<w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/>'),
    ("发文字号", "DocNo", "Normal", FANG, 32, False,
     f'<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="11" w:color="E60012"/></w:pBdr>'
     f'<w:spacing w:before="{2 * LINE}" w:after="{2 * LINE}"/>'
     '<w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/>'),
    ("公文标题", "NoticeTitle", "Normal", SONG, 44, True,
     f'<w:spacing w:after="{LINE}" w:line="720" w:lineRule="exact"/>'
     '<w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/>'),
    ("主送机关", "Addressee", "Normal", FANG, 32, False,
     '<w:ind w:firstLineChars="0" w:firstLine="0"/>'),
    ("署名", "Signoff", "Normal", FANG, 32, False,
     '<w:ind w:firstLineChars="0" w:firstLine="0" w:rightChars="400" w:right="1280"/><w:jc w:val="right"/>'),
    ("专栏正文", "ColumnText", "Normal", FANG, 28, False,
     '<w:spacing w:line="480" w:lineRule="exact"/><w:ind w:firstLineChars="200" w:firstLine="560"/>'),
    ("专栏小标题", "ColumnSubhead", "ColumnText", HEI, 28, False,
     '<w:keepNext/><w:spacing w:before="120"/><w:ind w:firstLineChars="200" w:firstLine="560"/>'),
    ("表格文字", "TableText", "Normal", FANG, 21, False,
     '<w:spacing w:line="300" w:lineRule="exact"/><w:ind w:firstLineChars="0" w:firstLine="0"/>'
     '<w:jc w:val="center"/>'),
    ("表头", "TableHead", "TableText", HEI, 21, False, ""),
    ("表题", "TableCaption", "Normal", HEI, 28, False,
     '<w:keepNext/><w:spacing w:before="120" w:line="480" w:lineRule="exact"/>'
     '<w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/>'),
    ("caption", "Caption", "Normal", HEI, 28, False,  # 图 N
     '<w:spacing w:before="120" w:after="290" w:line="480" w:lineRule="exact"/>'
     '<w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/>'),
    ("图片占位", "FigurePlaceholder", "Normal", KAI, 28, False,
     '<w:keepNext/><w:pBdr><w:top w:val="dashed" w:sz="6" w:space="40" w:color="666666"/>'
     '<w:left w:val="dashed" w:sz="6" w:space="4" w:color="666666"/>'
     '<w:bottom w:val="dashed" w:sz="6" w:space="40" w:color="666666"/>'
     '<w:right w:val="dashed" w:sz="6" w:space="4" w:color="666666"/></w:pBdr>'
     '<w:spacing w:before="800" w:line="480" w:lineRule="exact"/>'
     '<w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/>'),
    ("TOC Heading", "TOCHeading", "Normal", HEI, 44, False,
     f'<w:spacing w:after="{LINE}" w:line="1158" w:lineRule="exact"/>'
     '<w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/>'),
    ("toc 1", "TOC1", "Normal", HEI, 32, False,
     '<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="8844"/></w:tabs>'
     '<w:spacing w:before="280"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="left"/>'),
    ("toc 2", "TOC2", "Normal", FANG, 32, False,
     '<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="8844"/></w:tabs>'
     '<w:ind w:leftChars="100" w:left="320" w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="left"/>'),
    ("toc 3", "TOC3", "Normal", FANG, 28, False,
     '<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="8844"/></w:tabs>'
     '<w:spacing w:line="480" w:lineRule="exact"/>'
     '<w:ind w:leftChars="250" w:left="800" w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="left"/>'),
    ("版记", "Imprint", "Normal", FANG, 28, False,
     '<w:pBdr><w:top w:val="single" w:sz="8" w:space="1" w:color="000000"/>'
     '<w:bottom w:val="single" w:sz="8" w:space="1" w:color="000000"/></w:pBdr>'
     '<w:tabs><w:tab w:val="right" w:pos="8564"/></w:tabs>'
     '<w:spacing w:line="397" w:lineRule="exact"/>'
     '<w:ind w:left="280" w:right="280" w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="left"/>'),
    ("抄送", "CarbonCopy", "Imprint", FANG, 28, False,
     '<w:pBdr><w:top w:val="single" w:sz="8" w:space="1" w:color="000000"/>'
     '<w:bottom w:val="single" w:sz="4" w:space="1" w:color="000000"/></w:pBdr>'
     '<w:ind w:left="1120" w:right="280" w:hanging="840" w:firstLineChars="0"/><w:jc w:val="left"/>'),
    ("footer", "Footer", "Normal", SONG, 28, False,
     '<w:spacing w:line="240" w:lineRule="auto"/><w:ind w:firstLineChars="0" w:firstLine="0"/>'),
]

# name, style id, font (None: inherit), bold
CHARACTER_STYLES = [
    ("主题句", "Lead", None, True),
    ("项目名称", "EntryName", HEI, False),
    ("交叉引用", "CrossReference", None, False),
]

TABLE_STYLES = [
    # name, style id, border (eighths of a point), cell margins left/right and top/bottom (twips)
    ("指标表", "IndicatorTable", 4, 60, 40),
    ("专栏框", "ColumnBox", 6, 206, 140),
]


def _fonts(font: str | None) -> str:
    if font is None:
        return ""
    return (f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}" '
            f'w:hint="eastAsia"/>')


def _rpr(font: str | None, size: int | None, bold: bool, color: str | None = None) -> str:
    parts = [_fonts(font)]
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    if size:
        parts.append(f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>"


def _restyle(document, name, style_id, kind, based_on, ppr, rpr, extra="") -> None:
    styles = document.styles.element
    for old in styles.findall(f"{{{styles.nsmap['w']}}}style"):
        if old.get(f"{{{styles.nsmap['w']}}}styleId") in (style_id, style_id + "Char"):
            styles.remove(old)
    base = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    default = ' w:default="1"' if style_id == "Normal" else ""
    pp = f"<w:pPr>{ppr}</w:pPr>" if ppr else ""
    styles.append(parse_xml(
        f'<w:style {W} w:type="{kind}"{default} w:styleId="{style_id}"><w:name w:val="{name}"/>'
        f'{base}<w:uiPriority w:val="9"/><w:qFormat/>{pp}{rpr}{extra}</w:style>'))


def build() -> bytes:
    document = docx.Document()
    styles = document.styles.element
    defaults = styles.find(f"{{{styles.nsmap['w']}}}docDefaults")
    styles.remove(defaults)
    styles.insert(0, parse_xml(
        f'<w:docDefaults {W}><w:rPrDefault><w:rPr>{_fonts(FANG)[:-2]}/>'
        '<w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        '</w:pPrDefault></w:docDefaults>'))
    for name, sid, based, font, size, bold, ppr in PARAGRAPH_STYLES:
        color = "E60012" if sid == "IssuerMark" else None
        _restyle(document, name, sid, "paragraph", based if sid != "Normal" else None,
                 ppr, _rpr(font, size, bold, color))
    for name, sid, font, bold in CHARACTER_STYLES:
        _restyle(document, name, sid, "character", "DefaultParagraphFont", "",
                 _rpr(font, None, bold))
    for name, sid, border, side, top in TABLE_STYLES:
        edges = "".join(f'<w:{e} w:val="single" w:sz="{border}" w:space="0" w:color="000000"/>'
                        for e in ("top", "left", "bottom", "right", "insideH", "insideV"))
        _restyle(document, name, sid, "table", "TableNormal", "", "", extra=(
            f'<w:tblPr><w:tblBorders>{edges}</w:tblBorders><w:tblCellMar>'
            f'<w:top w:w="{top}" w:type="dxa"/><w:left w:w="{side}" w:type="dxa"/>'
            f'<w:bottom w:w="{top}" w:type="dxa"/><w:right w:w="{side}" w:type="dxa"/>'
            '</w:tblCellMar></w:tblPr><w:tcPr><w:vAlign w:val="center"/></w:tcPr>'))
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)  # inside (订口), outside
    section.header_distance, section.footer_distance = Mm(25), Mm(23)
    sect = section._sectPr
    grid = sect.find(f"{{{styles.nsmap['w']}}}docGrid")
    if grid is not None:
        sect.remove(grid)
    sect.append(parse_xml(f'<w:docGrid {W} w:linePitch="{LINE}"/>'))  # no snapping: exact line heights
    settings = document.settings.element
    zoom = settings.find(f"{{{styles.nsmap['w']}}}zoom")  # mirrorMargins follows zoom
    zoom.addnext(parse_xml(f'<w:mirrorMargins {W}/>'))
    document.settings.odd_and_even_pages_header_footer = True
    document.core_properties.title = "plandoc Word edition styles"
    document.core_properties.author = "plandoc"
    document.core_properties.last_modified_by = "plandoc"
    document.core_properties.comments = "Reference styles for build --format docx (GB/T 9704)."
    buf = io.BytesIO()
    document.save(buf)
    return _clean(buf.getvalue())


def _font_entries() -> bytes:
    return "".join(
        f'<w:font w:name="{font}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        f'<w:family w:val="{"swiss" if font == HEI else "roman"}"/><w:pitch w:val="variable"/></w:font>'
        for font, alt in ALT_NAMES.items()).encode()


def _clean(data: bytes) -> bytes:
    """Drop what python-docx's default template carries that a Chinese office document must
    not (an English thumbnail, Word 2010's duplicate styles, a Japanese theme language);
    add the font table entries; fix every date."""
    dropped = {"docProps/thumbnail.jpeg", "word/stylesWithEffects.xml"}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(set(src.namelist()) - dropped):
            content = src.read(name)
            if name.endswith(".rels") or name == "[Content_Types].xml":
                content = re.sub(rb"<(Relationship|Override)[^>]*(thumbnail|stylesWithEffects)[^>]*/>",
                                 b"", content)
            if name == "word/settings.xml":
                content = content.replace(b'w:eastAsia="ja-JP"', b'w:eastAsia="zh-CN"')
            if name == "word/fontTable.xml":
                content = content.replace(b"</w:fonts>", _font_entries() + b"</w:fonts>")
            if name == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*",
                                 rb"\g<1>2021-01-01T00:00:00Z", content)
            info = zipfile.ZipInfo(name, date_time=(2021, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, content)
    return out.getvalue()


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(build())
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
