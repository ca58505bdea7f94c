#!/usr/bin/env python3
"""Wall time of `check` (load, validate, convert, check) and its ratio to lxml
parsing the same files alone, in the same process.

    .venv/bin/python benchmarks/check.py [PLAN_DIR ...]

Defaults to the bundled plan and the test fixtures. Prints the median of N runs.
Then, for the same plans in the same process, the warm check with and without the
recognition of facts, counts and totals in plain prose (plandoc/recognise), and the
share recognition adds (budget: 30 %).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from plandoc import convert  # noqa: E402
from plandoc.load import secure_parser  # noqa: E402
from plandoc.pipeline import Memo, compile_plan  # noqa: E402
from plandoc.validate import schema  # noqa: E402

RUNS = 15


def median_time(fn) -> float:
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def parse_only(plan_dir: Path) -> None:
    files = [plan_dir / "plan.xml", *sorted((plan_dir / "chapters").glob("*.xml"))]
    if (plan_dir / "indicators.xml").exists():
        files.append(plan_dir / "indicators.xml")
    for f in files:
        etree.fromstring(f.read_bytes(), secure_parser())


def main(argv: list[str]) -> None:
    dirs = [Path(a) for a in argv] or [p for p in (ROOT / "plan", ROOT / "tests/fixtures/plan-ok",
                                                  ROOT / "tests/fixtures/mini") if (p / "plan.xml").exists()]
    schema()  # compiled once per process, as in a real run
    print("cold: the first check in a process (as `build.py check` runs it); warm: again in the")
    print("same process with the same memo, where per-paragraph results are remembered (as `serve`")
    print("rebuilds: pipeline.Memo).")
    print(f"{'plan':32} {'cold':>9} {'warm':>9} {'parse':>9} {'cold/parse':>11}  findings")
    for d in dirs:
        memo = Memo()
        t0 = time.perf_counter()
        compiled = compile_plan(d, memo)
        t_cold = time.perf_counter() - t0
        t_check = median_time(lambda: compile_plan(d, memo))
        t_parse = median_time(lambda: parse_only(d))
        print(f"{str(d.relative_to(ROOT) if d.is_relative_to(ROOT) else d):32} "
              f"{t_cold * 1000:7.1f}ms {t_check * 1000:7.1f}ms {t_parse * 1000:7.1f}ms "
              f"{t_cold / t_parse:10.1f}x  {len(compiled.diagnostics)}")
    print()
    print("recognition of facts, counts and totals in plain prose: check with it and without it,")
    print("interleaved in this process, CPU time, best of runs; 'first' clears recognition's memo")
    print("before each run (as the first check of a process), 'again' keeps it (as serve rebuilds).")
    print(f"{'plan':32} {'without':>9} {'first':>9} {'added':>7} {'again':>9} {'added':>7}")
    for d in dirs:
        off, first, again = _recognition_times(d)
        print(f"{str(d.relative_to(ROOT) if d.is_relative_to(ROOT) else d):32} "
              f"{off * 1000:7.1f}ms {first * 1000:7.1f}ms {(first / off - 1) * 100:6.1f}% "
              f"{again * 1000:7.1f}ms {(again / off - 1) * 100:6.1f}%")


def _recognition_times(d: Path, runs: int = 25) -> tuple[float, float, float]:
    import gc

    times: dict[str, list[float]] = {"off": [], "first": [], "again": []}
    memo = Memo()  # what `serve` keeps across rebuilds; "first" starts recognition afresh
    compile_plan(d, memo)
    gc.disable()
    try:
        for _ in range(runs):
            for kind in ("off", "first", "again"):
                if kind == "first":
                    memo = Memo(text=memo.text)
                t0 = time.process_time()
                _without_recognition(d, memo) if kind == "off" else compile_plan(d, memo)
                times[kind].append(time.process_time() - t0)
            gc.collect()
    finally:
        gc.enable()
    return min(times["off"]), min(times["first"]), min(times["again"])


def _without_recognition(d: Path, memo):
    """compile_plan with convert's recogniser switched off (for this measurement only)."""
    saved = convert.Recogniser
    convert.Recogniser = _NoRecogniser
    try:
        return compile_plan(d, memo)
    finally:
        convert.Recogniser = saved


class _NoRecogniser:
    @staticmethod
    def for_sources(sources, memo=None):
        return None


if __name__ == "__main__":
    main(sys.argv[1:])
