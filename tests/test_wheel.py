"""`pip install .` (not editable) gives a plandoc that works from any directory: the
templates and the schemas travel in the wheel as package data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile

from plans import MINI, ROOT


def test_a_wheel_installed_elsewhere_builds_a_plan_from_another_directory(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    for name in ("plandoc", "templates", "schema"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    wheels = tmp_path / "wheels"
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                        "-q", "-w", str(wheels), str(src)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    (wheel,) = wheels.glob("plandoc-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for must in ("plandoc/templates/site/base.html.j2", "plandoc/templates/site/static/search.js",
                 "plandoc/templates/pdf/print.css", "plandoc/templates/docx/reference.docx",
                 "plandoc/schema/plan.rng", "plandoc/schema/plan.schema.json",
                 "plandoc/handbook/handbook.md", "plandoc/importer/ids-yongzhou.toml"):
        assert must in names, must
    target = tmp_path / "installed"
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                        str(wheel)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copytree(MINI, elsewhere / "myplan")
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = ("import plandoc.resources as r, sys; root = sys.argv.pop(1); "
            "assert str(r.TEMPLATES).startswith(root) and str(r.SCHEMA).startswith(root), r.TEMPLATES; "
            "from plandoc.cli import main; main()")
    r = subprocess.run([sys.executable, "-c", code, str(target.resolve()), "build", "--plan", "myplan", "--out", "out",
                        "--format", "json,html"], capture_output=True, text=True, cwd=elsewhere, env=env)
    assert r.returncode == 0, r.stderr
    assert (elsewhere / "out" / "plan.json").is_file()
    assert (elsewhere / "out" / "site" / "static" / "search.js").is_file()
