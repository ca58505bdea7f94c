"""Reading a plain-text plan and cutting it into front matter, body and back matter.

Role: number the lines, group them into blocks (runs of non-blank lines), and recognise
the issuing notice, the plan title and approval line, the printed table of contents,
the closing words and the back matter (抄送, 印发). Guarantee: every block of the input
ends up in exactly one of ``Front``, the body blocks, the closing or ``Back``; what is
not kept as content (letterhead, a repeated title, TOC lines) is quoted in a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import numerals
from .blocks import classify
from .report import Findings

CJK = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’·—"
_CJK_GAP = re.compile(rf"(?<=[{CJK}])\s+(?=[{CJK}])")
NUM = "一二三四五六七八九十百〇零两"
TOC_LINE = re.compile(rf"^(第([{NUM}]+)(篇|章|节)|([{NUM}]+)、|[（(]([{NUM}]+)[）)])\s*(.+?)\s*"
                      r"(?:[.．…·]{2,})?\s*(\d+)$")
PERIOD = re.compile(r"(20\d\d)\s*[—–－-]+\s*(20\d\d)\s*年")
APPROVAL = re.compile(r"^[（(](\d{4})年(\d{1,2})月(\d{1,2})日(.+?)批准[)）]$")
DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
PRINTED = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日\s*印发$")
DOCNO = re.compile(r"〔\d{4}〕\d+号$")
CLOSING_OPENERS = ("全市人民", "全县人民", "全区人民", "全州人民", "全省人民", "全国人民", "让我们")


@dataclass(frozen=True)
class Line:
    """One source line: its 1-based number and text (tabs kept)."""

    no: int
    text: str


@dataclass
class Block:
    """A run of non-blank lines, as the extraction left them."""

    lines: list[Line]

    @property
    def nos(self) -> tuple[int, ...]:
        return tuple(line.no for line in self.lines)

    @property
    def text(self) -> str:
        return "".join(line.text.strip() for line in self.lines)

    @property
    def is_table(self) -> bool:
        return any("\t" in line.text.strip("\t ") for line in self.lines)


@dataclass(frozen=True)
class Unit:
    """A paragraph-sized piece of text with the source lines it came from."""

    text: str
    lines: tuple[int, ...]


@dataclass(frozen=True)
class TocEntry:
    line: int
    level: str          # 篇 | 章 | 节 | 一、 | （一）
    number: int | None
    title: str
    page: int


@dataclass
class Front:
    issuer: str = ""
    docno: str = ""
    notice_title: str = ""
    notice_to: str = ""
    notice_paras: list[Unit] = field(default_factory=list)
    notice_signature: str = ""
    notice_date: str = ""
    title: str = ""
    approved: str = ""
    approved_date: str = ""
    approved_by: str = ""
    toc: list[TocEntry] = field(default_factory=list)


@dataclass
class Back:
    cc: list[Unit] = field(default_factory=list)
    printed_by: str = ""
    printed_date: str = ""


class InputError(ValueError):
    """A text the importer cannot turn into a plan (the command says why and exits 2)."""


NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold (C0 controls but tab and newline, U+FFFE, U+FFFF)."""


def read_lines(path: Path, findings: Findings | None = None) -> list[Line]:
    """The numbered lines; a character XML cannot hold is removed, each one a finding
    with its line and column (a form feed too: it would otherwise reach lxml)."""
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    lines = [Line(i, t) for i, t in enumerate(text.split("\n"), 1)]
    if findings is None or not NOT_XML.search(text):
        return lines
    for k, line in enumerate(lines):
        for found in NOT_XML.finditer(line.text):
            findings.add("control-char", line.no, f"U+{ord(found.group()):04X} at column {found.start() + 1} removed",
                         NOT_XML.sub(lambda m: f"<U+{ord(m.group()):04X}>",
                                     line.text[max(0, found.start() - 10): found.start() + 10]))
        lines[k] = Line(line.no, NOT_XML.sub("", line.text))
    return lines


def split_blocks(lines: list[Line], findings: Findings) -> list[Block]:
    """Group lines into blocks; whitespace-only lines are page debris (reported)."""
    blocks: list[Block] = []
    run: list[Line] = []
    for line in lines:
        if line.text.strip():
            run.append(line)
            continue
        if line.text:
            findings.add("debris", line.no, "whitespace-only line dropped", repr(line.text))
        if run:
            blocks.append(Block(run))
            run = []
    if run:
        blocks.append(Block(run))
    return blocks


def join_block(block: Block, findings: Findings) -> Unit:
    """The block's lines as one paragraph; a wrapped line is a repair worth reporting."""
    if len(block.lines) > 1:
        findings.add("line-wrap", block.nos, "lines joined into one paragraph",
                     " ⏎ ".join(line.text.strip() for line in block.lines))
    return Unit(block.text, block.nos)


