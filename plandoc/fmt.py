"""The formatter: one canonical form for plan files (`python build.py fmt`).

Canonical form: XML declaration; two-space indentation of structural elements (plan,
part, chapter, section, column, tables…); one line per block (a paragraph, an item,
an entry, a table row, an indicator definition stays on its line, its mixed content
untouched); attributes in a fixed order (id first, then the order below, then the rest
alphabetically); comments kept where they are. Idempotent, and it never changes a
character of text: only whitespace between structural elements is rewritten, and a
line wrapped between two Chinese characters inside a paragraph is joined (the newline
and the next line's indent would print as a space, PD374). Writes are atomic (a
temporary file in the same directory, then rename). A file the loader refuses (not
UTF-8 or declared otherwise, NUL, DOCTYPE, entities, processing instructions, nesting
too deep) is reported and never rewritten: fmt writes back only what it read faithfully.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from . import diagnostics as dg
from .checks.text import STRAY_SPACE
from .load import parse_file, resolve_inside, secure_parser

STRUCTURAL = {
    "plan", "meta", "notice", "preamble", "part", "closing", "imprint", "cc",
    "chapter", "section", "column", "list", "table", "thead", "tbody",
    "indicator-table", "layout", "group", "indicators", "gazetteer", "subsection", "appendix",
}
"""Elements whose children are elements only: their whitespace is layout, and is rewritten."""

ATTRIBUTE_ORDER = ["id", "xml:lang", "file", "type", "kind", "ind", "role", "year", "from",
                   "to", "date", "by", "unit", "category", "nature", "parent", "basis",
                   "src", "colspan", "rowspan", "exhaustive", "corr", "vision", "numbering"]
XML_NS = "{http://www.w3.org/XML/1998/namespace}"
INDENT = "  "


def _attr_key(name: str) -> tuple[int, str]:
    short = name.replace(XML_NS, "xml:")
    return (ATTRIBUTE_ORDER.index(short) if short in ATTRIBUTE_ORDER else len(ATTRIBUTE_ORDER),
            short)


def _order_attributes(el: etree._Element) -> None:
    items = sorted(el.attrib.items(), key=lambda kv: _attr_key(kv[0]))
    if list(el.attrib.keys()) != [k for k, _ in items]:
        el.attrib.clear()
        for k, v in items:
            el.set(k, v)


def _layout(el: etree._Element, depth: int) -> None:
    """Re-indent structural elements; leave mixed content alone."""
    if not isinstance(el.tag, str) or el.tag not in STRUCTURAL:
        return
    children = list(el)
    if not children:
        return
    if el.text is not None and el.text.strip():
        return  # text where only elements belong: a schema error; do not guess
    if any(c.tail is not None and c.tail.strip() for c in children):
        return
    inner = "\n" + INDENT * (depth + 1)
    el.text = inner
    for child in children:
        child.tail = inner
        _layout(child, depth + 1)
    children[-1].tail = "\n" + INDENT * depth


def _join_wrapped(text: str | None) -> str | None:
    """Join a line wrapped between two Chinese characters (城镇化，⏎      增强)."""
    if not text or "\n" not in text:
        return text
    return STRAY_SPACE.sub(lambda m: m.group(1) + m.group(3) if "\n" in m.group(2) else m.group(0),
                           text)


def _join_mixed(root: etree._Element) -> None:
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in STRUCTURAL:
            continue
        el.text = _join_wrapped(el.text)
        for child in el:
            child.tail = _join_wrapped(child.tail)


def canonical_xml(data: bytes) -> str:
    """The canonical form of one file's bytes (raises lxml's XMLSyntaxError when malformed)."""
    parser = secure_parser()
    root = etree.fromstring(data, parser)
    for node in root.iter():
        if isinstance(node.tag, str):
            _order_attributes(node)
    _layout(root, 0)
    _join_mixed(root)
    body = etree.tostring(root, encoding="unicode")
    before = []
    for node in reversed(list(root.itersiblings(preceding=True))):
        before.append(etree.tostring(node, encoding="unicode").strip())
    after = [etree.tostring(n, encoding="unicode").strip() for n in root.itersiblings()]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', *before, body, *after]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Outcome:
    path: Path
    changed: bool
    error: str | None = None


KINDS = {"plan.xml": "plan", "indicators.xml": "indicators", "gazetteer.xml": "gazetteer"}


def plan_files(plan_dir: Path) -> list[Path]:
    """The plan's files that are really inside it (no symbolic link, none leading out)."""
    rels = list(KINDS) + sorted(f"chapters/{p.name}" for p in (plan_dir / "chapters").glob("*.xml"))
    files = [resolve_inside(plan_dir, rel) for rel in rels]
    return [f for f in files if f is not None and f.is_file() and not f.is_symlink()]


def unreadable(path: Path, plan_dir: Path) -> str | None:
    """Why `path` must not be rewritten, or None: the loader's reasons to refuse a file
    (not UTF-8, another encoding declared, NUL, DOCTYPE, entities, processing
    instructions, too deep): a file the loader cannot read faithfully is never written."""
    rel = path.relative_to(plan_dir).as_posix()
    diags: list[dg.Diagnostic] = []
    parse_file(path, rel, str(path), KINDS.get(rel, "chapter"), diags)
    refusals = [d for d in diags if d.code != "PD102"]  # a misplaced root is still formattable
    if not refusals:
        return None
    d = refusals[0]
    return f"{d.message} [{d.code}] (line {d.line})"


def write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def fmt(plan_dir: Path, check: bool = False) -> list[Outcome]:
    """Format every plan file; with `check`, only report what would change."""
    outcomes = []
    for path in plan_files(plan_dir):
        reason = unreadable(path, plan_dir)
        if reason is not None:
            outcomes.append(Outcome(path, False, reason))
            continue
        data = path.read_bytes()
        try:
            text = canonical_xml(data)
        except etree.XMLSyntaxError as exc:
            outcomes.append(Outcome(path, False, f"{exc.msg} (line {exc.lineno})"))
            continue
        changed = text.encode("utf-8") != data
        if changed and not check:
            write_atomic(path, text)
        outcomes.append(Outcome(path, changed))
    return outcomes
