"""The whole program in two short functions.

    compile_plan: load ─▶ validate ─▶ convert ─▶ check      (what `check` runs)
    build:        compile_plan ─▶ render html / pdf / json ─▶ swap into out/

A build writes into a fresh directory beside the output and swaps it in only when
every renderer has finished (`publish`); a failed or interrupted build leaves the
previous output untouched.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from . import diagnostics as dg
from . import publish

if TYPE_CHECKING:
    from .checks.text import Memo as TextMemo
    from .model import Plan
    from .recognise import Memo as ScanMemo

RENDERERS = {
    "json": "plandoc.export.plan_json:render",
    "csv": "plandoc.export.tables:render_csv",
    "xlsx": "plandoc.export.tables:render_xlsx",
    "docx": "plandoc.export.word:render",
    "html": "plandoc.site.render:render",
    "editorial": "plandoc.site.render:render_editorial",
    "pdf": "plandoc.pdf.render:render",
}
"""Output format -> `module:function(plan, out_dir, findings) -> [paths]`; imported only
when asked for, so `check` never pays for WeasyPrint."""


@dataclass(frozen=True)
class Compiled:
    plan: Plan | None
    diagnostics: tuple[dg.Diagnostic, ...]

    @property
    def ok(self) -> bool:
        return self.plan is not None and not any(
            d.severity is dg.Severity.ERROR for d in self.diagnostics)


@dataclass
class Memo:
    """What a compile may remember for the next, owned by whoever compiles: `compile_plan`
    makes one per call unless given one; `serve` keeps one across rebuilds (one per thread:
    nothing is shared between its threads). Per block of prose: recognition's scans and the
    text checks' results."""

    scans: ScanMemo = field(default_factory=lambda: _stage("recognise").Memo())
    text: TextMemo = field(default_factory=lambda: _stage("checks.text").Memo())


def _stage(name: str):
    return importlib.import_module(f"{__package__}.{name}")


def compile_plan(plan_dir: Path, memo: Memo | None = None) -> Compiled:
    # the stages are imported here, not above: a build from the compile cache
    # (compile_cache) renders without loading the compiler
    from . import accepted as decisions
    from .checks import check
    from .convert import convert
    from .load import load
    from .pages import attach as attach_pages
    from .recognise import Recogniser
    from .validate import validate

    memo = Memo() if memo is None else memo
    sources = load(plan_dir)
    diags = list(sources.diagnostics)
    diags += validate(sources)
    plan, found = convert(sources, memo.scans)
    diags += found
    if plan is not None:
        plan, found = attach_pages(plan, plan_dir, Recogniser.for_sources(sources, memo.scans))
        diags += found
        diags += check(plan, partial=_partial(sources, diags), memo=memo.text)
    diags = decisions.apply(plan_dir, plan, sorted(set(diags), key=dg.sort_key))
    order = [f.display for f in [sources.plan, *sources.chapters, sources.indicators,
                                 sources.gazetteer] if f is not None]
    return Compiled(plan, tuple(dg.document_order(diags, order)))


def _partial(sources, diags) -> bool:
    """Whether the cross-file checks would only echo an earlier error: a file other than
    a chapter is broken, or a chapter is missing or unreadable. A chapter with an XML or
    schema error is not enough: it keeps its place in the numbering (see `labels`)."""
    for f in sources.files():
        if f.tree is None and (f.kind != "chapter" or f.recovered is None):
            return True
    return any(d.code in ("PD001", "PD002", "PD004") for d in diags)


def accepted(d: dg.Diagnostic) -> bool:
    """Whether an editor decided on this finding (a decision on record in plan/accepted.xml)."""
    return d.decision is not None


def release_blockers(diagnostics) -> list[dg.Diagnostic]:
    """What stops `build --release`: every error, and every warning not accepted."""
    return [d for d in diagnostics if d.severity is dg.Severity.ERROR
            or (d.severity is dg.Severity.WARNING and not accepted(d))]


def release_refusal(plan_dir: Path, blockers: list[dg.Diagnostic]) -> dg.Diagnostic:
    """The PD260 diagnostic that says why a release build was refused, by code."""
    errors = sum(d.severity is dg.Severity.ERROR for d in blockers)
    by_code: dict[str, int] = {}
    for d in blockers:
        by_code[d.code] = by_code.get(d.code, 0) + 1
    codes = "，".join(f"{code} {dg.CATALOGUE[code].title.split(' (')[0]} ×{n}"
                     for code, n in sorted(by_code.items()))
    return dg.make("PD260", str(plan_dir / "plan.xml"), 0, 0,
                   f"不能发布：还有 {errors} 个错误、{len(blockers) - errors} 个未接受的警告（{codes}）",
                   errors=errors, warnings=len(blockers) - errors)


def build(plan: Plan, out_dir: Path, formats: list[str],
          findings: tuple[dg.Diagnostic, ...] = (),
          progress: Callable[[str], None] | None = None,
          options: dict[str, dict] | None = None,
          unlocked: tuple[str, ...] = ()) -> list[Path]:
    """Render `plan` in every format into out_dir, atomically per build.

    `findings` are the diagnostics of the compile, shown on the site's report page;
    `progress` is told the name of each format before it is rendered; `options` gives
    keyword arguments to a format's renderer (serve's quick rebuild uses them). Formats
    in `unlocked` are rendered before the output's lock is taken, into a directory of
    their own, and moved in under the lock: a slow renderer (serve's background PDF)
    never holds up a quick rebuild of the site."""
    out_dir = out_dir.resolve()
    refused = publish.foreign_out(out_dir)
    if refused is not None:
        raise FileExistsError(refused)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with publish.rendering(out_dir, bool(unlocked)) as early:
        ready = {fmt: _render(fmt, plan, early, findings, progress, options)
                 for fmt in formats if early is not None and fmt in unlocked}
        return _build_locked(plan, out_dir, formats, findings, progress, options, ready, early)


def _render(fmt: str, plan: Plan, where: Path, findings, progress, options) -> list[Path]:
    if progress is not None:
        progress(fmt)
    module, _, function = RENDERERS[fmt].partition(":")
    render = getattr(importlib.import_module(module), function)
    return render(plan, where, findings, **(options or {}).get(fmt, {}))


def _build_locked(plan: Plan, out_dir: Path, formats: list[str], findings, progress, options,
                  ready: dict[str, list[Path]], early: Path | None) -> list[Path]:
    written: list[Path] = []
    with publish.staged(out_dir, [name for fmt in formats for name in publish.OUTPUTS[fmt]]) as staging:
        for fmt in formats:
            if fmt in ready and early is not None:  # rendered before the lock: move it in
                for name in publish.OUTPUTS[fmt]:
                    if (early / name).exists():
                        os.replace(early / name, staging / name)
                written += [staging / p.relative_to(early) for p in ready[fmt]]
            else:
                written += _render(fmt, plan, staging, findings, progress, options)
    return [out_dir / p.relative_to(staging) for p in written]
