"""Chinese numerals as official documents write them.

`to_cn(38) == "三十八"`, `from_cn("三十八") == 38` (1–9999, canonical forms only: 十一,
not 一十一; 一百零一), and years digit by digit: `year_cn(2035) == "二〇三五"`. Labels such as
第三十八章 are built here and nowhere else.
"""

from __future__ import annotations

DIGITS = "〇一二三四五六七八九"
_VALUE = {ch: i for i, ch in enumerate(DIGITS)} | {"零": 0}


_UNITS = [(1000, "千"), (100, "百"), (10, "十")]


def to_cn(n: int) -> str:
    """1–99999999 as 一 … (十一 not 一十一; 一百零一, 一千零一十, 一万零一 with 零 for gaps)."""
    if not 1 <= n <= 99_999_999:
        raise ValueError(f"Chinese numerals are supported for 1–99999999, not {n}")
    if n >= 10_000:
        high, low = divmod(n, 10_000)
        return to_cn(high) + "万" + ("" if not low else ("零" if low < 1000 else "") + _below_10000(low))
    return _below_10000(n)


def _below_10000(n: int) -> str:
    if 10 <= n <= 19:
        return "十" + (DIGITS[n - 10] if n > 10 else "")
    out, zero = [], False
    for value, unit in _UNITS:
        digit, n = divmod(n, value)
        if digit:
            if zero:
                out.append("零")
                zero = False
            out.append(DIGITS[digit] + unit)
        elif out:
            zero = True
    if n:
        if zero:
            out.append("零")
        out.append(DIGITS[n])
    return "".join(out)


def from_cn(text: str) -> int:
    """Inverse of `to_cn`; raises ValueError on anything but its canonical output."""
    if "万" in text:
        high, _, low = text.partition("万")
        n = from_cn(high) * 10_000 + (_from_below_10000(low.lstrip("零"), text) if low else 0)
    else:
        n = _from_below_10000(text, text)
    if to_cn(n) != text:
        raise ValueError(f"not a canonical numeral: {text!r}")
    return n


def _from_below_10000(text: str, whole: str) -> int:
    n = 0
    rest = text
    for value, unit in _UNITS:
        if unit in rest:
            head, _, rest = rest.partition(unit)
            head = head.lstrip("零")
            if head == "" and value == 10 and n == 0:
                digit = 1
            elif len(head) == 1 and head in DIGITS[1:]:
                digit = _VALUE[head]
            else:
                raise ValueError(f"not a canonical numeral: {whole!r}")
            n += digit * value
    rest = rest.lstrip("零")
    if rest:
        if len(rest) != 1 or rest not in DIGITS[1:]:
            raise ValueError(f"not a canonical numeral: {whole!r}")
        n += _VALUE[rest]
    if not n:
        raise ValueError(f"not a canonical numeral: {whole!r}")
    return n


def read_cn(text: str) -> int | None:
    """Lenient reading of a numeral as printed (一十一, 两, 二零 as well as canonical
    forms), for the importer, which must read what the text says before judging it.
    None when `text` is not a numeral; never raises."""
    units = {"十": 10, "百": 100, "千": 1000}
    if not text or any(ch not in _VALUE and ch not in units and ch not in "两万" for ch in text):
        return None
    total, section, digit = 0, 0, None
    for ch in text.replace("两", "二"):
        if ch == "万":
            total += (section + (digit or 0)) * 10_000
            section, digit = 0, None
        elif ch in units:
            section += (1 if digit is None else digit) * units[ch]
            digit = None
        else:
            digit = _VALUE[ch]
    return total + section + (digit or 0) or None


def read_year(text: str) -> int | None:
    """A year digit by digit (二〇三五, 二零三五) or in Arabic digits; None otherwise."""
    if text.isdigit():
        return int(text)
    try:
        return year_from_cn(text) if len(text) == 4 else None
    except ValueError:
        return None


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


LEVELS = ("一、", "（一）", "1.", "（1）")
"""The numbered levels of GB/T 9704 below 章/节, in order of depth."""


def part_label(n: int) -> str:
    return f"第{to_cn(n)}篇"


def chapter_label(n: int, style: str = "第一章") -> str:
    return level_label(style, n) if style in LEVELS else f"第{to_cn(n)}章"


def section_label(n: int, style: str = "第一节") -> str:
    return level_label(style, n) if style in LEVELS else f"第{to_cn(n)}节"


def level_label(style: str, n: int) -> str:
    """The number of a numbered level as its style prints it: 一、 （二） 3. （4）."""
    if style == "一、":
        return f"{to_cn(n)}、"
    if style == "（一）":
        return f"（{to_cn(n)}）"
    if style == "1.":
        return f"{n}."
    return f"（{n}）"


def column_label(n: int, style: str = "1", chapter: int = 0, k: int = 0) -> str:
    """专栏 3 (continuous), 专栏三 (Chinese numerals) or 专栏 2-1 (chapter 2, its first)."""
    if style == "一":
        return f"专栏{to_cn(n)}"
    return f"专栏 {chapter}-{k}" if style == "1-1" else f"专栏 {n}"


def figure_label(n: int, style: str = "1", chapter: int = 0, k: int = 0) -> str:
    return f"图 {chapter}-{k}" if style == "1-1" else f"图 {n}"
