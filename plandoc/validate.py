"""Validate: every parsed source file against schema/plan.rng, on its own.

The grammar is compiled once, lazily. libxml2 says little more than "element X failed
to validate attributes"; each error is therefore explained from the grammar itself
(`grammar.py`): the attribute by name, the values it allows or the form it must have,
the elements allowed where an unexpected one stands. A file that fails validation is
marked so that later stages skip it; its tree is kept aside for numbering only.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from lxml import etree

from . import diagnostics as dg
from . import resources
from .grammar import Grammar
from .load import SourceFile, Sources, secure_parser

SCHEMA_PATH = resources.SCHEMA / "plan.rng"


@functools.cache
def schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA_PATH), secure_parser()))


@functools.cache
def grammar() -> Grammar:
    return Grammar(etree.parse(str(SCHEMA_PATH), secure_parser()))


_ATTRIBUTES = re.compile(r"Element (\S+) failed to validate attributes|Invalid attribute (\S+) for element (\S+)")
_UNEXPECTED = re.compile(r"Did not expect element (\S+) there|Element (\S+) has extra content: (\S+)")
_EXPECTING = re.compile(r"Expecting (?:an )?element (\S+), got (\S+)")
_TEXT = re.compile(r"Element (\S+) has extra content: text|Datatype element (\S+) has child elements")
_CASCADE = re.compile(r"failed to validate content|has wrong content|Expecting a namespace|"
                      r"Error validating datatype|Error validating value|Element \S+ has extra content")


def validate(sources: Sources) -> Iterator[dg.Diagnostic]:
    """Yield PD110 for every schema violation; mark invalid files by dropping their tree."""
    for src in sources.files():
        if src.tree is not None:
            yield from validate_file(src)


def validate_file(src: SourceFile) -> list[dg.Diagnostic]:
    rng = schema()
    if rng.validate(src.tree):
        return []
    out: list[dg.Diagnostic] = []
    seen: set[dg.Diagnostic] = set()
    at = _Elements(src.tree)
    for entry in rng.error_log:
        d = _explain(src, entry.message.strip(), entry.line, at)
        if d is not None and d not in seen:
            seen.add(d)
            out.append(d)
    if not out:  # never silent: libxml2 said the file is invalid
        entry = rng.error_log[0]
        out.append(dg.make("PD110", src.display, entry.line, 0,
                           f"不符合模式：{entry.message.strip()}", kind="other"))
    src.recovered, src.tree = src.tree, None
    return out


class _Elements:
    """The elements an error message can mean, by name and line, indexed once per
    invalid file; each is explained at most once. An error finds its element without
    walking the tree, and a line of many such elements is scanned once in all (both
    were quadratic: errors × elements)."""

    def __init__(self, tree) -> None:
        self.by: dict[tuple[str, int], list[etree._Element]] = {}
        for el in tree.getroot().iter():
            if isinstance(el.tag, str) and el.sourceline:
                self.by.setdefault((el.tag, el.sourceline), []).append(el)
        self.explained: set[int] = set()
        self.done: dict[tuple, int] = {}  # candidates that can no longer be meant, per search

    def first(self, kind: str, name: str, line: int, wanted) -> etree._Element | None:
        """The first element `name` at `line` (else a line next to it), not yet explained,
        for which `wanted(el)`; marked explained."""
        near = self.by.get((name, line)) or [el for d in (-1, 0, 1) for el in self.by.get((name, line + d), [])]
        key = (kind, name, line)
        for i in range(self.done.get(key, 0), len(near)):
            el = near[i]
            if id(el) not in self.explained and wanted(el):
                self.explained.add(id(el))
                self.done[key] = i + 1
                return el
        self.done[key] = len(near)
        return None


def _explain(src: SourceFile, message: str, line: int, at: _Elements) -> dg.Diagnostic | None:
    g = grammar()
    m = _ATTRIBUTES.search(message)
    if m:
        el = at.first("attribute", m.group(1) or m.group(3), line, g.attribute_problem)
        return _make(src, el, g.attribute_problem(el)) if el is not None else None
    m = _UNEXPECTED.search(message)
    if m and (m.group(1) or m.group(3)) != "text":
        name = m.group(1) or m.group(3)
        el = at.first("unexpected", name, line, lambda _el: True)
        if el is None:
            return None
        parent = el.getparent()
        where = parent.tag if parent is not None else ""
        allowed = g.children(where)
        line_, col = src.locate(el)
        if name in allowed:
            return _misplaced(src, el, parent, allowed, line_, col)
        return dg.make("PD110", src.display, line_, col,
                       f"<{where}> 中不允许元素 <{name}>",
                       _hint_children(where, allowed), kind="unexpected-element",
                       element=name, parent=where, allowed=", ".join(allowed))
    m = _EXPECTING.search(message)
    if m:
        want, got = m.group(1), m.group(2)
        return dg.make("PD110", src.display, line, 0,
                       f"此处应有元素 <{want}>" + ("" if got == "nothing" else f"，却是 <{got}>"),
                       f"补上 <{want}>（见 docs/reference.md 中它的说明）。", kind="missing-element",
                       element=want, found=None if got == "nothing" else got)
    m = _TEXT.search(message)
    if m:
        name = m.group(1) or m.group(2)
        return dg.make("PD110", src.display, line, 0, f"元素 <{name}> 中不允许直接写文字",
                       f"把文字放进 <{name}> 允许的子元素（如 <p>）中。", kind="text-not-allowed",
                       element=name)
    if _CASCADE.search(message):
        return None  # an echo of an error explained at its own element
    return dg.make("PD110", src.display, line, 0, f"不符合模式：{message}", kind="other")


def _misplaced(src, el, parent, allowed, line, col) -> dg.Diagnostic:
    """An element allowed in its parent but not where it stands: most often because a
    required element before it (the title) is missing, else out of order or repeated."""
    if "title" in allowed and parent.find("title") is None:
        pline, pcol = src.locate(parent)
        return dg.make("PD110", src.display, pline, pcol, f"<{parent.tag}> 缺少标题 <title>",
                       f"在 <{parent.tag}> 的开头补上 <title>…</title>。", kind="missing-element",
                       element="title", parent=parent.tag)
    return dg.make("PD110", src.display, line, col,
                   f"<{el.tag}> 不能出现在 <{parent.tag}> 的这个位置（次序不对，或不能重复）",
                   f"对照 docs/reference.md 中 <{parent.tag}> 的说明调整次序。",
                   kind="misplaced-element", element=el.tag, parent=parent.tag)


def _make(src: SourceFile, el: etree._Element, problem: dict) -> dg.Diagnostic:
    kind, attr = problem["kind"], problem.get("attribute")
    line, col = src.locate(el, attr if kind != "missing-attribute" else None)
    return dg.make("PD110", src.display, line, col, problem["message"], problem["hint"],
                   element=el.tag, **{k: v for k, v in problem.items()
                                      if k not in ("message", "hint")})


def _hint_children(parent: str, allowed: list[str]) -> str:
    if not allowed:
        return f"<{parent}> 中不能有子元素；删去它，或移到允许它的地方。"
    shown = "、".join(f"<{a}>" for a in allowed[:12]) + ("等" if len(allowed) > 12 else "")
    return f"<{parent}> 中可以有：{shown}。拼写有误就改正，否则把它移到允许它的地方。"
