"""Load: read plan.xml and the files it lists, securely, into parsed trees.

Guarantees: XML is parsed with entities unresolved, no DTD and no network; a DOCTYPE,
an entity reference or a processing instruction is refused with a diagnostic; no file
outside the plan directory is ever opened because a source file names it; an error in
one file never hides errors in another. Nothing here raises for a user's mistake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree

from . import diagnostics as dg

MAX_FILE_BYTES = 20 * 1024 * 1024
"""Larger source files are refused (PD005): a plan chapter is a few hundred KB at most."""

MAX_DEPTH = 48
"""Deeper element nesting is refused (PD120): a real plan nests about 12 deep (plan, part,
chapter, section, column, table, row, cell, paragraph, emphasis); every renderer is tested
at this depth (tests/test_hostile.py), far below Python's recursion limit."""

BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""Bidirectional controls: they make text display in another order than it is stored
(Trojan Source); Chinese text has no use for them (PD367, anywhere in a source file)."""

_DECLARATION = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml\s[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")

ROOTS = {"plan": "plan", "chapter": "chapter", "indicators": "indicators",
         "gazetteer": "gazetteer", "accepted": "accepted"}


def secure_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True,
                           huge_tree=False, remove_blank_text=False)


@dataclass
class SourceFile:
    """One parsed source file and what is needed to point into it."""

    rel: str
    """Path relative to the plan directory, POSIX style (chapters/ch08.xml)."""
    display: str
    """The path as diagnostics show it (the plan directory as the user named it + rel)."""
    kind: str
    """plan | chapter | indicators."""
    tree: etree._ElementTree | None = None
    """None when the file could not be read or parsed."""
    lines: list[str] = field(default_factory=list)
    recovered: etree._ElementTree | None = None
    """When the file is broken (XML or schema error): the shape it most likely has, for
    numbering only, so one broken chapter does not renumber the others."""
    _positions: dict | None = field(default=None, repr=False)

    def locate(self, el: etree._Element, attr: str | None = None) -> tuple[int, int]:
        """1-based (line, column) of an element's start tag, or of one of its attributes."""
        if self._positions is None:
            self._positions = self._index()
        line, col = self._positions.get(el, (el.sourceline or 0, 0))
        if attr and line and col:
            for n in range(line, min(line + 20, len(self.lines)) + 1):
                text = self.lines[n - 1]
                found = text.find(f"{attr}=", col if n == line else 0)
                if found >= 0:
                    return n, found + 1
        return line, col

    def _index(self) -> dict:
        """Start-tag positions of every element, in one pass over the tree.

        lxml gives only a line (where the start tag ends); the column is found by
        counting elements of the same name that start earlier on the same line."""
        positions: dict = {}
        if self.tree is None or not self.lines:
            return positions
        after: dict[tuple[int, str], int] = {}  # where the last such start tag on a line was
        for el in self.tree.getroot().iter():
            if not isinstance(el.tag, str) or not el.sourceline:
                continue
            line, tag = el.sourceline, f"<{el.tag}"
            text = self.lines[line - 1] if line <= len(self.lines) else ""
            # the next one after the previous element of this name on this line: one scan
            # of a line however many elements it holds (a search from the line's start for
            # the n-th was quadratic on a long line full of markup)
            col = text.find(tag, after.get((line, tag), -1) + 1)
            while col >= 0 and col + len(tag) < len(text) and text[col + len(tag)] not in " \t/>":
                col = text.find(tag, col + 1)
            if col >= 0:
                after[(line, tag)] = col
            else:  # a start tag spread over several lines: search back for it
                for n in range(line - 1, max(line - 20, 0), -1):
                    found = self.lines[n - 1].rfind(tag)
                    if found >= 0:
                        line, col = n, found
                        break
            positions[el] = (line, col + 1 if col >= 0 else 0)
        return positions


@dataclass
class Sources:
    """Everything `load` found: the root file, the indicator file, the chapters in order."""

    root: Path
    plan: SourceFile | None
    indicators: SourceFile | None
    chapters: list[SourceFile]
    gazetteer: SourceFile | None
    chapter_parts: dict[str, int]
    """chapter rel path -> index (0-based) of the part that lists it."""
    diagnostics: list[dg.Diagnostic]

    def files(self) -> list[SourceFile]:
        return [f for f in [self.plan, self.indicators, self.gazetteer, *self.chapters]
                if f is not None]


