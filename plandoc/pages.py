"""Companion pages in Markdown: 政策解读, 编制说明 and notes, read into the plan's own model.

`attach(plan, plan_dir)` reads `plan/pages/*.md` (TOML front matter between `+++` lines,
then CommonMark with tables, parsed by markdown-it-py) and returns the plan with its
`pages`, plus diagnostics. Each page's Markdown becomes the plan's own blocks (paragraphs,
sub-headings, lists, tables), so every renderer, the search index and the text checks
treat a page as they treat a chapter. Three small markdown-it plugins of ours:

- a link into the plan by id, `[](plan:col-main-indicators)`, printed with the target's
  computed label (专栏 2) and linked to its page and anchor (an `m.Ref`);
- a quoted fact, `{{gdp 2025 target}}` (indicator id, year, role; roles also in Chinese:
  目标 基期 实现 增速 实现增速), printed as the plan states it (an `m.Quote`), so a page
  never retypes a number. Where the plan states it more than once, the main indicator
  table wins (the table stating the most targets for the plan's last year), then other
  tables, then prose, each in document order;
- CJK-aware emphasis: `**坚持深化改革开放。**坚定` is bold, though CommonMark's flanking
  rules reject a closing `**` between Chinese punctuation and a letter.

Raw HTML in a page is not HTML (markdown-it's `html` option is off): it prints as text.
Nothing outside the plan directory is read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from . import diagnostics as dg
from . import model as m
from . import walk
from .labels import item_marker
from .load import resolve_inside

if TYPE_CHECKING:  # markdown-it is imported only when a plan has pages (check's start-up)
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

FOLDER = "pages"
KINDS = {"解读": True, "编制说明": True, "说明": False}
"""Page kind -> public (说明 pages are for editors only)."""
ROLES = {"target": "target", "目标": "target", "base": "base", "基期": "base", "actual": "actual",
         "实现": "actual", "rate": "rate", "增速": "rate", "actual-rate": "actual-rate", "实现增速": "actual-rate"}
MAX_PAGE_BYTES = 2 * 1024 * 1024
PAGE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f“”‘’]")


# ------------------------------------------------------------------ markdown-it plugins

def _cjk_emphasis(state: StateInline, silent: bool) -> bool:
    """`*`/`**` next to Chinese text open and close on either side of punctuation (what
    CJK-friendly Markdown does); elsewhere CommonMark's own rule decides."""
    from markdown_it.rules_inline.state_inline import Delimiter

    start = state.pos
    if silent or state.src[start] != "*":
        return False
    last = state.src[start - 1] if start > 0 else " "
    end = start
    while end < state.posMax and state.src[end] == "*":
        end += 1
    nxt = state.src[end] if end < state.posMax else " "
    if not (CJK.match(last) or CJK.match(nxt)):
        return False
    can_open, can_close = not nxt.isspace(), not last.isspace() and start > 0
    for _ in range(end - start):
        token = state.push("text", "", 0)
        token.content = "*"
        state.delimiters.append(Delimiter(marker=ord("*"), length=end - start, token=len(state.tokens) - 1,
                                          end=-1, open=can_open, close=can_close))
    state.pos = end
    return True


def _quote(state: StateInline, silent: bool) -> bool:
    """{{indicator year role}}: a fact of the plan, quoted (resolved after parsing)."""
    src, pos = state.src, state.pos
    if not src.startswith("{{", pos):
        return False
    end = src.find("}}", pos + 2)
    if end < 0 or "\n" in src[pos:end]:
        return False
    if not silent:
        token = state.push("plan_quote", "", 0)
        token.content = src[pos + 2:end].strip()
        token.meta = {"offset": pos}
    state.pos = end + 2
    return True


def markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.inline.ruler.before("emphasis", "cjk_emphasis", _cjk_emphasis)
    md.inline.ruler.before("link", "plan_quote", _quote)
    return md


# ------------------------------------------------------------------ front matter

def _bad_meta(file: str, line: int, column: int, what: str) -> dg.Diagnostic:
    return dg.make("PD283", file, line, column, f"页首有误：{what}", problem=what)


def _unreadable(file: str, line: int, column: int, what: str) -> dg.Diagnostic:
    return dg.make("PD284", file, line, column, f"页面文件无法读取：{what}", problem=what)


@dataclass(frozen=True)
class _Source:
    rel: str
    display: str
    text: str
    body_line: int
    """0-based line of the source where the Markdown body starts."""


