"""Which table cells must never wrap: one classification for the site and the print edition.

A printed plan never breaks 预期性, 序号, 2020年, [累计], a unit such as 万人 or a value
such as ≥3000 over two lines. Both outputs ask `short_kind` and give such cells room
(the print edition through its column widths, the site through a `nowrap` class), so the
two can never disagree about what counts as short.
"""

from __future__ import annotations

import re

from plandoc import model as m

SHORT_KINDS = ("seq", "nature", "category", "year", "cumulative", "unit", "value")
"""The kinds of cell that are never broken, in the order `short_kind` tests them."""

MAX_SHORT_CHARS = 8
"""Longer text is never treated as short, whatever its kind (it would squeeze the names)."""

MAX_CATEGORY_CHARS = 4
"""An indicator table's category (经济发展, 民生福祉) up to this length stays on one line."""

_NATURE = frozenset({"属性", "指标属性", "预期性", "约束性", "预期", "约束"})
_SEQ = re.compile(r"^(序号|\d{1,3})$")
_YEAR = re.compile(r"^(\d{4}年?|“?十[一二三四五六]五”?(末|期间)?|\d{4}[-—–~～]\d{4}年?)$")
_CUMULATIVE = re.compile(r"^[\[［〔【]\s*(累计|[-−+]?\d+(\.\d+)?%?)\s*[\]］〕】]$")
_UNIT = re.compile(
    r"^[（(]?(单位|%|％|‰|个百分点|亿元|万元|元|万人|人|万户|户|万吨|吨|万千瓦|千瓦|公里|平方公里|"
    r"万平方米|平方米|万亩|亩|岁|个|家|项|件|张|床|所|座|微克/立方米|吨标准煤|万吨标准煤|年)[）)]?$"
)
_VALUE = re.compile(r"^([<>≤≥＜＞]|约)?\s*[-−+]?\d[\d,.]*\s*(%|％)?\s*(以上|左右|以内|以下)?$|^[-—–/]$")


def short_kind(cell: m.Cell, spec: m.ColSpec | None = None) -> str | None:
    """The short kind of `cell` (one of SHORT_KINDS), or None if it may wrap.

    `spec` is the indicator table's description of the cell's column, when there is
    one: a value or nature column makes every cell in it short, and so does the
    category column (经济发展, 民生福祉: a group's name is never broken either)."""
    text = re.sub(r"\s+", "", m.plain(cell.content))
    if not text or len(text) > MAX_SHORT_CHARS:
        return None
    if spec is not None and spec.kind in ("seq", "nature", "value"):
        return spec.kind
    if spec is not None and spec.kind == "category" and len(text) <= MAX_CATEGORY_CHARS:
        return "category"   # 经济发展, 创新驱动: a category is never broken mid-word
    if _SEQ.match(text):
        return "seq"
    if text in _NATURE:
        return "nature"
    if _YEAR.match(text):
        return "year"
    if _CUMULATIVE.match(text):
        return "cumulative"
    if _UNIT.match(text):
        return "unit"
    if _VALUE.match(text):
        return "value"
    return None


_RUN = re.compile(
    r"[\[［〔【（(][^\[\]［］〔〕【】（）()]{1,8}[\]］〕】）)]"      # [累计] （%） （万人）
    r"|[<>≤≥＜＞]?[-−+]?\d[\d,.]*\s*(?:%|％)?")                   # ≥3000 7.5% 2020
"""A piece of a longer cell that is never broken either: a bracketed group or a number."""


def unbroken_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each piece of `text` that must stay on one line: in
    "年均增速[累计]" the "[累计]", in "地区生产总值（亿元）" the "（亿元）"."""
    return [m.span() for m in _RUN.finditer(text)]
