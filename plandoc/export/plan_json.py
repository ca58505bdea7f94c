"""JSON: the canonical dump of the model, and the contract for downstream tools.

Shape (documented field by field in docs/json.md, validated against
schema/plan.schema.json, changes listed in docs/CHANGELOG-contract.md): metadata; the
outline (parts, chapters, sections); every block in reading order with its plain text,
its inline spans (lead, emphasis, references, facts, totals, counts, corrections) as
character offsets into that text and its address on the published site; columns,
figures, tables (cells naming the fact they state); indicators with the table rows they
stand in and every statement, tied to its row and cell; the cross-reference graph.
The check findings are editorial, not the plan: the editor's view writes them to
editorial/findings.json (`findings`: the shape of `check --format json`,
schema/diagnostics.schema.json); nothing public carries them. Deterministic: the same plan
gives the same bytes, whatever the plan directory was called.

In plan.json "column" always means a 专栏; a character position in a source line is
`loc.char`, a cell of a table row is `cell`.
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import model as m
from .. import walk
from ..site.view import CLOSING, NOTICE, PREAMBLE, SiteView

SCHEMA_VERSION = "2.1.0"
"""Major: a change that breaks readers; minor: an addition. See docs/json.md."""

RATE_ROLES = m.RATE_ROLES
_CLOSING_MARKS = "。：:"
"""Printed after a lead sentence or an entry's name; not part of the `lead`/`name` span."""


def value_unit(q: m.Quantity, role: str, indicator_unit: str | None) -> str | None:
    """The unit the fact's value is in: the printed unit, else the indicator's; a rate
    is a percentage change (%/年 average annual, % over the period when cumulative)
    unless printed with another unit (百分点)."""
    if q.kind != "number":
        return None
    printed = (q.unit or "").replace("％", "%") or None
    if role in RATE_ROLES:
        if printed and printed != "%":
            return printed
        return "%" if q.cumulative else "%/年"
    return printed or indicator_unit