def tidy_title(text: str, lines: tuple[int, ...], findings: Findings) -> str:
    """Remove spaces between CJK characters that a line break left in a title."""
    tidy = _CJK_GAP.sub("", text.strip())
    if tidy != text.strip():
        findings.add("title-space", lines, "space inside a title removed", text.strip())
    return tidy


def fyp_period(title: str) -> tuple[int, int, int | None]:
    """Plan period and vision year read from a title: 第十四个五年规划和二〇三五年远景目标,
    “十四五”…规划 (2021–2025), …规划（2021—2035年）. (0, 0, None) when it says none."""
    v = re.search(r"([〇零一二三四五六七八九\d]{4})年远景目标", title)
    vision = numerals.read_year(v.group(1)) if v else None
    m = re.search(rf"第([{NUM}]+)个五年规划", title) or re.search(rf"“([{NUM}]+)五”", title)
    n = numerals.read_cn(m.group(1)) if m else None
    if n and n >= 3:
        start = 1966 + 5 * (n - 3)
        return start, start + 4, vision
    r = PERIOD.search(title)
    if r and int(r.group(1)) < int(r.group(2)):
        return int(r.group(1)), int(r.group(2)), vision
    return 0, 0, vision


def issuer_of(front: Front, findings: Findings) -> None:
    """A plan printed without letterhead: the issuer is the government its title names
    (某某县“十四五”… → 某某县人民政府), reported as a doubt."""
    if front.issuer:
        return
    m = re.match(r"^(.{1,12}?(?:自治州|自治县|省|市|县|区|州|旗|盟))", front.title)
    front.issuer = f"{m.group(1)}人民政府" if m else "（发文机关）"
    findings.add("period", front_title_lines(front), f"issuer not printed: {front.issuer} "
                 "taken from the title", front.title[:20])


def period_of(title: str, body: str, findings: Findings) -> tuple[int, int, int | None]:
    """The period from the title, else from the text (reported as a doubt); a plan always
    gets one, since <period> requires it: failing all, the five years after the
    earliest year the text names, also reported."""
    found = fyp_period(title)
    if found[0]:
        return found
    for pattern in (r"(20\d\d)\s*[—–－-]+\s*(20\d\d)\s*年", rf"“([{NUM}]+)五”"):
        m = re.search(pattern, body)
        if m:
            guess = fyp_period(f"“{m.group(1)}五”" if "五" in pattern else m.group(0))
            if guess[0]:
                findings.add("period", (), f"period {guess[0]}–{guess[1]} read from the text, "
                             "not the title", m.group(0))
                return guess[0], guess[1], found[2]
    years = sorted(int(y) for y in re.findall(r"(20\d\d)\s*年", body))
    start = years[0] + 1 if years else 2021
    findings.add("period", (), f"no period in the title or text: {start}–{start + 4} assumed "
                 "(set <period> by hand)", title)
    return start, start + 4, found[2]


def _iso(y: str, m: str, d: str) -> str:
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


class _Cursor:
    def __init__(self, blocks: list[Block]):
        self.blocks, self.i = blocks, 0

    def peek(self) -> Block | None:
        return self.blocks[self.i] if self.i < len(self.blocks) else None

    def take(self) -> Block:
        self.i += 1
        return self.blocks[self.i - 1]


def _read_title(cur: _Cursor, front: Front, book: str, findings: Findings) -> bool:
    """Read a plan title block and its approval line; True if one was there."""
    b = cur.peek()
    if b is None or b.is_table:
        return False
    text = _CJK_GAP.sub("", b.text)
    bare = re.sub(r"[（(]\s*20\d\d\s*[—–－-]+\s*20\d\d\s*年?\s*[)）]$", "", text)
    looks = text == book if book else (bare.endswith(("纲要", "规划", "方案", "计划"))
                                       and "。" not in text and len(text) <= 80)
    if not looks:
        return False
    cur.take()
    if front.title:
        findings.add("front-matter", front_title_lines(front), "title printed twice; "
                     "the occurrence after the TOC is kept", front.title)
    front.title = tidy_title(join_block(b, findings).text, b.nos, findings)
    front._title_lines = b.nos  # type: ignore[attr-defined]
    a = cur.peek()
    if a is not None and APPROVAL.match(a.text):
        cur.take()
        m = APPROVAL.match(a.text)
        assert m
        if front.approved:
            findings.add("front-matter", getattr(front, "_approved_lines", a.nos),
                         "approval line printed twice; the later one is kept", front.approved)
        front.approved = join_block(a, findings).text
        front._approved_lines = a.nos  # type: ignore[attr-defined]
        front.approved_date = _iso(*m.group(1, 2, 3))
        front.approved_by = m.group(4)
    return True


def front_title_lines(front: Front) -> tuple[int, ...]:
    return getattr(front, "_title_lines", ())


