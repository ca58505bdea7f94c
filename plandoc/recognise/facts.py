"""Facts in plain prose: a number bound to the indicator whose name governs it.

A number is a candidate with its unit (%, 个百分点, 亿元, 万人…, a bare 万/亿), its
comparator (超过/不低于/约… before it, 以上/左右/以内… after it). It is *not* a
candidate when it is a year (2035年), an ordinal (第二批), part of a code or a name
(G55, 5G, 4A, PM2.5, IPv6), phone-like (7 digits or more, or a leading 0), one end of a
range (5—8%, 3至5), inside quotation marks or 《》, a multiple (6.95倍), a mark
passed (突破2000亿元大关), or under markup.

Binding, in the number's clause (between ，；。：！？): the nearest indicator name before
it (a name right after 占 is a denominator, not a subject); else a name right after
the number and its measure word (10 个商贸流通综合体); else, when the clause is only a
predicate (“，年均增长 7.5%”), the subject of the previous clause of the sentence;
else a short subject whose qualifier the sentence gave (中心城区…，人口达到 100 万: 中心城区
+ 人口 is a name). 城乡X … 分别 A、B binds A to 城镇X and B to 农村X.

Year: the nearest year before the number in its sentence (2020年, 到2025年, “十三五” =
2020, “十四五” = 2025, 五年来 = the year before the plan's period; 比/较 2015年 is a base
of comparison, not the fact's year), else in its block, else the last one of the chapter.

Role: 年均增长 → rate (actual-rate for a past year) from year − period length;
提高/增加 N 个百分点 and 比 Y 年增长 → the same, cumulative; 下降/降低 N → the same,
cumulative unless 年均, the printed decrease part of the quantity (下降 33% 以上 reads
−33, at most), except for an indicator named for the decrease (万元 GDP 用水量下降 10%:
10, as its table prints it); 由 A … 到 B → A base of the start year, B the end value;
otherwise target for a year of the period or later, actual for the year before it, base
for earlier years.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from ..model import Quantity
from ..quantity import parse as parse_quantity
from .names import Entry, Names
from .text import NUMBER, BlockText

UNITS = sorted("""个百分点 微克/立方米 毫克/立方米 亿立方米 万立方米 立方米 平方公里 万平方米 平方米
亿千瓦时 万千瓦时 千瓦时 万千瓦 千瓦 万亿元 亿元 万元/人 万元 元/人 元 万人次 人次 万人 人/亿元 人
万户 户 万套 套 万吨 吨 万亩 亩 万头 头 公里 千米 万个 个 家 所 条 座 件 项 张 处 万辆 辆 床 名 台
批次/千人 公顷 万 亿 % ％ ‰ 岁 小时 天""".split(), key=len, reverse=True)
NUM = re.compile(r"(?=[超高不低≥≤><约\d])(?P<pre>超过|高于|不低于|不少于|不超过|低于|≥|≤|>|<|约)?"
                 r"(?P<num>\d+(?:\.\d+)?)"
                 r"(?P<unit>" + "|".join(re.escape(u) for u in UNITS) + r")?"
                 r"(?P<suf>以上|以下|以内|左右)?")
YEAR = re.compile(r"(?=[12十五过])(?:(?P<y>(?:19|20)\d{2})年(?!均)|(?P<p>十[三四五]五)”?|(?P<past>五年来|过去五年))")
"""(The lookahead lets the engine skip to the characters a year can start with.)"""
BASE = "比较同与"
"""A year right after one of these is a base of comparison (比 2015 年), not the fact's year."""
PERIODS = {"十三五": 2020, "十四五": 2025, "十五五": 2030}
"""The five-year periods by their last year (the number named is the period's)."""
CLAUSE = "，；。：！？,;:!?"
SENTENCE = "。；！？;!?"
RANGE = "-—–～~至"
NOT_AFTER = set("年月日号时届期批版代级类星倍次多余")
PERCENT = {"%", "％", "个百分点"}
PREDICATE = re.compile(
    r"(?:其中)?(?:年均|分别|年均分别|分别年均)?(?:增长|增速|递增|提高|提升|增加|下降|降低|减少)?(?:分别)?"
    r"(?:达到?|为|至|到)?$|(?:比|较)(?:19|20)\d{2}年(?:末|底)?(?:分别)?(?:增长|提高|提升|下降|降低|减少)$")