class Flattener:
    """Flattens the model into plan.json's dictionaries (export.tables reads its indicators for
    the CSV rows); keeps the plan root to make source paths relative."""

    def __init__(self, plan: m.Plan):
        self.plan = plan
        self.site = SiteView(plan)
        self.units = {i.id: i.unit for i in plan.indicators}
        self.blocks: list[dict] = []
        self.references: list[dict] = []
        self.holders: dict[int | str, list[str]] = {}
        """id() of a node holding blocks (or an area's name) -> the ids of its blocks."""
        self.notice: dict | None = None
        self.parts: list[dict] = []
        self.appendices: list[dict] = []
        self.pages: list[dict] = []

    def loc(self, loc: m.Loc) -> dict:
        return {"file": m.plan_relative(loc.file, self.plan.root), "line": loc.line,
                "char": loc.column}

    def url(self, page: str | None, anchor: str | None = None) -> str:
        return self.site.url(page or PREAMBLE, anchor)

    # -------------------------------------------------------------- inline spans

    def spans(self, nodes: tuple[m.Inline, ...], block: str, start: int = 0) -> tuple[str, list]:
        """Plain text of `nodes` and their spans, offsets counted from `start`."""
        text, spans = [], []
        pos = start
        for node in nodes:
            if isinstance(node, m.Text):
                text.append(node.text)
                pos += len(node.text)
                continue
            if isinstance(node, m.Sub | m.Sup):
                span, inner = {"type": type(node).__name__.lower()}, node.text
            elif isinstance(node, m.Sic):
                span, inner = {"type": "sic", "corr": node.corr}, node.text
            elif isinstance(node, m.Ref):
                span = {"type": "ref", "to": node.to, "kind": node.kind or None,
                        "label": node.label or None}
                inner = node.label or node.to
                self.references.append({"from": block, "to": node.to, "kind": node.kind or None,
                                        "label": node.label or None, "loc": self.loc(node.loc)})
            elif isinstance(node, m.Fact):
                span = {"type": "fact", "indicator": node.ind, "year": node.year,
                        "role": node.role, "from": node.from_year,
                        **self.quantity(node.quantity),
                        "value_unit": value_unit(node.quantity, node.role,
                                                 self.units.get(node.ind))}
                inner = node.quantity.text
            elif isinstance(node, m.Quote):
                span = {"type": "quote", "indicator": node.ind, "year": node.year, "role": node.role,
                        "to": node.to, **self.quantity(node.quantity),
                        "value_unit": value_unit(node.quantity, node.role, self.units.get(node.ind)),
                        "url": self.url(node.page, node.to)}
                inner = node.quantity.text
            elif isinstance(node, m.Total | m.Term | m.Num):
                span = {"type": type(node).__name__.lower(), **self.quantity(node.quantity)}
                inner = node.quantity.text
            else:  # Emph, Sum, Count, Member: containers
                span = {"type": {"Emph": "em"}.get(type(node).__name__, type(node).__name__.lower())}
                if isinstance(node, m.Sum | m.Count):
                    span["exhaustive"] = node.exhaustive
                inner, children = self.spans(node.children, block, pos)
                span.update(start=pos, end=pos + len(inner))
                spans.append(span)
                spans.extend(children)
                text.append(inner)
                pos += len(inner)
                continue
            span.update(start=pos, end=pos + len(inner))
            spans.append(span)
            text.append(inner)
            pos += len(inner)
        return "".join(text), spans

    @staticmethod
    def quantity(q: m.Quantity) -> dict:
        return {"kind": q.kind, "value": q.value, "decimals": q.decimals,
                "comparator": q.comparator, "cumulative": q.cumulative, "unit": q.unit}

    def titled(self, title: tuple, block: str) -> dict:
        text, spans = self.spans(title, block)
        return {"title": text, "title_spans": spans}

    # -------------------------------------------------------------- blocks

    def leaded(self, bid: str, lead: tuple, content: tuple, lead_type: str = "lead") -> dict:
        lead_text, lead_spans = self.spans(lead, bid)
        rest, rest_spans = self.spans(content, bid, len(lead_text))
        end = len(lead_text.rstrip().rstrip(_CLOSING_MARKS).rstrip())
        spans = ([{"type": lead_type, "start": 0, "end": end}] if lead else [])
        return {"text": lead_text + rest, "spans": spans + lead_spans + rest_spans}

    def cell(self, c: m.Cell, block: str) -> dict:
        text, spans = self.spans(c.content, block)
        return {"text": text, "spans": spans, "header": c.header, "colspan": c.colspan,
                "rowspan": c.rowspan, "role": c.fact_role, "indicator": c.fact_indicator,
                "year": c.fact_year, "from": c.fact_from}

    def record(self, block: m.Block | m.Item, at: walk.Place) -> dict:
        """The record of one block or list item in `blocks`."""
        where = _where(at)
        page = where.get("page") or where["chapter"] or where["part"] or where["area"]
        base = {"id": block.id, **where, "loc": self.loc(block.loc), "url": self.url(page, block.id)}
        if isinstance(block, m.Paragraph):
            numbered = {"label": block.label, "number": block.number} if block.label else {}
            return {**base, "type": "paragraph", **numbered,
                    **self.leaded(block.id, block.lead, block.content)}
        if isinstance(block, m.Subsection):
            text, spans = self.spans(block.title, block.id)
            return {**base, "type": "subsection", "label": block.label, "number": block.number,
                    "style": block.style, "text": text, "spans": spans, "blocks": self.held(block)}
        if isinstance(block, m.Subhead):
            text, spans = self.spans(block.content, block.id)
            return {**base, "type": "subhead", "text": text, "spans": spans}
        if isinstance(block, m.Entry):
            return {**base, "type": "entry", **self.leaded(block.id, block.name, block.content, "name")}
        if isinstance(block, m.Item):
            holder = at.within[-1]
            return {**base, "type": "item", "list": holder.id, "list_type": holder.type,
                    "marker": block.marker, **self.leaded(block.id, block.lead, block.content)}
        if isinstance(block, m.Table):
            rows = [[self.cell(c, block.id) for c in row.cells] for row in block.head + block.body]
            caption, _ = self.spans(block.caption, block.id)
            return {
                **base, "type": "table", "label": block.label, "indicator": block.indicator,
                "former": list(block.former), "caption": caption,
                "header_rows": len(block.head), "rows": rows,
                "layout": [{"kind": c.kind, "role": c.role, "year": c.year, "from": c.from_year}
                           for c in block.layout],
                "text": "\n".join("\t".join(c["text"] for c in r) for r in rows), "spans": []}
        if isinstance(block, m.Figure):
            text, spans = self.spans(block.caption, block.id)
            return {**base, "type": "figure", "label": block.label, "text": text,
                    "spans": spans, "image": block.image, "alt": block.alt}
        if isinstance(block, m.Column):
            text, spans = self.spans(block.title, block.id)
            return {**base, "type": "column", "label": block.label, "text": text,
                    "spans": spans, "blocks": self.held(block)}
        raise TypeError(f"plan.json has no record for {type(block).__name__}")

    def held(self, holder) -> list[str]:
        """The ids of the blocks `holder` holds, filled in as the walk reaches them (a list's
        items stand in their list's holder: a list has no record of its own)."""
        return self.holders.setdefault(holder if isinstance(holder, str) else id(holder), [])

    def holder(self, at: walk.Place):
        """What holds a block at `at`: the innermost 专栏 or numbered heading, else the
        section, chapter, part, appendix, page or notice, else the area's name (preamble,
        closing)."""
        for holder in (*(h for h in reversed(at.within) if isinstance(h, walk.CONTAINERS)),
                       at.section, at.chapter, at.part, at.appendix, at.companion):
            if holder is not None:
                return holder
        return self.plan.notice if at.area == "notice" else at.area

    # -------------------------------------------------------------- outline

    def walk(self) -> None:
        """Every heading and block in reading order (`walk`): headings into the outline,
        blocks and items into `blocks`, each id into its holder's list."""
        for step in walk.steps(self.plan):
            node, at = step.node, step.place
            if at.companion is not None and not at.companion.public:
                continue  # 说明 pages are the editors' own
            if isinstance(node, walk.HEADINGS):
                self.heading(node, at)
            elif not isinstance(node, m.ListBlock):
                self.held(self.holder(at)).append(node.id)
                self.blocks.append(self.record(node, at))

    def heading(self, node: walk.Heading, at: walk.Place) -> None:
        """The outline entry of a notice, part, chapter, section, appendix or companion page."""
        if isinstance(node, m.Notice):
            self.notice = {**self.titled(node.title, NOTICE), "to": node.to,
                           "signature": node.signature, "date": node.date,
                           "url": self.url(NOTICE), "blocks": self.held(node)}
        elif isinstance(node, m.Part):
            pid = None if node.implicit else node.id   # a plan without parts: one unprinted part
            self.parts.append({"id": pid, "number": node.number, "label": node.label,
                               **self.titled(node.title, node.id), "loc": self.loc(node.loc),
                               "url": self.url(pid), "blocks": self.held(node), "chapters": []})
        elif isinstance(node, m.Chapter):
            self.parts[-1]["chapters"].append({
                "id": node.id, "number": node.number, "label": node.label,
                **self.titled(node.title, node.id), "file": node.file, "loc": self.loc(node.loc),
                "url": self.url(node.id), "blocks": self.held(node), "sections": []})
        elif isinstance(node, m.Section):
            self.parts[-1]["chapters"][-1]["sections"].append({
                "id": node.id, "number": node.number, "label": node.label,
                "former": list(node.former), **self.titled(node.title, node.id),
                "loc": self.loc(node.loc), "url": self.url(at.chapter.id, node.id),
                "blocks": self.held(node)})
        elif isinstance(node, m.Appendix):  # its blocks carry the appendix id as chapter
            self.appendices.append({
                "id": node.id, "kind": node.kind, "number": node.number, "label": node.label,
                **self.titled(node.title, node.id), "loc": self.loc(node.loc),
                "url": self.url(node.id, node.id), "blocks": self.held(node)})
        elif isinstance(node, m.Page):  # the public companion pages (解读, 编制说明)
            self.pages.append({"id": node.id, "title": node.title, "kind": node.kind,
                               "date": node.date, "order": node.order, "file": node.file,
                               "url": self.url(node.id), "blocks": self.held(node)})

    # -------------------------------------------------------------- indicators

    def indicators(self) -> list[dict]:
        rows: dict[str, list[dict]] = {}
        for t in self.plan.tables:
            for i, row in enumerate(t.body):
                if row.indicator:
                    rows.setdefault(row.indicator, []).append({
                        "table": t.id, "row": len(t.head) + i, "seq": row.seq,
                        "category": row.category, "label": row.label})
        return [{
            "id": i.id, "name": m.plain(i.name), "unit": i.unit, "category": i.category,
            "nature": i.nature, "parent": i.parent, "basis": i.basis,
            "tables": rows.get(i.id, []),
            "facts": [self.fact(s, i) for s in i.facts],
        } for i in self.plan.indicators]

    def fact(self, s: m.Statement, ind: m.Indicator) -> dict:
        return {
            "year": s.year, "role": s.role, "from": s.from_year, "text": s.quantity.text,
            **self.quantity(s.quantity),
            "value_unit": value_unit(s.quantity, s.role, ind.unit), "origin": s.origin,
            "stated_in": {"source": s.source, "block": s.block, "column": s.column,
                          "chapter": s.chapter, "row": s.row, "cell": s.cell,
                          "loc": self.loc(s.loc), "url": self.url(s.chapter, s.block)},
        }


