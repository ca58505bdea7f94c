"""Text lint over every paragraph, item and entry: repeated sentences, missing
sentence-final punctuation, unbalanced brackets and quotes, traditional characters,
near-misses of gazetteer names, full-width digits and mixed percent signs.

What the published plan may well intend is a warning; what it says and nobody can
verify is a note. All work is linear in the text (gazetteer near-misses use a
one-character-wildcard index), so `check` stays fast on the whole plan.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterator

from .. import diagnostics as dg
from .. import model as m

FINAL = "。！？；：…”’）」』》】!?;:)"
PAIRS = {"（": "）", "《": "》", "“": "”", "‘": "’", "【": "】", "「": "」", "(": ")"}
SENTENCE = re.compile(r"[^。！？；]+[。！？；]")
CJK = re.compile(r"[\u4e00-\u9fff]")
_NOT_CJK = re.compile(r"[^\u4e00-\u9fff]+")
FULLWIDTH_DIGIT = re.compile(r"[０-９]+")
NEAR_MISS_MIN = 4
"""Gazetteer names shorter than this are not searched for near-misses."""
MIN_REPEAT = 8
"""Sentences shorter than this (in CJK characters) may repeat freely (e.g. 明确责任。)."""


_LAST: list = [None, []]
"""The last plan's prose blocks: six checks read them, computed once per plan."""


def _blocks(plan: m.Plan) -> list[tuple[str, m.Loc, str]]:
    if _LAST[0] is not plan:
        _LAST[:] = [plan, list(_prose(plan))]
    return _LAST[1]


def _prose(plan: m.Plan) -> Iterator[tuple[str, m.Loc, str]]:
    """(kind, loc, text) of every prose block in reading order, with each <sic> read
    as its correction (an error already marked is not reported again)."""
    def walk(blocks):
        for b in blocks:
            if isinstance(b, m.Paragraph):
                yield "p", b.loc, m.corrected(b.lead + b.content)
            elif isinstance(b, m.Subhead):
                yield "subhead", b.loc, m.corrected(b.content)
            elif isinstance(b, m.Entry):
                yield "entry", b.loc, m.corrected(b.name + b.content)
            elif isinstance(b, m.ListBlock):
                for it in b.items:
                    yield "item", it.loc, m.corrected(it.lead + it.content)
            elif isinstance(b, m.Column):
                yield from walk(b.blocks)

    if plan.notice:
        yield from walk(plan.notice.blocks)
    yield from walk(plan.preamble)
    for part in plan.parts:
        yield from walk(part.blocks)
        for ch in part.chapters:
            yield from walk(ch.blocks)
            for sec in ch.sections:
                yield from walk(sec.blocks)
    yield from walk(plan.closing)


def _make(code, loc, message, hint=None, severity=None, **data):
    return dg.make(code, loc.file, loc.line, loc.column, message, hint, severity, **data)


CACHED_CHARS = 4096
"""Paragraphs up to this length are remembered between compiles (serve recompiles on
every edit); a longer one is worked out each time, so that a hostile plan cannot make
the caches hold gigabytes (65536 entries of megabyte paragraphs)."""


def _paragraph_cache(fn):
    cached = functools.lru_cache(maxsize=65536)(fn)

    @functools.wraps(fn)
    def call(text: str, *args):
        return cached(text, *args) if len(text) <= CACHED_CHARS else fn(text, *args)
    call.cache_info = cached.cache_info
    return call


@_paragraph_cache
def _long_sentences(text: str) -> tuple[str, ...]:
    """The sentences of a text long enough that a repetition is worth reporting."""
    return tuple(s for s in (s.strip() for s in SENTENCE.findall(text))
                 if len(s) >= MIN_REPEAT and len(_NOT_CJK.sub("", s)) >= MIN_REPEAT)


def repeated_sentences(plan: m.Plan) -> Iterator[dg.Diagnostic]:
    seen: dict[str, m.Loc] = {}
    for _, loc, text in _blocks(plan):
        local: set[str] = set()
        for sentence in _long_sentences(text):
            if sentence in local:
                yield _make("PD360", loc, f"同一段中句子重复：{sentence}")
            elif sentence in seen:
                first = seen[sentence]
                yield _make("PD360", loc, f"句子与 {dg.where(first.file, first.line, plan.root)} 重复：{sentence}",
                            "如系有意重申可忽略；否则删去其一。", dg.Severity.NOTE)
            local.add(sentence)
            seen.setdefault(sentence, loc)


def final_punctuation(plan: m.Plan) -> Iterator[dg.Diagnostic]:
    for kind, loc, text in _blocks(plan):
        stripped = text.rstrip()
        if kind != "subhead" and stripped and stripped[-1] not in FINAL:  # headings have none
            yield _make("PD361", loc, f"段落没有以句末标点结束：…{stripped[-12:]}")


# The per-text work below is memoised on the text itself: in `serve`, a rebuild after
# one edit only pays for the paragraphs that changed.

_BRACKET = re.compile("[" + re.escape("".join(PAIRS) + "".join(PAIRS.values())) + "]")


@_paragraph_cache
def _unbalanced(text: str) -> str | None:
    closers = {v: k for k, v in PAIRS.items()}
    stack: list[str] = []
    for ch in _BRACKET.findall(text):  # the brackets alone: a short list, not every character
        if ch in PAIRS:
            stack.append(ch)
        elif ch in closers:
            if stack and stack[-1] == closers[ch]:
                stack.pop()
            else:
                return ch
    return stack[-1] if stack else None


