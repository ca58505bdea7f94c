"""Text lint over every paragraph, item and entry: repeated sentences, missing
sentence-final punctuation, unbalanced brackets and quotes, traditional characters,
near-misses of gazetteer names, full-width digits and mixed percent signs; and text
left as a placeholder (（待补）, TODO, （无题）) anywhere, titles and cells included.

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
from .. import places, walk

FINAL = "。！？；：…”’）」』》】!?;:)"
PAIRS = {"（": "）", "《": "》", "“": "”", "‘": "’", "【": "】", "「": "」", "(": ")"}
SENTENCE = re.compile(r"[^。！？；]+[。！？；]")
CJK = re.compile(r"[\u4e00-\u9fff]")
_NOT_CJK = re.compile(r"[^\u4e00-\u9fff]+")
FULLWIDTH_DIGIT = re.compile(r"[０-９]+")
NEAR_MISS_MIN = 4
"""Gazetteer names this long or longer: any one character off is a near-miss."""
NEAR_MISS_SHORT = 3
"""Names of three characters: only a homophone slip counts (see `_homophone_slip`)."""
MIN_REPEAT = 8
"""Sentences shorter than this (in CJK characters) may repeat freely (e.g. 明确责任。)."""


def _prose(plan: m.Plan) -> Iterator[tuple[str, m.Loc, str]]:
    """(kind, loc, text) of every prose block and title in reading order (`walk`), with
    each <sic> read as its correction (an error already marked is not reported again).
    Kinds: p, item, entry, subhead (a sub-heading or a numbered heading's title: no full
    stop, but not a title either) and title (parts, chapters, sections, 专栏, figures);
    a companion page's are prefixed "page-"."""
    for step in walk.steps(plan):
        node, prefix = step.node, "page-" if step.place.area == "page" else ""
        if isinstance(node, m.Page):
            yield "page-title", node.loc, node.title
            continue
        kind = _KINDS.get(type(node))
        if kind is not None:
            yield prefix + kind, node.loc, m.corrected(next(walk.texts(node)))


_KINDS = {m.Paragraph: "p", m.Item: "item", m.Entry: "entry", m.Subhead: "subhead",
          m.Subsection: "subhead", m.Part: "title", m.Chapter: "title", m.Section: "title",
          m.Column: "title", m.Figure: "title"}
"""What the text checks read of each kind of node (tables: `_table_texts`; the notice's
title and the appendices' are not linted)."""


def _make(code, loc, message, hint=None, severity=None, **data):
    return dg.make(code, loc.file, loc.line, loc.column, message, hint, severity, **data)


CACHED_CHARS = 4096
"""Texts up to this length are remembered between compiles (serve recompiles on every
edit); a longer one is worked out each time, so that a hostile plan cannot make the memo
hold gigabytes (65536 entries of megabyte paragraphs)."""
MEMO_SIZE = 65536
"""Results remembered per kind of work (a plan has a few thousand texts)."""


class Memo:
    """What the text checks remember, owned by whoever runs them: `check` makes one per
    run unless given one; `serve` keeps one across rebuilds (one per thread), so that a
    rebuild after one edit only pays for the texts that changed. The per-text work is
    memoised on the text itself (and the gazetteer it is read against)."""

    def __init__(self, size: int = MEMO_SIZE):
        self.size = size
        self.hits = self.misses = 0
        self._tables: dict[object, dict] = {}
        self._prose: tuple = (None, [])
        self._names: dict[tuple[str, ...], _Names] = {}

    def prose(self, plan: m.Plan) -> list[tuple[str, m.Loc, str]]:
        """The plan's prose blocks (`_prose`): six checks read them, computed once per plan."""
        last = self._prose
        if last[0] is not plan:
            last = (plan, list(_prose(plan)))
            self._prose = last
        return last[1]

    def __call__(self, fn, text: str, *args):
        """fn(text, *args), remembered unless the text is longer than CACHED_CHARS."""
        if len(text) > CACHED_CHARS:
            return fn(text, *args)
        table = self._tables.setdefault(fn, {})
        key = (text, *args)
        if key in table:
            self.hits += 1
            return table[key]
        self.misses += 1
        value = fn(text, *args)
        if len(table) >= self.size:
            del table[next(iter(table))]  # the oldest
        table[key] = value
        return value

    def names(self, names: tuple[str, ...]) -> "_Names":
        """The near-miss index of a gazetteer's names (one object per tuple of names)."""
        found = self._names.get(names)
        if found is None:
            if len(self._names) >= 4:
                self._names.clear()
            found = self._names[names] = _Names(names)
        return found

    def sizes(self) -> dict[str, int]:
        """How many results each kind of work holds (by function name)."""
        return {fn.__name__: len(table) for fn, table in self._tables.items()}


