"""Chinese numerals as official documents write them.

`to_cn(38) == "三十八"`, `from_cn("三十八") == 38` (1–99, canonical forms only: 十一,
not 一十一), and years digit by digit: `year_cn(2035) == "二〇三五"`. Labels such as
第三十八章 are built here and nowhere else.
"""

from __future__ import annotations

DIGITS = "〇一二三四五六七八九"
_VALUE = {ch: i for i, ch in enumerate(DIGITS)} | {"零": 0}


def to_cn(n: int) -> str:
    """1–99 as 一 … 九十九."""
    if not 1 <= n <= 99:
        raise ValueError(f"Chinese numerals are supported for 1–99, not {n}")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return DIGITS[ones]
    head = "" if tens == 1 else DIGITS[tens]
    return head + "十" + (DIGITS[ones] if ones else "")


def from_cn(text: str) -> int:
    """Inverse of `to_cn`; raises ValueError on anything but its canonical output."""
    if not text:
        raise ValueError("empty numeral")
    if "十" in text:
        head, _, tail = text.partition("十")
        if "十" in tail or (head and head not in DIGITS[2:]) or (tail and tail not in DIGITS[1:]):
            raise ValueError(f"not a canonical numeral: {text!r}")
        n = (_VALUE[head] if head else 1) * 10 + (_VALUE[tail] if tail else 0)
    elif len(text) == 1 and text in DIGITS[1:]:
        n = _VALUE[text]
    else:
        raise ValueError(f"not a canonical numeral: {text!r}")
    return n


def year_cn(year: int | str) -> str:
    """A year digit by digit with 〇 for zero: 2035 → 二〇三五."""
    s = str(year)
    if not s.isdigit():
        raise ValueError(f"not a year: {year!r}")
    return "".join(DIGITS[int(c)] for c in s)


def year_from_cn(text: str) -> int:
    """二〇三五 (or 二零三五) → 2035."""
    try:
        return int("".join(str(_VALUE[c]) for c in text))
    except KeyError:
        raise ValueError(f"not a year in Chinese digits: {text!r}") from None


def part_label(n: int) -> str:
    return f"第{to_cn(n)}篇"


def chapter_label(n: int) -> str:
    return f"第{to_cn(n)}章"


def section_label(n: int) -> str:
    return f"第{to_cn(n)}节"


def column_label(n: int) -> str:
    return f"专栏 {n}"


def figure_label(n: int) -> str:
    return f"图 {n}"
