"""Reading a returned Word/WPS copy: tracked changes and comments, by paragraph, with the
plan ids its bookmarks carry. OOXML only, through lxml: python-docx has no API for
tracked changes and its `Paragraph.text` skips inserted runs.

Hostile input is refused with a diagnostic, never a traceback and never a fetch: the
package is read entry by entry with hard limits (entries, bytes, compression ratio)
that do not trust the zip headers; XML parts are parsed with no DTD, no entities and no
network, and a DOCTYPE is refused; external relationships are reported and never
followed. Nothing is written.

What a paragraph yields (`DocParagraph`): its pieces of text in order, each kept,
inserted (w:ins, w:moveTo) or deleted (w:del, w:moveFrom) with author and date; the
plandoc ids whose bookmarks span it (outermost first); its cell when it sits in a table;
the comments anchored in it, as offsets into its original text (kept + deleted).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import diagnostics as dg
from .export import word_parts as dp

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

MAX_ENTRIES = 2000
MAX_PART_BYTES = 64 * 1024 * 1024
"""Largest XML part read (the bundled plan's document.xml is about 3 MB)."""
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200
"""Largest compression ratio of a part over 1 MB (ordinary XML compresses 5–20 times)."""

_INSERTED = {f"{W}ins": "ins", f"{W}moveTo": "ins", f"{W}del": "del", f"{W}moveFrom": "del"}
_SKIP = {f"{W}txbxContent", f"{MC}Fallback", f"{W}instrText", f"{W}delInstrText"}
_LINK_TYPES = ("/hyperlink",)
"""External relationships that are ordinary in a document (a web link); others are reported."""


@dataclass
class Piece:
    kind: str
    """keep | ins | del."""
    text: str
    author: str = ""
    date: str = ""


@dataclass
class Anchor:
    comment: str
    start: int
    end: int
    """Offsets into the paragraph's original text."""


@dataclass
class DocParagraph:
    index: int
    """1-based number of the paragraph in the document (what diagnostics point at)."""
    ids: tuple[str, ...]
    """Plan ids of the plandoc bookmarks spanning it, outermost first."""
    cell: tuple[tuple[str, ...], int, int] | None
    """(ids marked in its table's first cell, row, grid column), inside a table."""
    pieces: list[Piece] = field(default_factory=list)
    anchors: list[Anchor] = field(default_factory=list)
    split: bool = False
    """Its paragraph mark was inserted or deleted (a paragraph split or joined)."""

    @property
    def original(self) -> str:
        return "".join(p.text for p in self.pieces if p.kind != "ins")

    @property
    def revised(self) -> str:
        return "".join(p.text for p in self.pieces if p.kind != "del")

    @property
    def changed(self) -> bool:
        return any(p.kind != "keep" for p in self.pieces) or self.split


@dataclass
class Comment:
    id: str
    author: str
    date: str
    text: str


@dataclass
class Copy:
    path: str
    properties: dict[str, str]
    paragraphs: list[DocParagraph]
    comments: dict[str, Comment]
    diagnostics: list[dg.Diagnostic]


class Refused(Exception):
    """The package cannot be read; carries the diagnostic."""

    def __init__(self, diagnostic: dg.Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True,
                           huge_tree=False, remove_comments=True, remove_pis=True)


class _Package:
    """A zip read entry by entry within the limits."""

    def __init__(self, path: Path, display: str):
        self.display = display
        self.total = 0
        try:
            self.zip = zipfile.ZipFile(path)
            self.names = set(self.zip.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError,
                RuntimeError, zlib.error) as exc:
            raise Refused(dg.make("PD030", display, 0, 0, f"不是 Word 文档（.docx）：{exc}")) from None
        if len(self.names) > MAX_ENTRIES:
            raise Refused(dg.make("PD031", display, 0, 0,
                                  f"压缩包有 {len(self.names)} 个条目，超过上限 {MAX_ENTRIES}"))

    def read(self, name: str) -> bytes | None:
        if name not in self.names:
            return None
        info = self.zip.getinfo(name)
        out = bytearray()
        try:
            with self.zip.open(info) as handle:
                while chunk := handle.read(1 << 20):
                    out += chunk
                    self.total += len(chunk)
                    ratio = len(out) / max(info.compress_size, 1)
                    if len(out) > MAX_PART_BYTES or self.total > MAX_TOTAL_BYTES or \
                            (len(out) > (1 << 20) and ratio > MAX_RATIO):
                        raise Refused(dg.make(
                            "PD031", self.display, 0, 0,
                            f"{name} 解压后超过 {len(out) >> 20} MB（压缩比 {ratio:.0f}），疑似压缩炸弹"))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError,
                RuntimeError, zlib.error) as exc:  # RuntimeError: an encrypted entry
            raise Refused(dg.make("PD030", self.display, 0, 0, f"{name} 无法解压：{exc}")) from None
        return bytes(out)

    def xml(self, name: str) -> etree._Element | None:
        data = self.read(name)
        if data is None:
            return None
        try:
            tree = etree.parse(io.BytesIO(data), _parser())
        except etree.XMLSyntaxError as exc:
            raise Refused(dg.make("PD030", self.display, 0, 0, f"{name} 不是格式良好的 XML：{exc}")) from None
        if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
            raise Refused(dg.make("PD032", self.display, 0, 0, f"{name} 含 DOCTYPE/实体声明，已拒绝"))
        root = tree.getroot()
        if any(isinstance(el, etree._Entity) for el in root.iter()):
            raise Refused(dg.make("PD032", self.display, 0, 0, f"{name} 含实体引用，已拒绝"))
        return root


