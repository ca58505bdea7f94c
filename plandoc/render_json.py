"""JSON: the canonical dump of the model, and the contract for downstream tools.

Shape (documented field by field in docs/json.md, validated against
schema/plan.schema.json): metadata; the outline (parts, chapters, sections); every
block in reading order with its plain text and its inline spans (lead, emphasis,
references, facts, totals, counts, corrections) as character offsets into that text;
columns, figures, tables (cells with spans); indicators with every statement and its
place; the cross-reference graph; the check findings. Deterministic: the same plan
gives the same bytes, whatever the plan directory was called.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import model as m

SCHEMA_VERSION = "1.1.0"
"""Major: a change that breaks readers; minor: an addition. See docs/json.md."""


class _Writer:
    """Flattens the model; keeps the plan root to make source paths relative."""

    def __init__(self, plan: m.Plan):
        self.plan = plan
        self.blocks: list[dict] = []
        self.references: list[dict] = []

    def loc(self, loc: m.Loc) -> dict:
        return {"file": m.plan_relative(loc.file, self.plan.root), "line": loc.line, "column": loc.column}

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
                        **self.quantity(node.quantity)}
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
        spans = ([{"type": lead_type, "start": 0, "end": len(lead_text)}] if lead else [])
        return {"text": lead_text + rest, "spans": spans + lead_spans + rest_spans}

    def add(self, block: m.Block, where: dict) -> list[str]:
        """Append `block` (and, for columns and lists, what it holds); return the ids added at this level."""
        base = {"id": block.id, **where, "loc": self.loc(block.loc)}
        if isinstance(block, m.Paragraph):
            self.blocks.append({**base, "type": "paragraph",
                                **self.leaded(block.id, block.lead, block.content)})
        elif isinstance(block, m.Subhead):
            text, spans = self.spans(block.content, block.id)
            self.blocks.append({**base, "type": "subhead", "text": text, "spans": spans})
        elif isinstance(block, m.Entry):
            self.blocks.append({**base, "type": "entry",
                                **self.leaded(block.id, block.name, block.content, "name")})
        elif isinstance(block, m.ListBlock):
            ids = []
            for it in block.items:
                self.blocks.append({"id": it.id, **where, "loc": self.loc(it.loc), "type": "item",
                                    "list": block.id, "list_type": block.type, "marker": it.marker,
                                    **self.leaded(it.id, it.lead, it.content)})
                ids.append(it.id)
            return ids
        elif isinstance(block, m.Table):
            rows = []
            for row in block.head + block.body:
                cells = []
                for c in row.cells:
                    text, spans = self.spans(c.content, block.id)
                    cells.append({"text": text, "spans": spans, "header": c.header,
                                  "colspan": c.colspan, "rowspan": c.rowspan, "role": c.fact_role})
                rows.append(cells)
            caption, caption_spans = self.spans(block.caption, block.id)
            self.blocks.append({
                **base, "type": "table", "label": block.label, "indicator": block.indicator,
                "caption": caption, "header_rows": len(block.head), "rows": rows,
                "layout": [{"kind": c.kind, "role": c.role, "year": c.year, "from": c.from_year}
                           for c in block.layout],
                "text": "\n".join("\t".join(c["text"] for c in r) for r in rows), "spans": []})
        elif isinstance(block, m.Figure):
            text, spans = self.spans(block.caption, block.id)
            self.blocks.append({**base, "type": "figure", "label": block.label, "text": text,
                                "spans": spans, "image": block.image, "alt": block.alt})
        elif isinstance(block, m.Column):
            text, spans = self.spans(block.title, block.id)
            children: list[str] = []
            record = {**base, "type": "column", "label": block.label, "text": text,
                      "spans": spans, "blocks": children}
            self.blocks.append(record)
            for b in block.blocks:
                children += self.add(b, {**where, "column": block.id})
        return [block.id]

    def add_all(self, blocks, where: dict) -> list[str]:
        ids: list[str] = []
        for b in blocks:
            ids += self.add(b, where)
        return ids


def to_dict(plan: m.Plan, findings: tuple = ()) -> dict:
    w = _Writer(plan)
    nowhere = {"part": None, "chapter": None, "section": None, "column": None}
    notice = None
    if plan.notice:
        n = plan.notice
        notice = {**w.titled(n.title, "notice"), "to": n.to, "signature": n.signature,
                  "date": n.date, "blocks": w.add_all(n.blocks, {**nowhere, "chapter": "notice"})}
    preamble = w.add_all(plan.preamble, {**nowhere, "chapter": "preamble"})
    parts = []
    for p in plan.parts:
        part_blocks = w.add_all(p.blocks, {**nowhere, "part": p.id})
        chapters = []
        for c in p.chapters:
            where = {**nowhere, "part": p.id, "chapter": c.id}
            intro = w.add_all(c.blocks, where)
            sections = [{"id": s.id, "number": s.number, "label": s.label,
                         **w.titled(s.title, s.id), "loc": w.loc(s.loc),
                         "blocks": w.add_all(s.blocks, {**where, "section": s.id})}
                        for s in c.sections]
            chapters.append({"id": c.id, "number": c.number, "label": c.label,
                             **w.titled(c.title, c.id), "file": c.file, "loc": w.loc(c.loc),
                             "blocks": intro, "sections": sections})
        parts.append({"id": p.id, "number": p.number, "label": p.label, **w.titled(p.title, p.id),
                      "loc": w.loc(p.loc), "blocks": part_blocks, "chapters": chapters})
    closing = w.add_all(plan.closing, {**nowhere, "chapter": "closing"})
    meta = plan.meta
    return {
        "schema_version": SCHEMA_VERSION,
        "meta": {
            "id": meta.id, "title": meta.title, "short_title": meta.short_title,
            "issuer": meta.issuer, "docno": meta.docno, "approved": meta.approved,
            "approved_date": meta.approved_date, "approved_by": meta.approved_by,
            "period": {"from": meta.period_from, "to": meta.period_to, "vision": meta.vision,
                       "label": meta.period_label, "vision_label": meta.vision_label},
        },
        "notice": notice,
        "preamble": preamble,
        "parts": parts,
        "closing": closing,
        "imprint": None if plan.imprint is None else {
            "cc": list(plan.imprint.cc), "printed_date": plan.imprint.printed_date,
            "printed_by": plan.imprint.printed_by},
        "blocks": w.blocks,
        "columns": [{"id": c.id, "number": c.number, "label": c.label, "title": m.plain(c.title),
                     "chapter": c.chapter, "section": c.section} for c in plan.columns],
        "figures": [{"id": f.id, "number": f.number, "label": f.label, "title": m.plain(f.caption),
                     "chapter": f.chapter, "column": f.column, "image": f.image}
                    for f in plan.figures],
        "tables": [{"id": t.id, "number": t.number, "label": t.label, "indicator": t.indicator,
                    "chapter": t.chapter, "column": t.column} for t in plan.tables],
        "indicators": [{
            "id": i.id, "name": m.plain(i.name), "unit": i.unit, "category": i.category,
            "nature": i.nature, "parent": i.parent, "basis": i.basis,
            "facts": [{
                "year": s.year, "role": s.role, "from": s.from_year, "text": s.quantity.text,
                **_Writer.quantity(s.quantity), "origin": s.origin,
                "stated_in": {"source": s.source, "block": s.block, "column": s.column,
                              "chapter": s.chapter, "loc": w.loc(s.loc)},
            } for s in i.facts],
        } for i in plan.indicators],
        "references": w.references,
        "findings": [{**d.as_dict(), "file": m.plan_relative(d.file, plan.root)} for d in findings],
    }


def dumps(plan: m.Plan, findings: tuple = ()) -> str:
    return json.dumps(to_dict(plan, findings), ensure_ascii=False, indent=1) + "\n"


def render(plan: m.Plan, out_dir: Path, findings: tuple = ()) -> list[Path]:
    path = out_dir / "plan.json"
    path.write_text(dumps(plan, findings), encoding="utf-8")
    return [path]