RATE = re.compile(r"年均(?:分别)?(?:增长|增速|递增|提高|下降|降低)?(?:分别)?(?:为|达到?)?$")
CUMULATIVE = re.compile(r"(?:累计|(?:比|较)(?:19|20)\d{2}年(?:末|底)?)(?:分别)?(?:增长|提高|提升|增加|下降|降低|减少)")
DOWN_WORDS = ("下降", "降低", "减少")
DOWN = re.compile(r"(?P<verb>下降|降低|减少)\Z")
"""A decrease printed right before the number: part of the quantity (下降 33% 以上)."""
DECREASE = re.compile(r"(?:下降|降低|减少)(?:分别)?(?:为|了)?$")
FROM_TO = re.compile(r"由.*(?:到|至)")
MONEY = "元"


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    """Squeezed span of the printed quantity (comparators included)."""
    ind: str
    year: int
    role: str
    from_year: int | None
    quantity: Quantity
    confident: bool


@dataclass
class Context:
    """What recognition carries from block to block within a chapter."""

    period_from: int
    period_to: int
    year: int | None = None

    @property
    def span(self) -> int:
        return max(self.period_to - self.period_from + 1, 1)


def _years(text: str, ctx: Context) -> list[tuple[int, int, int, bool]]:
    """(start, end, year, is comparison base) of every year expression."""
    out = []
    for m in YEAR.finditer(text):
        if m.group("y"):
            start = m.start()
            base = start > 0 and text[start - 1] in BASE
            out.append((start - base, m.end(), int(m.group("y")), base))
        elif m.group("past"):  # 五年来: the period before the plan's, ending the year before it
            out.append((m.start(), m.end(), ctx.period_from - 1, False))
        else:
            out.append((m.start(), m.end(), PERIODS[m.group("p")], False))
    return out


def candidates(block: BlockText) -> list[re.Match]:
    t = block.text
    quotes = [q.start() for q in _QUOTE.finditer(t)]
    out = []
    for m in NUM.finditer(t):
        s, e = m.start("num"), m.end()
        num, unit = m.group("num"), m.group("unit")
        before = t[s - 1] if s else ""
        after_num = t[m.end("num")] if m.end("num") < len(t) else ""
        after = t[e] if e < len(t) else ""
        if before == "第" or (before.isascii() and (before.isalnum() or before == ".")):
            continue
        if after_num.isascii() and after_num.isalpha():
            continue
        if not unit and not m.group("suf") and after in NOT_AFTER:
            continue
        if after in RANGE and t[e + 1: e + 2].isdigit():
            continue
        if before in RANGE and s >= 2 and (t[s - 2].isdigit() or t[s - 2] in "%％"):
            continue
        if "." not in num and not unit and (len(num) >= 7 or (len(num) > 1 and num[0] == "0")):
            continue
        if t.startswith("大关", e) or after in "/":
            continue
        if _inside_quotes(quotes, t, s):
            continue
        if block.flags(m.start(), e) & NUMBER:
            continue
        out.append(m)
    return out


_QUOTE = re.compile("[“”《》]")


def _inside_quotes(quotes: list[int], t: str, i: int) -> bool:
    k = bisect.bisect_left(quotes, i)
    return k > 0 and t[quotes[k - 1]] in "“《"


def recognise(block: BlockText, names: Names, ctx: Context) -> list[Found]:
    """The facts of one block; updates ctx.year for the blocks that follow."""
    t = block.text
    years = _years(t, ctx)
    matches = [x for x in names.find(t) if x[0] == 0 or t[x[0] - 1] != "占"] \
        if _DIGIT.search(t) else []
    cands = candidates(block) if matches else []
    found: list[Found] = []
    if cands:
        if matches:
            consumed = set(block.marked)
            bounds = _bounds(t)
            subjects = _subjects(t, matches, bounds)
            for m in cands:
                f = _bind(block, m, matches, years, ctx, subjects, consumed, names, bounds)
                if f is not None:
                    found.append(f)
    own = [y for y in years if not y[3]]
    if own:
        ctx.year = own[-1][2]
    return found


_DIGIT = re.compile(r"\d")
_CLAUSE_END = re.compile("[" + re.escape(CLAUSE) + "]")


def _bounds(t: str) -> list[int]:
    """Offsets of the clause delimiters of t."""
    return [m.start() for m in _CLAUSE_END.finditer(t)]


def _clauses(t: str, bounds: list[int]) -> list[tuple[int, int]]:
    starts = [0] + [b + 1 for b in bounds]
    return list(zip(starts, bounds + [len(t)]))


def _subjects(t: str, matches, bounds) -> dict[int, tuple[Entry, int] | None]:
    """Clause start -> the subject a predicate-only clause inherits (“，年均增长 7.1%”):
    the last name of the clause, or the subject of the clause before it in the sentence."""
    out: dict[int, tuple[Entry, int] | None] = {}
    prev = None
    k = 0
    for a, b in _clauses(t, bounds):
        inside = []
        while k < len(matches) and matches[k][0] < b:
            if matches[k][0] >= a and matches[k][1] <= b:
                inside.append(matches[k])
            k += 1
        if inside:
            prev = (inside[-1][2], inside[-1][1])
            out[a] = None
        elif prev is not None and a and t[a - 1] not in SENTENCE and _predicate(t[a:b]):
            out[a] = prev
        else:
            out[a] = None
            prev = None
    return out


