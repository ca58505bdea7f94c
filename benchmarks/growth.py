#!/usr/bin/env python3
"""How cost grows with the size of a plan.

Makes synthetic plans 1×, 4× and 16× the bundled one (every part and chapter
repeated with its ids suffixed, indicators shared, so the checks have more to
compare too), then runs `check`, the HTML build and the PDF build on each as
separate processes and prints wall time and peak memory (the child's max RSS),
with the ratio to the 1× run: linear growth shows as ratios near 1, 4, 16.
`import` runs on the seed text made 1×, 4× and 16× as long the same way (its body,
from the first part to the closing words, repeated; notice, TOC and back matter once).

    .venv/bin/python benchmarks/growth.py [--sizes 1,4,16] [--steps check,html,pdf,import] [--no-pdf]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "plan"
ID_ATTR = re.compile(r'\b(id|to|former)="([a-z][a-z0-9-]*)"')


def synthesise(times: int, dest: Path) -> Path:
    """A plan `times` the size of plan/: parts and chapters repeated, ids suffixed."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "chapters").mkdir(parents=True)
    for name in ("indicators.xml", "gazetteer.xml"):
        if (PLAN / name).exists():
            shutil.copy(PLAN / name, dest / name)
    plan_xml = (PLAN / "plan.xml").read_text(encoding="utf-8")
    head, first_part = plan_xml.split("<part ", 1)
    parts_text = "<part " + first_part[: first_part.rindex("</part>") + len("</part>")]
    tail = first_part[first_part.rindex("</part>") + len("</part>"):]
    copies = []
    for k in range(times):
        suffix = "" if k == 0 else f"-k{k}"

        def rename(m: re.Match) -> str:
            return f'{m.group(1)}="{m.group(2)}{suffix}"'

        text = ID_ATTR.sub(rename, parts_text)
        for chapter in sorted((PLAN / "chapters").glob("*.xml")):
            new_name = chapter.stem + suffix + ".xml"
            text = text.replace(f'file="chapters/{chapter.name}"', f'file="chapters/{new_name}"')
            (dest / "chapters" / new_name).write_text(
                ID_ATTR.sub(rename, chapter.read_text(encoding="utf-8")), encoding="utf-8")
        copies.append(text)
    (dest / "plan.xml").write_text(head + "\n  ".join(copies) + tail, encoding="utf-8")
    return dest


SEED = ROOT / "tests" / "fixtures" / "seed" / "yongzhou-14th.txt"


def synthesise_text(times: int, dest: Path) -> Path:
    """The seed text with its body (first part to the closing words) `times` over."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    start = [i for i, line in enumerate(lines) if line.startswith("第一篇")][1]  # [0] is the TOC
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("全市人民"))
    dest.write_text("\n".join(lines[:start] + lines[start:end] * times + lines[end:]), encoding="utf-8")
    return dest


def measure(cmd: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and exit status of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - t0, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1,4,16")
    ap.add_argument("--steps", default="check,html,pdf,import")
    ap.add_argument("--no-pdf", action="store_true")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    py = sys.executable
    wanted = [s for s in args.steps.split(",") if not (args.no_pdf and s == "pdf")]
    work = Path(tempfile.mkdtemp(prefix="plandoc-growth-"))
    base: dict[str, tuple[float, float]] = {}
    print(f"{'size':>5} {'step':6} {'wall':>9} {'x1':>6} {'peak MB':>9} {'x1':>6}")
    try:
        for n in sizes:
            plan = synthesise(n, work / f"plan{n}")
            out = ["--out", str(work / f"out{n}")]
            steps = {"check": ["check", "--plan", str(plan)],
                     "html": ["build", "--format", "html", "--plan", str(plan), *out],
                     "pdf": ["build", "--format", "pdf", "--plan", str(plan), *out],
                     "import": ["import", str(synthesise_text(n, work / f"seed{n}.txt")),
                                "--out", str(work / f"imported{n}")]}
            for name in wanted:
                wall, peak, code = measure([py, str(ROOT / "build.py"), *steps[name]])
                status = "" if code == 0 or (code == 1 and name == "check") else f"  (exit {code})"
                base.setdefault(name, (wall, peak))
                print(f"{n:>4}x {name:6} {wall:8.2f}s {wall / base[name][0]:6.1f} {peak:9.0f} "
                      f"{peak / base[name][1]:6.1f}{status}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