_NOWHERE = {"part": None, "chapter": None, "section": None, "column": None}


def _where(at: walk.Place) -> dict:
    """A block's place as plan.json gives it (keys in the order readers have always seen)."""
    if at.area == "appendix":
        where = {"area": "appendix", "part": None, "section": None, "column": None,
                 "chapter": at.appendix.id}
    elif at.area == "page":
        where = {"area": "page", **_NOWHERE, "page": at.page}
    else:
        where = {"area": at.area, **_NOWHERE,
                 "part": None if at.part is None or at.part.implicit else at.part.id,
                 "chapter": at.chapter.id if at.chapter is not None else None,
                 "section": at.section.id if at.section is not None else None}
    if at.column is not None:
        where["column"] = at.column.id
    return where


def to_dict(plan: m.Plan) -> dict:
    w = Flattener(plan)
    w.walk()  # blocks in reading order: the plan, its appendices, then the pages
    meta = plan.meta
    return {
        "schema_version": SCHEMA_VERSION,
        "meta": {
            "id": meta.id, "title": meta.title, "short_title": meta.short_title,
            "issuer": meta.issuer, "docno": meta.docno, "approved": meta.approved,
            "approved_date": meta.approved_date, "approved_by": meta.approved_by,
            "period": {"from": meta.period_from, "to": meta.period_to, "vision": meta.vision,
                       "label": meta.period_label, "vision_label": meta.vision_label},
            **({"numbering": dict(meta.numbering)} if meta.numbering else {}),
        },
        "notice": w.notice,
        "preamble": w.held("preamble"),
        "parts": w.parts,
        "closing": w.held("closing"),
        **({"appendices": w.appendices} if w.appendices else {}),
        "imprint": None if plan.imprint is None else {
            "cc": list(plan.imprint.cc), "printed_date": plan.imprint.printed_date,
            "printed_by": plan.imprint.printed_by, "url": w.url(CLOSING, "imprint")},
        "blocks": w.blocks,
        "columns": [{"id": c.id, "number": c.number, "label": c.label, "title": m.plain(c.title),
                     "chapter": c.chapter, "section": c.section, "url": w.url(c.chapter, c.id)}
                    for c in plan.columns],
        "figures": [{"id": f.id, "number": f.number, "label": f.label, "title": m.plain(f.caption),
                     "chapter": f.chapter, "column": f.column, "image": f.image,
                     "url": w.url(f.chapter, f.id)}
                    for f in plan.figures],
        "tables": [{"id": t.id, "number": t.number, "label": t.label, "indicator": t.indicator,
                    "chapter": t.chapter, "column": t.column, "former": list(t.former),
                    "url": w.url(t.chapter, t.id)} for t in plan.tables],
        "indicators": w.indicators(),
        "references": w.references,
        "pages": w.pages,
    }


