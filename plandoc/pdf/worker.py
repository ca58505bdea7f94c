"""serve's PDF worker: one long-lived process that owns the print edition.

`serve` starts it once (`python -m plandoc.pdf.worker PLAN OUT`) and writes a line to
its standard input after every edit that compiles; the worker compiles the plan itself,
lays out what changed (`pdf.assembly.LayoutCache` keeps the pieces between edits) and
moves plan.pdf into the output under its lock (`pipeline.build(..., unlocked=("pdf",))`).
It answers each request with one JSON line on its standard output:
{"pdf": "done" | "dropped" | "failed" | "skipped", "message": …}.

A request that arrives while a PDF is being laid out drops that work at the next 篇
(the pieces finished so far stay cached) and starts over on the newest plan: the PDF
follows the editor's last edit, and the site's quick rebuild, in the serve process,
never waits for it (two processes: the layout holds no lock and no GIL of the site's).
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path


class Worker:
    """The serve side: start the process, ask for a PDF, read what it says."""

    def __init__(self, plan_dir: Path, out_dir: Path, report: Callable[[dict], None],
                 command: list[str] | None = None) -> None:
        argv = command or [sys.executable, "-m", "plandoc.pdf.worker"]
        self.process = subprocess.Popen(
            [*argv, str(plan_dir), str(out_dir)], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1)
        self.reader = threading.Thread(target=self._read, args=(report,), daemon=True)
        self.reader.start()

    def alive(self) -> bool:
        return self.process.poll() is None

    def request(self) -> None:
        """A PDF of the plan as it is now is wanted (any work in progress is dropped)."""
        try:
            self.process.stdin.write("build\n")
            self.process.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass  # the worker is gone: the reader has said so

    def _read(self, report: Callable[[dict], None]) -> None:
        for line in self.process.stdout:
            try:
                report(json.loads(line))
            except ValueError:
                continue
        if self.process.wait() != 0:
            report({"pdf": "failed", "exit": self.process.returncode,
                    "message": f"PDF 进程退出（{self.process.returncode}）"})

    def stop(self, timeout: float = 10) -> None:
        """Close the worker's input (it exits at the next 篇, or at once when idle)."""
        try:
            self.process.stdin.close()
        except (BrokenPipeError, ValueError):
            pass
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout)


class Requests:
    """The worker's standard input, read unbuffered: any bytes are a request, the end of
    input is the end of the worker."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def pending(self) -> bool:
        """Whether a newer request (or the end of input) is waiting."""
        return bool(select.select([self.fd], [], [], 0)[0])

    def wait(self) -> bool:
        """Block until the next request (those queued meanwhile count as one); False at
        the end of input."""
        if not os.read(self.fd, 4096):
            return False
        while self.pending():
            if not os.read(self.fd, 4096):
                return False
        return True


def run(plan_dir: Path, out_dir: Path, requests: Requests, answer: Callable[[dict], None]) -> None:
    """The worker's loop: one PDF per request, the newest request winning."""
    from ..pipeline import Memo, build, compile_plan
    from .render import Interrupted, LayoutCache

    cache, memo = LayoutCache(), Memo()  # the worker's own, kept across its builds
    while requests.wait():
        compiled = compile_plan(plan_dir, memo)
        if not compiled.ok:
            answer({"pdf": "skipped", "message": "规划有错误，PDF 未更新"})
            continue
        try:
            build(compiled.plan, out_dir, ["pdf"], compiled.diagnostics, unlocked=("pdf",),
                  options={"pdf": {"cache": cache, "interrupted": requests.pending}})
            answer({"pdf": "done", "message": "PDF 已更新 (PDF rebuilt)",
                    "laid_out": cache.laid_out})
        except Interrupted:
            answer({"pdf": "dropped", "message": "PDF 重排被新的修改打断，重新开始",
                    "laid_out": cache.laid_out})
        except Exception as exc:  # the site keeps being served; say what broke
            answer({"pdf": "failed", "message": f"{type(exc).__name__}: {exc}"})


def main(argv: list[str] | None = None) -> None:
    plan_dir, out_dir = (Path(a) for a in (argv or sys.argv[1:]))
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", buffering=1)
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # what a library prints, in Python or
    sys.stdout = sys.stderr                            # in C, goes to the console, not the answers

    def answer(message: dict) -> None:
        answers.write(json.dumps(message, ensure_ascii=False) + "\n")

    run(plan_dir, out_dir, Requests(sys.stdin.fileno()), answer)


if __name__ == "__main__":
    main()
