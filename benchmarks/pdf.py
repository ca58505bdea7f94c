#!/usr/bin/env python3
"""Wall time and peak memory of `build --format pdf`, against raw WeasyPrint printing
the same print HTML with the same stylesheet and options, in the same run.

    .venv/bin/python benchmarks/pdf.py [--plan DIR] [--runs N] [--chapter N] [--no-gate]

Every measurement is a fresh subprocess (so both sides pay Python start-up and the
WeasyPrint import), timed with the wall clock; peak memory is the child's maxrss
from os.wait4. Prints medians. Goal: ratio ≤ 1.1. Then the same for a plan cut down
to one chapter (the notice, that chapter's part and the chapter), printed through the
renderer in process (a cut-down plan may have dangling references that `build` refuses).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

RAW = """
# The raw side imports no plandoc module at all (so no patch of plandoc's can be in it):
# the stylesheet, base URL and write options come as arguments.
import json, sys, weasyprint
html, out, css, base, options = sys.argv[1:6]
weasyprint.HTML(filename=html, base_url=base).write_pdf(
    out, stylesheets=[weasyprint.CSS(filename=css)], **json.loads(options))
"""

IN_PROCESS = """
import sys
from pathlib import Path
from plandoc.pipeline import compile_plan
from plandoc.pdf.render import render
render(compile_plan(Path(sys.argv[1])).plan, Path(sys.argv[2]))
"""


def run(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one subprocess."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"failed ({status}): {' '.join(cmd)}\n{proc.stderr.read().decode()}")
    return wall, usage.ru_maxrss / 1024


def median(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return (statistics.median(s[0] for s in samples), max(s[1] for s in samples))


def print_html(plan_dir: Path, out: Path) -> tuple[int, int]:
    """Write the print HTML of plan_dir to out; return (pages, PDF bytes) of one build."""
    sys.path.insert(0, str(ROOT))
    from plandoc.pipeline import compile_plan
    from plandoc.pdf.render import layout, print_html as html_of, write

    plan = compile_plan(plan_dir).plan
    out.write_text(html_of(plan), encoding="utf-8")
    document = layout(plan)
    pdf = write(document, out.with_suffix(".pdf"))
    return len(document.pages), pdf.stat().st_size


def justified(built: Path, raw: Path) -> None:
    """The justification measured from each PDF (plandoc/pdf/measure.py): the goal is
    at most 1 % of continuation lines short of the edge by > 2 pt, no gap > ½ em."""
    from plandoc.pdf.measure import measure

    for name, pdf in (("build", built), ("raw weasyprint", raw)):
        print(f"  lines, {name:14s} {measure(pdf).summary()}")


def one_chapter(plan_dir: Path, number: int, into: Path) -> Path:
    """A copy of plan_dir whose plan.xml keeps only chapter `number` (1-based)."""
    from lxml import etree

    shutil.copytree(plan_dir, into)
    tree = etree.parse(str(into / "plan.xml"))
    chapters = tree.findall(".//part/chapter")
    keep = chapters[number - 1]
    for ch in chapters:
        if ch is not keep:
            ch.getparent().remove(ch)
    for part in tree.findall(".//part"):
        if part.find("chapter") is None:
            part.getparent().remove(part)
    tree.write(str(into / "plan.xml"), encoding="UTF-8", xml_declaration=True)
    return into


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plan", type=Path, default=ROOT / "plan")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--chapter", type=int, default=1)
    ap.add_argument("--no-gate", action="store_true",
                    help="time compile+render in process instead of the CLI (for a plan with errors)")
    args = ap.parse_args()
    plan_dir = args.plan.resolve()
    if not (plan_dir / "plan.xml").is_file():
        raise SystemExit(f"no plan at {plan_dir}")

    sys.path.insert(0, str(ROOT))
    from plandoc.pdf.render import PDF_OPTIONS, STYLESHEET, TEMPLATES

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        html = tmp / "print.html"
        pages, size = print_html(plan_dir, html)
        build, raw = [], []
        for _ in range(args.runs):   # interleaved, so both sides see the same machine load
            build.append(run([PY, "-c", IN_PROCESS, str(plan_dir), str(tmp)] if args.no_gate else
                             [PY, "build.py", "build", "--format", "pdf",
                              "--plan", str(plan_dir), "--out", str(tmp / "dist")]))
            raw.append(run([PY, "-c", RAW, str(html), str(tmp / "raw.pdf"), str(STYLESHEET),
                            str(TEMPLATES / "pdf"), json.dumps(PDF_OPTIONS)]))
        (b_time, b_mem), (r_time, r_mem) = median(build), median(raw)
        print(f"whole plan: {pages} pages, PDF {size / 1e6:.2f} MB")
        side = "compile + render   " if args.no_gate else "build --format pdf "
        print(f"  {side} {b_time:6.2f} s  peak {b_mem:6.0f} MB")
        print(f"  raw weasyprint      {r_time:6.2f} s  peak {r_mem:6.0f} MB")
        print(f"  ratio               {b_time / r_time:6.2f}   (goal <= 1.10)")
        justified(tmp / "dist" / "plan.pdf" if not args.no_gate else tmp / "plan.pdf",
                  tmp / "raw.pdf")

        small = one_chapter(plan_dir, args.chapter, tmp / "one")
        times = [run([PY, "-c", IN_PROCESS, str(small), str(tmp)]) for _ in range(args.runs)]
        c_time, c_mem = median(times)
        print(f"one chapter (no. {args.chapter}): {c_time:6.2f} s  peak {c_mem:6.0f} MB")


if __name__ == "__main__":
    main()
