"""Writes .docx files as Word does (WordprocessingML parts in a zip), for the tests.

Not python-docx: the tests need what python-docx cannot make on its own (list numbering
without heading styles, vertically merged cells, tracked changes) and byte-stable output.
Only the parts Word itself writes for such documents are made: [Content_Types].xml, the
package and document relationships, document.xml, styles.xml and, when asked, numbering.xml.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STAMP = (2021, 6, 24, 0, 0, 0)

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>
</Types>"""

PACKAGE_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""

STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W}">
<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="a"/></w:style>
<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/><w:basedOn w:val="a"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="3"><w:name w:val="heading 3"/><w:basedOn w:val="a"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>
<w:style w:type="character" w:styleId="Strong"><w:name w:val="Strong"/><w:rPr><w:b/></w:rPr></w:style>
</w:styles>"""

NUMBERING = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="{W}">
<w:abstractNum w:abstractNumId="0">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%1篇"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%2章"/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%3节"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
</w:numbering>"""


def run(text: str, bold: bool = False, style: str | None = None) -> str:
    props = ""
    if bold or style:
        props = "<w:rPr>" + (f'<w:rStyle w:val="{style}"/>' if style else "") + ("<w:b/>" if bold else "") + "</w:rPr>"
    parts = text.split("\t")
    body = "<w:tab/>".join(f'<w:t xml:space="preserve">{escape(p)}</w:t>' for p in parts)
    return f"<w:r>{props}{body}</w:r>"


def p(*runs: str | tuple, style: str | None = None, num: tuple[int, int] | None = None,
      raw: str = "") -> str:
    """A paragraph: plain strings are runs; (text, True) is a bold run."""
    ppr = ""
    if style or num:
        ppr = "<w:pPr>" + (f'<w:pStyle w:val="{style}"/>' if style else "")
        if num:
            ppr += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
        ppr += "</w:pPr>"
    inner = "".join(run(r) if isinstance(r, str) else run(r[0], bold=r[1]) for r in runs)
    return f"<w:p>{ppr}{inner}{raw}</w:p>"


def cell(content: str, span: int = 1, vmerge: str | None = None) -> str:
    props = ""
    if span > 1 or vmerge:
        props = "<w:tcPr>" + (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "")
        props += (f'<w:vMerge w:val="{vmerge}"/>' if vmerge == "restart" else "<w:vMerge/>" if vmerge else "")
        props += "</w:tcPr>"
    body = content if content.startswith("<w:") else p(content)
    return f"<w:tc>{props}{body}</w:tc>"


def table(rows: list[list[str]]) -> str:
    """Rows of cells; a cell is a `cell(...)` string, or plain text."""
    trs = "".join("<w:tr>" + "".join(c if c.startswith("<w:tc>") else cell(c) for c in row) + "</w:tr>"
                  for row in rows)
    return f"<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/></w:tblPr>{trs}</w:tbl>"


def box(*blocks: str) -> str:
    """A 专栏 drawn as a one-cell table, as offices often do."""
    return table([[cell("".join(blocks))]])


def write(path: Path, *blocks: str, numbering: bool = False, rels: str = "",
          document: str | None = None) -> Path:
    xml = document or (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                       f'<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>{"".join(blocks)}'
                       f'<w:sectPr/></w:body></w:document>')
    doc_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
                + rels + "</Relationships>")
    parts = [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", PACKAGE_RELS),
             ("word/document.xml", xml), ("word/styles.xml", STYLES),
             ("word/_rels/document.xml.rels", doc_rels)]
    if numbering:
        parts.append(("word/numbering.xml", NUMBERING))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data.encode("utf-8"))
    return path
