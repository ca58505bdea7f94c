#!/usr/bin/env python3
"""The editors' loop: wall time from a one-paragraph edit to rebuilt HTML and JSON
(what `serve` does before it reloads the page), against a full HTML + JSON build of
the same plan in the same process. Goal: at most 0.3 s.

    .venv/bin/python benchmarks/incremental.py [PLAN_DIR]
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from plandoc.incremental import QuickBuilder  # noqa: E402
from plandoc.pipeline import Memo, build, compile_plan  # noqa: E402

RUNS = 10


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "plan"
    work = Path(tempfile.mkdtemp(prefix="plandoc-incr-"))
    try:
        plan = work / "plan"
        shutil.copytree(source, plan)
        memo = Memo()  # serve's, kept across its quick rebuilds
        compiled = compile_plan(plan, memo)
        full_times = []
        for _ in range(3):
            t0 = time.perf_counter()
            c = compile_plan(plan)
            build(c.plan, work / "full", ["json", "html"], c.diagnostics)
            full_times.append(time.perf_counter() - t0)
        quick = QuickBuilder(work / "dist")
        quick.build(compiled)
        chapter = sorted((plan / "chapters").glob("*.xml"))[len(list((plan / "chapters").glob("*.xml"))) // 2]
        original = chapter.read_text(encoding="utf-8")
        marker = original.index("。") + 1
        times, pages = [], []
        for i in range(RUNS):
            chapter.write_text(original[:marker] + f"第{i}次修改。" + original[marker:], encoding="utf-8")
            t0 = time.perf_counter()
            quick.build(compile_plan(plan, memo))
            times.append(time.perf_counter() - t0)
            pages.append(len(quick.cache.rendered))
        full, quick_t = statistics.median(full_times), statistics.median(times)
        print(f"plan: {source}")
        print(f"full build (compile + JSON + HTML + search): {full * 1000:7.0f} ms")
        print(f"after a one-paragraph edit (compile + JSON + HTML + search): {quick_t * 1000:7.0f} ms "
              f"(median of {RUNS}; pages rendered: {statistics.median(pages):.0f}; goal <= 300 ms)")
        print(f"ratio to the full build: {quick_t / full:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
