"""Reading a plan drafted in Word/WPS (.docx): the OOXML itself, not what a PDF export leaves.

Role: ``read(path, findings)`` returns the document as the importer's source lines, exact:
one Word paragraph per block (no page-break repairs are needed, so none are made), heading
numbers as Word shows them (typed, or computed from the numbering definitions: 第%1章 with
chineseCounting gives 第三章), Word tables as tab-separated rows with merged cells resolved
(a horizontally merged cell fills its span, a vertically merged one is printed once, as in
print), a 专栏 drawn as a one-cell table unwrapped into its own lines, and each paragraph's
bold opening run remembered as its lead. Tracked changes are read as accepted: insertions
and moves in, deletions out.

Security: the archive is checked before anything is inflated (entry count, each part's size
and compression ratio against a budget: zip bombs are refused), XML is parsed with
entities off, no DTD and no network (a DOCTYPE is refused), and relationships to anything
outside the package (linked images, remote templates) are never followed, only reported.
Every problem is a ``DocxError`` with a catalogued code; nothing else is raised.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .. import numerals
from .report import Findings
from .source import Line

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/package/2006/relationships"
NS = {"w": W}
MAX_ENTRIES = 2000
MAX_PART_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200
"""A part inflating to more than 200× its compressed size (and over 1 MB) is a zip bomb."""
HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)
TOC_STYLE = re.compile(r"^(?:toc|目录)\s*(\d|heading|标题)$", re.I)


class DocxError(Exception):
    """The file cannot be read as a Word document; ``code`` is a catalogued diagnostic code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _parse(data: bytes, part: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise DocxError("PD051", f"{part} 不是合法的 XML（{exc.msg}）") from None
    if root.getroottree().docinfo.doctype:
        raise DocxError("PD051", f"{part} 含有 DOCTYPE（可能是 XXE 攻击），拒绝读取")
    return root


class _Package:
    """The zip archive, read part by part within the size budget."""

    def __init__(self, path: Path):
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise DocxError("PD050", f"不是 Word 文档（.docx 应为 zip 包：{exc}）") from None
        infos = self.zip.infolist()
        if len(infos) > MAX_ENTRIES:
            raise DocxError("PD052", f"包内文件过多（{len(infos)} 个）")
        total = 0
        for info in infos:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > MAX_PART_BYTES or (info.file_size > 1 << 20 and ratio > MAX_RATIO):
                raise DocxError("PD052", f"{info.filename} 解压后 {info.file_size} 字节，"
                                         f"压缩比 {ratio:.0f}，疑为压缩炸弹，拒绝读取")
        if total > MAX_TOTAL_BYTES:
            raise DocxError("PD052", f"解压后共 {total} 字节，超过上限")
        self.names = {i.filename for i in infos}
        if "word/document.xml" not in self.names:
            raise DocxError("PD050", "不是 Word 文档（缺少 word/document.xml）")

    def xml(self, name: str) -> etree._Element | None:
        if name not in self.names:
            return None
        with self.zip.open(name) as handle:
            data = handle.read(MAX_PART_BYTES + 1)
        if len(data) > MAX_PART_BYTES:
            raise DocxError("PD052", f"{name} 过大")
        return _parse(data, name)


# ------------------------------------------------------------------ styles and numbering

@dataclass
class _Styles:
    level: dict[str, int] = field(default_factory=dict)
    """Paragraph style id -> heading level (1-based), through basedOn."""
    numbering: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Paragraph style id -> (numId, ilvl) its paragraphs are numbered with."""
    bold: set[str] = field(default_factory=set)
    """Character or paragraph style ids that make text bold."""
    toc: set[str] = field(default_factory=set)
    """Paragraph style ids of a table of contents (toc 1, TOC Heading): not the plan's text."""


def _styles(root: etree._Element | None) -> _Styles:
    out = _Styles()
    if root is None:
        return out
    based: dict[str, str] = {}
    for st in root.findall("w:style", NS):
        sid = st.get(_w("styleId"), "")
        name = st.find("w:name", NS)
        found = HEADING_STYLE.match(name.get(_w("val"), "") if name is not None else "")
        outline = st.find("w:pPr/w:outlineLvl", NS)
        if TOC_STYLE.match(name.get(_w("val"), "") if name is not None else ""):
            out.toc.add(sid)
        elif found:
            out.level[sid] = int(found.group(1))
        elif outline is not None and outline.get(_w("val"), "9").isdigit() and int(outline.get(_w("val"))) < 9:
            out.level[sid] = int(outline.get(_w("val"))) + 1
        num = st.find("w:pPr/w:numPr", NS)
        if num is not None and num.find("w:numId", NS) is not None:
            ilvl = num.find("w:ilvl", NS)
            out.numbering[sid] = (num.find("w:numId", NS).get(_w("val"), ""),
                                  int(ilvl.get(_w("val"), "0")) if ilvl is not None else 0)
        if _is_on(st.find("w:rPr/w:b", NS)):
            out.bold.add(sid)
        parent = st.find("w:basedOn", NS)
        if parent is not None:
            based[sid] = parent.get(_w("val"), "")
    for sid in list(based):
        seen, cur = {sid}, based[sid]
        while cur and cur not in seen:
            seen.add(cur)
            if sid not in out.level and cur in out.level:
                out.level[sid] = out.level[cur]
            if sid not in out.numbering and cur in out.numbering:
                out.numbering[sid] = out.numbering[cur]
            cur = based.get(cur, "")
    return out


def _is_on(el: etree._Element | None) -> bool:
    return el is not None and el.get(_w("val"), "true") not in ("0", "false", "off")


FORMATS = {
    "decimal": str,
    "chineseCounting": numerals.to_cn,
    "chineseCountingThousand": numerals.to_cn,
    "chineseLegalSimplified": numerals.to_cn,
    "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10],
    "upperLetter": lambda n: chr(ord("A") + (n - 1) % 26),
    "lowerLetter": lambda n: chr(ord("a") + (n - 1) % 26),
    "upperRoman": lambda n: _roman(n),
    "lowerRoman": lambda n: _roman(n).lower(),
    "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "decimalEnclosedParen": lambda n: f"({n})",
    "bullet": lambda n: "",
    "none": lambda n: "",
}


def _roman(n: int) -> str:
    out = ""
    for value, digits in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + digits, n - value
    return out


class _Numbering:
    """Word's list numbering: the text a numbered paragraph shows before its own text."""

    def __init__(self, root: etree._Element | None):
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}
        self.nums: dict[str, str] = {}
        self.starts: dict[tuple[str, int], int] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if root is None:
            return
        for abstract in root.findall("w:abstractNum", NS):
            aid = abstract.get(_w("abstractNumId"), "")
            levels = {}
            for lvl in abstract.findall("w:lvl", NS):
                start = lvl.find("w:start", NS)
                fmt = lvl.find("w:numFmt", NS)
                text = lvl.find("w:lvlText", NS)
                levels[int(lvl.get(_w("ilvl"), "0"))] = (
                    int(start.get(_w("val"), "1")) if start is not None else 1,
                    fmt.get(_w("val"), "decimal") if fmt is not None else "decimal",
                    text.get(_w("val"), "") if text is not None else "")
            self.levels[aid] = levels
        for num in root.findall("w:num", NS):
            nid = num.get(_w("numId"), "")
            ref = num.find("w:abstractNumId", NS)
            self.nums[nid] = ref.get(_w("val"), "") if ref is not None else ""
            for override in num.findall("w:lvlOverride", NS):
                start = override.find("w:startOverride", NS)
                if start is not None:
                    self.starts[(nid, int(override.get(_w("ilvl"), "0")))] = int(start.get(_w("val"), "1"))

    def label(self, num_id: str, ilvl: int) -> str:
        levels = self.levels.get(self.nums.get(num_id, ""), {})
        if num_id == "0" or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        start = self.starts.get((num_id, ilvl), levels[ilvl][0])
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]

        def value(match: re.Match) -> str:
            level = int(match.group(1)) - 1
            if level not in levels:
                return ""
            n = counters.get(level, self.starts.get((num_id, level), levels[level][0]))
            return FORMATS.get(levels[level][1], str)(n)
        return re.sub(r"%(\d)", value, levels[ilvl][2])