def _front_matter(src: _Source, diags: list[dg.Diagnostic]) -> tuple[dict, str] | None:
    import tomllib  # only for a plan with pages, as markdown-it

    lines = src.text.split("\n")
    if not lines or lines[0].strip() != "+++":
        diags.append(_bad_meta(src.display, 1, 1, "缺少以 +++ 开头的 TOML 页首"))
        return None
    try:
        close = next(i for i in range(1, len(lines)) if lines[i].strip() == "+++")
    except StopIteration:
        diags.append(_bad_meta(src.display, 1, 1, "页首没有以 +++ 结束"))
        return None
    try:
        meta = tomllib.loads("\n".join(lines[1:close]))
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+), column (\d+)", str(exc))
        line, col = (int(found.group(1)) + 1, int(found.group(2))) if found else (2, 1)
        diags.append(_bad_meta(src.display, line, col, f"TOML 有误（{exc}）"))
        return None
    problems = []
    if not isinstance(meta.get("title"), str) or not meta.get("title", "").strip():
        problems.append("title（标题）必填")
    if meta.get("kind") not in KINDS:
        problems.append(f"kind（类别）须为 {'、'.join(KINDS)} 之一，现为 {meta.get('kind')!r}")
    date = meta.get("date")
    if date is not None and not isinstance(date, dt.date) and not (
            isinstance(date, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date)):
        problems.append(f"date（日期）须为 YYYY-MM-DD，现为 {date!r}")
    if not isinstance(meta.get("order", 0), int):
        problems.append("order（顺序）须为整数")
    for problem in problems:
        diags.append(_bad_meta(src.display, 2, 1, problem))
    if problems:
        return None
    return meta, "\n".join(lines[close + 1:])


# ------------------------------------------------------------------ tokens -> model

