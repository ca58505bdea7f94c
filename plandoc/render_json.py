"""JSON: the canonical dump of the model (plandoc's `native` format).

The dump walks the frozen dataclasses generically: every node becomes an object with
a "type" key (the class name in lower case) and its fields; tuples become arrays.
Beside the tree it lists every block in reading order with its plain text, so a tool
can read the plan's text without walking the tree. Deterministic: same model, same
bytes.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from . import model as m

SCHEMA_VERSION = "1.0.0"


def _rel(file: str, root: str) -> str:
    """Source paths relative to the plan directory, so the dump does not depend on
    how the plan directory was named on the command line."""
    prefix = root.rstrip("/") + "/"
    return file[len(prefix):] if file.startswith(prefix) else file


def _dump(obj, root: str):
    if isinstance(obj, m.Loc):
        return {"file": _rel(obj.file, root), "line": obj.line, "column": obj.column}
    if dataclasses.is_dataclass(obj):
        out = {"type": type(obj).__name__.lower()}
        for f in dataclasses.fields(obj):
            out[f.name] = _dump(getattr(obj, f.name), root)
        return out
    if isinstance(obj, tuple | list):
        return [_dump(x, root) for x in obj]
    return obj


def _reading_order(plan: m.Plan) -> list[dict]:
    """Every text block in reading order with its place and plain text."""
    out: list[dict] = []

    def add(block, chapter, section, column):
        base = {"chapter": chapter, "section": section, "column": column}
        if isinstance(block, m.Paragraph | m.Entry):
            out.append({"id": block.id, "type": type(block).__name__.lower(), **base,
                        "text": block.text})
        elif isinstance(block, m.ListBlock):
            for it in block.items:
                out.append({"id": it.id, "type": "item", "marker": it.marker, **base,
                            "text": it.text})
        elif isinstance(block, m.Table):
            rows = [[m.plain(c.content) for c in r.cells] for r in block.head + block.body]
            out.append({"id": block.id, "type": "table", **base, "label": block.label,
                        "text": "\n".join("\t".join(r) for r in rows), "rows": rows})
        elif isinstance(block, m.Figure):
            out.append({"id": block.id, "type": "figure", **base, "label": block.label,
                        "text": m.plain(block.caption)})
        elif isinstance(block, m.Column):
            out.append({"id": block.id, "type": "column", **base, "label": block.label,
                        "text": m.plain(block.title)})
            for b in block.blocks:
                add(b, chapter, section, block.id)

    if plan.notice:
        for p in plan.notice.blocks:
            add(p, "notice", None, None)
    for p in plan.preamble:
        add(p, "preamble", None, None)
    for part in plan.parts:
        for b in part.blocks:
            add(b, part.id, None, None)
        for ch in part.chapters:
            for b in ch.blocks:
                add(b, ch.id, None, None)
            for sec in ch.sections:
                for b in sec.blocks:
                    add(b, ch.id, sec.id, None)
    for p in plan.closing:
        add(p, "closing", None, None)
    return out


def to_dict(plan: m.Plan) -> dict:
    root = plan.root
    outline = [{
        "id": p.id, "number": p.number, "label": p.label, "title": m.plain(p.title),
        "chapters": [{
            "id": c.id, "number": c.number, "label": c.label, "title": m.plain(c.title),
            "file": c.file,
            "sections": [{"id": s.id, "number": s.number, "label": s.label,
                          "title": m.plain(s.title)} for s in c.sections],
        } for c in p.chapters],
    } for p in plan.parts]
    return {
        "schema_version": SCHEMA_VERSION,
        "meta": _dump(plan.meta, root),
        "parts": outline,
        "columns": [{"id": c.id, "number": c.number, "label": c.label,
                     "title": m.plain(c.title), "chapter": c.chapter, "section": c.section}
                    for c in plan.columns],
        "figures": [{"id": f.id, "number": f.number, "label": f.label,
                     "title": m.plain(f.caption), "chapter": f.chapter, "image": f.image}
                    for f in plan.figures],
        "indicators": [{
            "id": i.id, "name": m.plain(i.name), "unit": i.unit, "category": i.category,
            "nature": i.nature, "parent": i.parent, "basis": i.basis,
            "facts": [{
                "year": s.year, "role": s.role, "from": s.from_year,
                "text": s.quantity.text, "kind": s.quantity.kind, "value": s.quantity.value,
                "comparator": s.quantity.comparator, "cumulative": s.quantity.cumulative,
                "unit": s.quantity.unit,
                "stated_in": {"source": s.source, "block": s.block, "column": s.column,
                              "chapter": s.chapter, "file": _rel(s.loc.file, root),
                              "line": s.loc.line},
            } for s in i.facts],
        } for i in plan.indicators],
        "blocks": _reading_order(plan),
        "document": {
            "notice": _dump(plan.notice, root), "preamble": _dump(plan.preamble, root),
            "parts": _dump(plan.parts, root), "closing": _dump(plan.closing, root),
            "imprint": _dump(plan.imprint, root),
        },
    }


def dumps(plan: m.Plan) -> str:
    return json.dumps(to_dict(plan), ensure_ascii=False, indent=1) + "\n"


def render(plan: m.Plan, out_dir: Path, findings: tuple = ()) -> list[Path]:
    path = out_dir / "plan.json"
    path.write_text(dumps(plan), encoding="utf-8")
    return [path]