def _predicate(clause: str) -> bool:
    """A clause that only predicates (达到 2107.7 亿元 / 年均增长 7.1%) of the last subject."""
    if len(clause) > 40:
        return False
    head = re.split(r"[\d约超≥>]", _no_years(clause), maxsplit=1)[0]
    return bool(head) and head != clause and PREDICATE.fullmatch(head) is not None


def _clause(t: str, s: int, e: int, bounds: list[int] | None = None) -> tuple[int, int]:
    bounds = _bounds(t) if bounds is None else bounds
    k = bisect.bisect_left(bounds, s)
    a = bounds[k - 1] + 1 if k else 0
    k = bisect.bisect_left(bounds, e)
    return a, bounds[k] if k < len(bounds) else len(t)


def _sentence_start(t: str, s: int) -> int:
    return max(t.rfind(c, 0, s) for c in SENTENCE) + 1


def _bind(block, m, matches, years, ctx, subjects, consumed, names, bounds) -> Found | None:
    t = block.text
    s, e = m.start(), m.end()
    cs, ce = _clause(t, s, e, bounds)
    unit = m.group("unit")
    entry, gap, name_end, name = None, "", cs, ""
    before = [x for x in matches if x[0] >= cs and x[1] <= s]
    if before:
        n_start, name_end, entry = before[-1]
        name, gap = t[n_start:name_end], t[name_end:s]
        if not _gap_ok(gap) or not _adds_ok(t[cs:n_start], names, entry):
            entry = None
    if entry is None:
        after = [x for x in matches if x[0] in (e, e + 1) and (x[0] == e or t[e] == "的")]
        if after and (not unit or unit in MEASURE) and _adds_ok(t[cs:s], names, after[0][2]):
            entry, name_end, gap = after[0][2], cs, t[cs:s]
            name = t[after[0][0]:after[0][1]]
    if entry is None and not before:
        carried = subjects.get(cs)
        if carried is not None:
            entry, name_end = carried[0], cs
            gap = t[cs:s]
    if entry is None:
        elided = _elided(t, cs, s, matches, names)
        if elided is None:
            return None
        entry, name_end, gap = elided
    index = 0
    if entry.pair:
        if "分别" not in t[name_end:s]:
            return None
        index = len(re.findall(r"\d+(?:\.\d+)?", _no_years(t[name_end:s])))
        if index >= len(entry.inds):
            return None
    ind = entry.inds[index]
    if ind in consumed:
        return None
    if name.endswith(("下降", "降低", "减少", "增长", "增速")):
        gap = "年均" + gap if name.endswith(("增长", "增速")) else "下降" + gap
    return _fact(block, m, ind, gap, years, ctx, names, not entry.ambiguous)


HEAD = re.compile(r"(?P<head>[\u4e00-\u9fff]{1,6}?)(?:稳定在|控制在|保持在|提高到|增加到|年均增长|达到|达|为|突破|超过)")


def _elided(t: str, cs: int, s: int, matches, names: Names):
    """“中心城区建成区面积达到 110 平方公里，人口达到 100 万”: a short subject whose qualifier
    the sentence already gave (中心城区 + 人口 names an indicator). Also after a 、 in the
    clause (“粮食播种面积稳定在 724 万亩、总产量稳定在 300 万吨”)."""
    a = max(cs, t.rfind("、", cs, s) + 1)
    m = HEAD.fullmatch(t, a, s)
    if m is None:
        return None
    sentence = _sentence_start(t, s)
    earlier = [x for x in matches if sentence <= x[0] and x[1] <= a]
    if not earlier:
        return None
    named = t[earlier[-1][0]:earlier[-1][1]]
    for k in range(len(named) - 1, 0, -1):
        entry = names.entries.get(named[:k] + m.group("head"))
        if entry is not None and not entry.pair:
            return entry, m.end("head"), t[m.end("head"):s]
    return None


MEASURE = "个家所条座件项处张台名万亿"
INCREMENT = re.compile(r"新增|新认定|新培育|新建|新引进|新开工|新创建|新改建|新打造|新创")


def _adds_ok(before: str, names: Names, entry: Entry) -> bool:
    """“新认定 220 家高新技术企业” adds to a stock, unless the indicator counts what is new."""
    verb = INCREMENT.search(before)
    return verb is None or any(verb.group() in names.full.get(i, "") for i in entry.inds)


