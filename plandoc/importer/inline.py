"""Inline text: bold runs, subscripts, evident errors, references, and lead sentences.

Role: turn one paragraph of extracted text into a list of inline nodes.

The only inline markup in extracted plans is ``**bold**`` and ``_{subscript}``
(``PM _{2.5}``). markdown-it-py is not used for the bold runs: CommonMark's flanking
rules reject a closing ``**`` that follows CJK punctuation and precedes a letter
(``**坚持深化改革开放。**坚定``), which is exactly how these plans print a bold lead.
The tokenizer here pairs ``**`` delimiters left to right within one paragraph (the
texts never use ``*`` otherwise); an unpaired delimiter stays literal and is reported.

Guarantees: the concatenated text of the nodes equals the input minus the markup
characters (and the whitespace around ``_{``); every sic and ref is a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .report import Findings

LEAD_MAX = 25
LEAD_DOUBT_MAX = 30


@dataclass(frozen=True)
class Em:
    children: tuple["Node", ...]


@dataclass(frozen=True)
class Sub:
    text: str


@dataclass(frozen=True)
class Sic:
    text: str
    corr: str


@dataclass(frozen=True)
class Ref:
    to: str
    printed: str


Node = str | Em | Sub | Sic | Ref

_SUB = re.compile(r"\s*_\{([^{}]*)\}(\s*(?=[，。、；：）”」\u3000-\u303f\uff00-\uffef]))?")
_AND = re.compile(r"(?<=[\u4e00-\u9fff])\s*\band\b\s*(?=[\u4e00-\u9fff])")
_DUP = re.compile(r"([^。！？\s]{4,30}。)(\1)")
_REF = re.compile(r"(专栏|图)\s*(\d+)")


def plain(nodes: list[Node] | tuple[Node, ...]) -> str:
    """The printed text of nodes (sic keeps the published reading)."""
    out = []
    for n in nodes:
        if isinstance(n, str):
            out.append(n)
        elif isinstance(n, Em):
            out.append(plain(n.children))
        elif isinstance(n, (Sub, Sic)):
            out.append(n.text)
        else:
            out.append(n.printed)
    return "".join(out)


def _leaves(text: str, lines: tuple[int, ...], findings: Findings) -> list[Node]:
    """Subscripts, sic and refs in a run of text without bold markup."""
    nodes: list[Node] = []
    pos = 0
    for m in _SUB.finditer(text):
        nodes += _sics(text[pos:m.start()], lines, findings)
        nodes.append(Sub(m.group(1).strip()))
        pos = m.end()
    nodes += _sics(text[pos:], lines, findings)
    return nodes


def _sics(text: str, lines: tuple[int, ...], findings: Findings) -> list[Node]:
    nodes: list[Node] = []
    pos = 0
    marks = sorted([(m.start(), m.end(), Sic(m.group(0), "和")) for m in _AND.finditer(text)]
                   + [(m.start(2), m.end(2), Sic(m.group(2), "")) for m in _DUP.finditer(text)],
                   key=lambda t: t[0])
    for start, end, sic in marks:
        if start < pos:
            continue
        if text[pos:start]:
            nodes.append(text[pos:start])
        nodes.append(sic)
        what = "English 'and' in Chinese text" if sic.corr else "sentence printed twice"
        findings.add("sic", lines, f"{what}: kept, marked sic corr={sic.corr!r}", sic.text)
        pos = end
    if text[pos:]:
        nodes.append(text[pos:])
    return nodes


def link(nodes: list[Node], refs: dict[str, str], lines: tuple[int, ...],
         findings: Findings) -> list[Node]:
    """Replace printed numbers of columns and figures (见专栏 2) by refs to their ids."""
    out: list[Node] = []
    for n in nodes:
        if isinstance(n, str):
            out += _refs(n, lines, findings, refs)
        elif isinstance(n, Em):
            out.append(Em(tuple(link(list(n.children), refs, lines, findings))))
        else:
            out.append(n)
    return out


def _refs(text: str, lines: tuple[int, ...], findings: Findings,
          refs: dict[str, str]) -> list[Node]:
    nodes: list[Node] = []
    pos = 0
    for m in _REF.finditer(text):
        key = f"{m.group(1)} {m.group(2)}"
        if key not in refs:
            continue
        nodes.append(text[pos:m.start()])
        nodes.append(Ref(refs[key], m.group(0)))
        findings.add("ref", lines, f"'{m.group(0)}' in prose referenced as {refs[key]}",
                     text[max(0, m.start() - 8):m.end() + 4])
        pos = m.end()
    nodes.append(text[pos:])
    return [n for n in nodes if n != ""]


def parse(text: str, lines: tuple[int, ...], findings: Findings) -> list[Node]:
    """Inline nodes of one paragraph (or title, or cell)."""
    parts = text.split("**")
    if len(parts) % 2 == 0:
        findings.add("markup", lines, "unpaired ** kept as text", text[:30])
        parts[-2:] = [parts[-2] + "**" + parts[-1]]
    nodes: list[Node] = []
    for i, part in enumerate(parts):
        leaves = _leaves(part, lines, findings)
        if i % 2:
            nodes.append(Em(tuple(leaves)))
        else:
            nodes += leaves
    return [n for n in nodes if n != ""]


def split_lead(nodes: list[Node], lines: tuple[int, ...], findings: Findings,
               colon: bool = False) -> tuple[list[Node], list[Node]]:
    """Split off the lead sentence: (lead nodes, rest). No lead gives ([], nodes).

    A lead is a bold run opening the paragraph (with its full stop), or a first sentence
    of at most LEAD_MAX characters ending in 。 with no comma, followed by more text.
    With ``colon`` (project entries in columns) a first clause ending in ： counts too
    when at least 20 characters follow it. Near misses are reported, not marked.
    """
    if not nodes:
        return [], nodes
    first = nodes[0]
    if isinstance(first, Em):
        rest = list(nodes[1:])
        head: list[Node] = [first]
        if plain(first.children).endswith("。"):
            pass
        elif rest and isinstance(rest[0], str) and rest[0].startswith("。"):
            head.append("。")
            rest[0] = rest[0][1:]
        else:
            return [], nodes
        return (head, [n for n in rest if n != ""]) if plain(rest).strip() else ([], nodes)
    if not isinstance(first, str):
        return [], nodes
    stops = [i for i in (first.find("。"), first.find("：") if colon else -1) if i >= 0]
    if not stops:
        return [], nodes
    cut = min(stops) + 1
    sentence, after = first[:cut], first[cut:]
    remainder = after + plain(nodes[1:])
    size = len(re.sub(r"\s", "", sentence))
    if not remainder.strip() or (sentence.endswith("：") and len(remainder.strip()) < 20):
        return [], nodes
    if size <= LEAD_MAX and not re.search("[，；]", sentence):
        return [sentence], [n for n in [after, *nodes[1:]] if n != ""]
    if size <= LEAD_DOUBT_MAX and sentence.endswith("。"):
        findings.add("lead-doubtful", lines, f"first sentence ({size} chars) not marked as a "
                     "lead", sentence)
    return [], nodes
