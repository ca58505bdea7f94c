"""The Word edition's low-level parts: ids as bookmark names, OOXML snippets (bookmarks,
fields, table and section properties), the provenance recorded in the document's custom
properties, and a byte-deterministic save.

Shared by the writer (`export.word`) and whatever reads returned copies back: the
bookmark naming and the property names are a contract between the two, versioned by
BOOKMARK_SCHEME.

Bookmark names: Word allows letters, digits and `_`, at most 40 characters, compares
them ignoring case, and hides names that start with `_` from its bookmark dialog (the
ids are for plandoc, not for the reviewers). A plan id such as `col-main-indicators`
becomes `_pd_col_main_indicators`: lowercase letters and digits are kept, a hyphen
before a letter or digit becomes `_`, every other UTF-16 unit becomes `__` and four
lowercase hex digits. The result uses lowercase only, so ids that differ only in case
cannot collide. An id whose name would pass 40 characters becomes `_pdh_` and 35 hex
digits of its SHA-1, resolved against the plan's ids.
"""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn

BOOKMARK_SCHEME = "1"
PREFIX = "_pd_"
HASHED_PREFIX = "_pdh_"
MAX_NAME = 40
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

_KEEP = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


# ------------------------------------------------------------------ ids as bookmark names

def encode_id(plan_id: str) -> str:
    """The reversible part of a bookmark name (no prefix, no length limit)."""
    out: list[str] = []
    for i, ch in enumerate(plan_id):
        following = plan_id[i + 1] if i + 1 < len(plan_id) else ""
        if ch in _KEEP:
            out.append(ch)
        elif ch == "-" and following in _KEEP and following:
            out.append("_")
        else:
            units = ch.encode("utf-16-be")
            out += [f"__{int.from_bytes(units[k:k + 2], 'big'):04x}" for k in range(0, len(units), 2)]
    return "".join(out)


def decode_id(encoded: str) -> str | None:
    """Inverse of `encode_id`; None when `encoded` is not such a name."""
    units = bytearray()
    i = 0
    while i < len(encoded):
        ch = encoded[i].lower()
        if ch in _KEEP:
            units += ch.encode("utf-16-be")
            i += 1
        elif ch == "_" and encoded[i + 1:i + 2] == "_":
            digits = encoded[i + 2:i + 6]
            if not re.fullmatch(r"[0-9a-fA-F]{4}", digits):
                return None
            units += int(digits, 16).to_bytes(2, "big")
            i += 6
        elif ch == "_" and encoded[i + 1:i + 2].lower() in _KEEP and encoded[i + 1:i + 2]:
            units += b"\x00-"
            i += 1
        else:
            return None
    try:
        return units.decode("utf-16-be")
    except UnicodeDecodeError:
        return None


def _hashed(plan_id: str) -> str:
    return HASHED_PREFIX + hashlib.sha1(plan_id.encode("utf-8")).hexdigest()[:MAX_NAME - len(HASHED_PREFIX)]


def bookmark_name(plan_id: str) -> str:
    """The bookmark that carries `plan_id` in the Word edition."""
    name = PREFIX + encode_id(plan_id)
    return name if len(name) <= MAX_NAME else _hashed(plan_id)


def id_of_bookmark(name: str, known_ids=()) -> str | None:
    """The plan id a bookmark carries, or None for a bookmark plandoc did not write
    (Word's own `_GoBack`, `_Toc…`, a reviewer's). Hashed names are resolved against
    `known_ids` (the ids of the plan the copy is matched with)."""
    lowered = name.lower()
    if lowered.startswith(HASHED_PREFIX):
        return next((i for i in known_ids if _hashed(i) == lowered), None)
    if not lowered.startswith(PREFIX):
        return None
    decoded = decode_id(name[len(PREFIX):])
    return decoded if decoded and bookmark_name(decoded) == lowered else None


# ------------------------------------------------------------------ OOXML snippets

def bookmark(paragraph_or_table, first: bool, name: str, mark_id: int) -> None:
    """Open (first=True) or close a bookmark at the start or end of a w:p, or just before
    or after a w:tbl (as a sibling at block level, where Word also allows them)."""
    el = paragraph_or_table
    tag = "w:bookmarkStart" if first else "w:bookmarkEnd"
    node = OxmlElement(tag)
    node.set(qn("w:id"), str(mark_id))
    if first:
        node.set(qn("w:name"), name)
    if el.tag == qn("w:p"):
        if first:
            ppr = el.find(qn("w:pPr"))
            el.insert(0 if ppr is None else 1, node)
        else:
            el.append(node)
    elif first:
        el.addprevious(node)
    else:
        el.addnext(node)


