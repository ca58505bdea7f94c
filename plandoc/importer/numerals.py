"""Chinese numerals as printed in plan headings (第三十八章) and titles (二〇三五年).

Role: convert between ints and the numerals used in headings, and read digit-by-digit
years. Guarantees: ``parse(format(n)) == n`` for 1 <= n <= 999; ``parse`` returns None
for anything that is not a numeral, never raises.
"""

from __future__ import annotations

DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
          "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100}
_NAMES = "〇一二三四五六七八九"


def parse(text: str) -> int | None:
    """The value of a numeral such as 三十八 or 一百零二; None if it is not one."""
    if not text or any(ch not in DIGITS and ch not in UNITS for ch in text):
        return None
    total, digit = 0, None
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * UNITS[ch]
            digit = None
    return total + (digit or 0)


def format(n: int) -> str:  # noqa: A001 - mirrors str.format's role for numerals
    """The heading numeral for n (1..999): 1 -> 一, 10 -> 十, 38 -> 三十八, 102 -> 一百零二."""
    if not 1 <= n <= 999:
        raise ValueError(f"numeral out of range: {n}")
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += _NAMES[hundreds] + "百"
        if tens == 0 and ones:
            return out + "零" + _NAMES[ones]
    if tens:
        out += ("" if tens == 1 and not hundreds else _NAMES[tens]) + "十"
    if ones:
        out += _NAMES[ones]
    return out


def parse_year(text: str) -> int | None:
    """A year written digit by digit (二〇三五 -> 2035) or in Arabic digits."""
    if text.isdigit():
        return int(text)
    if len(text) == 4 and all(ch in DIGITS for ch in text):
        return int("".join(str(DIGITS[ch]) for ch in text))
    return None
