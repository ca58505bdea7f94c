"""Make tracked changes and comments in a .docx the way Word writes them (a test helper
for the 征求意见 round trip, imported by tests as `wordlike`).

Word splits the run it edits: the kept text stays in runs with the original run
properties, the deleted text moves into <w:del><w:r><w:delText/></w:r></w:del>, the
inserted text into <w:ins><w:r><w:t/></w:r></w:ins>, each change with w:id, w:author and
w:date. A comment is a w:commentRangeStart/End pair around the words, a run holding
w:commentReference, and a w:comment in word/comments.xml (related from document.xml).
"""

from __future__ import annotations

import copy as copying
import io
import re
import zipfile
from dataclasses import dataclass

from lxml import etree

from plandoc.docx_parts import bookmark_name

NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{NS}}}"


@dataclass
class Edit:
    block: str
    """Plan id of the paragraph (or of the table, with `cell`)."""
    before: str
    """Kept text right before the change, in the same run (locates it)."""
    old: str
    new: str
    author: str = "审阅人甲"
    date: str = "2021-03-01T09:00:00Z"
    cell: tuple[int, int] | None = None


@dataclass
class Note:
    block: str
    before: str
    quoted: str
    text: str
    author: str = "审阅人乙"
    date: str = "2021-03-02T10:00:00Z"


def _paragraph(root, block: str, cell=None):
    name = bookmark_name(block)
    start = root.xpath(f"//w:bookmarkStart[@w:name='{name}']", namespaces={"w": NS})
    assert start, f"no bookmark {name}"
    p = start[0].getparent()
    if cell is None:
        return p
    tbl = p.getparent().getparent().getparent()
    row = tbl.findall(f"{W}tr")[cell[0]]
    col = 0
    for tc in row.findall(f"{W}tc"):
        if col == cell[1]:
            return tc.find(f"{W}p")
        span = tc.find(f"{W}tcPr/{W}gridSpan")
        col += int(span.get(f"{W}val")) if span is not None else 1
    raise AssertionError(f"no cell {cell}")


def _run_with(p, text: str):
    for r in p.iter(f"{W}r"):
        if r.getparent().tag in (f"{W}ins", f"{W}del"):
            continue
        t = r.find(f"{W}t")
        if t is not None and text in (t.text or ""):
            return r, t
    raise AssertionError(f"no run holding {text!r}")


class Document:
    def __init__(self, data: bytes):
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.root = etree.fromstring(self.zip.read("word/document.xml"))
        self.next_id = 9000
        self.comments: list[tuple[str, Note]] = []

    def _id(self) -> str:
        self.next_id += 1
        return str(self.next_id)

    def _piece(self, r, kind: str, text: str, edit):
        new = copying.deepcopy(r)
        for child in list(new):
            if child.tag != f"{W}rPr":
                new.remove(child)
        t = etree.SubElement(new, f"{W}delText" if kind == "del" else f"{W}t")
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        if kind == "keep":
            return new
        wrap = etree.Element(f"{W}{kind}")
        wrap.set(f"{W}id", self._id())
        wrap.set(f"{W}author", edit.author)
        wrap.set(f"{W}date", edit.date)
        wrap.append(new)
        return wrap

    def edit(self, e: Edit) -> None:
        p = _paragraph(self.root, e.block, e.cell)
        r, t = _run_with(p, e.before + e.old)
        text = t.text
        at = text.index(e.before + e.old) + len(e.before)
        pieces = [("keep", text[:at]), ("del", e.old), ("ins", e.new), ("keep", text[at + len(e.old):])]
        for kind, part in pieces:
            if part:
                r.addprevious(self._piece(r, kind, part, e))
        r.getparent().remove(r)

    def note(self, n: Note) -> None:
        p = _paragraph(self.root, n.block)
        r, t = _run_with(p, n.before + n.quoted)
        text = t.text
        at = text.index(n.before + n.quoted) + len(n.before)
        cid = str(len(self.comments))
        self.comments.append((cid, n))
        parts = [self._piece(r, "keep", text[:at], n), etree.Element(f"{W}commentRangeStart"),
                 self._piece(r, "keep", n.quoted, n), etree.Element(f"{W}commentRangeEnd"),
                 etree.Element(f"{W}r"), self._piece(r, "keep", text[at + len(n.quoted):], n)]
        parts[1].set(f"{W}id", cid)
        parts[3].set(f"{W}id", cid)
        etree.SubElement(parts[4], f"{W}commentReference").set(f"{W}id", cid)
        for part in parts:
            if part.tag != f"{W}r" or part.find(f"{W}t") is None or part.find(f"{W}t").text or \
                    part.find(f"{W}commentReference") is not None:
                r.addprevious(part)
        r.getparent().remove(r)

    def save(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name in self.zip.namelist():
                data = self.zip.read(name)
                if name == "word/document.xml":
                    data = etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", standalone=True)
                elif name == "[Content_Types].xml" and self.comments:
                    data = data.replace(b"</Types>", b'<Override PartName="/word/comments.xml" ContentType='
                                        b'"application/vnd.openxmlformats-officedocument.wordprocessingml.'
                                        b'comments+xml"/></Types>')
                elif name == "word/_rels/document.xml.rels" and self.comments:
                    data = data.replace(b"</Relationships>", b'<Relationship Id="rIdComments" Type='
                                        b'"http://schemas.openxmlformats.org/officeDocument/2006/'
                                        b'relationships/comments" Target="comments.xml"/></Relationships>')
                z.writestr(name, data)
            if self.comments:
                z.writestr("word/comments.xml", self._comments_xml())
        return out.getvalue()

    def _comments_xml(self) -> bytes:
        root = etree.Element(f"{W}comments", nsmap={"w": NS})
        for cid, n in self.comments:
            c = etree.SubElement(root, f"{W}comment")
            c.set(f"{W}id", cid)
            c.set(f"{W}author", n.author)
            c.set(f"{W}date", n.date)
            r = etree.SubElement(etree.SubElement(c, f"{W}p"), f"{W}r")
            etree.SubElement(r, f"{W}t").text = n.text
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def with_changes(data: bytes, changes) -> bytes:
    doc = Document(data)
    for change in changes:
        (doc.edit if isinstance(change, Edit) else doc.note)(change)
    return doc.save()


def remove_bookmark(data: bytes, block: str) -> bytes:
    """The copy as Word leaves it when an editor deleted the paragraph's bookmark."""
    doc = Document(data)
    name = bookmark_name(block)
    for start in doc.root.xpath(f"//w:bookmarkStart[@w:name='{name}']", namespaces={"w": NS}):
        mark = start.get(f"{W}id")
        for end in doc.root.xpath(f"//w:bookmarkEnd[@w:id='{mark}']", namespaces={"w": NS}):
            end.getparent().remove(end)
        start.getparent().remove(start)
    return doc.save()


def set_property(data: bytes, name: str, value: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as z:
        for item in src.namelist():
            content = src.read(item)
            if item == "docProps/custom.xml":
                content = re.sub(f'(name="plandoc.{name}"><vt:lpwstr>)[^<]*'.encode(),
                                 rb"\g<1>" + value.encode(), content)
            z.writestr(item, content)
    return out.getvalue()