_TO_YEAR = re.compile(r"(?:到|至|截至)(?=(?:19|20)\d{2}年)")
_QUANTITY = re.compile(NUM.pattern)
GAP = re.compile(
    r"(?:全市|全省|全社会|年均|累计|分别|力争|预计|将|要|均|总数|总量|总计|合计|总规模|规模|人数|"
    r"稳定在|控制在|保持在|维持在|达到了|达到|达|为|突破|超过|升至|提升至|提升到|提高到|提高至|"
    r"增加到|增加至|增长到|增长至|降至|降低到|降低至|下降到|下降至|下降|降低|减少|增长|增速|递增|"
    r"提高|提升|增加|拓展到|扩大到|扩大至|由|的|至|到|在|实现|完成|比|较|末|底|了|共|约|"
    r"以上|左右|其中|每年|平均|可达|有|建有|至少|建成|新增|、)*")


_YEAR_WITH_BASE = re.compile(r"[比较同与]?(?:" + YEAR.pattern + ")")


def _no_years(text: str) -> str:
    return _YEAR_WITH_BASE.sub("", _TO_YEAR.sub("", text))


def _gap_ok(gap: str) -> bool:
    plain = _no_years(gap)
    if FROM_TO.search(gap) or "分别" in plain:
        plain = re.sub("和|及|与", "", _QUANTITY.sub("", plain))
    elif "、" in plain:
        return False
    return len(plain) <= 12 and GAP.fullmatch(plain) is not None


def _fact(block, m, ind, gap, years, ctx, names, confident) -> Found | None:
    t = block.text
    s, e = m.start(), m.end()
    unit = m.group("unit") or ""
    ind_unit = (names.units.get(ind) or "").replace("％", "%")
    plain_gap = _no_years(gap)
    if "分别" in plain_gap:  # 分别增长 8.4%、8.8%: the second reads like the first
        plain_gap = re.sub("[、和及与]", "", _QUANTITY.sub("", plain_gap))
    year, explicit = _year_of(t, s, years, ctx)
    if year is None:
        year, confident = ctx.period_to, False
    future = year >= ctx.period_from
    role = "target" if future else ("actual" if year == ctx.period_from - 1 else "base")
    from_year = None
    cumulative = False
    rate = bool(RATE.search(plain_gap)) or bool(DECREASE.search(plain_gap))
    if CUMULATIVE.search(gap) or unit == "个百分点":
        rate, cumulative = True, True
    if cumulative and unit not in PERCENT and ind_unit not in PERCENT and not plain_gap.startswith("下降"):
        return None  # 比 2015 年增加 249 家: an absolute change, which no table states
    if rate:
        role = "rate" if future else "actual-rate"
        from_year = year - ctx.span
    elif plain_gap.endswith("由") and re.search("到|至", t[e:_clause(t, s, e)[1]]) and \
            not YEAR.search(gap[gap.rfind("由"):]):
        role, year = "base", year - ctx.span  # 由 A 增加到 B: A is the start of the period
    if not rate and unit in PERCENT and ind_unit not in PERCENT:
        return None  # a share or a rate of something else (占…的 17.5%)
    if unit and ind_unit and (unit.endswith(MONEY) != ind_unit.endswith(MONEY)) and not rate:
        return None
    down = DOWN.search(t, max(0, s - 6), s)
    if down is not None and not names.full.get(ind, "").split("|")[0].endswith(DOWN_WORDS):
        # 死亡率下降 33% 以上: a change of -33 at most over the period (as a table's [-33%]),
        # read by quantity.parse from the printed 下降; an indicator named for the decrease
        # (万元 GDP 用水量下降 10%) keeps the printed 10, as its table does.
        s, cumulative = down.start("verb"), cumulative or "年均" not in plain_gap
        rate = True
        role, from_year = ("rate" if future else "actual-rate"), year - ctx.span
    quantity = parse_quantity(block.printed(s, e))
    if cumulative and not quantity.cumulative:
        quantity = replace(quantity, cumulative=True)
    if quantity.unit in ("万", "亿") and ind_unit.startswith(quantity.unit) and not m.group("suf"):
        # 67.35 万贫困人口, 人口达到 100 万: the 万 belongs to the indicator's unit (万人), as
        # hand markup has it (<fact>100</fact> 万); the fact is the number alone
        e = m.end("num")
        quantity = parse_quantity(block.printed(s, e))
    if quantity.value is None:
        return None
    return Found(s, e, ind, year, role, from_year, quantity, confident)


def _year_of(t, s, years, ctx) -> tuple[int | None, bool]:
    """The fact's year, and whether it was stated in the number's own sentence."""
    sentence = _sentence_start(t, s)
    own = [y for y in years if y[1] <= s and not y[3]]
    if own and own[-1][0] >= sentence:
        return own[-1][2], True
    if own:
        return own[-1][2], False
    return ctx.year, False