def read_copy(path: Path, display: str | None = None) -> Copy:
    """Read a returned copy; raises Refused (with its diagnostic) when it cannot be read."""
    display = display or str(path)
    package = _Package(path, display)
    document = package.xml("word/document.xml")
    if document is None or document.tag != f"{W}document":
        raise Refused(dg.make("PD030", display, 0, 0, "压缩包中没有 Word 正文（word/document.xml）"))
    diags = _external_relationships(package)
    custom = package.read("docProps/custom.xml")
    if custom is not None:
        package.xml("docProps/custom.xml")  # refused like any part if hostile
    properties = dp.read_custom_properties(_rezip(custom)) if custom is not None else {}
    comments = _comments(package.xml("word/comments.xml"))
    return Copy(display, properties, _paragraphs(document), comments, diags)


def _rezip(custom: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("docProps/custom.xml", custom)
    return buf.getvalue()


def _external_relationships(package: _Package) -> list[dg.Diagnostic]:
    out = []
    for name in sorted(n for n in package.names if n.endswith(".rels")):
        root = package.xml(name)
        for rel in ([] if root is None else root.iter(f"{REL}Relationship")):
            if rel.get("TargetMode") == "External" and not rel.get("Type", "").endswith(_LINK_TYPES):
                out.append(dg.make("PD034", package.display, 0, 0,
                                   f"外部关系已忽略（{name}：{rel.get('Type', '').rsplit('/', 1)[-1]} → "
                                   f"{rel.get('Target', '')[:80]}）"))
    return out


def _comments(root: etree._Element | None) -> dict[str, Comment]:
    if root is None:
        return {}
    out = {}
    for c in root.iter(f"{W}comment"):
        paragraphs = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in c.iter(f"{W}p")]
        cid = c.get(f"{W}id", "")
        out[cid] = Comment(cid, c.get(f"{W}author", ""), c.get(f"{W}date", ""), "\n".join(paragraphs))
    return out


