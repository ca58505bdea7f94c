"""Reproducible builds: the same plan, copied to two different directories and built
into two different output directories, gives byte-identical site, JSON, CSV, XLSX and
PDF (with SOURCE_DATE_EPOCH), whatever the hash seed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from plans import FIXTURES, ROOT


def tree(d):
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_two_builds_in_different_directories_are_identical(tmp_path):
    outs = []
    for name, seed in (("first", "1"), ("second place", "2")):
        plan = tmp_path / name / "plan"
        shutil.copytree(FIXTURES / "plan-ok", plan)
        out = tmp_path / name / "dist"
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1624492800", "PYTHONHASHSEED": seed}
        r = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--plan", str(plan),
                            "--out", str(out), "--quiet"], capture_output=True, text=True, env=env)
        assert r.returncode == 0, r.stderr
        outs.append(tree(out))
    a, b = outs
    assert sorted(a) == sorted(b)
    assert {"plan.json", "indicators.csv", "indicators.xlsx", "plan.docx", "plan.pdf",
            "site/index.html"} <= set(a)
    assert [k for k in a if a[k] != b[k]] == []


def test_bundled_plan_json_and_site_do_not_depend_on_its_directory(tmp_path):
    """The bundled plan has findings that name other places (PD310/PD311/PD360): their
    messages must not carry the directory the plan was built from."""
    outs = []
    for name in ("a", "b c"):
        plan = tmp_path / name / "plan"
        shutil.copytree(ROOT / "plan", plan)
        out = tmp_path / name / "dist"
        r = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--plan", str(plan),
                            "--out", str(out), "--format", "json,html", "--quiet"],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        outs.append(tree(out))
    a, b = outs
    assert [k for k in a if a[k] != b.get(k)] == []