class _Reader:
    """Turns one page's markdown-it tokens into the plan's blocks, resolving links and quotes."""

    def __init__(self, plan: m.Plan, page_id: str, src: _Source, diags: list[dg.Diagnostic]):
        self.plan, self.page_id, self.src, self.diags = plan, page_id, src, diags
        self.lines = src.text.split("\n")
        self.targets = {t.id: t for t in plan.targets}
        self.indicators = {i.id for i in plan.indicators}
        self.count = 0

    def _id(self, kind: str) -> str:
        self.count += 1
        return f"{self.page_id}-{kind}{self.count}"

    def _loc(self, token: Token | None, needle: str = "") -> m.Loc:
        first = (token.map[0] if token is not None and token.map else 0) + self.src.body_line
        last = (token.map[1] if token is not None and token.map else first + 1) + self.src.body_line
        line, col = _find(self.lines, first, last, needle)
        return m.Loc(self.src.display, line, col)

    def blocks(self, tokens: list[Token]) -> list[m.Block]:
        out: list[m.Block] = []
        i = 0
        while i < len(tokens):
            t = tokens[i]
            close = _closing(tokens, i)
            if t.type == "heading_open":
                out.append(m.Subhead(self._id("h"), self.inline(tokens[i + 1], t), self._loc(t)))
            elif t.type == "paragraph_open":
                out.append(m.Paragraph(self._id("p"), (), self.inline(tokens[i + 1], t), self._loc(t)))
            elif t.type in ("bullet_list_open", "ordered_list_open"):
                out.append(self.list_block(tokens[i:close + 1]))
            elif t.type == "table_open":
                out.append(self.table(tokens[i:close + 1]))
            elif t.type == "blockquote_open":
                out += self.blocks(tokens[i + 1:close])
            elif t.type in ("fence", "code_block"):
                out.append(m.Paragraph(self._id("p"), (), (m.Text(t.content.rstrip("\n")),), self._loc(t)))
            i = close + 1
        return out

    def list_block(self, tokens: list[Token]) -> m.ListBlock:
        ordered = tokens[0].type == "ordered_list_open"
        items: list[m.Item] = []
        i = 1
        while i < len(tokens) - 1:
            close = _closing(tokens, i)
            if tokens[i].type == "list_item_open":
                content: list[m.Inline] = []
                for k in range(i + 1, close):
                    if tokens[k].type == "inline":
                        if content:
                            content.append(m.Text("；" if CJK.search(tokens[k].content[-1:]) else "; "))
                        content += self.inline(tokens[k], tokens[i])
                marker = item_marker("decimal" if ordered else "dash", len(items) + 1)
                items.append(m.Item(self._id("i"), marker, (), tuple(content), self._loc(tokens[i])))
            i = close + 1
        return m.ListBlock(self._id("l"), "decimal" if ordered else "dash", tuple(items), self._loc(tokens[0]))

    def table(self, tokens: list[Token]) -> m.Table:
        head: list[m.Row] = []
        body: list[m.Row] = []
        row: list[m.Cell] = []
        in_head = False
        for k, t in enumerate(tokens):
            if t.type == "thead_open":
                in_head = True
            elif t.type == "tbody_open":
                in_head = False
            elif t.type == "tr_open":
                row = []
            elif t.type in ("th_open", "td_open"):
                row.append(m.Cell(tuple(self.inline(tokens[k + 1], t)), header=t.type == "th_open"))
            elif t.type == "tr_close":
                (head if in_head else body).append(m.Row(tuple(row), self._loc(t)))
        return m.Table(self._id("t"), 0, "", (), tuple(head), tuple(body), False, (), None, self.page_id,
                       self._loc(tokens[0]))

    def inline(self, token: Token, block: Token) -> tuple[m.Inline, ...]:
        stack: list[list[m.Inline]] = [[]]
        link: list[tuple[str, list]] = []
        children = token.children or []
        for n, c in enumerate(children):
            if c.type == "text":
                stack[-1].append(m.Text(c.content))
            elif c.type == "code_inline":
                stack[-1].append(m.Text(c.content))
            elif c.type in ("softbreak", "hardbreak"):
                before = children[n - 1].content[-1:] if n else ""
                after = children[n + 1].content[:1] if n + 1 < len(children) else ""
                stack[-1].append(m.Text("" if CJK.match(before or " ") or CJK.match(after or " ") else " "))
            elif c.type in ("strong_open", "em_open"):
                stack.append([])
            elif c.type in ("strong_close", "em_close"):
                inner = stack.pop()
                stack[-1].append(m.Emph(tuple(inner)))
            elif c.type == "link_open":
                link.append((str(c.attrs.get("href", "")), stack[-1]))
                stack.append([])
            elif c.type == "link_close" and link:
                href, _ = link.pop()
                inner = stack.pop()
                stack[-1] += self.link(href, inner, block)
            elif c.type == "image":
                stack[-1].append(m.Text(c.content))
            elif c.type == "plan_quote":
                stack[-1].append(self.quote(c.content, block))
        while len(stack) > 1:  # unbalanced (never, for markdown-it's output): keep the text
            inner = stack.pop()
            stack[-1] += inner
        return tuple(_merge(stack[0]))

    def link(self, href: str, inner: list[m.Inline], block: Token) -> list[m.Inline]:
        if not href.startswith("plan:"):
            text = m.plain(tuple(inner))
            return [*inner, m.Text(f"（{href}）")] if href and href != text else inner
        target_id = href[len("plan:"):]
        loc = self._loc(block, f"(plan:{target_id})")
        target = self.targets.get(target_id)
        if target is None:
            self.diags.append(dg.make("PD280", loc.file, loc.line, loc.column,
                                      f"页面链接的规划 id 不存在：{target_id}", id=target_id))
            return [m.Ref(target_id, "", "", "", loc)]
        label = m.plain(tuple(inner)) or target.label
        return [m.Ref(target_id, label, target.kind, target.page, loc)]

    def quote(self, spec: str, block: Token) -> m.Inline:
        loc = self._loc(block, "{{" + spec)
        parts = spec.split()
        ind = parts[0] if parts else ""
        year = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        role = ROLES.get(parts[2]) if len(parts) > 2 else None
        if len(parts) != 3 or year is None or role is None:
            self.diags.append(dg.make("PD281", loc.file, loc.line, loc.column,
                                      f"引用事实的写法有误：{{{{{spec}}}}}", spec=spec,
                                      why="写法应为 {{指标id 年份 角色}}，角色为 target/目标、base/基期、actual/实现、rate/增速、actual-rate/实现增速"))
            return m.Text("{{" + spec + "}}")
        if ind not in self.indicators:
            self.diags.append(dg.make("PD281", loc.file, loc.line, loc.column,
                                      f"引用了未定义的指标：{ind}", spec=spec,
                                      why=f"没有 id 为 {ind} 的指标（见 indicators.xml）"))
            return m.Text("{{" + spec + "}}")
        statement = stated(self.plan, ind, year, role)
        if statement is None:
            self.diags.append(dg.make("PD282", loc.file, loc.line, loc.column,
                                      f"规划没有写明这项数值：{{{{{spec}}}}}", spec=spec))
            return m.Text("{{" + spec + "}}")
        return m.Quote(ind, year, role, statement.quantity, statement.block, statement.chapter, loc)