def _display(plan_dir: Path, rel: str) -> str:
    return str(PurePosixPath(plan_dir.as_posix()) / rel)


def parse_file(path: Path, rel: str, display: str, kind: str,
               diags: list[dg.Diagnostic]) -> SourceFile:
    """Read and parse one file; problems become diagnostics and leave `tree` None."""
    src = SourceFile(rel=rel, display=display, kind=kind)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            diags.append(dg.make("PD005", display, 0, 0,
                                 f"文件过大：{size // 1024 // 1024} MB，上限 {MAX_FILE_BYTES // 1024 // 1024} MB",
                                 "把内容拆分到多个章文件中。"))
            return src
        data = path.read_bytes()
    except OSError as exc:
        diags.append(dg.make("PD001", display, 0, 0, f"无法读取文件：{exc.strerror or exc}"))
        return src
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        start = data.rfind(b"\n", 0, exc.start) + 1  # the line up to the bad byte is valid UTF-8
        col = len(data[start: exc.start].decode("utf-8-sig")) + 1
        diags.append(dg.make("PD005", display, line, col,
                             f"不是合法的 UTF-8：第 {exc.start} 字节 0x{data[exc.start]:02x}"))
        return src
    src.lines = text.splitlines()
    declared = _DECLARATION.match(data)
    if declared and declared.group(1).decode("ascii", "replace").upper() not in ("UTF-8", "UTF8"):
        # lxml would decode the file by the declaration: mojibake in the site, and in the
        # source too once `fmt` wrote it back
        name = declared.group(1).decode("ascii", "replace")
        diags.append(dg.make("PD006", display, 1, len(data[: declared.start(1)].decode("utf-8-sig")) + 1,
                             f"编码声明为 {name}，源文件必须是 UTF-8",
                             '把第一行改为 <?xml version="1.0" encoding="UTF-8"?>，并确认文件确实以 UTF-8 保存。'))
        return src
    if BIDI.search(text):
        for n, line_text in enumerate(src.lines, 1):
            for found in BIDI.finditer(line_text):
                diags.append(dg.make("PD367", display, n, found.start() + 1,
                                     f"双向控制字符 U+{ord(found.group()):04X}，显示顺序会与存储顺序不同"))
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        diags.append(dg.make("PD005", display, line, 0, "文件含有 NUL 字符"))
        return src
    try:
        tree = etree.ElementTree(etree.fromstring(data, secure_parser()))
    except etree.XMLSyntaxError as exc:
        diags.append(syntax_diagnostic(exc, display, src.lines))
        src.recovered = _recover(data)
        return src
    refused = False
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        diags.append(dg.make("PD101", display, 1, 1, "源文件不允许 DOCTYPE 声明"))
        refused = True
    for node in tree.getroot().iter(etree.Entity, etree.ProcessingInstruction):
        if isinstance(node, etree._Entity):
            line, col = src.locate(node.getparent())
            diags.append(dg.make("PD101", display, node.sourceline or line, 0,
                                 f"源文件不允许实体引用：{node.text}"))
        else:
            diags.append(dg.make("PD111", display, node.sourceline or 0, 0,
                                 f"源文件不允许处理指令：<?{node.target} …?>"))
        refused = True
    for sibling in _root_siblings(tree):
        diags.append(dg.make("PD111", display, sibling.sourceline or 0, 0,
                             f"源文件不允许处理指令：<?{sibling.target} …?>"))
        refused = True
    if refused:
        return src
    root = tree.getroot()
    deep = _too_deep(root)
    if deep is not None:
        line, col = src.locate(deep)
        diags.append(dg.make("PD120", display, line, col,
                             f"元素嵌套超过 {MAX_DEPTH} 层：<{deep.tag}>"))
        return src
    if root.tag != ROOTS[kind]:
        line, col = src.locate(root)
        diags.append(dg.make("PD102", display, line, col,
                             f"根元素应为 <{ROOTS[kind]}>，这里是 <{root.tag}>"))
        return src
    src.tree = tree
    return src


