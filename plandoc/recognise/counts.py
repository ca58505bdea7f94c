"""Counts in plain prose: “A、B、C 三大…”, “A、B 等 5 条…”, “两大产业集群：A、B”.

A count is a number (Arabic, or Chinese: 两大, 五大, 十项; never 一, which reads “a”)
with a measure word (个 项 条 座 家 所 大 类 种 县), and a list of at least two items
separated by 、 (the last may be joined by 和/及/与) either right before it, or right
after the counted noun behind ：, ，即, ，包括, ，分别是 or （.

A list before the number without 等 is exhaustive. With 等 (“A、B、C 等 5 条”) it is
exhaustive too by default; as 等 may also mean “and others”, a
list shorter than the count is a note, and one shorter than half the count reads as
examples (“龙家桥、岭口、芦江等 13 个”) and is not checked. A list after
the noun is exhaustive. Items are short (at most 16 characters, no digits, no
commas); the first item of a list before the number starts after its verb (形成、实施、
打造…) or at an opening quotation mark.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..numerals import read_cn
from .text import COUNT, NUMBER, BlockText

NUM = re.compile(r"(?=[\d两二三四五六七八九十])(?P<num>\d+|[两二三四五六七八九十]{1,3})(?P<mw>个|项|条|座|家|所|大|类|种|县)")
VERBS = re.compile(r"(?:形成|建设|实施|打造|推进|发展|新建|建成|构建|培育|做好|建立|完善|提升|推动|支持|"
                   r"包括|涵盖|开展|启动|规划|布局|聚焦|围绕|依托|突出|抓好|强化|加快|重点|积极|着力|全面|"
                   r"创建|统筹|优化|加强对|加强|健全|深化|落实|促进|巩固|坚持|发挥|拓展|扩大|鼓励|"
                   r"完备的|形成了|有|是|为|即|对|、)")
AFTER = re.compile(r"[^，。；：、（]{1,14}?(?P<mark>：|:|，即|，包括|，分别是|，分别为|（)")
STOP = "，。；！？,;!?：:（）()"
FUNCTION = set("由从到达为在至和及与的了是有约共计超近")
"""A list does not end with these: “由 36 家”, “共 5 个”, “…于一体的 10 个” count no list."""
_DIGITS = re.compile(r"\d+")
_STOPS = re.compile("[" + re.escape(STOP) + "]")
JOIN = re.compile(r"以及|和|及|与")
MAX_ITEM = 16


@dataclass(frozen=True)
class FoundCount:
    start: int
    end: int
    """Squeezed span of the whole count (list and number)."""
    num: tuple[int, int]
    value: int
    members: tuple[tuple[int, int], ...]
    exhaustive: bool
    confident: bool


def recognise(block: BlockText) -> list[FoundCount]:
    t = block.text
    out = []
    if "、" not in t:
        return out
    stops: list[int] | None = None
    for m in NUM.finditer(t):
        s, e = m.span("num")
        if s and (t[s - 1] == "第" or t[s - 1].isdigit() or t[s - 1] in "两二三四五六七八九十"):
            continue
        near = t.rfind("、", max(0, s - 3 * MAX_ITEM), s) >= 0
        after = AFTER.match(t, m.end()) if not near else None
        if not near and after is None:
            continue  # no list right before it, none announced after it
        value = int(m.group("num")) if m.group("num").isdigit() else read_cn(m.group("num"))
        if not value or value < 2 or value > 99:
            continue
        if stops is None:
            stops = [x.start() for x in _STOPS.finditer(t)]
        found = (_before(t, m, value, stops) if near else None) or _after(t, m, value)
        if found is not None and not block.flags(found.start, found.end) & COUNT \
                and not block.flags(s, e) & NUMBER:
            out.append(found)
    return out


def _items(t: str, a: int, b: int, first_free: bool) -> list[tuple[int, int]] | None:
    """Item spans of the 、 list in t[a:b]; None when it does not look like a list."""
    spans, start = [], a
    for i in range(a, b + 1):
        if i == b or t[i] == "、":
            spans.append((start, i))
            start = i + 1
    last_a, last_b = spans[-1]
    joined = [j for j in JOIN.finditer(t, last_a, last_b)]
    if joined:
        j = joined[-1]
        spans[-1:] = [(last_a, j.start()), (j.end(), last_b)]
    if len(spans) < 2 or "、" not in t[a:b]:
        return None
    if first_free:
        fa, fb = spans[0]
        cut = max([fa] + [v.end() for v in VERBS.finditer(t, fa, fb) if v.end() < fb])
        if fb - cut > MAX_ITEM or re.search(r"\d", t[cut:fb]):  # “…改造和龙家桥、岭口…”
            cut = max([cut] + [j.end() for j in JOIN.finditer(t, cut, fb) if j.end() < fb])
        if fb - cut > MAX_ITEM:
            return None
        spans[0] = (cut, fb)
    for x, y in spans:
        item = t[x:y].strip("“”\"")
        if not 1 <= len(item) <= MAX_ITEM or re.search(r"\d|[，。；“”]", item):
            return None
    return [(x + (t[x] == "“"), y - (t[y - 1] == "”")) for x, y in spans]


def _before(t: str, m: re.Match, value: int, stops: list[int]) -> FoundCount | None:
    s = m.start("num")
    end = s
    while end and t[end - 1] in "等”\"这":
        end -= 1
    deng = "等" in t[end:s]
    if not end or t[end - 1] in FUNCTION or t.startswith(("以上", "多", "余"), m.end()):
        return None
    k = bisect.bisect_left(stops, end)
    a = stops[k - 1] + 1 if k else 0
    digits = [d.end() for d in _DIGITS.finditer(t, a, end)]
    if digits:  # “4 个公墓和祁阳、东安…5 个”: this list starts after the count before it
        joins = [j.end() for j in JOIN.finditer(t, digits[-1], end)]
        if not joins:
            return None
        a = joins[0]
    if "、" not in t[a:end]:
        return None
    quote = t.rfind("“", a, end)
    if quote >= 0:
        a = quote + 1
        items = _items(t, a, end, False)
    else:
        items = _items(t, a, end, True)
    if items is None:
        return None
    n = len(items)
    exhaustive, confident = True, True
    if deng and n < value:  # 等 may mean “and others”: a short list is a note at most
        exhaustive, confident = 2 * n >= value, False
    return FoundCount(items[0][0], m.end(), (s, m.end("num")), value, tuple(items),
                      exhaustive, confident)


def _after(t: str, m: re.Match, value: int) -> FoundCount | None:
    e = m.end()
    noun = AFTER.match(t, e)
    if noun is None:
        return None
    a = noun.end()
    close = "）" if noun.group("mark") == "（" else None
    stops = [i for i in (t.find(c, a) for c in ("，。；！？" + (close or ""))) if i >= 0]
    b = min(stops) if stops else len(t)
    items = _items(t, a, b, False)
    if items is None:
        return None
    return FoundCount(m.start("num"), items[-1][1], m.span("num"), value, tuple(items), True, True)
