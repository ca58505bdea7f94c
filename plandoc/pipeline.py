"""The whole program in two short functions.

    compile_plan: load ─▶ validate ─▶ convert ─▶ check      (what `check` runs)
    build:        compile_plan ─▶ render html / pdf / json ─▶ swap into out/

A build writes into a fresh directory beside the output and swaps it in only when
every renderer has finished; a failed or interrupted build leaves the previous
output untouched.
"""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import diagnostics as dg
from .checks import check
from .convert import convert
from .load import load
from .model import Plan
from .validate import validate

RENDERERS = {
    "json": "plandoc.render_json:render",
    "csv": "plandoc.render_data:render_csv",
    "xlsx": "plandoc.render_data:render_xlsx",
    "html": "plandoc.render_html:render",
    "pdf": "plandoc.render_pdf:render",
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


def compile_plan(plan_dir: Path) -> Compiled:
    sources = load(plan_dir)
    diags = list(sources.diagnostics)
    diags += validate(sources)
    plan, found = convert(sources)
    diags += found
    if plan is not None:
        diags += check(plan, partial=any(d.severity is dg.Severity.ERROR for d in diags))
    return Compiled(plan, tuple(sorted(set(diags), key=dg.sort_key)))


def build(plan: Plan, out_dir: Path, formats: list[str],
          findings: tuple[dg.Diagnostic, ...] = ()) -> list[Path]:
    """Render `plan` in every format into out_dir, atomically per build.

    `findings` are the diagnostics of the compile, shown on the site's report page."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.build-", dir=out_dir.parent))
    try:
        if out_dir.is_dir():
            # keep outputs of formats not rebuilt this time
            for child in sorted(out_dir.iterdir()):
                target = staging / child.name
                if child.is_dir():
                    shutil.copytree(child, target, symlinks=True)
                else:
                    shutil.copy2(child, target)
        written: list[Path] = []
        for fmt in formats:
            module, _, function = RENDERERS[fmt].partition(":")
            render = getattr(importlib.import_module(module), function)
            written += render(plan, staging, findings)
        _swap(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [out_dir / p.relative_to(staging) for p in written]


def _swap(staging: Path, out_dir: Path) -> None:
    """Replace out_dir by staging with renames only (the old tree is removed afterwards)."""
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
        os.rename(out_dir, old)
    os.rename(staging, out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