_TRAILER = re.compile(r", line \d+, column \d+$")
_SYNTAX = [  # libxml2's message -> kind, message, hint ({0}… are the message's groups)
    (r"Opening and ending tag mismatch: (\S+) line (\d+) and (\S+)", "unclosed-tag",
     "第 {1} 行的 <{0}> 没有关闭（到这里遇到了 </{2}>）",
     "在 <{0}> 的内容结束处补上 </{0}>；或删去多余的 </{2}>。"),
    (r"Premature end of data in tag (\S+) line (\d+)", "unclosed-tag",
     "第 {1} 行的 <{0}> 直到文件末尾都没有关闭",
     "在 <{0}> 的内容结束处补上 </{0}>。"),
    (r"EntityRef: expecting ';'|xmlParseEntityRef: no name", "bare-ampersand",
     "文字中的 & 须写作 &amp;",
     "把 & 改为 &amp;（网页和 PDF 中仍显示为 &）。"),
    (r"StartTag: invalid element name", "bare-less-than",
     "文字中的 < 须写作 &lt;（否则被当作标签的开始）",
     "把 < 改为 &lt;，或改用全角“＜”、文字“小于”。"),
    (r"Entity '([^']+)' not defined", "undefined-entity",
     "XML 没有名为 &{0}; 的实体",
     "直接写出该字符（如空格、“—”）；XML 只认 &amp; &lt; &gt; &quot; &apos; 五个。"),
    (r"AttValue: \" or ' expected", "unquoted-attribute",
     "属性值须用引号括起",
     "写作 name=\"值\"（英文双引号）。"),
    (r"Attribute (\S+) redefined", "duplicate-attribute",
     "同一个标签里写了两次属性 {0}",
     "删去其中一个 {0}=\"…\"。"),
    (r"Extra content at the end of the document", "extra-content",
     "根元素结束之后还有内容",
     "一个文件只有一个根元素：把多余的内容移进根元素，或删去。"),
    (r"Document is empty|Start tag expected", "empty",
     "文件是空的，或不以标签开始",
     "文件应以 <?xml version=\"1.0\" encoding=\"UTF-8\"?> 和根元素开始。"),
    (r"Comment must not contain '--'|Comment not terminated", "bad-comment",
     "注释 <!-- … --> 中不能有 --，或注释没有结束",
     "把注释里的 -- 改为别的写法，并以 --> 结束注释。"),
    (r"expected '>'|Couldn't find end of Start Tag (\S+)|attributes construct error",
     "bad-tag", "标签没有正确结束（缺少 > 或属性写法有误）",
     "检查这一处标签：属性写作 name=\"值\"，以 > 或 /> 结束。"),
]


def syntax_diagnostic(exc: etree.XMLSyntaxError, display: str, lines: list[str]) -> dg.Diagnostic:
    """PD100 in an editor's words: what is wrong, where it most likely started (an
    unclosed tag at its opening line, not where the parser noticed), how to write it."""
    raw = _TRAILER.sub("", exc.msg or "")
    line, col = exc.position if exc.position else (exc.lineno or 0, 0)
    for pattern, kind, message, hint in _SYNTAX:
        m = re.search(pattern, raw)
        if not m:
            continue
        groups = [g or "" for g in m.groups()]
        data = {"kind": kind, "parser": raw}
        if kind == "unclosed-tag":
            data |= {"element": groups[0], "opened": int(groups[1]), "noticed": line}
            line, col = int(groups[1]), _find(lines, int(groups[1]), f"<{groups[0]}", 0)
        elif kind in ("bare-ampersand", "undefined-entity"):
            col = _find(lines, line, "&", col, back=True) or col
            data |= {"name": groups[0]} if groups else {}
        elif kind == "bare-less-than":
            col = _find(lines, line, "<", col, back=True) or col
        elif groups:
            data["name"] = groups[0]
        return dg.make("PD100", display, line, col, message.format(*groups),
                       hint.format(*groups), **data)
    return dg.make("PD100", display, line, col, f"XML 格式错误：{raw}", kind="other", parser=raw)


def _find(lines: list[str], line: int, what: str, col: int, back: bool = False) -> int:
    """1-based column of `what` on a line (the last one before `col` with `back`)."""
    if not 0 < line <= len(lines):
        return 0
    text = lines[line - 1]
    at = text.rfind(what, 0, col + 1) if back else text.find(what)
    return at + 1 if at >= 0 else 0


