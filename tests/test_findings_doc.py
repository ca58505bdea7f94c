"""docs/findings.md lists every finding of `check` on the bundled plan.

Each finding is one table row whose first cell is the code and whose third cell is
`file:line` (file relative to plan/), both in backticks:

    | `PD302` | warning | `chapters/ch01-review.xml:101` | message | what to do |

The test compiles plan/ and compares the multiset of (code, file, line) with the rows of
the page, so the page cannot go stale: it fails when a finding appears or disappears.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path


from plandoc.pipeline import compile_plan

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "findings.md"
ROW = re.compile(r"^\|\s*`(PD\d{3})`\s*\|[^|]*\|\s*`([^`]+):(\d+)`\s*\|")


def documented() -> Counter:
    rows = Counter()
    for line in DOC.read_text(encoding="utf-8").splitlines():
        m = ROW.match(line)
        if m:
            rows[(m.group(1), m.group(2), int(m.group(3)))] += 1
    return rows


def reported(monkeypatch) -> Counter:
    monkeypatch.chdir(ROOT)
    compiled = compile_plan(Path("plan"))
    found = Counter()
    for d in compiled.diagnostics:
        file = Path(d.file)
        try:
            file = file.resolve().relative_to((ROOT / "plan").resolve())
        except ValueError:
            pass
        found[(d.code, file.as_posix(), d.line)] += 1
    return found


def test_findings_page_lists_every_finding(monkeypatch):
    doc, found = documented(), reported(monkeypatch)
    assert doc, "no finding rows parsed from docs/findings.md"
    missing = sorted((found - doc).elements())
    stale = sorted((doc - found).elements())
    assert not missing and not stale, (
        f"docs/findings.md is out of date.\n  reported but not listed: {missing}\n"
        f"  listed but no longer reported: {stale}")
