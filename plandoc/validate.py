"""Validate: every parsed source file against schema/plan.rng, on its own.

The grammar is compiled once, lazily. Errors carry the file, line and column of the
offending node (libxml2 reports the line; the column is found from the element name
in the source line). A file that fails validation is marked so that later stages skip
it instead of tripping over an unexpected shape.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from . import diagnostics as dg
from .load import Sources, secure_parser
from . import resources

SCHEMA_PATH = resources.SCHEMA / "plan.rng"


@functools.cache
def schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA_PATH), secure_parser()))


_ATTRIBUTE = re.compile(r"Invalid attribute (\S+) for element")
_ELEMENT = re.compile(r"[Ee]lement (\S+?)[ :,]|element (\S+?) ")

_TRANSLATIONS = [
    (re.compile(r"Did not expect element (\S+) there"), "此处不允许元素 <{0}>"),
    (re.compile(r"Expecting element (\S+), got (\S+)"), "此处应为 <{0}>，却是 <{1}>"),
    (re.compile(r"Element (\S+) failed to validate attributes"), "元素 <{0}> 的属性不合规定（缺少必需属性、属性名未知或取值不合格式）"),
    (re.compile(r"Invalid attribute (\S+) for element (\S+)"), "元素 <{1}> 不允许属性 {0}"),
    (re.compile(r"Element (\S+) has extra content: (\S+)"), "元素 <{0}> 中有多余内容 <{1}>"),
    (re.compile(r"Element (\S+) failed to validate content"), "元素 <{0}> 的内容不合规定"),
    (re.compile(r"Expecting an element (\S+), got nothing"), "缺少必需的元素 <{0}>"),
    (re.compile(r"Element (\S+) has wrong content"), "元素 <{0}> 的内容不合规定"),
    (re.compile(r"Error validating datatype (\S+)"), "取值不符合 {0} 格式"),
    (re.compile(r"Error validating value ?(\S*)"), "取值不在允许的范围内 {0}"),
]


def _translate(message: str) -> str:
    for pattern, template in _TRANSLATIONS:
        m = pattern.search(message)
        if m:
            return f"不符合模式：{template.format(*m.groups())}（{message}）"
    return f"不符合模式：{message}"


def validate(sources: Sources) -> Iterator[dg.Diagnostic]:
    """Yield PD110 for every schema violation; mark invalid files by dropping their tree."""
    rng = schema()
    for src in sources.files():
        if src.tree is None:
            continue
        if rng.validate(src.tree):
            continue
        seen: set[tuple[int, str]] = set()
        for entry in rng.error_log:
            message = entry.message.strip()
            key = (entry.line, message)
            if key in seen:
                continue
            seen.add(key)
            col = entry.column or 0
            if not col and 0 < entry.line <= len(src.lines):
                text = src.lines[entry.line - 1]
                attr = _ATTRIBUTE.search(message)
                m = _ELEMENT.search(message)
                name = m and (m.group(1) or m.group(2))
                found = text.find(f" {attr.group(1)}=") + 1 if attr else -1
                if found <= 0 and name:
                    found = text.find(f"<{name}")
                col = found + 1 if found >= 0 else 0
            yield dg.make("PD110", src.display, entry.line, col, _translate(message))
        src.tree = None
