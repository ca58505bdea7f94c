"""Quantities as plans print them: `≥65.53`, `>12`, `[10]`, `[-33%]`, `95% 以上`,
`下降 33% 以上` (a change of at most -33), `1000 个左右`, `-` (not applicable), or words
(`完成省定目标`).

`parse(text)` never raises: what is not a number becomes kind "text" (or "na"/"empty").
"""

from __future__ import annotations

import re

from .model import Quantity
from .numerals import from_cn

_FULLWIDTH = str.maketrans("０１２３４５６７８９．％［］＞＜－＋，", "0123456789.%[]><-+,")

_PREFIX = [
    (">=", "≥"), ("<=", "≤"), ("≥", "≥"), ("≤", "≤"), ("⩾", "≥"), ("⩽", "≤"),
    (">", ">"), ("<", "<"), ("超过", ">"), ("高于", ">"), ("大于", ">"), ("不低于", "≥"),
    ("不少于", "≥"), ("不超过", "≤"), ("低于", "<"), ("小于", "<"), ("约", "≈"), ("突破", ">"),
]
_SUFFIX = [("以上", "≥"), ("以下", "≤"), ("以内", "≤"), ("左右", "≈"), ("多", ">")]
_DOWN = ("下降", "降低", "减少")
"""A printed decrease: the value is negative and a comparator on its size flips."""
_FLIP = {">": "<", "≥": "≤", "<": ">", "≤": "≥"}
_NUMBER = re.compile(r"[-+]?\d+(?:,\d{3})*(?:\.\d+)?")
_NA = {"-", "—", "–", "－", "/", "——"}


def parse(text: str) -> Quantity:
    raw = text
    s = text.translate(_FULLWIDTH).strip()
    if not s:
        return Quantity(text=raw, kind="empty")
    if s in _NA:
        return Quantity(text=raw, kind="na")
    cumulative = False
    if s.startswith("[") and s.endswith("]"):
        cumulative = True
        s = s[1:-1].strip()
    sign = 1
    for word in _DOWN:
        if s.startswith(word):  # 下降 33% 以上: a change of -33, at most
            sign, s = -1, s[len(word):].strip()
            break
    comparator = None
    for word, comp in _PREFIX:
        if s.startswith(word):
            comparator, s = comp, s[len(word):].strip()
            break
    m = _NUMBER.search(s)
    if not m or s[: m.start()].strip():
        cn = _chinese(s)
        if cn is not None:  # a count printed in words: 五大行动, 十三个
            return Quantity(text=raw, kind="number", value=float(cn), comparator=comparator,
                            cumulative=cumulative)
        return Quantity(text=raw, kind="text", comparator=comparator, cumulative=cumulative)
    number = m.group(0).replace(",", "")
    rest = s[m.end():].strip()
    if re.match(r"[eE][-+]?\d", rest):  # 1e309: plans never print exponents (checks.numbers.values)
        return Quantity(text=raw, kind="text", comparator=comparator, cumulative=cumulative)
    for word, comp in _SUFFIX:
        if rest.endswith(word):
            comparator = comparator or comp
            rest = rest[: -len(word)].strip()
            break
    decimals = len(number.split(".")[1]) if "." in number else 0
    if sign < 0:
        comparator = _FLIP.get(comparator, comparator)
    return Quantity(text=raw, kind="number", value=sign * float(number), decimals=decimals,
                    comparator=comparator, cumulative=cumulative, unit=rest or None)


def _chinese(s: str) -> int | None:
    """A whole string that is a Chinese numeral (两 counts as 二), else None."""
    try:
        return from_cn(s.replace("两", "二")) if s else None
    except ValueError:
        return None