# ------------------------------------------------------------------ the document

@dataclass(frozen=True)
class Para:
    text: str
    level: int | None
    """Heading level from the style or outline level (1 = the highest), else None."""
    marked: str
    """The text with bold runs as ``**…**``, the plain-text importer's own markup for bold
    (so a bold opening sentence becomes the paragraph's lead, as it does for a PDF's text)."""
    computed: str = ""
    """The heading number this reader gave a heading Word shows none for (第二章)."""
    toc: bool = False
    """A line of a table of contents made by Word (its page numbers are fields)."""


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]
    """Cell texts per grid column; a merged cell's text stands in its first grid column."""
    blocks: tuple["Para | Table", ...] = ()
    """For a one-cell table (a 专栏 drawn as a box): what the cell holds."""


def _run_text(run: etree._Element) -> str:
    out = []
    for el in run:
        tag = etree.QName(el).localname if isinstance(el.tag, str) else ""
        if tag == "t":
            out.append(el.text or "")
        elif tag in ("tab", "ptab"):
            out.append("\t")
        elif tag in ("br", "cr"):
            out.append("")
        elif tag == "noBreakHyphen":
            out.append("-")
        elif tag == "sym":
            out.append(chr(int(el.get(_w("char"), "20"), 16)) if re.fullmatch(r"[0-9A-Fa-f]{1,4}", el.get(_w("char"), "")) else "")
    return "".join(out)