def _find(lines: list[str], first: int, last: int, needle: str) -> tuple[int, int]:
    """1-based line and column of `needle` in lines[first:last] (0-based bounds), else the
    start of line `first`."""
    for n in range(first, min(last, len(lines))):
        col = lines[n].find(needle) if needle else 0
        if col >= 0:
            return n + 1, col + 1
    return first + 1, 1


def _closing(tokens: list[Token], i: int) -> int:
    """Index of the token closing tokens[i] (itself for a token that does not nest)."""
    if tokens[i].nesting != 1:
        return i
    depth = 0
    for k in range(i, len(tokens)):
        depth += tokens[k].nesting
        if depth == 0:
            return k
    return len(tokens) - 1


def _merge(inlines: list[m.Inline]) -> list[m.Inline]:
    out: list[m.Inline] = []
    for node in inlines:
        if isinstance(node, m.Text) and out and isinstance(out[-1], m.Text):
            out[-1] = m.Text(out[-1].text + node.text)
        elif not (isinstance(node, m.Text) and not node.text):
            out.append(node)
    return out


def main_table(plan: m.Plan) -> str | None:
    """The plan's main indicator table: the one stating the most targets for its last year."""
    counts: dict[str, int] = {}
    for s in plan.statements:
        if s.source == "table" and s.role == "target" and s.year == plan.meta.period_to:
            counts[s.block] = counts.get(s.block, 0) + 1
    order = [t.id for t in plan.tables]
    return max(counts, key=lambda b: (counts[b], -order.index(b) if b in order else 0), default=None)


def stated(plan: m.Plan, ind: str, year: int, role: str) -> m.Statement | None:
    """The statement a quote prints: the main indicator table's, else another table's, else
    the prose's, each first in document order."""
    found = [s for s in plan.statements if s.indicator == ind and s.year == year and s.role == role
             and s.quantity.kind == "number"]
    main = main_table(plan)
    ranked = sorted(range(len(found)), key=lambda k: (found[k].block != main, found[k].source != "table", k))
    return found[ranked[0]] if ranked else None


# ------------------------------------------------------------------ the stage

def read_page(plan: m.Plan, src: _Source, page_id: str, diags: list[dg.Diagnostic]) -> m.Page | None:
    parsed = _front_matter(src, diags)
    if parsed is None:
        return None
    meta, body = parsed
    src = replace(src, body_line=src.text[:len(src.text) - len(body)].count("\n"))
    reader = _Reader(plan, page_id, src, diags)
    blocks = reader.blocks(markdown().parse(body))
    date = meta.get("date")
    return m.Page(page_id, meta["title"].strip(), meta["kind"], str(date) if date is not None else None,
                  int(meta.get("order", 0)), KINDS[meta["kind"]], bool(meta.get("print", False)),
                  src.rel, tuple(blocks), m.Loc(src.display, 1, 1))


HANDBOOK = Path(__file__).resolve().parent / "handbook" / "handbook.md"
"""The editors' handbook (Chinese), shipped with the package, shown in the editor's view."""


def handbook(plan: m.Plan) -> tuple[m.Page | None, list[dg.Diagnostic]]:
    """The editors' handbook read like any page (its plan links resolved against `plan`)."""
    diags: list[dg.Diagnostic] = []
    src = _Source("handbook.md", "plandoc/handbook/handbook.md", HANDBOOK.read_text(encoding="utf-8"), 0)
    return read_page(plan, src, "page-handbook", diags), diags


def _sources(plan_dir: Path, display_root: str, diags: list[dg.Diagnostic]) -> list[tuple[_Source, str]]:
    folder = resolve_inside(plan_dir, FOLDER)
    if folder is None or not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.md")):
        rel = f"{FOLDER}/{path.name}"
        display = f"{display_root.rstrip('/')}/{rel}" if display_root else rel
        if resolve_inside(plan_dir, rel) is None or not path.is_file():
            diags.append(_unreadable(display, 0, 0, "文件在规划目录之外（符号链接），不读取"))
            continue
        if not PAGE_ID.match(path.stem):
            diags.append(_unreadable(display, 0, 0, f"文件名 {path.stem} 不能作 id（只用小写字母、数字、连字符）"))
            continue
        data = path.read_bytes()
        if len(data) > MAX_PAGE_BYTES:
            diags.append(_unreadable(display, 0, 0, f"文件过大（{len(data)} 字节）"))
            continue
        try:
            text = data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
        except UnicodeDecodeError as exc:
            diags.append(_unreadable(display, data[:exc.start].count(b"\n") + 1, 0, "不是 UTF-8 编码"))
            continue
        out.append((_Source(rel, display, text, 0), f"page-{path.stem}"))
    return out


