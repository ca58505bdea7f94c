"""Quick rebuilds for the editors' loop (`serve`): HTML and JSON after an edit in a
fraction of a full build, then the search index brought up to date.

`QuickBuilder.build` compiles nothing itself: it renders a compiled plan like
`pipeline.build` does (staging directory, atomic swap), but reuses the part and
chapter pages whose inputs did not change (`render_html.PageCache`) and carries the
previous search bundle over instead of re-indexing. `reindex` then runs pagefind on
the live site and swaps the new bundle in. After `reindex`, the output is byte for
byte what a full build of the same plan writes (tests/test_incremental.py).
"""

from __future__ import annotations

from pathlib import Path

from . import pipeline, site_search
from .render_html import PageCache


class QuickBuilder:
    def __init__(self, out_dir: Path):
        self.out_dir = out_dir.resolve()
        self.cache = PageCache()

    def build(self, compiled: pipeline.Compiled) -> list[Path]:
        bundle = self.out_dir / "site" / site_search.BUNDLE
        html = {"cache": self.cache}
        if bundle.is_dir():
            html["previous_search"] = bundle
        return pipeline.build(compiled.plan, self.out_dir, ["json", "html"], compiled.diagnostics,
                              options={"html": html})

    def reindex(self) -> None:
        with pipeline.lock(self.out_dir):
            site_search.reindex(self.out_dir / "site", pipeline.exchange)
