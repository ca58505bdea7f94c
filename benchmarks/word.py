#!/usr/bin/env python3
"""Wall time of the Word edition (`build --format docx`) and its ratio to Debian's pandoc
turning the seed text into a .docx, in the same run; and the time to review a returned
copy with 25 tracked changes against pandoc reading that copy (`pandoc -f docx
--track-changes=all`, the nearest tool that reads tracked changes).

    .venv/bin/python benchmarks/word.py   (not docx.py: that name would shadow python-docx)

Each figure is the median of RUNS fresh processes, as a user would run them.
"""

from __future__ import annotations

import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "seed" / "yongzhou-14th.txt"
RUNS = 5

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


CPU: dict[str, float] = {}
"""Median CPU time (user + system) of each command's process tree, by its first words:
on a shared machine wall time measures the other tenants too."""


def median_time(cmd: list[str]) -> float:
    times, cpus = [], []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    CPU[" ".join(Path(c).name for c in cmd[:3])] = statistics.median(cpus)
    return statistics.median(times)


def cpu(prefix: str) -> float:
    return next(v for k, v in CPU.items() if k.startswith(prefix) or prefix in k)


def main() -> None:
    from plandoc import model as m
    from plandoc.pipeline import compile_plan
    from wordlike import Edit, with_changes

    if shutil.which("pandoc") is None:
        sys.exit("pandoc is missing (apt-get install pandoc)")
    plan_dir = ROOT / "plan"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dist"
        build = [sys.executable, str(ROOT / "build.py"), "build", "--format", "docx", "--quiet",
                 "--plan", str(plan_dir), "--out", str(out)]
        docx = median_time(build)
        pandoc = median_time(["pandoc", "-f", "markdown", "-t", "docx", str(SEED),
                              "-o", str(Path(tmp) / "seed.docx")])
        plan = compile_plan(plan_dir).plan
        edits = []
        for ch in plan.chapters:
            for b in ch.blocks + tuple(x for s in ch.sections for x in s.blocks):
                text = next((n.text for n in getattr(b, "content", ()) if isinstance(n, m.Text)
                             and len(n.text) > 30), None)
                if isinstance(b, m.Paragraph) and text and len(edits) < 25:
                    edits.append(Edit(b.id, text[10:14], text[14:16], "修订"))
        copy = Path(tmp) / "copy.docx"
        copy.write_bytes(with_changes((out / "plan.docx").read_bytes(), edits))
        review = median_time([sys.executable, str(ROOT / "build.py"), "review", "--plan",
                              str(plan_dir), "--out", str(Path(tmp) / "reviews"), str(copy)])
        reader = median_time(["pandoc", "-f", "docx", "--track-changes=all", "-t", "plain",
                              str(copy), "-o", str(Path(tmp) / "copy.txt")])
    build_cpu, pandoc_cpu = cpu("build.py build"), cpu("pandoc -f markdown")
    review_cpu, reader_cpu = cpu("build.py review"), cpu("pandoc -f docx")
    print(f"docx build:          {docx * 1000:6.0f} ms wall, {build_cpu * 1000:6.0f} ms CPU"
          f"  (median of {RUNS}, whole CLI run, check included)")
    print(f"pandoc (seed):       {pandoc * 1000:6.0f} ms wall, {pandoc_cpu * 1000:6.0f} ms CPU  (markdown -> docx)")
    print(f"ratio:               {docx / pandoc:6.2f} wall, {build_cpu / pandoc_cpu:6.2f} CPU")
    print(f"review (25 changes): {review * 1000:6.0f} ms wall, {review_cpu * 1000:6.0f} ms CPU"
          "  (whole CLI run, compile included)")
    print(f"pandoc reading it:   {reader * 1000:6.0f} ms wall, {reader_cpu * 1000:6.0f} ms CPU"
          "  (docx -> plain, --track-changes=all)")
    print(f"ratio:               {review / reader:6.2f} wall, {review_cpu / reader_cpu:6.2f} CPU")


if __name__ == "__main__":
    main()