def _read_toc(cur: _Cursor, front: Front, findings: Findings) -> None:
    b = cur.peek()
    if b is None or b.text.replace(" ", "").replace("\u3000", "") != "目录":
        return
    cur.take()
    findings.add("toc-line", b.nos, "TOC heading", b.text)
    while (b := cur.peek()) is not None:
        matches = [TOC_LINE.match(line.text.strip()) for line in b.lines]
        if not all(matches):
            break
        cur.take()
        for line, m in zip(b.lines, matches):
            assert m
            level = m.group(3) or ("一、" if m.group(4) else "（一）")
            printed = m.group(2) or m.group(4) or m.group(5)
            front.toc.append(TocEntry(line.no, level, numerals.read_cn(printed),
                                      m.group(6).strip(), int(m.group(7))))
            findings.add("toc-line", line.no, "TOC entry", line.text)


def _read_notice(cur: _Cursor, front: Front, findings: Findings) -> str:
    """Letterhead, document number and notice; returns the plan title named in 《》."""
    b = cur.peek()
    if b and not b.is_table and b.text.endswith("文件") and len(b.text) <= 30:
        cur.take()
        front.issuer = b.text[:-2]
        findings.add("front-matter", b.nos, "letterhead kept as meta/issuer", b.text)
    b = cur.peek()
    if b and DOCNO.search(b.text) and len(b.text) <= 30:
        cur.take()
        front.docno = b.text
    b = cur.peek()
    if not (b and "通知" in b.text and "。" not in b.text and len(b.text) <= 150):
        return ""
    cur.take()
    front.notice_title = tidy_title(join_block(b, findings).text, b.nos, findings)
    m = re.search(r"《(.+?)》", front.notice_title)
    book = _CJK_GAP.sub("", m.group(1)) if m else ""
    b = cur.peek()
    if b and b.text.endswith(("：", ":")) and len(b.text) <= 200:
        cur.take()
        front.notice_to = b.text
    paras: list[Unit] = []
    while (b := cur.peek()) is not None:
        text = _CJK_GAP.sub("", b.text)
        if (book and text == book) or text.replace(" ", "") == "目录":
            break
        paras.append(join_block(cur.take(), findings))
    if paras and DATE.match(paras[-1].text):
        findings.add("front-matter", paras[-1].lines, "notice date kept as notice/@date",
                     paras[-1].text)
        front.notice_date = _iso(*DATE.match(paras.pop().text).group(1, 2, 3))  # type: ignore[union-attr]
    if paras and len(paras[-1].text) <= 30 and not re.search("[。，；]", paras[-1].text):
        front.notice_signature = paras.pop().text
    front.notice_paras = paras
    return book


def _read_back(blocks: list[Block], back: Back, findings: Findings) -> int:
    """Recognise the back matter at the end; returns the index where it starts."""
    j = len(blocks)
    if j and (m := PRINTED.match(blocks[j - 1].text)):
        back.printed_date = _iso(*m.group(1, 2, 3))
        findings.add("front-matter", blocks[j - 1].nos, "printing date kept as "
                     "imprint/printed/@date", blocks[j - 1].text)
        j -= 1
        prev = blocks[j - 1].text if j else ""
        if j and len(prev) <= 30 and not re.search("[。，；：]", prev):
            back.printed_by = prev
            j -= 1
    start = j
    for k in range(j - 1, max(j - 8, -1), -1):
        if blocks[k].text.startswith("抄送"):
            start = k
            break
    for k in range(start, j):
        unit = join_block(blocks[k], findings)
        text = re.sub(r"^抄送[：:]\s*", "", unit.text)
        if text != unit.text:
            findings.add("front-matter", unit.lines, "label kept as imprint/cc",
                         unit.text[:len(unit.text) - len(text)])
        back.cc.append(Unit(text, unit.lines))
    return start


def segment(lines: list[Line], findings: Findings) -> tuple[Front, list[Block], list[Unit], Back]:
    """Cut the text into front matter, body blocks, closing paragraphs and back matter."""
    blocks = split_blocks(lines, findings)
    front, back = Front(), Back()
    cur = _Cursor(blocks)
    book = _read_notice(cur, front, findings)
    while _read_title(cur, front, book, findings):
        pass
    _read_toc(cur, front, findings)
    while _read_title(cur, front, book, findings):
        pass
    end = _read_back(blocks, back, findings)
    body = blocks[cur.i:end]
    closing: list[Unit] = []
    # the closing words stand before the appendices (附件, 附表, 名词解释), if any
    at = next((i for i, b in enumerate(body) if i and not b.is_table
               and classify(b.text).kind == "appendix"), len(body))
    if at and not body[at - 1].is_table and body[at - 1].text.startswith(CLOSING_OPENERS):
        last = body.pop(at - 1)
        closing.append(join_block(last, findings))
        findings.add("closing", last.nos, "last paragraph taken as the closing words",
                     last.text[:40])
    return front, body, closing, back