def _runs(p: etree._Element, styles: _Styles):
    """(text, bold) of each run a reader sees: tracked insertions and moves in, deletions out."""
    para_bold = False
    style = p.find("w:pPr/w:pStyle", NS)
    if style is not None and style.get(_w("val")) in styles.bold:
        para_bold = True
    for run in p.iter(_w("r")):
        if _inside(run, p, ("del", "moveFrom")):
            continue
        rpr = run.find("w:rPr", NS)
        bold = para_bold
        if rpr is not None:
            b = rpr.find("w:b", NS)
            if b is not None:
                bold = _is_on(b)
            rstyle = rpr.find("w:rStyle", NS)
            if rstyle is not None and rstyle.get(_w("val")) in styles.bold:
                bold = True
        yield _run_text(run), bold


def _inside(el: etree._Element, stop: etree._Element, names: tuple[str, ...]) -> bool:
    for ancestor in el.iterancestors():
        if ancestor is stop:
            return False
        if isinstance(ancestor.tag, str) and etree.QName(ancestor).localname in names:
            return True
    return False


def _marked(runs: list[tuple[str, bool]]) -> str:
    """Bold runs (adjacent ones merged) wrapped in ``**``; white space stays outside."""
    runs = [(t, b) for t, b in runs if t]
    if all(b for _, b in runs) or not any(b for _, b in runs):
        return "".join(t for t, _ in runs)  # a line set bold as a whole is a title, not a lead
    out, bold_run = [], []
    for text, bold in [*runs, ("", False)]:
        if bold and text:
            bold_run.append(text)
            continue
        if bold_run:
            joined = "".join(bold_run)
            core = joined.strip()
            if core:
                out.append(joined[:len(joined) - len(joined.lstrip())] + f"**{core}**"
                           + joined[len(joined.rstrip()):])
            else:
                out.append(joined)
            bold_run = []
        out.append(text)
    return "".join(out)


class _Reader:
    def __init__(self, package: _Package, findings: Findings):
        self.findings = findings
        self.styles = _styles(package.xml("word/styles.xml"))
        self.numbering = _Numbering(package.xml("word/numbering.xml"))
        rels = package.xml("word/_rels/document.xml.rels")
        for rel in (rels.findall(f"{{{R}}}Relationship") if rels is not None else []):
            if rel.get("TargetMode") == "External":
                findings.add("docx", 0, "external relationship in the .docx ignored (never fetched)",
                             f"{rel.get('Type', '').rsplit('/', 1)[-1]}: {rel.get('Target', '')}")

    def para(self, p: etree._Element) -> Para:
        runs = list(_runs(p, self.styles))
        text = "".join(t for t, _ in runs)
        ppr = p.find("w:pPr", NS)
        style = ppr.find("w:pStyle", NS) if ppr is not None else None
        sid = style.get(_w("val"), "") if style is not None else ""
        level = self.styles.level.get(sid)
        outline = ppr.find("w:outlineLvl", NS) if ppr is not None else None
        if outline is not None and outline.get(_w("val"), "").isdigit() and int(outline.get(_w("val"))) < 9:
            level = int(outline.get(_w("val"))) + 1
        num = ppr.find("w:numPr", NS) if ppr is not None else None
        numbering = None
        if num is not None and num.find("w:numId", NS) is not None:
            ilvl = num.find("w:ilvl", NS)
            numbering = (num.find("w:numId", NS).get(_w("val"), ""),
                         int(ilvl.get(_w("val"), "0")) if ilvl is not None else 0)
        elif sid in self.styles.numbering:
            numbering = self.styles.numbering[sid]
        if numbering is not None and text.strip():
            label = self.numbering.label(*numbering)
            if label and not text.lstrip().startswith(label.strip()):
                text = f"{label}{'' if label.endswith(('、', '．', '.')) or not label.strip() else ' '}{text.lstrip()}"
        marked = _marked(runs) if numbering is None and level is None else text
        return Para(text.replace("\u00a0", " ").strip(), level, marked.replace("\u00a0", " ").strip(),
                    toc=sid in self.styles.toc)

    def table(self, tbl: etree._Element) -> Table:
        rows: list[list[str]] = []
        cells_el: list[list[etree._Element]] = []
        for tr in tbl.findall("w:tr", NS):
            row: list[str] = []
            els: list[etree._Element] = []
            for tc in tr.findall("w:tc", NS):
                span = tc.find("w:tcPr/w:gridSpan", NS)
                width = int(span.get(_w("val"), "1")) if span is not None and span.get(_w("val"), "").isdigit() else 1
                vmerge = tc.find("w:tcPr/w:vMerge", NS)
                continued = vmerge is not None and vmerge.get(_w("val"), "continue") == "continue"
                text = "" if continued else "".join(self.para(p).text for p in tc.findall("w:p", NS)).strip()
                row.append(text)
                row.extend("" for _ in range(width - 1))
                els.append(tc)
            rows.append(row)
            cells_el.append(els)
        if len(rows) == 1 and len(cells_el[0]) == 1:
            return Table(tuple(tuple(r) for r in rows), tuple(self.blocks(cells_el[0][0])))
        return Table(tuple(tuple(r) for r in rows))

    def blocks(self, container: etree._Element) -> list[Para | Table]:
        out: list[Para | Table] = []
        for el in container:
            tag = etree.QName(el).localname if isinstance(el.tag, str) else ""
            if tag == "p":
                out.append(self.para(el))
            elif tag == "tbl":
                out.append(self.table(el))
            elif tag in ("sdt", "customXml", "ins", "moveTo"):
                inner = el.find("w:sdtContent", NS) if tag == "sdt" else el
                if inner is not None:
                    out += self.blocks(inner)
        return out


