"""Convert, inline level: the per-conversion context, and inline XML to the model's
inline nodes (text, emphasis, references with their labels, facts and their statements,
sums, counts, corrections). Used by `convert` and `convert_tables`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from lxml import etree

from . import diagnostics as dg
from . import model as m
from .labels import Numbering
from .load import SourceFile, Sources
from .quantity import parse as parse_quantity
from .recognise import Recogniser


@dataclass
class Context:
    """Per-conversion state: where conversion is, the plan's numbering, what it collects."""

    sources: Sources
    numbering: Numbering
    """Every number and label (`labels.number`): read, never counted, here."""
    diags: list[dg.Diagnostic] = field(default_factory=list)
    statements: list[m.Statement] = field(default_factory=list)
    used_ids: dict[str, int] = field(default_factory=dict)
    columns: list[m.Column] = field(default_factory=list)
    figures: list[m.Figure] = field(default_factory=list)
    tables: list[m.Table] = field(default_factory=list)
    src: SourceFile | None = None
    chapter: str = ""
    section: str | None = None
    column: str | None = None
    indicators: dict[str, etree._Element] = field(default_factory=dict)
    recogniser: Recogniser | None = None
    recognised: list[m.Recognised] = field(default_factory=list)

    def loc(self, el: etree._Element, attr: str | None = None) -> m.Loc:
        assert self.src is not None
        line, col = self.src.locate(el, attr)
        return m.Loc(self.src.display, line, col)

    def block_id(self, el: etree._Element, prefix: str, text: str) -> str:
        """The explicit id, or one derived from the text: editing a block changes only its own id."""
        explicit = el.get("id")
        if explicit:
            return explicit
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
        base = f"{prefix}-{digest}"
        n = self.used_ids.get(base, 0) + 1
        self.used_ids[base] = n
        return base if n == 1 else f"{base}-{n}"

# ------------------------------------------------------------------ inline

def inline(ctx: Context, el: etree._Element, facts: list[m.Fact] | None = None,
            tail: bool = False) -> tuple[m.Inline, ...]:
    """The mixed content of `el` (its text and children, not its own tail)."""
    out: list[m.Inline] = []
    if el.text:
        out.append(m.Text(el.text))
    for child in el:
        if not isinstance(child.tag, str):
            pass  # comments
        else:
            node = _inline_element(ctx, child, facts)
            if node is not None:
                out.append(node)
        if child.tail:
            out.append(m.Text(child.tail))
    return tuple(_merge_text(out))


def title_lines(ctx: Context, el: etree._Element) -> tuple[tuple[m.Inline, ...], ...]:
    """The inline content of a title cut at its <br/> marks (empty lines dropped)."""
    lines: list[list[m.Inline]] = [[m.Text(el.text)] if el.text else []]
    for child in el:
        if child.tag == "br":
            lines.append([])
        elif isinstance(child.tag, str):
            node = _inline_element(ctx, child, None)
            if node is not None:
                lines[-1].append(node)
        if child.tail:
            lines[-1].append(m.Text(child.tail))
    return tuple(tuple(_merge_text(line)) for line in lines if line)


def _merge_text(nodes: list[m.Inline]) -> list[m.Inline]:
    merged: list[m.Inline] = []
    for node in nodes:
        if isinstance(node, m.Text) and merged and isinstance(merged[-1], m.Text):
            merged[-1] = m.Text(merged[-1].text + node.text)
        else:
            merged.append(node)
    return merged


def _inline_element(ctx: Context, el: etree._Element, facts: list | None) -> m.Inline | None:
    tag = el.tag
    text = "".join(el.itertext())
    if tag == "em":
        return m.Emph(inline(ctx, el, facts))
    if tag == "sub":
        return m.Sub(text)
    if tag == "sup":
        return m.Sup(text)
    if tag == "sic":
        return m.Sic(text, el.get("corr", ""))
    if tag == "ref":
        to = el.get("to", "")
        target = ctx.numbering.by_id.get(to)
        return m.Ref(to, target.label if target else "", target.kind if target else "",
                     target.page if target else "", ctx.loc(el, "to"))
    if tag == "fact":
        from_year = el.get("from")
        quantity = parse_quantity(text)
        if el.get("cumulative") == "true":
            quantity = replace(quantity, cumulative=True)
        fact = m.Fact(el.get("ind", ""), int(el.get("year", "0")), el.get("role", ""),
                      int(from_year) if from_year else None, quantity, ctx.loc(el))
        if facts is not None:
            facts.append(fact)
        return fact
    if tag == "sum":
        return m.Sum(inline(ctx, el, facts), el.get("exhaustive", "true") == "true", ctx.loc(el))
    if tag == "count":
        return m.Count(inline(ctx, el, facts), el.get("exhaustive", "true") == "true", ctx.loc(el))
    if tag == "total":
        return m.Total(parse_quantity(text), ctx.loc(el))
    if tag == "term":
        return m.Term(parse_quantity(text), ctx.loc(el))
    if tag == "num":
        return m.Num(parse_quantity(text), ctx.loc(el))
    if tag == "member":
        return m.Member(inline(ctx, el, facts))
    return m.Text(text)


def lead_and_content(ctx: Context, el: etree._Element, facts: list[m.Fact],
                      skip: str = "lead") -> tuple[tuple[m.Inline, ...], tuple[m.Inline, ...]]:
    """Split `<p><lead>…</lead>rest</p>` (or `<entry><name>…</name>rest`) into two parts."""
    first = el.find(skip)
    if first is None:
        return (), inline(ctx, el, facts)
    lead = inline(ctx, first, facts)
    rest: list[m.Inline] = []
    if el.text and el.text.strip():
        rest.append(m.Text(el.text))
    if first.tail:
        rest.append(m.Text(first.tail))
    for child in el:
        if child is first or child.tag == skip:
            continue
        if isinstance(child.tag, str):
            node = _inline_element(ctx, child, facts)
            if node is not None:
                rest.append(node)
        if child.tail:
            rest.append(m.Text(child.tail))
    return lead, tuple(_merge_text(rest))


def register(ctx: Context, facts: list[m.Fact], block: str,
              el: etree._Element | None = None) -> None:
    for f in facts:
        ctx.statements.append(m.Statement(f.ind, f.year, f.role, f.from_year, f.quantity,
                                          "prose", block, ctx.column, ctx.chapter, f.loc))
    if el is not None and ctx.recogniser is not None:  # then what the prose says unmarked
        scan = ctx.recogniser.scan(el)
        statements, nodes = ctx.recogniser.model(scan, ctx.src, el, block, ctx.column, ctx.chapter)
        ctx.statements += statements
        ctx.recognised += nodes
