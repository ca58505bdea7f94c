"""Recognising what a paragraph of plan text is: heading, column, figure, list item, table.

Role: the patterns of the printed plan in one place, used by the page-break repairs
(which must not join across them) and by the tree builder: 第X篇/章/节; the numbered
levels of GB/T 9704 (一、 （一） （1）; 1. stays a list item); 专栏 in every common form
(专栏 1：, 专栏1 标题, 专栏一, 专栏1-1); 图 1：, 图1-1, 附图; table captions 表1; list
items ——, 1., 一是. Guarantee: ``classify`` is a pure function of the text; it never
changes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import numerals

NUM = "一二三四五六七八九十百〇零两"
HEADING = re.compile(rf"^第([{NUM}]+)(篇|章|节)(?:[\s\t]+|(?=[^\s，。、；]))(.+?)\s*$")
SERIAL = rf"\d+(?:\s*[-－—]\s*\d+)?|[{NUM}]+"
COLUMN = re.compile(rf"^专栏\s*({SERIAL})(?:\s*[：:]\s*|\s+|(?=[^\d\s{NUM}]))(.*?)\s*$")
FIGURE = re.compile(r"^(附?图)\s*(\d+(?:\s*[-－—]\s*\d+)?)?(?:\s*[：:]\s*|\s+|(?=[^\d\s]))(.*?)\s*$")
TABLE = re.compile(r"^(附?表)\s*(\d+(?:\s*[-－—]\s*\d+)?)(?:\s*[：:]\s*|\s+|(?=[^\d\s]))(.*?)\s*$")
LEVEL = (("一、", re.compile(rf"^([{NUM}]+)、\s*(\S.*?)\s*$", re.S)),
         ("（一）", re.compile(rf"^[（(]([{NUM}]+)[）)]\s*(\S.*?)\s*$", re.S)),
         ("（1）", re.compile(r"^[（(](\d{1,2})[）)]\s*(\S.*?)\s*$", re.S)))
APPENDIX = re.compile(r"^(?:(附件|附表)\s*(\d*)\s*[：:]?\s*(.*?)|(?:附[：:]\s*)?(名词解释)[：:]?)\s*$")
ENUM = re.compile(rf"^(([{NUM}]+)是)\s*(\S.*)$", re.S)
DASH = re.compile(r"^——\s*(.*)$", re.S)
DECIMAL = re.compile(r"^(\d{1,2})[.．](?!\d)\s*(\S.*)$", re.S)
FINAL = "。！？…"
CLOSERS = "”’）)」』"

LEVELS = {"篇": "part", "章": "chapter", "节": "section"}


@dataclass(frozen=True)
class Kind:
    """What a paragraph is. ``number`` is the printed number; ``text`` the rest."""

    kind: str            # part | chapter | section | column | figure | table | level |
    number: int | None   # dash | decimal | enum | p
    text: str
    style: str = ""
    """Levels: 一、 （一） （1）. Columns: 1, 一 or 1-1. Figures: 1, 1-1 or 附图."""
    serial: str = ""
    """The printed serial as it stands (3, 三, 2-1), for the report."""


def _serial(text: str) -> tuple[int | None, str]:
    """(number, style) of a printed serial: 3 → (3, '1'), 三 → (3, '一'), 2-1 → (1, '1-1')."""
    text = re.sub(r"\s+", "", text)
    if text.isdigit():
        return int(text), "1"
    m = re.fullmatch(r"(\d+)[-－—](\d+)", text)
    if m:
        return int(m.group(2)), "1-1"
    return numerals.read_cn(text), "一"


def _titled(text: str, limit: int) -> bool:
    return bool(text) and "。" not in text and len(text) <= limit


def classify(text: str) -> Kind:
    t = text.strip().strip("\t")
    m = HEADING.match(t)
    if m and len(m.group(3)) <= 40 and "。" not in m.group(3):
        return Kind(LEVELS[m.group(2)], numerals.read_cn(m.group(1)), m.group(3).strip())
    m = COLUMN.match(t)
    if m and _titled(m.group(2), 60):
        number, style = _serial(m.group(1))
        return Kind("column", number, m.group(2), style, m.group(1))
    m = FIGURE.match(t)
    if m and _titled(m.group(3), 60) and (m.group(2) or m.group(1) == "附图"):
        number, style = _serial(m.group(2)) if m.group(2) else (None, "附图")
        return Kind("figure", number, m.group(3), "附图" if m.group(1) == "附图" else style,
                    m.group(2) or "")
    m = APPENDIX.match(t)
    if m and "。" not in t and len(t) <= 50 and "\t" not in t:
        kind = m.group(1) or m.group(4)
        return Kind("appendix", int(m.group(2)) if m.group(2) else None,
                    m.group(3) or "", kind, m.group(2) or "")
    m = TABLE.match(t)
    if m and _titled(m.group(3), 60) and "\t" not in t:
        number, style = _serial(m.group(2))
        return Kind("table", number, m.group(3), style, m.group(2))
    for style, pattern in LEVEL:
        m = pattern.match(t)
        if m and "\t" not in t:
            return Kind("level", numerals.read_cn(m.group(1)) if style != "（1）"
                        else int(m.group(1)), m.group(2), style, m.group(1))
    m = ENUM.match(t)
    if m and numerals.read_cn(m.group(2)) and len(m.group(3)) > 1:
        return Kind("enum", numerals.read_cn(m.group(2)), m.group(3), "一是", m.group(1))
    m = DASH.match(t)
    if m:
        return Kind("dash", None, m.group(1))
    m = DECIMAL.match(t)
    if m:
        return Kind("decimal", int(m.group(1)), m.group(2))
    return Kind("p", None, t)


def is_structural(text: str) -> bool:
    """A paragraph that starts something: a page-break join must not swallow it."""
    return classify(text).kind != "p"


def ends_sentence(text: str) -> bool:
    """True when the text ends with sentence-final punctuation (or a colon before a list).

    A semicolon is not final: these plans end paragraphs with 。, and a line ending in ；
    before a plain paragraph is a page break inside an enumeration.
    """
    t = text.rstrip()
    if len(t) > 1 and t[-1] in CLOSERS and t[-2] in FINAL:
        return True
    return bool(t) and t[-1] in FINAL + "：:"


def standalone(text: str) -> bool:
    """A numbered line that is a heading of its own, not the lead of its paragraph."""
    return len(text) <= 40 and not re.search("[。；！？]", text) and not ends_sentence(text)


def is_heading(text: str) -> bool:
    """A heading, column title or figure caption: never continued by a page break."""
    k = classify(text)
    return k.kind in ("part", "chapter", "section", "column", "figure", "table", "appendix") or (
        k.kind == "level" and standalone(k.text))


def is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"