def brackets(plan: m.Plan) -> Iterator[dg.Diagnostic]:
    for _, loc, text in _blocks(plan):
        what = _unbalanced(text)
        if what:
            yield _make("PD362", loc, f"括号或引号不成对：{what}")


@functools.cache
def _converter():
    try:
        import opencc
    except ImportError:
        return None
    return opencc.OpenCC("t2s")


@_paragraph_cache
def _traditional_chars(text: str, names: tuple[str, ...]) -> tuple[str, ...]:
    if _converter().convert(text) == text:  # nearly every paragraph: no name to look for
        return ()
    for name in names:  # proper names keep their customary characters (蘋洲书院)
        if name in text:
            text = text.replace(name, "\u3000" * len(name))
    simplified = _converter().convert(text)
    if simplified == text:
        return ()
    if len(simplified) != len(text):
        return ("（整段）",)
    return tuple(sorted({a + "→" + b for a, b in zip(text, simplified) if a != b}))


def traditional(plan: m.Plan) -> Iterator[dg.Diagnostic]:
    """Characters OpenCC's t2s would change, outside the names of the gazetteer."""
    if _converter() is None:
        yield _make("PD363", m.Loc(plan.root, 0), "未安装 opencc，无法检查繁体字",
                    "运行 scripts/setup.sh 安装依赖。", dg.Severity.NOTE)
        return
    names = tuple(sorted({n.text for n in plan.gazetteer}, key=lambda n: (-len(n), n)))
    for _, loc, text in _blocks(plan):
        found = _traditional_chars(text, names)
        if found:
            yield _make("PD363", loc, "简体文本中有繁体字：" + "，".join(found[:8]))


@functools.lru_cache(maxsize=4)
def _index(names: tuple[str, ...]) -> dict[str, dict[int, dict[str, set[str]]]]:
    """final char -> length -> wildcard key -> names: 冷水滩区 gives 区 -> 4 ->
    {"\0水滩区", "冷\0滩区", "冷水\0区"} (the final, the name's kind, must match)."""
    index: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(set)))
    for name in names:
        for i in range(len(name) - 1):
            index[name[-1]][len(name)][name[:i] + "\0" + name[i + 1:]].add(name)
    return {f: {n: dict(keys) for n, keys in by_len.items()} for f, by_len in index.items()}


@functools.lru_cache(maxsize=4)
def _finals(names: tuple[str, ...]) -> re.Pattern:
    """The final characters of the names: one regex pass finds where a window may end."""
    return re.compile("[" + "".join(sorted({re.escape(n[-1]) for n in names})) + "]")


def _inside_known(text: str, start: int, end: int, known: frozenset[str]) -> bool:
    """Whether occurrences of known names cover every character of text[start:end]
    (one name around it, or several side by side: 九嶷河 + 舜帝陵)."""
    covered = [False] * (end - start)
    for name in known:
        stop = end + len(name) - 1  # occurrences that overlap the window end before this
        at = text.find(name, max(0, start - len(name) + 1), stop)
        while at >= 0:
            for i in range(max(at, start), min(at + len(name), end)):
                covered[i - start] = True
            at = text.find(name, at + 1, stop)
    return all(covered)


@_paragraph_cache
def _near_misses(text: str, names: tuple[str, ...], known: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """Windows one character off a name of four or more characters, with the same final
    character. A window inside an occurrence of a known name (洪市镇 in 芦洪市镇) is no
    miss. Three-character names are left out: sharing two characters with one of them
    (沿江湖 and 东江湖) happens by chance far more often than by a slip."""
    index = _index(names)
    found: dict[str, str] = {}
    for final in _finals(names).finditer(text):
        end = final.end()
        for length, keys in index[final.group()].items():
            start = end - length
            word = text[start:end]
            if start < 0 or word in known or word in found or not CJK.fullmatch(word[0]):
                continue
            for i in range(length - 1):
                hits = keys.get(word[:i] + "\0" + word[i + 1:])
                if hits and not _inside_known(text, start, end, known):
                    found[word] = min(hits)
                    break
    return tuple(found.items())


def gazetteer(plan: m.Plan) -> Iterator[dg.Diagnostic]:
    """A word one character away from a gazetteer name (same final character)."""
    names = tuple(sorted({n.text for n in plan.gazetteer if len(n.text) >= NEAR_MISS_MIN}))
    if not names:
        return
    known = frozenset(n.text for n in plan.gazetteer)
    for _, loc, text in _blocks(plan):
        for word, name in _near_misses(text, names, known):
            yield _make("PD364", loc, f"疑似专名错字：{word}，是否应为 {name}？",
                        f"如确为 {word}，把它加入 gazetteer.xml；否则改为 {name}。",
                        found=word, expected=name)


def digits_and_percent(plan: m.Plan) -> Iterator[dg.Diagnostic]:
    blocks = _blocks(plan)
    half = sum(t.count("%") for _, _, t in blocks)
    full = sum(t.count("％") for _, _, t in blocks)
    minority = "％" if full < half else "%" if half < full else None
    for _, loc, text in blocks:
        for run in FULLWIDTH_DIGIT.findall(text):
            yield _make("PD365", loc, f"全角数字：{run}")
        if minority and minority in text:
            yield _make("PD366", loc, f"百分号混用：全文多用 {'%' if minority == '％' else '％'}，此处用 {minority}")