def field_runs(instruction: str, cached: str = "", rpr: str = "") -> list:
    """The runs of a complex field (PAGE, PAGEREF, TOC): begin, instruction, separate,
    the cached result, end."""
    return [parse_xml(f'<w:r {W}>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'),
            parse_xml(f'<w:r {W}>{rpr}<w:instrText xml:space="preserve"> {escape(instruction)} </w:instrText></w:r>'),
            parse_xml(f'<w:r {W}>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'),
            parse_xml(f'<w:r {W}>{rpr}<w:t xml:space="preserve">{escape(cached)}</w:t></w:r>'),
            parse_xml(f'<w:r {W}>{rpr}<w:fldChar w:fldCharType="end"/></w:r>')]


def set_table_layout(table, widths_twips: list[int]) -> None:
    """Fixed layout with the given grid column widths (also on every cell: Word reads
    tcW, LibreOffice the grid)."""
    tbl = table._tbl
    tblpr = tbl.tblPr
    for tag in ("w:tblW", "w:tblLayout"):
        old = tblpr.find(qn(tag))
        if old is not None:
            tblpr.remove(old)
    tblpr.append(parse_xml(f'<w:tblW {W} w:w="{sum(widths_twips)}" w:type="dxa"/>'))
    tblpr.append(parse_xml(f'<w:tblLayout {W} w:type="fixed"/>'))
    _order(tblpr, ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
                   "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
                   "shd", "tblLayout", "tblCellMar", "tblLook"))
    grid = tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_twips):
        col.set(qn("w:w"), str(width))


def _order(parent, names: tuple[str, ...]) -> None:
    """Put the children of `parent` in schema order (Word refuses some misorderings)."""
    rank = {qn(f"w:{n}"): i for i, n in enumerate(names)}
    children = sorted(parent, key=lambda c: rank.get(c.tag, len(rank)))
    for child in children:
        parent.append(child)


def row_properties(row, header: bool) -> None:
    """Rows never split across pages; header rows repeat on every page."""
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))


def cell_properties(cell, width: int, no_wrap: bool) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    tcw = tcpr.find(qn("w:tcW"))
    if tcw is None:
        tcw = OxmlElement("w:tcW")
        tcpr.insert(0, tcw)
    tcw.set(qn("w:w"), str(width))
    tcw.set(qn("w:type"), "dxa")
    if no_wrap:
        tcpr.append(OxmlElement("w:noWrap"))
    _order(tcpr, ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd",
                  "noWrap", "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark"))


def section_valign_bottom(section) -> None:
    """The section's text sits at the foot of its page (the 版记, GB/T 9704 7.4)."""
    sect = section._sectPr
    node = parse_xml(f'<w:vAlign {W} w:val="bottom"/>')
    anchor = next((c for c in sect if c.tag in (qn("w:noEndnote"), qn("w:titlePg"),
                                                 qn("w:textDirection"), qn("w:bidi"),
                                                 qn("w:docGrid"))), None)
    if anchor is None:
        sect.append(node)
    else:
        anchor.addprevious(node)


# ------------------------------------------------------------------ provenance

def content_hash(root: Path) -> str:
    """SHA-256 over the plan's source files (plan.xml, indicators.xml, gazetteer.xml,
    chapters/*.xml): each file's path relative to the plan directory, a NUL, its length,
    a NUL and its bytes, in path order. What a returned copy is matched against."""
    from ..fmt import plan_files

    digest = hashlib.sha256()
    for path in sorted(plan_files(root), key=lambda p: p.relative_to(root).as_posix()):
        data = path.read_bytes()
        digest.update(f"{path.relative_to(root).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def git_revision(root: Path) -> dict[str, str]:
    """The git commit the plan directory is checked out at, its path inside the
    repository, and whether its files are unchanged from that commit; {} outside git."""
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(root), *args], capture_output=True,
                                  text=True, timeout=20)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "--verify", "-q", "HEAD")
    if not commit:
        return {}
    status = git("status", "--porcelain", "--untracked-files=no", "--", ".")
    return {"git_revision": commit, "git_path": (git("rev-parse", "--show-prefix") or "").rstrip("/"),
            "git_clean": "true" if status == "" else "false"}


def custom_properties(values: dict[str, str]) -> bytes:
    """docProps/custom.xml holding `values` as text properties named plandoc.<key>."""
    props = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" '
        f'name="plandoc.{escape(key)}"><vt:lpwstr>{escape(value)}</vt:lpwstr></property>'
        for pid, (key, value) in enumerate(sorted(values.items()), 2))
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"{props}</Properties>").encode("utf-8")


def add_custom_properties(document, values: dict[str, str]) -> None:
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    package = document.part.package
    part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES,
                custom_properties(values), package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def read_custom_properties(data: bytes) -> dict[str, str]:
    """The plandoc.* custom properties of a .docx (its bytes); {} when it has none."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        if "docProps/custom.xml" not in z.namelist():
            return {}
        parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
        root = etree.fromstring(z.read("docProps/custom.xml"), parser)
    ns = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
    out = {}
    for prop in root.iter(f"{ns}property"):
        name = prop.get("name", "")
        if name.startswith("plandoc."):
            out[name[len("plandoc."):]] = "".join(prop.itertext())
    return out
