"""Recognising what a paragraph of plan text is: heading, column, figure, list item, table.

Role: the patterns of the printed plan (第X篇/章/节, 专栏 N：, 图 N：, ——, 1.) in one
place, used by the page-break repairs (which must not join across them) and by the tree
builder. Guarantee: ``classify`` is a pure function of the text; it never changes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import numerals

NUM = "一二三四五六七八九十百〇零两"
HEADING = re.compile(rf"^第([{NUM}]+)(篇|章|节)(?:[\s\t]+|(?=[^\s，。、；]))(.+?)\s*$")
COLUMN = re.compile(r"^专栏\s*(\d+)\s*([：:])\s*(.*?)\s*$")
FIGURE = re.compile(r"^图\s*(\d+)\s*([：:])\s*(.*?)\s*$")
DASH = re.compile(r"^——\s*(.*)$", re.S)
DECIMAL = re.compile(r"^(\d{1,2})[.．](?!\d)\s*(\S.*)$", re.S)
FINAL = "。！？…"
CLOSERS = "”’）)」』"

LEVELS = {"篇": "part", "章": "chapter", "节": "section"}


@dataclass(frozen=True)
class Kind:
    """What a paragraph is. ``number`` is the printed number; ``text`` the rest."""

    kind: str            # part | chapter | section | column | figure | dash | decimal | p
    number: int | None
    text: str


def classify(text: str) -> Kind:
    t = text.strip().strip("\t")
    m = HEADING.match(t)
    if m and len(m.group(3)) <= 40 and "。" not in m.group(3):
        return Kind(LEVELS[m.group(2)], numerals.read_cn(m.group(1)), m.group(3).strip())
    m = COLUMN.match(t)
    if m and m.group(3) and "。" not in m.group(3):
        return Kind("column", int(m.group(1)), m.group(3))
    m = FIGURE.match(t)
    if m and m.group(3) and "。" not in m.group(3) and len(m.group(3)) <= 60:
        return Kind("figure", int(m.group(1)), m.group(3))
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


def is_heading(text: str) -> bool:
    """A heading, column title or figure caption: never continued by a page break."""
    return classify(text).kind in ("part", "chapter", "section", "column", "figure")


def is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"
