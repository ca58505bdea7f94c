#!/usr/bin/env python3
"""The print edition at the speed of editing: from saving a chapter to the rewritten
plan.pdf, with `serve` (PDF on) running in its own process, against a full
`build --format pdf` of the same plan measured in the same run. Also the site's page:
how long after the same save it shows the edit while the PDF is being made.

Each save adds a marker to the first sentence of a chapter, taking chapters from the
whole plan in turn (an edit early in the plan can move the pages of every 篇 after it).
Goals: median save -> PDF at most 0.5× the full build; site page within 0.5 s.

    .venv/bin/python benchmarks/serve_pdf.py [--plan DIR] [--runs N] [--full-runs N]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from serve_latency import _edit, _wait_for, stop  # noqa: E402

TIMEOUT = 120.0


def _stamp(path: Path):
    try:
        st = path.stat()
        return st.st_ino, st.st_mtime_ns, st.st_size
    except OSError:
        return None


def _wait_change(path: Path, before, since: float) -> float:
    while time.perf_counter() - since < TIMEOUT:
        now = _stamp(path)
        if now is not None and now != before:
            return time.perf_counter() - since
        time.sleep(0.01)
    raise TimeoutError(f"{path} was not rewritten")


def _pdf_has(pdf: Path, marker: str) -> bool:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True).stdout
    return marker in "".join(text.split())


def full_build(plan: Path, out: Path, env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "-q", "--format", "pdf",
                    "--plan", str(plan), "--out", str(out)], check=True, env=env)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--plan", type=Path, default=ROOT / "plan")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--full-runs", type=int, default=3)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="plandoc-serve-pdf-"))
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = None
    try:
        plan, out = work / "plan", work / "dist"
        shutil.copytree(args.plan, plan)
        full = [full_build(plan, work / f"full{i}", env) for i in range(args.full_runs)]
        chapters = sorted((plan / "chapters").glob("*.xml"))
        originals = {c: c.read_text(encoding="utf-8") for c in chapters}
        proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--plan", str(plan),
                                 "--out", str(out), "--port", "0"],
                                stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=env)
        pdf = out / "plan.pdf"
        t0 = time.perf_counter()
        _wait_change(pdf, None, t0)  # the first PDF: every piece laid out
        first = time.perf_counter() - t0
        time.sleep(1.0)
        to_pdf, to_site, correct = [], [], 0
        for i in range(args.runs):
            chapter = chapters[(i * 7 + 3) % len(chapters)]
            marker = f"标记{i}号"
            before = _stamp(pdf)
            t0 = time.perf_counter()
            _edit(chapter, originals[chapter], marker + "。")
            chapter_id = re.search(r'<chapter id="([^"]+)"', originals[chapter]).group(1)
            site_page = out / "editorial" / "chapters" / f"{chapter_id}.html"
            if site_page.exists():
                to_site.append(_wait_for(site_page, marker, t0))
            to_pdf.append(_wait_change(pdf, before, t0))
            correct += _pdf_has(pdf, marker)
            chapter.write_text(originals[chapter], encoding="utf-8")
            _wait_change(pdf, _stamp(pdf), time.perf_counter())  # the restore's PDF
            time.sleep(0.5)
        med_full, med_pdf = statistics.median(full), statistics.median(to_pdf)
        print(f"plan: {args.plan}; load average {os.getloadavg()[0]:.1f}")
        print(f"full build --format pdf: median {med_full:.2f} s ({args.full_runs} runs)")
        print(f"serve, first PDF (every piece laid out, worker start included): {first:.2f} s")
        print(f"serve, save -> rewritten plan.pdf: median {med_pdf:.2f} s "
              f"(min {min(to_pdf):.2f}, max {max(to_pdf):.2f}; {args.runs} saves, "
              f"{correct} PDFs checked to hold the edit)")
        print(f"ratio to the full build: {med_pdf / med_full:.2f} (goal <= 0.5)")
        if to_site:
            print(f"site page shows the edit after: median {statistics.median(to_site) * 1000:.0f} ms, "
                  f"max {max(to_site) * 1000:.0f} ms ({len(to_site)} saves; goal <= 500 ms)")
    finally:
        stop(proc)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
