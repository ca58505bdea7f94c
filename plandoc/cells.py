"""A table's grid, and which of its cells must never wrap: one placement of spanning
cells and one classification of short cells for the site, the print edition, Word,
the workbook, the review copy and the checks.

A printed plan never breaks 预期性, 序号, 2020年, [累计], a unit such as 万人 or a value
such as ≥3000 over two lines. Both outputs ask `short_kind` and give such cells room
(the print edition through its column widths, the site through a `nowrap` class), so the
two can never disagree about what counts as short.
"""

from __future__ import annotations

import re

from plandoc import model as m

SHORT_KINDS = ("seq", "nature", "category", "year", "cumulative", "unit", "value")
"""The kinds of cell that are never broken, in the order `short_kind` tests them."""

MAX_SHORT_CHARS = 8
"""Longer text is never treated as short, whatever its kind (it would squeeze the names)."""

MAX_CATEGORY_CHARS = 4
"""An indicator table's category (经济发展, 民生福祉) up to this length stays on one line."""

_NATURE = frozenset({"属性", "指标属性", "预期性", "约束性", "预期", "约束"})
_SEQ = re.compile(r"^(序号|\d{1,3})$")
_YEAR = re.compile(r"^(\d{4}年?|“?十[一二三四五六]五”?(末|期间)?|\d{4}[-—–~～]\d{4}年?)$")
_CUMULATIVE = re.compile(r"^[\[［〔【]\s*(累计|[-−+]?\d+(\.\d+)?%?)\s*[\]］〕】]$")
_UNIT = re.compile(
    r"^[（(]?(单位|%|％|‰|个百分点|亿元|万元|元|万人|人|万户|户|万吨|吨|万千瓦|千瓦|公里|平方公里|"
    r"万平方米|平方米|万亩|亩|岁|个|家|项|件|张|床|所|座|微克/立方米|吨标准煤|万吨标准煤|年)[）)]?$"
)
_VALUE = re.compile(r"^([<>≤≥＜＞]|约)?\s*[-−+]?\d[\d,.]*\s*(%|％)?\s*(以上|左右|以内|以下)?$|^[-—–/]$")


def short_kind(cell: m.Cell, spec: m.ColSpec | None = None) -> str | None:
    """The short kind of `cell` (one of SHORT_KINDS), or None if it may wrap.

    `spec` is the indicator table's description of the cell's column, when there is
    one: a value or nature column makes every cell in it short, and so does the
    category column (经济发展, 民生福祉: a group's name is never broken either)."""
    text = re.sub(r"\s+", "", m.plain(cell.content))
    if not text or len(text) > MAX_SHORT_CHARS:
        return None
    if spec is not None and spec.kind in ("seq", "nature", "value"):
        return spec.kind
    if spec is not None and spec.kind == "category" and len(text) <= MAX_CATEGORY_CHARS:
        return "category"   # 经济发展, 创新驱动: a category is never broken mid-word
    if _SEQ.match(text):
        return "seq"
    if text in _NATURE:
        return "nature"
    if _YEAR.match(text):
        return "year"
    if _CUMULATIVE.match(text):
        return "cumulative"
    if _UNIT.match(text):
        return "unit"
    if _VALUE.match(text):
        return "value"
    return None


_RUN = re.compile(
    r"[\[［〔【（(][^\[\]［］〔〕【】（）()]{1,8}[\]］〕】）)]"      # [累计] （%） （万人）
    r"|[<>≤≥＜＞]?[-−+]?\d[\d,.]*\s*(?:%|％)?")                   # ≥3000 7.5% 2020
"""A piece of a longer cell that is never broken either: a bracketed group or a number."""


def unbroken_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each piece of `text` that must stay on one line: in
    "年均增速[累计]" the "[累计]", in "地区生产总值（亿元）" the "（亿元）"."""
    return [m.span() for m in _RUN.finditer(text)]


# ------------------------------------------------------------------ the grid

Slot = tuple[m.Cell, int]
"""A cell and its first grid column."""


def _place(rows: tuple[m.Row, ...]) -> tuple[list[list[Slot]], set[tuple[int, int]]]:
    """Every cell at its grid column (after the columns spans from above cover), and
    every (row, column) position some cell covers, past the last row included."""
    covered: set[tuple[int, int]] = set()
    grid: list[list[Slot]] = []
    for r, row in enumerate(rows):
        slots: list[Slot] = []
        col = 0
        for cell in row.cells:
            while (r, col) in covered:
                col += 1
            slots.append((cell, col))
            covered.update((r + dr, col + dc) for dr in range(cell.rowspan)
                           for dc in range(cell.colspan))
            col += cell.colspan
        grid.append(slots)
    return grid, covered


def grid(table: m.Table) -> list[list[Slot]]:
    """The cells of each row (head, then body) with their first grid column, honouring
    colspan and rowspan: the one placement of spanning cells every output reads."""
    return _place(table.head + table.body)[0]


def row_widths(rows: tuple[m.Row, ...]) -> tuple[list[int], bool]:
    """How many grid columns each row covers (its cells and the spans from above), and
    whether a cell spans down past the last row."""
    _, covered = _place(rows)
    widths = [0] * len(rows)
    for r, _ in covered:
        if r < len(rows):
            widths[r] += 1
    return widths, any(r >= len(rows) for r, _ in covered)


def layout_by_column(table: m.Table, placed: list[list[Slot]] | None = None) -> list[m.ColSpec | None]:
    """The indicator-table column description of each grid column (None for other
    tables). The layout names printed columns; a two-level name (上级指标 + 指标) takes
    two grid columns, so the grid has as many more columns as the layout has fewer."""
    placed = grid(table) if placed is None else placed
    ncols = max((col + cell.colspan for slots in placed for cell, col in slots), default=0)
    layout = table.layout
    if not layout:
        return [None] * ncols
    extra = max(ncols - len(layout), 0)
    name = next((i for i, spec in enumerate(layout) if spec.kind == "name"), len(layout))
    out: list[m.ColSpec | None] = []
    for col in range(ncols):
        i = col if col <= name else max(name, col - extra)
        out.append(layout[i] if i < len(layout) else None)
    return out