def attach(plan: m.Plan, plan_dir: Path, recogniser=None) -> tuple[m.Plan, list[dg.Diagnostic]]:
    """The plan with its companion pages (sorted by order, then file name) and what was
    wrong; with `recogniser` (the plan's, `plandoc.recognise`), numbers typed in a page
    are checked against the plan's facts."""
    diags: list[dg.Diagnostic] = []
    read = [(p, src) for src, pid in _sources(plan_dir, plan.root, diags)
            if (p := read_page(plan, src, pid, diags)) is not None]
    read.sort(key=lambda pair: (pair[0].order, pair[0].file))
    if recogniser is not None:
        for page, src in read:
            diags += typed_numbers(plan, page, recogniser, src.text.split("\n"))
    return replace(plan, pages=tuple(p for p, _ in read)), diags


# ------------------------------------------------------------------ numbers typed in a page

def _as_xml(inlines: tuple[m.Inline, ...], parent: etree._Element) -> None:
    """A page block's text as the recogniser reads a chapter's: a quoted fact is the plan's
    own number (<nofact>, never compared with itself), a plan link reads as its label."""
    def add(text: str) -> None:
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + text
        else:
            parent.text = (parent.text or "") + text

    for node in inlines:
        if isinstance(node, m.Quote):
            etree.SubElement(parent, "nofact").text = node.quantity.text
        elif isinstance(node, m.Emph):
            _as_xml(node.children, parent)
        else:
            add(m.plain((node,)))


def _page_texts(page: m.Page) -> list[tuple[m.Loc, tuple[m.Inline, ...]]]:
    """What a page states, block by block (`walk`); a table row by row, its cells joined."""
    out = []
    for step in walk.of(page.blocks, walk.Place("page", page.id, companion=page)):
        b = step.node
        if isinstance(b, m.Table):
            out += [(row.loc, tuple(n for c in row.cells for n in (*c.content, m.Text("，"))))
                    for row in b.body]
        elif isinstance(b, m.Paragraph | m.Subhead | m.Item | m.Entry):
            out += [(b.loc, inlines) for inlines in walk.texts(b)]
    return out


def typed_numbers(plan: m.Plan, page: m.Page, recogniser, lines: list[str]) -> list[dg.Diagnostic]:
    """PD285 where a page types a number the plan states otherwise (through the same
    recognition the plan's own prose is checked with); an ambiguous binding is a note.
    `lines` are the page's source lines, to point at the number itself."""
    out: list[dg.Diagnostic] = []
    recogniser.chapter()
    for loc, inlines in _page_texts(page):
        el = etree.Element("p")
        _as_xml(inlines, el)
        for found in recogniser.scan(el).facts:
            stated_by_plan = stated(plan, found.ind, found.year, found.role)
            if stated_by_plan is None or _same(found.quantity, stated_by_plan.quantity):
                continue
            at = _find(lines, loc.line - 1, loc.line + 20, found.quantity.text)
            out.append(_contradiction(plan, m.Loc(loc.file, *at), found, stated_by_plan))
    return out


def _same(a: m.Quantity, b: m.Quantity) -> bool:
    if a.value is None or b.value is None:
        return True  # words (完成省定目标) are not compared
    decimals = min(a.decimals, b.decimals)
    return round(a.value, decimals) == round(b.value, decimals) and (a.comparator or b.comparator) in (
        None, a.comparator) and a.cumulative == b.cumulative


def _contradiction(plan: m.Plan, loc: m.Loc, found, statement: m.Statement) -> dg.Diagnostic:
    names = {i.id: m.plain(i.name) for i in plan.indicators}
    name = names.get(found.ind, found.ind)
    labels = {c.id: c.label for c in plan.columns} | {c.id: c.label for c in plan.chapters}
    where = labels.get(statement.column or "", labels.get(statement.chapter, statement.chapter))
    return dg.make("PD285", loc.file, loc.line, loc.column,
                   f"页面所写与规划不一致：{name} {found.year} 年{m.role_name(found.role)}"
                   f"写作 {found.quantity.text}，规划为 {statement.quantity.text}",
                   f"改用引用 {{{{{found.ind} {found.year} {found.role}}}}}，数值就随规划而定；"
                   f"或改正为规划所载的 {statement.quantity.text}（见 {where}）。",
                   severity=None if found.confident else dg.Severity.NOTE,
                   indicator=found.ind, year=found.year, role=found.role,
                   printed=found.quantity.text, expected=statement.quantity.text)