def _blocks(plan: m.Plan, memo: Memo | None) -> list[tuple[str, m.Loc, str]]:
    return (memo or Memo()).prose(plan)


def _long_sentences(text: str) -> tuple[str, ...]:
    """The sentences of a text long enough that a repetition is worth reporting."""
    return tuple(s for s in (s.strip() for s in SENTENCE.findall(text))
                 if len(s) >= MIN_REPEAT and len(_NOT_CJK.sub("", s)) >= MIN_REPEAT)


def repeated_sentences(plan: m.Plan, memo: Memo | None = None) -> Iterator[dg.Diagnostic]:
    memo = memo or Memo()
    seen: dict[str, m.Loc] = {}
    for kind, loc, text in memo.prose(plan):
        if kind.startswith("page"):
            continue  # a companion page quotes the plan's sentences on purpose
        local: set[str] = set()
        for sentence in memo(_long_sentences, text):
            if sentence in local:
                yield _make("PD360", loc, f"同一段中句子重复：{sentence}", text=sentence)
            elif sentence in seen:
                first = seen[sentence]
                yield _make("PD360", loc, f"句子与 {places.where(plan, first)} 重复：{sentence}",
                            "若非有意重申，删去其一；有意重申可在 accepted.xml 中记录决定。",
                            dg.Severity.NOTE, text=sentence)
            local.add(sentence)
            seen.setdefault(sentence, loc)


def final_punctuation(plan: m.Plan, memo: Memo | None = None) -> Iterator[dg.Diagnostic]:
    for kind, loc, text in _blocks(plan, memo):
        stripped = text.rstrip()
        if kind.removeprefix("page-") not in ("subhead", "title") and stripped and stripped[-1] not in FINAL:
            # headings have none
            yield _make("PD361", loc, f"段落没有以句末标点结束：…{stripped[-12:]}",
                        text=stripped[-12:])


# The per-text work below is memoised on the text itself: in `serve`, a rebuild after
# one edit only pays for the paragraphs that changed.

_BRACKET = re.compile("[" + re.escape("".join(PAIRS) + "".join(PAIRS.values())) + "]")


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


def brackets(plan: m.Plan, memo: Memo | None = None) -> Iterator[dg.Diagnostic]:
    memo = memo or Memo()
    for _, loc, text in memo.prose(plan):
        what = memo(_unbalanced, text)
        if what:
            yield _make("PD362", loc, f"括号或引号不成对：{what}", text=what)


@functools.cache
def _converter():
    try:
        import opencc
    except ImportError:
        return None
    return opencc.OpenCC("t2s")


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


def traditional(plan: m.Plan, memo: Memo | None = None) -> Iterator[dg.Diagnostic]:
    """Characters OpenCC's t2s would change, outside the names of the gazetteer."""
    if _converter() is None:
        yield _make("PD363", m.Loc(plan.root, 0), "未安装 opencc，无法检查繁体字",
                    "运行 scripts/setup.sh 安装依赖。", dg.Severity.NOTE)
        return
    memo = memo or Memo()
    names = tuple(sorted({n.text for n in plan.gazetteer}, key=lambda n: (-len(n), n)))
    for _, loc, text in memo.prose(plan):
        found = memo(_traditional_chars, text, names)
        if found:
            yield _make("PD363", loc, "简体文本中有繁体字：" + "，".join(found[:8]),
                        text="，".join(found))


class _Names:
    """Names of a gazetteer indexed for near-misses; hashed by identity (the memo keeps one
    per tuple of names, so the per-text results are keyed by it cheaply)."""

    def __init__(self, names: tuple[str, ...]):
        self.names = names
        self.index = _index(names)
        self.finals = _finals(names)