def read_blocks(path: Path, findings: Findings) -> list[Para | Table]:
    """The document's paragraphs and tables in reading order (see the module docstring)."""
    package = _Package(path)
    reader = _Reader(package, findings)
    body = package.xml("word/document.xml").find("w:body", NS)
    if body is None:
        raise DocxError("PD050", "不是 Word 文档（document.xml 没有正文）")
    return reader.blocks(body)


def to_lines(blocks: list[Para | Table], findings: Findings) -> list[Line]:
    """Source lines for the plain-text importer: a blank line between Word paragraphs,
    tables as tab-separated rows."""
    lines: list[Line] = []

    def emit(text: str) -> int:
        lines.append(Line(len(lines) + 1, text))
        return len(lines)

    def walk(items):
        for k, b in enumerate(items):
            if isinstance(b, Para):
                nxt = next((x for x in items[k + 1:] if not isinstance(x, Para) or x.text), None)
                contents_heading = re.sub(r"\s", "", b.text) == "目录" and isinstance(nxt, Para) and nxt.toc
                if b.toc or contents_heading:
                    findings.add("toc-line", len(lines) + 1, "Word table of contents left out (its page "
                                 "numbers are fields; the plan's contents are computed)", b.text)
                    continue
                if not b.text:
                    continue
                no = emit(b.marked)
                if b.computed:
                    findings.add("heading-number", no, "heading numbered from its Word heading level", b.text)
                emit("")
            elif b.blocks:
                walk(b.blocks)
            else:
                for row in b.rows:
                    emit("\t".join(row) if len(row) > 1 else row[0] + "\t")
                emit("")

    walk(blocks)
    return lines


STRUCTURAL = re.compile(r"^(第[一二三四五六七八九十百〇零两]+[篇章节]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|"
                        r"\d+[.．、]|[（(]\d+[)）]|专栏|图\s*\d|附[表件图录])")


def number_headings(blocks: list[Para | Table]) -> list[Para | Table]:
    """Headings whose number Word does not show (a heading style with no numbering and no
    typed 第N章) get the number their level implies: with three heading levels in use they
    are 篇/章/节, with two 章/节, with one 章 (chapters are numbered through the plan)."""
    untyped = sorted({b.level for b in blocks if isinstance(b, Para) and b.level and b.text
                      and not STRUCTURAL.match(b.text)})
    if not untyped:
        return blocks
    units = {3: "篇章节", 2: "章节", 1: "章"}.get(len(untyped), "篇章节")
    unit_of = {level: units[min(k, len(units) - 1)] for k, level in enumerate(untyped)}
    counters: dict[str, int] = {}
    out: list[Para | Table] = []
    for b in blocks:
        if isinstance(b, Para) and b.level in unit_of and b.text and not STRUCTURAL.match(b.text):
            unit = unit_of[b.level]
            counters[unit] = counters.get(unit, 0) + 1
            if unit == "章":
                counters.pop("节", None)
            label = f"第{numerals.to_cn(counters[unit])}{unit}"
            b = Para(f"{label} {b.text}", b.level, f"{label} {b.text}", label)
        out.append(b)
    return out


def read_lines(path: Path, findings: Findings) -> list[Line]:
    """The .docx at `path` as source lines for the plain-text importer's stages."""
    return to_lines(number_headings(read_blocks(path, findings)), findings)
