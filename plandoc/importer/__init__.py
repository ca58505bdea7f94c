"""The importer: a plain-text plan (as extracted from its PDF), or a Word/WPS .docx, to a
plandoc plan directory.

Role: ``run(text, out_dir, ids)`` reads the text, repairs extraction damage, builds the
plan tree and writes ``plan.xml``, ``indicators.xml``, ``chapters/chNN-<slug>.xml`` and
``import-report.md`` into ``out_dir``. The stages, in order::

    docx.read_lines     a .docx as exact source lines (Word paragraphs, tables, bold leads)
    source.segment      notice, title, TOC, body, closing, back matter
    paragraphs          page-break repairs (joins, repeated characters, split headings)
    structure.build     parts, chapters, sections, columns, figures, lists, tables
    toc.compare         the printed TOC against the body's headings
    structure.assign_ids  readable ids from the mapping file, or numbered fallbacks
    writer              the XML files, deterministic bytes

Guarantees: the same input gives the same bytes; every repair and every doubt is a
finding in the report with its source line numbers; text not kept as content (TOC
lines, letterhead, page debris, removed duplicate characters) is quoted in the report.
Stale ``chapters/ch*.xml`` files in ``out_dir`` that this run did not write are removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import docx
from . import ids as idmod
from . import indicators, paragraphs, report, source, structure, toc, writer
from .report import Finding, Findings

__all__ = ["ImportResult", "run"]


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote, what it counted, and every finding it made."""

    out_dir: Path
    files: tuple[Path, ...]
    counts: dict[str, int]
    findings: tuple[Finding, ...] = field(default=())

    def by_kind(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.findings:
            out[f.kind] = out.get(f.kind, 0) + 1
        return out


def _counts(body: structure.Body, registry: indicators.Registry) -> dict[str, int]:
    chapters = [c for p in body.parts for c in p.chapters]
    facts = sum(1 for b in body.tables if isinstance(b, structure.IndTable)
                for _, rows in b.table.groups for r in rows for text, _ in r.values if text)
    return {"parts": sum(1 for p in body.parts if not p.implicit), "chapters": len(chapters),
            "sections": sum(len(c.sections) for c in chapters),
            "columns": len(body.columns), "figures": len(body.figures),
            "indicators": len(registry.items), "facts": facts}


def is_docx(path: Path) -> bool:
    """A Word document (read as OOXML) rather than plain text: by its zip signature, so a
    .docx renamed .txt is still read as Word and a text file named .docx is refused."""
    with open(path, "rb") as handle:
        return handle.read(4) == b"PK\x03\x04" or Path(path).suffix.lower() == ".docx"


def _self_check(written: list[Path], findings: Findings) -> None:
    """Validate what was written against schema/plan.rng. The importer's promise is a
    valid plan whatever the text; a file that fails is an importer bug, reported loudly
    (the tests import every convention fixture and assert there is none)."""
    from ..load import secure_parser
    from ..validate import schema

    rng = schema()
    for path in written:
        if not rng.validate(etree.parse(str(path), secure_parser())):
            err = rng.error_log.last_error
            findings.add("invalid", (), f"{path.name}:{err.line}: {err.message} "
                         "(an importer bug: please report it with the text)", path.name)


def run(text_path: Path, out_dir: Path, ids: Path | None = None) -> ImportResult:
    """Import the plan text at ``text_path`` into ``out_dir`` (see the module docstring)."""
    text_path, out_dir = Path(text_path), Path(out_dir)
    findings = Findings()
    idmap = idmod.load(Path(ids) if ids else None)
    lines = docx.read_lines(text_path, findings) if is_docx(text_path) else source.read_lines(text_path, findings)
    front, blocks, closing, back = source.segment(lines, findings)
    items = paragraphs.paragraphs(blocks, toc.titles(front.toc), findings)
    registry = indicators.Registry(idmap, findings)
    body = structure.build(items, findings, registry, front.title,
                           frozenset(e.level for e in front.toc))
    toc.compare(front.toc, body.headings, findings)
    structure.assign_ids(body, idmod.Assigner(idmap, findings))

    chapters = [c for p in body.parts for c in p.chapters]
    names = [f"chapters/ch{i:02d}-{c.id[3:]}.xml" for i, c in enumerate(chapters, 1)]
    refs = {}
    if body.numbering.get("column", "1") == "1":   # 见专栏 2: other schemes stay as printed
        refs = {f"专栏 {c.number}": c.id for c in body.columns if c.number is not None}
    if body.numbering.get("figure", "1") == "1":
        refs |= {f"图 {f.number}": f.id for f in body.figures if f.number is not None}
    w = writer.Writer(findings, refs)
    written: list[Path] = []
    for name, chapter in zip(names, chapters):
        writer.serialise(w.chapter(chapter), out_dir / name)
        written.append(out_dir / name)
    if registry.items:
        writer.serialise(writer.indicators_root(registry), out_dir / "indicators.xml")
        written.append(out_dir / "indicators.xml")
    plan_id = idmap.plan_id or "plan"
    whole = "\n".join(line.text for b in blocks for line in b.lines)
    source.issuer_of(front, findings)
    period = source.period_of(front.title, whole, findings)
    root = writer.plan_root(plan_id, front, period, w, body, names, closing, back,
                            bool(registry.items))
    writer.serialise(root, out_dir / "plan.xml")
    written.append(out_dir / "plan.xml")
    for stale in sorted((out_dir / "chapters").glob("ch*.xml")):
        if stale not in written:
            stale.unlink()
    _self_check(written, findings)
    counts = _counts(body, registry)
    report.write_markdown(out_dir / "import-report.md", text_path, counts, findings)
    return ImportResult(out_dir, tuple(written), counts, tuple(findings.items))
