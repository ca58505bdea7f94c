#!/usr/bin/env python3
"""The README's budget table, measured in one run: each plandoc command and its peer as
whole processes (a fresh interpreter each time, as a user runs them), interleaved so
that both see the same machine load, median of N runs, and their ratio.

    .venv/bin/python benchmarks/budget.py [--runs 9] [--plan DIR] [--sphinx PATH]

- `build.py check` against `python -c` importing lxml and parsing the same XML files
  with the same parser options (entities off, no network);
- `build.py build --format html` against pandoc turning the seed text (Markdown) into
  one standalone HTML page;
- the same build against Sphinx + MyST building the seed text split into one document
  per chapter (`sphinx-build -E -b html`), when Sphinx is found: `--sphinx` names a
  sphinx-build whose environment has myst-parser (default: `sphinx-build` on PATH);
- each plandoc command twice: cold (an empty compile cache: the plan is compiled and the
  entry written) and warm (the plan unchanged since the last run: the compile comes from
  the cache, plandoc/compile_cache.py); Sphinx likewise, with -E (a fresh environment)
  and without (its pickled environment, nothing changed, the output directory kept);
- the interpreter's own start-up (`python -c pass`, and with `-I -S`, no site-packages),
  which every Python process above pays and pandoc does not.

Prints the table rows in Markdown: wall time (medians) and, beside each ratio, the ratio of
the children's CPU time (user + system) in the same runs, which swings less on a shared
machine. Byte-code caches are written (as in any installed program), whatever
PYTHONDONTWRITEBYTECODE says.
"""

from __future__ import annotations

import argparse
import os
import re
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
CHAPTER = re.compile(r"^第[一二三四五六七八九十]+章\s*\S")

PARSE_ONLY = """\
from pathlib import Path
from lxml import etree
parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
for f in sorted(Path({plan!r}).rglob("*.xml")):
    etree.fromstring(f.read_bytes(), parser)
"""