def _paragraphs(document: etree._Element) -> list[DocParagraph]:
    """Every paragraph of the body in document order, with its bookmarks and changes."""
    open_marks: dict[str, str] = {}
    seen: set = set()
    tables: dict = {}
    out: list[DocParagraph] = []
    body = document.find(f"{W}body")
    if body is None:
        return out
    for el in body.iter(f"{W}p", f"{W}bookmarkStart", f"{W}bookmarkEnd"):
        if _skipped(el):
            continue
        if el.tag == f"{W}bookmarkStart":
            if el not in seen:
                _open(el, open_marks)
        elif el.tag == f"{W}bookmarkEnd":
            open_marks.pop(el.get(f"{W}id", ""), None)
        else:
            for start in el.iter(f"{W}bookmarkStart"):
                seen.add(start)
                _open(start, open_marks)
            para = DocParagraph(len(out) + 1, tuple(open_marks.values()), _cell(el, tables))
            _read_paragraph(el, para)
            out.append(para)
    return out


def _open(start: etree._Element, open_marks: dict[str, str]) -> None:
    plan_id = dp.id_of_bookmark(start.get(f"{W}name", ""))
    if plan_id is not None:
        open_marks[start.get(f"{W}id", "")] = plan_id


def _skipped(el: etree._Element) -> bool:
    return any(a.tag in _SKIP for a in el.iterancestors())


def _cell(p: etree._Element, tables: dict):
    """(ids of its table, row, grid column) for a paragraph in a table cell, else None."""
    tc = p.getparent()
    if tc is None or tc.tag != f"{W}tc":
        return None
    tr = tc.getparent()
    tbl = tr.getparent()
    if tbl not in tables:
        first = tbl.find(f"{W}tr/{W}tc/{W}p")
        marks = [] if first is None else first.findall(f"{W}bookmarkStart")
        tables[tbl] = tuple(i for i in (dp.id_of_bookmark(m.get(f"{W}name", "")) for m in marks) if i)
    row = list(tbl.iterchildren(f"{W}tr")).index(tr)
    col = 0
    for other in tr.iterchildren(f"{W}tc"):
        if other is tc:
            break
        span = other.find(f"{W}tcPr/{W}gridSpan")
        value = span.get(f"{W}val", "1") if span is not None else "1"
        col += int(value) if value.isdigit() and 0 < int(value) < 1000 else 1
    return tables[tbl], row, col


def _read_paragraph(p: etree._Element, para: DocParagraph) -> None:
    mark = p.find(f"{W}pPr/{W}rPr")
    if mark is not None and (mark.find(f"{W}ins") is not None or mark.find(f"{W}del") is not None):
        para.split = True
    starts: dict[str, int] = {}
    offset = 0
    for el in p.iter():
        if el is p or _skipped(el):
            continue
        tag = el.tag
        if tag == f"{W}commentRangeStart":
            starts[el.get(f"{W}id", "")] = offset
        elif tag == f"{W}commentRangeEnd":
            cid = el.get(f"{W}id", "")
            para.anchors.append(Anchor(cid, starts.pop(cid, 0), offset))
        elif tag == f"{W}commentReference":
            cid = el.get(f"{W}id", "")
            if cid not in {a.comment for a in para.anchors}:
                para.anchors.append(Anchor(cid, starts.pop(cid, offset), offset))
        elif tag in (f"{W}t", f"{W}delText", f"{W}tab", f"{W}br"):
            text = el.text or "" if tag in (f"{W}t", f"{W}delText") else ("\t" if tag == f"{W}tab" else "\n")
            kind, author, date = _change_of(el, p)
            if para.pieces and (para.pieces[-1].kind, para.pieces[-1].author, para.pieces[-1].date) == \
                    (kind, author, date):
                para.pieces[-1].text += text
            else:
                para.pieces.append(Piece(kind, text, author, date))
            if kind != "ins":
                offset += len(text)
    for cid, start in starts.items():  # a range that ends in a later paragraph
        para.anchors.append(Anchor(cid, start, offset))


def _change_of(el: etree._Element, p: etree._Element) -> tuple[str, str, str]:
    for a in el.iterancestors():
        if a is p:
            break
        kind = _INSERTED.get(a.tag)
        if kind:
            return kind, a.get(f"{W}author", ""), a.get(f"{W}date", "")
    return "keep", "", ""