def shape(obj, path: str = "$") -> set[str]:
    """Key paths with value types (`$.blocks[].url:str`): what a reader of the JSON relies
    on. schema/plan.shape.json records them for the current version
    (scripts/record_contract_shape.py, `make contract-shape`)."""
    out = set()
    if isinstance(obj, dict):
        for k, v in obj.items():
            out |= shape(v, f"{path}.{k}")
        out.add(f"{path}:object")
    elif isinstance(obj, list):
        for v in obj:
            out |= shape(v, f"{path}[]")
        out.add(f"{path}:array")
    else:
        out.add(f"{path}:{'null' if obj is None else type(obj).__name__}")
    return out


def findings(plan: m.Plan, found: tuple = ()) -> list[dict]:
    """The findings of a build as findings.json holds them: `check --format json`'s
    shape, with paths relative to the plan directory."""
    return [{**d.as_dict(), "file": m.plan_relative(d.file, plan.root)} for d in found]


def dumps(plan: m.Plan) -> str:
    return json.dumps(to_dict(plan), ensure_ascii=False, indent=1) + "\n"


def render(plan: m.Plan, out_dir: Path, found: tuple = ()) -> list[Path]:
    """out_dir/plan.json: the plan, public; the findings are not in it."""
    path = out_dir / "plan.json"
    path.write_text(dumps(plan), encoding="utf-8")
    return [path]


def write_findings(plan: m.Plan, path: Path, found: tuple = ()) -> Path:
    """The findings as findings.json holds them (the editor's view writes it)."""
    path.write_text(json.dumps(findings(plan, found), ensure_ascii=False, indent=1) + "\n",
                    encoding="utf-8")
    return path
