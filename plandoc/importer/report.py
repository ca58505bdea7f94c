"""Findings of an import and the human-readable import report.

Role: every repair the importer makes and every problem it sees becomes a ``Finding``
with a kind from the closed catalogue ``KINDS`` and the source line numbers; the report
file lists them all, grouped by kind. Guarantee: nothing of the input is dropped without
a finding that quotes it (TOC lines, debris, removed characters).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# kind -> (severity, heading). "repair": the importer changed the text and says how;
# "doubt": the importer left something alone that a person should look at;
# "diff": a difference between the printed TOC and the body; "info": kept elsewhere.
KINDS: dict[str, tuple[str, str]] = {
    "toc-diff": ("diff", "TOC and body headings differ"),
    "toc-count": ("diff", "TOC and body heading counts differ"),
    "toc-page-order": ("diff", "TOC page numbers out of order"),
    "toc-line": ("info", "TOC lines (not kept as content)"),
    "front-matter": ("info", "Front and back matter kept as metadata"),
    "numbering": ("diff", "Heading/column/figure numbers not in sequence"),
    "line-wrap": ("repair", "Lines of one paragraph joined"),
    "page-join": ("repair", "Paragraph split by a page break joined"),
    "repeated-char": ("repair", "Character repeated across a page break removed"),
    "doubtful-join": ("doubt", "Possible page-break split left alone"),
    "heading-split": ("repair", "Heading split over two lines joined"),
    "title-space": ("repair", "Stray space in a title removed"),
    "debris": ("repair", "Page debris dropped"),
    "control-char": ("repair", "Character XML cannot hold removed"),
    "unterminated": ("doubt", "Paragraph ends without sentence-final punctuation"),
    "subhead": ("doubt", "Short unpunctuated line in a column kept as a sub-heading"),
    "lead-doubtful": ("doubt", "Possible lead sentence not marked"),
    "markup": ("doubt", "Unbalanced inline markup kept as text"),
    "column-end": ("doubt", "Column end decided by heuristic"),
    "table-shift": ("repair", "Table row shifted by extraction realigned"),
    "table-repeat": ("repair", "Header or category repeated after a page break merged"),
    "table-note": ("doubt", "Table cell needing review"),
    "indicator": ("info", "Indicator definitions shared or derived"),
    "sic": ("repair", "Evident error marked with sic"),
    "ref": ("repair", "Cross-reference by number turned into ref"),
    "closing": ("doubt", "Closing paragraph recognised"),
    "ids": ("info", "Identifiers"),
    "invalid": ("doubt", "Written file fails schema/plan.rng (importer bug)"),
    "structure": ("doubt", "Content placed by fallback"),
    "heading-number": ("repair", "Heading number computed from its Word heading level"),
    "docx": ("info", "Word document: parts read as they are, external links never followed"),
    "scheme": ("doubt", "Heading scheme chosen for the plan"),
    "period": ("doubt", "Plan period or issuer not printed: inferred"),
}


@dataclass(frozen=True)
class Finding:
    """One repair or problem: its catalogue kind, source lines, message and quoted text."""

    kind: str
    lines: tuple[int, ...]
    message: str
    text: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown finding kind {self.kind!r}")


@dataclass
class Findings:
    """The findings of one import, in the order they were made."""

    items: list[Finding] = field(default_factory=list)

    def add(self, kind: str, lines: int | tuple[int, ...] | list[int], message: str,
            text: str = "") -> None:
        if isinstance(lines, int):
            lines = (lines,)
        self.items.append(Finding(kind, tuple(lines), message, text))

    def of(self, kind: str) -> list[Finding]:
        return [f for f in self.items if f.kind == kind]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.items:
            out[f.kind] = out.get(f.kind, 0) + 1
        return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("\t", "⇥")


def write_markdown(path: Path, source: Path, counts: dict[str, int], findings: Findings) -> None:
    """Write the import report: counts, then every finding grouped by kind."""
    out = [f"# Import report: {source.name}", "",
           "Line numbers refer to the source text. ⇥ marks a tab.", "", "## Counts", ""]
    out += [f"- {k}: {v}" for k, v in counts.items()]
    out += ["", "## Findings by kind", ""]
    grouped: dict[str, list[Finding]] = {}  # one pass over the findings, not one per kind
    for f in findings.items:
        grouped.setdefault(f.kind, []).append(f)
    out += [f"- {k} ({KINDS[k][0]}): {len(v)}" for k, v in grouped.items()]
    for kind, (severity, heading) in KINDS.items():
        items = grouped.get(kind, [])
        if not items:
            continue
        out += ["", f"## {heading} — `{kind}` ({severity}, {len(items)})", "",
                "| lines | message | text |", "|---|---|---|"]
        for f in items:
            lines = ",".join(str(n) for n in f.lines)
            out.append(f"| {lines} | {_cell(f.message)} | {_cell(f.text)} |")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
