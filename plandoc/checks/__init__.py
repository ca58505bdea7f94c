"""Checks: small generators of findings over the frozen model.

`CHECKS` is a plain list; each entry takes the plan and yields diagnostics. `check`
runs them all. Checks never see lxml and never render; they must stay fast because
`python build.py check` runs them on every edit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .. import diagnostics as dg
from ..model import Plan
from . import levels, numbers, recognised, structure, text

CHECKS: list[Callable[[Plan], Iterator[dg.Diagnostic]]] = [
    structure.duplicate_ids,
    structure.former_ids,
    structure.references,
    structure.indicator_references,
    structure.indicator_cycles,
    structure.table_shapes,
    structure.notice_signoff,
    structure.unreferenced,
    levels.levels,
    numbers.growth,
    numbers.one_value,
    numbers.totals,
    numbers.counts,
    numbers.units,
    numbers.values,
    text.repeated_sentences,
    text.final_punctuation,
    text.brackets,
    text.traditional,
    text.gazetteer,
    text.digits_and_percent,
    text.title_punctuation,
    text.stray_spaces,
    text.placeholders,
]

CROSS_FILE = {structure.references, structure.indicator_references, structure.unreferenced,
              numbers.one_value}
"""Checks whose findings would only echo an earlier error when a file failed to load."""


def check(plan: Plan, partial: bool = False, memo: text.Memo | None = None) -> Iterator[dg.Diagnostic]:
    """Run every check; with `partial` (some file failed), skip the cross-file ones.
    Findings on recognised (unmarked) numbers are warnings at most (`recognised`). The text
    checks remember their per-text work in `memo` (the caller's, else one for this run)."""
    memo = text.Memo() if memo is None else memo
    found: list[dg.Diagnostic] = []
    for rule in CHECKS:
        if partial and rule in CROSS_FILE:
            continue
        found += rule(plan, memo) if rule.__module__ == text.__name__ else rule(plan)
    yield from recognised.adjust(plan, found)
