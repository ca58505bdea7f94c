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

from plandoc.export.word_parts import bookmark_name

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


def insert_paragraph(data: bytes, after: str, text: str, author: str = "审阅人丙",
                     date: str = "2021-03-03T08:00:00Z") -> bytes:
    """A paragraph typed in after block `after`, as Word tracks it: its runs inside w:ins
    and its paragraph mark marked inserted."""
    doc = Document(data)
    anchor = _paragraph(doc.root, after)
    p = etree.Element(f"{W}p")
    mark = etree.SubElement(etree.SubElement(etree.SubElement(p, f"{W}pPr"), f"{W}rPr"), f"{W}ins")
    ins = etree.SubElement(p, f"{W}ins")
    for el in (mark, ins):
        el.set(f"{W}id", doc._id())
        el.set(f"{W}author", author)
        el.set(f"{W}date", date)
    etree.SubElement(etree.SubElement(ins, f"{W}r"), f"{W}t").text = text
    anchor.addnext(p)
    return doc.save()


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


# ------------------------------------------------------------------ diagnostic fixtures

def resolve(plan, block: str) -> str:
    """A block named by id, by `text:` and words of its text (derived ids change with the
    text; fixtures name blocks by their words), or a table by `table:N`."""
    from plandoc.review import targets

    if block.startswith("table:"):
        return plan.tables[int(block[len("table:"):]) - 1].id
    if not block.startswith("text:"):
        return block
    words = block[len("text:"):]
    found = [t.id for t in targets(plan).values() if words in t.prefix + t.text]
    assert len(found) == 1, (words, found)
    return found[0]


def _copy_bytes(exported: bytes, plan, recipe: dict) -> bytes:
    if "raw" in recipe:
        return recipe["raw"].encode("utf-8")
    if recipe.get("bomb"):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("word/document.xml", b"<w:document xmlns:w='x'>" + b" " * (8 << 20))
        return out.getvalue()
    data = exported
    changes = [Edit(resolve(plan, e["block"]), e.get("before", ""), e["old"], e["new"],
                    e.get("author", "审阅人甲"), cell=tuple(e["cell"]) if "cell" in e else None)
               for e in recipe.get("edits", [])]
    data = with_changes(data, changes) if changes else data
    if recipe.get("remove_bookmark"):
        data = remove_bookmark(data, resolve(plan, recipe["remove_bookmark"]))
    for key, value in recipe.get("set", {}).items():
        data = set_property(data, key, value)
    if recipe.get("xxe") or recipe.get("external"):
        data = _tamper(data, recipe)
    return data


def _tamper(data: bytes, recipe: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as z:
        for name in src.namelist():
            content = src.read(name)
            if recipe.get("xxe") and name == "word/document.xml":
                content = content.replace(b"?>", b'?><!DOCTYPE w:document [<!ENTITY x SYSTEM '
                                          b'"file:///etc/passwd">]>', 1).replace(b"<w:t>", b"<w:t>&x;", 1)
            if recipe.get("external") and name == "word/_rels/document.xml.rels":
                content = content.replace(b"</Relationships>", b'<Relationship Id="rIdEvil" Type="http://'
                                          b'schemas.openxmlformats.org/officeDocument/2006/relationships/'
                                          b'attachedTemplate" Target="http://127.0.0.1:9/t.dotm" '
                                          b'TargetMode="External"/></Relationships>')
            z.writestr(name, content)
    return out.getvalue()


def review_fixture(plan_dir, spec: dict):
    """Export the plan, make the returned copies the fixture describes, apply its edits of
    the plan made after export, and review: the diagnostics."""
    from plandoc.pipeline import build, compile_plan
    from plandoc.review import review

    compiled = compile_plan(plan_dir)
    out = plan_dir.parent / "dist"
    build(compiled.plan, out, ["docx"], compiled.diagnostics)
    exported = (out / "plan.docx").read_bytes()
    paths = []
    for n, recipe in enumerate(spec["copies"]):
        path = plan_dir.parent / recipe.get("name", f"copy{n + 1}.docx")
        path.write_bytes(_copy_bytes(exported, compiled.plan, recipe))
        paths.append(path)
    for edit in spec.get("plan_edits", []):
        path = plan_dir / edit["file"]
        text = path.read_text(encoding="utf-8")
        assert text.count(edit["old"]) == 1, edit
        path.write_text(text.replace(edit["old"], edit["new"]), encoding="utf-8")
    current = compile_plan(plan_dir)
    assert current.ok
    return review(current.plan, paths).diagnostics
