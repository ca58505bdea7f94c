#!/usr/bin/env python3
"""The editor's wait: from saving a chapter to the rebuilt page on disk, end to end, with
`serve --no-pdf` running in its own process (file watching, debouncing, compile, quick
build), against the in-process rebuild of the same edit (compile + quick build) in the
same run (compile + the site's quick build: what serve does before the page reloads;
wall and CPU time, the CPU time being what the rebuild costs on an idle machine).
Goal: median at most 0.3 s.

    .venv/bin/python benchmarks/serve_latency.py [PLAN_DIR] [RUNS]
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from plandoc.incremental import QuickBuilder  # noqa: E402
from plandoc.pipeline import compile_plan  # noqa: E402

POLL = 0.002
"""Seconds between two looks at the page: the resolution of the measurement."""
TIMEOUT = 20.0


def _edit(chapter: Path, original: str, marker: str) -> None:
    """Save the chapter with `marker` added to its first sentence, as an editor saves:
    a new file renamed over the old one (what most editors do), atomically."""
    at = original.index("。") + 1
    tmp = chapter.with_name(f".{chapter.name}.tmp")
    tmp.write_text(original[:at] + marker + original[at:], encoding="utf-8")
    os.replace(tmp, chapter)


def _wait_for(page: Path, marker: str, since: float) -> float:
    while time.perf_counter() - since < TIMEOUT:
        try:
            if marker in page.read_text(encoding="utf-8"):
                return time.perf_counter() - since
        except OSError:
            pass
        time.sleep(POLL)
    raise TimeoutError(f"{marker} never reached {page}")


def _page_of(site: Path, marker: str) -> Path:
    """The page that shows the chapter (waiting for serve's first rebuild)."""
    deadline = time.perf_counter() + TIMEOUT
    while time.perf_counter() < deadline:
        for page in sorted(site.rglob("*.html")):
            if marker in page.read_text(encoding="utf-8", errors="replace"):
                return page
        time.sleep(0.1)
    raise LookupError(marker)


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "plan"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    work = Path(tempfile.mkdtemp(prefix="plandoc-serve-"))
    proc = None
    try:
        plan, out = work / "plan", work / "dist"
        shutil.copytree(source, plan)
        chapters = sorted((plan / "chapters").glob("*.xml"))
        chapter = chapters[len(chapters) // 2]
        original = chapter.read_text(encoding="utf-8")
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--plan", str(plan),
                                 "--out", str(out), "--port", "0", "--no-pdf"],
                                stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
        while "预览地址" not in (proc.stderr.readline() or "预览地址"):
            pass
        if proc.poll() is not None:
            raise SystemExit("serve did not start")
        time.sleep(1.0)  # the watcher is armed
        _edit(chapter, original, "基准标记零。")
        page = _page_of(out, "基准标记零。")  # the site may be split (public, editorial)
        served = []
        for i in range(1, runs + 1):
            marker = f"基准标记第{i}次。"
            t0 = time.perf_counter()
            _edit(chapter, original, marker)
            served.append(_wait_for(page, marker, t0))
            time.sleep(0.4)  # let the server settle: one edit at a time, as an editor types
        quick, inproc, cpu = QuickBuilder(work / "peer"), [], []
        quick.build(compile_plan(plan))
        for i in range(runs):
            _edit(chapter, original, f"同进程第{i}次。")
            t0, c0 = time.perf_counter(), time.process_time()
            quick.build(compile_plan(plan), ("editorial",))
            inproc.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        med, rebuild = statistics.median(served), statistics.median(inproc)
        print(f"plan: {source}; chapter edited: {chapter.name}; page watched: {page.name}")
        print(f"save -> rebuilt page on disk, serve --no-pdf: median {med * 1000:6.0f} ms "
              f"(min {min(served) * 1000:.0f}, max {max(served) * 1000:.0f}, {runs} saves; goal <= 300 ms)")
        print(f"in-process rebuild of the same edit (compile + site): median {rebuild * 1000:6.0f} ms "
              f"wall, {statistics.median(cpu) * 1000:.0f} ms CPU; load average {os.getloadavg()[0]:.1f}")
        print(f"waiting beyond the rebuild: {(med - rebuild) * 1000:.0f} ms; ratio {med / rebuild:.2f}")
    finally:
        stop(proc)
        shutil.rmtree(work, ignore_errors=True)


def stop(proc: subprocess.Popen | None, timeout: float = 15) -> None:
    """End a `serve` started by a benchmark (and, through it, its PDF worker)."""
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
