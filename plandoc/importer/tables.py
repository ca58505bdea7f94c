"""Tab-separated tables: rows, printed multi-row headers, spans and extraction damage.

Role: turn a chunk of tab-separated lines into a grid of cells with colspan/rowspan.
Rules (each repair is a finding):
- header rows: the first row when it has two or more text cells and no number; a next
  row that starts empty and fills a gap under a grouping cell continues the header. In
  the first header row an empty cell widens its left neighbour (colspan); in later
  header rows an empty cell under a cell whose whole width is empty there lengthens it
  (rowspan).
- a body row with only its first cell filled is a header row spanning the table.
- leading empty cells of a body row mean "spans from above" (rowspan); inner empty
  cells are empty cells.
- a row that ends in an empty cell (a trailing tab) was shifted left by extraction: its
  cells are realigned to the right.
- after a page break, a repeated header row is dropped, and a repeated first cell that
  equals the cell spanning from above is merged into it.
Guarantee: every non-empty cell of the input is in the grid or in a finding.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .paragraphs import TableChunk
from .report import Findings

_NUMERIC = re.compile(r"^[<>≥≤＞＜~约]?\s*[\[［]?\s*[-+]?\d[\d.,，]*\s*%?\s*[\]］]?$|^-$")


def numeric(text: str) -> bool:
    return bool(_NUMERIC.match(text.strip()))


@dataclass
class Row:
    no: int
    cells: list[str]
    after_break: bool
    trailing_empty: bool


@dataclass
class Cell:
    text: str
    header: bool = False
    col: int = 0
    colspan: int = 1
    rowspan: int = 1


@dataclass
class Grid:
    """Cells by row; a position covered by a span holds the spanning Cell's reference."""

    ncols: int
    head: list[list[Cell]] = field(default_factory=list)
    body: list[list[Cell]] = field(default_factory=list)
    lines: tuple[int, ...] = ()


def split_rows(chunk: TableChunk) -> tuple[list[Row], int]:
    rows = []
    for line in chunk.lines:
        raw = line.text.rstrip("\r\n ")
        cells = [c.strip() for c in raw.split("\t")]
        rows.append(Row(line.no, cells, line.no in chunk.breaks, cells[-1] == "" and len(cells) > 1))
    counts = Counter(len(r.cells) for r in rows)
    ncols = max(counts, key=lambda n: (counts[n], n))
    widest = max(len(_pad(r.cells, 0)) for r in rows)  # never fewer columns than a row fills
    return rows, max(ncols, widest)


def _gap_under_group(above: list[str], row: list[str]) -> bool:
    for c in range(1, min(len(above), len(row))):
        if not above[c] and row[c] and any(above[:c]):
            return True
    return False


def header_count(rows: list[Row]) -> int:
    if len(rows) < 2:
        return 0
    first = [c for c in rows[0].cells if c]
    if len(first) < 2 or any(numeric(c) for c in first):
        return 0
    n = 1
    while n < len(rows):
        row = rows[n].cells
        if row[0] or any(numeric(c) for c in row if c) or not _gap_under_group(rows[n - 1].cells, row):
            break
        n += 1
    return n


def _pad(cells: list[str], ncols: int) -> list[str]:
    cells = list(cells)
    while len(cells) > ncols and cells[-1] == "":
        cells.pop()
    return cells + [""] * (ncols - len(cells))


def build_head(rows: list[Row], ncols: int) -> list[list[Cell]]:
    grid: list[list[Cell]] = []
    for r, row in enumerate(rows):
        cells = _pad(row.cells, ncols)
        line: list[Cell] = []
        extended: set[int] = set()
        for c, text in enumerate(cells):
            if text:
                line.append(Cell(text, True, c))
                continue
            up = grid[r - 1][c] if r else None
            if up is not None and all(not cells[k] for k in range(up.col, up.col + up.colspan)):
                if id(up) not in extended:
                    up.rowspan += 1
                    extended.add(id(up))
                line.append(up)
            elif line and line[-1].text and (r == 0 or line[-1] is not (grid[r - 1][c - 1] if c else None)):
                line[-1].colspan += 1
                line.append(line[-1])
            else:
                line.append(Cell("", True, c))
        grid.append(line)
    return grid


def realign(cells: list[str], ncols: int) -> list[str]:
    """A row shifted left: drop its trailing empty cells and align it to the right."""
    kept = list(cells)
    while kept and kept[-1] == "":
        kept.pop()
    return [""] * (ncols - len(kept)) + kept if len(kept) <= ncols else kept


def build_body(rows: list[Row], ncols: int, head: list[list[Cell]], findings: Findings) -> list[list[Cell]]:
    body: list[list[Cell]] = []
    head_texts = [[c for c in _pad(r, ncols)] for r in _head_texts(head, ncols)]
    repeating = 0
    for row in rows:
        cells = _pad(row.cells, ncols)
        if head_texts and ((row.after_break and cells == head_texts[0]) or (
                0 < repeating < len(head_texts) and cells == head_texts[repeating])):
            repeating += 1
            findings.add("table-repeat", row.no, "header row repeated after a page break dropped",
                         "⇥".join(row.cells))
            continue
        repeating = 0
        filled = [c for c in cells if c]
        if ncols > 1 and len(filled) == 1 and cells[0]:
            span = Cell(cells[0], True, 0, ncols)
            body.append([span] * ncols)
            continue
        if row.trailing_empty and cells[0]:
            new = realign(row.cells, ncols)
            findings.add("table-shift", row.no, "row ended in an empty cell: realigned right",
                         "⇥".join(row.cells) + "  →  " + "⇥".join(new))
            cells = _pad(new, ncols)
        line: list[Cell] = []
        leading = True
        for c, text in enumerate(cells):
            up = body[-1][c] if body else None
            if leading and row.after_break and text and up is not None and up.text == text \
                    and not up.header:
                findings.add("table-repeat", row.no, "cell repeated after a page break merged "
                             "into the cell above", text)
                text = ""
            if text:
                leading = False
                line.append(Cell(text, False, c))
            elif leading and up is not None and not up.header:
                if not line or line[-1] is not up:
                    up.rowspan += 1
                line.append(up)
            else:
                leading = False
                line.append(Cell("", False, c))
        body.append(line)
    return body


def _head_texts(head: list[list[Cell]], ncols: int) -> list[list[str]]:
    return [[cell.text if cell.col == c and (r == 0 or head[r - 1][c] is not cell) else ""
             for c, cell in enumerate(line)] for r, line in enumerate(head)]


def parse(chunk: TableChunk, findings: Findings) -> Grid:
    rows, ncols = split_rows(chunk)
    n = header_count(rows)
    head = build_head(rows[:n], ncols)
    body = build_body(rows[n:], ncols, head, findings)
    return Grid(ncols, head, body, tuple(r.no for r in rows))
