"""Quick rebuilds for the editors' loop (`serve`): the editor's view of the site
(out/editorial/, with the report and placeholders) and JSON after an edit in a
fraction of a full build.

`QuickBuilder.build` compiles nothing itself: it renders a compiled plan like
`pipeline.build` does (staging directory, atomic swap), but reuses the part and
chapter pages whose inputs did not change (`site.render.PageCache`). The search index
is rebuilt from the model every time (it costs milliseconds), so the output is byte
for byte what a full build of the same plan writes (tests/test_incremental.py).
"""

from __future__ import annotations

from pathlib import Path

from . import pipeline
from .site.render import PageCache


class QuickBuilder:
    def __init__(self, out_dir: Path):
        self.out_dir = out_dir.resolve()
        self.cache = PageCache()

    def build(self, compiled: pipeline.Compiled,
              formats: tuple[str, ...] = ("json", "editorial")) -> list[Path]:
        """Render `formats` (serve renders the editor's site first, reloads the page, then
        the JSON: encoding plan.json costs more than the pages an edit touched)."""
        return pipeline.build(compiled.plan, self.out_dir, list(formats), compiled.diagnostics,
                              options={"editorial": {"cache": self.cache}})
