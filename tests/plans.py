"""Paths of the fixture plans (the one place that names them) and a helper that lays a diagnostic fixture over a
copy of the mini plan (imported by tests as `plans`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
MINI = FIXTURES / "mini"
"""A small hand-written plan that exercises every check and checks clean."""
PLAN_OK = FIXTURES / "plan-ok"
"""Real chapters of the seed plan."""
NO_PARTS = FIXTURES / "no-parts"
"""A plan without 篇, with numbered levels and appendices."""
BUNDLED = ROOT / "plan"
"""The Yongzhou plan the build runs on."""
SEED = FIXTURES / "seed" / "yongzhou-14th.txt"
"""The seed text of the bundled plan, as extracted from the published PDF."""
IMPORT_CONVENTIONS = FIXTURES / "import-conventions"
DIAG_FIXTURES = FIXTURES / "diagnostics"


def overlay(code: str, dest: Path) -> tuple[Path, list[dict]]:
    """Copy the mini plan to dest/plan, lay fixture `code` over it; return the plan dir
    and the expected diagnostics."""
    plan = dest / "plan"
    shutil.copytree(MINI, plan)
    src = DIAG_FIXTURES / code
    meta = json.loads((src / "fixture.json").read_text(encoding="utf-8"))
    for path in sorted(src.rglob("*")):
        if path.is_file() and path.name != "fixture.json":
            target = plan / path.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    for rel in meta.get("delete", []):
        (plan / rel).unlink()
    return plan, meta["expected"]


def mini_repo(dest: Path, message: str = "v1") -> tuple[Path, list[str]]:
    """A git repository at dest/repo holding a copy of the mini plan as plan/, committed
    once with `message`; returns the repository and the git command prefix for it."""
    import subprocess

    repo = dest / "repo"
    shutil.copytree(MINI, repo / "plan")
    git = ["git", "-C", str(repo), "-c", "user.email=t@example.invalid", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", message], check=True)
    return repo, git
