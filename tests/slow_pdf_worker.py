"""A PDF worker whose render starts, says so and then waits for a release file, for
tests/test_hostile_serve.py: `python slow_pdf_worker.py STARTED RELEASE PLAN OUT`."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from plandoc.pdf import worker as pdf_worker
from plandoc.pdf import render as render_pdf

started, release = Path(sys.argv[1]), Path(sys.argv[2])


def slow_render(plan, out_dir: Path, findings=(), **kwargs):
    started.write_text("started", encoding="utf-8")
    deadline = time.time() + 20
    while not release.exists() and time.time() < deadline:
        time.sleep(0.05)
    (out_dir / "plan.pdf").write_bytes(b"%PDF-1.7\n")
    return [out_dir / "plan.pdf"]


render_pdf.render = slow_render
pdf_worker.main(sys.argv[3:])
