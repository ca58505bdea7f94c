#!/usr/bin/env python3
"""Wall time of building the whole site (HTML only, search index included) and its ratio
to Debian's pandoc turning the seed text into one standalone HTML page, in the same run.

    .venv/bin/python benchmarks/site.py [PLAN_DIR]

Defaults to the bundled plan (falls back to tests/fixtures/mini while plan/ is absent).
Each figure is the median of N runs, each a fresh process as a user would run it:
`build.py build --format html` against `pandoc -f markdown -t html -s`. The search
index's share is timed in this process on the compiled plan. Goal: ratio <= 1.0.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "seed" / "yongzhou-14th.txt"
RUNS = 5

sys.path.insert(0, str(ROOT))
from plandoc import pipeline  # noqa: E402
from plandoc.site import view as site_view  # noqa: E402
from plandoc.site import search as site_search


def median_time(cmd: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       cwd=ROOT)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str]) -> None:
    plan = Path(argv[0]) if argv else next(
        p for p in (ROOT / "plan", ROOT / "tests/fixtures/mini") if (p / "plan.xml").exists())
    if shutil.which("pandoc") is None:
        sys.exit("pandoc is missing (apt-get install pandoc)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dist"
        site = median_time([sys.executable, str(ROOT / "build.py"), "build", "--format", "html",
                            "--plan", str(plan), "--out", str(out)])
        compiled = pipeline.compile_plan(plan)
        view = site_view.SiteView(compiled.plan)
        times = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            site_search.write(out / "site", compiled.plan, view)
            times.append(time.perf_counter() - t0)
        index = statistics.median(times)
        pages = len(list((out / "site").rglob("*.html")))
        pandoc = median_time(["pandoc", "-f", "markdown", "-t", "html", "-s", str(SEED),
                              "-o", str(Path(tmp) / "seed.html")])
    print(f"plan:            {plan}  ({pages} pages)")
    print(f"site build:      {site * 1000:8.0f} ms  (median of {RUNS}, whole CLI run)")
    print(f"  search index:  {index * 1000:8.0f} ms  ({index / site:.0%} of the build)")
    print(f"pandoc (seed):   {pandoc * 1000:8.0f} ms")
    print(f"ratio:           {site / pandoc:8.2f}  (goal <= 1.0)")


if __name__ == "__main__":
    main(sys.argv[1:])