def _recover(data: bytes) -> etree._ElementTree | None:
    """What libxml2's recovering parser makes of a broken file (entities still off)."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, load_dtd=False,
                             no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None
    return etree.ElementTree(root) if root is not None else None


def _too_deep(root: etree._Element) -> etree._Element | None:
    """The first element nested deeper than MAX_DEPTH, or None (one pass, no recursion)."""
    stack = [(root, 1)]
    while stack:
        el, depth = stack.pop()
        if depth > MAX_DEPTH:
            return el
        stack.extend((child, depth + 1) for child in el if isinstance(child.tag, str))
    return None


def _root_siblings(tree: etree._ElementTree):
    root = tree.getroot()
    for direction in (root.itersiblings(preceding=True), root.itersiblings()):
        for node in direction:
            if isinstance(node, etree._ProcessingInstruction):
                yield node


def resolve_inside(root: Path, rel: str) -> Path | None:
    """The file `rel` names inside `root`, or None if it would leave `root`
    (absolute path, .., a URL, or a symbolic link pointing outside)."""
    if not rel or "://" in rel or rel.startswith(("/", "\\")) or ":" in rel.split("/")[0]:
        return None
    parts = PurePosixPath(rel).parts
    if ".." in parts:
        return None
    candidate = root.joinpath(*parts)
    try:
        resolved = candidate.resolve()
        base = root.resolve()
    except (OSError, RuntimeError):
        return None
    if resolved != base and base not in resolved.parents:
        return None
    return candidate


def load(plan_dir: Path) -> Sources:
    """Parse plan_dir/plan.xml, its indicator file and its chapter files, in order."""
    diags: list[dg.Diagnostic] = []
    sources = Sources(root=plan_dir, plan=None, indicators=None, chapters=[], gazetteer=None,
                      chapter_parts={}, diagnostics=diags)
    plan_path = resolve_inside(plan_dir, "plan.xml")
    display = _display(plan_dir, "plan.xml")
    if plan_path is None:  # a symbolic link out of the plan: never opened
        diags.append(dg.make("PD002", display, 0, 0, "plan.xml 是指向规划目录之外的符号链接"))
        return sources
    if not plan_path.is_file():
        diags.append(dg.make("PD001", display, 0, 0, f"找不到规划根文件 {display}",
                             "用 --plan 指向含 plan.xml 的目录，或用 python build.py import 生成它。"))
        return sources
    plan = parse_file(plan_path, "plan.xml", display, "plan", diags)
    sources.plan = plan
    if plan.tree is None:
        return sources

    listed: dict[str, etree._Element] = {}

    def admit(el: etree._Element, kind: str) -> SourceFile | None:
        rel = (el.get("file") or "").strip()
        line, col = plan.locate(el, "file")
        path = resolve_inside(plan_dir, rel)
        if path is None:
            listed.setdefault(PurePosixPath(rel).as_posix(), el)
            diags.append(dg.make("PD002", display, line, col, f"文件路径离开了规划目录：{rel}"))
            return None
        rel = PurePosixPath(*PurePosixPath(rel).parts).as_posix()
        if rel in listed:
            first = listed[rel].sourceline
            diags.append(dg.make("PD004", display, line, col,
                                 f"文件 {rel} 已在第 {first} 行列出过"))
            return None
        listed[rel] = el
        if not path.is_file():
            diags.append(dg.make("PD001", display, line, col, f"列出的文件不存在：{rel}"))
            return None
        return parse_file(path, rel, _display(plan_dir, rel), kind, diags)

    root = plan.tree.getroot()
    for el in root.findall("indicators"):
        sources.indicators = admit(el, "indicators")
    for el in root.findall("gazetteer"):
        sources.gazetteer = admit(el, "gazetteer")
    for index, part in enumerate(root.findall("part") or [root]):
        for el in part.findall("chapter"):   # a plan without parts lists them itself
            src = admit(el, "chapter")
            if src is not None:
                sources.chapters.append(src)
                sources.chapter_parts[src.rel] = index

    chapters_dir = plan_dir / "chapters"
    if chapters_dir.is_dir():
        for path in sorted(chapters_dir.glob("*.xml")):
            rel = f"chapters/{path.name}"
            if rel not in listed:
                diags.append(dg.make("PD003", _display(plan_dir, rel), 0, 0,
                                     f"章文件没有被 plan.xml 列出：{rel}"))
    return sources


def chapters_of(sources: Sources, part_index: int) -> list[SourceFile]:
    """The chapter files of one part that loaded and validated, in listed order."""
    return [c for c in sources.chapters
            if c.tree is not None and sources.chapter_parts.get(c.rel) == part_index]