def sphinx_source(dest: Path) -> Path:
    """The seed text as a Sphinx + MyST project: the front matter in index.md, then one
    document per chapter (the body's chapter headings, after the contents list)."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if CHAPTER.match(line) and "\t" not in line
              and "....." not in line]
    docs = [lines[:starts[0]]] + [lines[a:b] for a, b in zip(starts, starts[1:] + [len(lines)])]
    src = dest / "src"
    src.mkdir(parents=True)
    (src / "conf.py").write_text('project = "seed"\nextensions = ["myst_parser"]\n'
                                 'language = "zh_CN"\n', encoding="utf-8")
    names = [f"ch{n:02d}" for n in range(1, len(docs))]
    front = ["# 永州市十四五规划纲要", "", *docs[0], "", "```{toctree}", *names, "```", ""]
    (src / "index.md").write_text("\n".join(front), encoding="utf-8")
    for name, body in zip(names, docs[1:]):
        (src / f"{name}.md").write_text("\n".join(["# " + body[0].strip(), "", *body[1:], ""]),
                                        encoding="utf-8")
    return src


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--plan", type=Path, default=ROOT / "plan")
    ap.add_argument("--sphinx", default=shutil.which("sphinx-build"))
    args = ap.parse_args(argv)
    if shutil.which("pandoc") is None:
        sys.exit("pandoc is missing (apt-get install pandoc)")
    plan = args.plan.resolve()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        cmds = {
            "pass": [py, "-c", "pass"],
            "pass -I -S": [py, "-I", "-S", "-c", "pass"],
            "lxml": [py, "-c", PARSE_ONLY.format(plan=str(plan))],
            "check": [py, str(ROOT / "build.py"), "check", "--plan", str(plan)],
            "check warm": [py, str(ROOT / "build.py"), "check", "--plan", str(plan)],
            "html": [py, str(ROOT / "build.py"), "build", "-q", "--format", "html",
                     "--plan", str(plan), "--out", str(t / "dist")],
            "html warm": [py, str(ROOT / "build.py"), "build", "-q", "--format", "html",
                          "--plan", str(plan), "--out", str(t / "dist")],
            "pandoc": ["pandoc", "-f", "markdown", "-t", "html", "-s", str(SEED),
                       "-o", str(t / "seed.html")],
        }
        if args.sphinx:
            src = sphinx_source(t / "sphinx")
            cmds["sphinx"] = [args.sphinx, "-q", "-E", "-b", "html", str(src), str(t / "sphinx-out")]
            cmds["sphinx warm"] = [args.sphinx, "-q", "-b", "html", str(src), str(t / "sphinx-warm")]
        cold = iter(range(10**6))

        def environ(name: str) -> dict[str, str]:
            """A cold run gets an empty compile cache; warm runs share one, filled by the warm-up."""
            where = t / "cache" / (f"cold-{next(cold)}" if name in ("check", "html") else "warm")
            return {**env, "PLANDOC_CACHE_DIR": str(where)}

        times: dict[str, list[float]] = {name: [] for name in cmds}
        cpu: dict[str, list[float]] = {name: [] for name in cmds}
        for name, cmd in cmds.items():  # warm-up: byte-code caches, the page cache
            subprocess.run(cmd, cwd=ROOT, env=environ(name), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        for _ in range(args.runs):
            for name, cmd in cmds.items():
                if name == "sphinx":
                    shutil.rmtree(t / "sphinx-out", ignore_errors=True)
                c0, t0 = _children_cpu(), time.perf_counter()
                done = subprocess.run(cmd, cwd=ROOT, env=environ(name), stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE)
                times[name].append(time.perf_counter() - t0)
                cpu[name].append(_children_cpu() - c0)
                if done.returncode not in (0, 1) or (not name.startswith("check") and done.returncode):
                    sys.exit(f"{name} failed ({done.returncode}): {done.stderr.decode()[-400:]}")
    med = {name: statistics.median(ts) for name, ts in times.items()}
    med_cpu = {name: statistics.median(ts) for name, ts in cpu.items()}

    def ms(name: str) -> str:
        return f"{med[name] * 1000:.0f} ms"

    def row(command: str, peer: str, a: str, b: str, goal: str) -> None:
        print(f"| {command} | {peer} | {ms(a)} vs {ms(b)} ({med[a] / med[b]:.2f}×; "
              f"CPU {med_cpu[a] / med_cpu[b]:.2f}×) | {goal} |")

    print(f"median of {args.runs} interleaved runs, plan {plan}, load {os.getloadavg()[0]:.2f}")
    print()
    print("| command | peer process | now | goal |")
    print("|---|---|---|---|")
    lxml = "`python -c` importing lxml and parsing the same files"
    row("`build.py check`, cold", lxml, "check", "lxml", "≤ 3×")
    row("`build.py check`, warm", lxml, "check warm", "lxml", "≤ 3×")
    pandoc = "pandoc, seed Markdown → one HTML page"
    row("`build.py build --format html`, cold", pandoc, "html", "pandoc", "≤ 1.0×")
    row("`build.py build --format html`, warm", pandoc, "html warm", "pandoc", "≤ 1.0×")
    if "sphinx" in med:
        sphinx = "Sphinx + MyST, the same text split per chapter"
        row("`build.py build --format html`, cold", sphinx + " (`-E`)", "html", "sphinx", "≤ 0.25×")
        row("`build.py build --format html`, warm", sphinx + " (its environment kept, nothing changed)",
            "html warm", "sphinx warm", "—")
    else:
        print("| `build.py build --format html` | Sphinx + MyST | (sphinx-build not found) | ≤ 0.25× |")
    print()
    print("Wall time (medians), then the ratio of the children's CPU time (user + system) in the")
    print("same runs, which swings less when other work shares the machine.")
    print(f"Python start-up: `python -c pass` {ms('pass')}, `python -I -S -c pass` {ms('pass -I -S')}"
          f" (the lxml peer spends {med['pass'] / med['lxml']:.0%} of its time there).")

if __name__ == "__main__":
    main(sys.argv[1:])