def _index(names: tuple[str, ...]) -> dict[str, dict[int, dict[str, set[str]]]]:
    """final char -> length -> wildcard key -> names: 冷水滩区 gives 区 -> 4 ->
    {"\0水滩区", "冷\0滩区", "冷水\0区"} (the final, the name's kind, must match)."""
    index: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(set)))
    for name in names:
        for i in range(len(name) - 1):
            index[name[-1]][len(name)][name[:i] + "\0" + name[i + 1:]].add(name)
    return {f: {n: dict(keys) for n, keys in by_len.items()} for f, by_len in index.items()}


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


def _near_misses(text: str, names: _Names, known: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """Windows one character off a name of four or more characters, with the same final
    character. A window inside an occurrence of a known name (洪市镇 in 芦洪市镇) is no
    miss. For three-character names the caller keeps only homophone slips: sharing two
    characters with one of them (沿江湖 and 东江湖) happens by chance far more often."""
    index = names.index
    found: dict[str, str] = {}
    for final in names.finals.finditer(text):
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


@functools.cache
def _pinyin_source() -> str:
    """The character table pypinyin ships (pinyin_dict.json: code point as text -> its
    pinyin readings with tone marks, "cén,qián,zàn"), as text; '' if it is not installed.
    Only the few characters of a suspected slip are looked up, each by a search in this
    text (`_readings`): parsing all of it as JSON costs about 10 ms, `import pypinyin`
    150 ms or more, either of which every `check` would pay."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("pypinyin")
    if spec is None or spec.origin is None:
        return ""
    try:
        return (Path(spec.origin).parent / "pinyin_dict.json").read_text(encoding="utf-8")
    except (OSError, ValueError):
        return ""


@functools.cache
def _readings(char: str) -> frozenset[str]:
    """The readings of a character, tones included (all of them: 涔 reads cén, qián, zàn)."""
    import json

    source = _pinyin_source()
    key = f'"{ord(char)}":'  # a key: the values are letters and commas, never digits
    at = source.find(key)
    if at < 0:
        return frozenset()
    try:
        value, _ = json.JSONDecoder().raw_decode(source[at + len(key):at + len(key) + 400].lstrip())
    except ValueError:
        return frozenset()
    return frozenset(r for r in str(value).split(",") if r)


def _homophone_slip(word: str, name: str) -> bool:
    """Whether the one character that differs sounds the same, tone included: the slip a
    pinyin input method makes (岑 cén for 涔 cén), and not a different word that happens to
    share two characters with a short name (沿江湖 beside 东江湖, 小湘湖 beside 潇湘湖)."""
    (a, b), = [(x, y) for x, y in zip(word, name) if x != y]
    return CJK.fullmatch(a) is not None and bool(_readings(a) & _readings(b))


def gazetteer(plan: m.Plan, memo: Memo | None = None) -> Iterator[dg.Diagnostic]:
    """A word one character away from a gazetteer name (same final character); for
    names of three characters only a homophone of the differing character counts."""
    known = frozenset(n.text for n in plan.gazetteer)
    names = tuple(sorted(n for n in known if len(n) >= NEAR_MISS_MIN))
    short = tuple(sorted(n for n in known if len(n) == NEAR_MISS_SHORT))
    memo = memo or Memo()
    long_, short_ = (memo.names(n) if n else None for n in (names, short))
    for _, loc, text in memo.prose(plan):
        found = list(memo(_near_misses, text, long_, known)) if names else []
        found += [(w, n) for w, n in (memo(_near_misses, text, short_, known) if short else ())
                  if _homophone_slip(w, n)]
        for word, name in found:
            yield _make("PD364", loc, f"疑似专名错字：{word}，是否应为 {name}？",
                        f"如确为 {word}，把它加入 gazetteer.xml；否则改为 {name}。",
                        found=word, expected=name)


TITLE_END = "。，、；：！？,.;:!?"
DOUBLE_PUNCT = re.compile(r"[。，、；：！？]{2,}")


def title_punctuation(plan: m.Plan, memo: Memo | None = None) -> Iterator[dg.Diagnostic]:
    """Titles print in the contents, the bookmarks and the running heads: no full stop
    at the end, no doubled punctuation, no spaces around."""
    for kind, loc, text in _blocks(plan, memo):
        if kind != "title" or not text:
            continue
        if text.rstrip()[-1:] in tuple(TITLE_END):
            yield _make("PD373", loc, f"标题以标点“{text.rstrip()[-1]}”结束：{text.strip()}",
                        f"删去标题末尾的“{text.rstrip()[-1]}”。", text=text.strip())
        elif DOUBLE_PUNCT.search(text):
            run = DOUBLE_PUNCT.search(text).group()
            yield _make("PD373", loc, f"标题中有连续的标点“{run}”：{text.strip()}",
                        "只留一个标点。", text=text.strip())
        elif text != text.strip():
            yield _make("PD373", loc, f"标题首尾有空白：“{text}”", "删去标题首尾的空格或换行。",
                        text=text.strip())


CJK_TEXT = "\u4e00-\u9fff\u3001-\u3003\u3008-\u3011\uff01-\uff0f\uff1a-\uff20\u201c\u201d"
STRAY_SPACE = re.compile(f"([{CJK_TEXT}])([ \t\u3000]*\n[ \t\u3000]*|[ \t]+)([{CJK_TEXT}])")


def stray_spaces(plan: m.Plan, memo: Memo | None = None) -> Iterator[dg.Diagnostic]:
    """Whitespace between two Chinese characters: a browser prints it as a space. Most
    often a line wrapped inside a paragraph, the next line's indent becoming a space."""
    for kind, loc, text in _blocks(plan, memo):
        for hit in STRAY_SPACE.finditer(text):
            wrapped = "\n" in hit.group(2)
            around = hit.group(1) + "␣" + hit.group(3)
            line = loc.line + text.count("\n", 0, hit.start(2)) if loc.line else 0
            yield dg.make("PD374", loc.file, line, 0 if line != loc.line else loc.column,
                          ("段落中间换行，网页和 PDF 上会印出一个空格：" if wrapped else
                           "中文之间有空格：") + around,
                          "把两行接起来（python build.py fmt 会合并这种折行）。" if wrapped else
                          "删去这个空格。", text=hit.group(1) + hit.group(3))


def digits_and_percent(plan: m.Plan, memo: Memo | None = None) -> Iterator[dg.Diagnostic]:
    blocks = _blocks(plan, memo)
    half = sum(t.count("%") for _, _, t in blocks)
    full = sum(t.count("％") for _, _, t in blocks)
    minority = "％" if full < half else "%" if half < full else None
    for _, loc, text in blocks:
        for run in FULLWIDTH_DIGIT.findall(text):
            yield _make("PD365", loc, f"全角数字：{run}", text=run)
        if minority and minority in text:
            yield _make("PD366", loc, f"百分号混用：全文多用 {'%' if minority == '％' else '％'}，此处用 {minority}",
                        text=minority)


PLACEHOLDER = re.compile(
    r"[（(【\[][^（）()【】\[\]]{0,8}(待补|占位)[^（）()【】\[\]]{0,4}[）)】\]]"
    r"|(图片|图件|数据|内容|文字|数值)待补|占位(符|框|文字)|\bTODO\b|\bFIXME\b|（无题）")
"""Text left for later: （待补）, 图片待补, 占位符, TODO, the importer's （无题）. Not 有待补齐
(a verb, common in plans): 待补 counts only in brackets or after what is missing."""


def _table_texts(plan: m.Plan) -> Iterator[tuple[m.Loc, str]]:
    """Table captions and cells: the texts `_prose` does not read (it reads every title)."""
    for t in plan.tables:
        yield t.loc, m.plain(t.caption)
        for row in t.head + t.body:
            for cell in row.cells:
                yield row.loc, m.plain(cell.content)


def placeholders(plan: m.Plan, memo: Memo | None = None) -> Iterator[dg.Diagnostic]:
    texts = [(loc, text) for _, loc, text in _blocks(plan, memo)] + list(_table_texts(plan))
    for loc, text in texts:
        found = PLACEHOLDER.search(text)
        if found:
            yield _make("PD261", loc, f"占位文字：{found.group(0)}", found=found.group(0))
