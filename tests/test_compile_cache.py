"""The compile cache (plandoc/compile_cache.py): a warm answer is what a fresh compile
gives; every kind of input invalidates it; a damaged entry is compiled again; the outputs
of `check` and `build` are the same with and without it."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from plandoc import compile_cache as cc
from plandoc import pipeline
from plans import DIAG_FIXTURES, MINI, ROOT, overlay

BUILD = [sys.executable, str(ROOT / "build.py")]


def run(*args, cwd=None):
    return subprocess.run([*BUILD, *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.fixture
def compiles(monkeypatch):
    """How often the real compile ran (the cache calls pipeline.compile_plan on a miss)."""
    calls = []
    real = pipeline.compile_plan

    def counted(plan_dir, memo=None):
        calls.append(plan_dir)
        return real(plan_dir, memo)

    monkeypatch.setattr(pipeline, "compile_plan", counted)
    return calls


def entries() -> list[Path]:
    return sorted(Path(os.environ["PLANDOC_CACHE_DIR"]).rglob("*.pickle"))


def test_the_suite_has_a_cache_of_its_own():
    root = Path(os.environ["PLANDOC_CACHE_DIR"])
    assert cc.directory() == root and not any(root.iterdir())


def test_a_warm_answer_is_the_compile(mini_copy, compiles):
    cold = cc.compiled(mini_copy, with_plan=True)
    warm = cc.compiled(mini_copy, with_plan=True)
    assert len(compiles) == 1 and len(entries()) == 1
    fresh = compile_fresh(mini_copy)
    assert warm.diagnostics == cold.diagnostics == fresh.diagnostics
    assert warm.plan == cold.plan == fresh.plan and warm.converted
    assert cc.compiled(mini_copy, with_plan=False).plan is None  # check: the model stays unread


def compile_fresh(plan_dir):
    return cc.compiled(plan_dir, with_plan=True, use=False)


def _append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as f:
        f.write(text)


EDITS = {  # one edit per kind of input; none of them changes a finding
    "plan.xml": lambda p: _append(p / "plan.xml", "\n<!-- 编辑 -->\n"),
    "chapter": lambda p: _append(p / "chapters" / "ch01.xml", "\n<!-- 编辑 -->\n"),
    "indicators": lambda p: _append(p / "indicators.xml", "\n<!-- 编辑 -->\n"),
    "gazetteer": lambda p: _append(p / "gazetteer.xml", "\n<!-- 编辑 -->\n"),
    "image": lambda p: _append(p / "figures" / "fig-map.svg", "\n<!-- 编辑 -->\n"),
    "accepted.xml (new)": lambda p: (p / "accepted.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<accepted/>\n', encoding="utf-8"),
    "companion page (new)": lambda p: (p / "pages").mkdir() or (p / "pages" / "about.md").write_text(
        "# 关于\n\n说明。\n", encoding="utf-8"),
    "chapter not listed (new)": lambda p: shutil.copy(p / "chapters" / "ch01.xml", p / "chapters" / "ch09.xml"),
    "image removed": lambda p: (p / "figures" / "fig-map.svg").unlink(),
    "empty folder (new)": lambda p: (p / "pages").mkdir(),
}


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_every_kind_of_input_invalidates(kind, mini_copy, compiles):
    cc.compiled(mini_copy, with_plan=False)
    EDITS[kind](mini_copy)
    after = cc.compiled(mini_copy, with_plan=True)
    assert len(compiles) == 2, f"{kind}: the cache answered for a changed plan"
    fresh = compile_fresh(mini_copy)
    assert after.diagnostics == fresh.diagnostics and after.plan == fresh.plan


def test_a_plan_edited_while_it_compiles_is_not_kept(mini_copy, monkeypatch):
    real = pipeline.compile_plan

    def edited_meanwhile(plan_dir, memo=None):
        result = real(plan_dir, memo)
        _append(plan_dir / "chapters" / "ch01.xml", "\n<!-- 编辑 -->\n")  # saved during the compile
        return result

    monkeypatch.setattr(pipeline, "compile_plan", edited_meanwhile)
    cc.compiled(mini_copy, with_plan=False)
    assert entries() == []  # what was compiled may be neither version


def test_content_counts_not_the_time_stamp(mini_copy, compiles):
    chapter = mini_copy / "chapters" / "ch01.xml"
    cc.compiled(mini_copy, with_plan=False)
    before = chapter.stat()
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("<p>", "<q>", 1).replace("</p>", "</q>", 1), encoding="utf-8")
    os.utime(chapter, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same time
    assert chapter.stat().st_size == before.st_size
    after = cc.compiled(mini_copy, with_plan=False)
    assert len(compiles) == 2
    assert any(d.code == "PD110" for d in after.diagnostics)  # the schema now refuses it


@pytest.mark.parametrize("code", sorted(p.name for p in DIAG_FIXTURES.iterdir()
                                        if "expected" in json.loads((p / "fixture.json").read_text("utf-8"))
                                        and "import" not in (p / "fixture.json").read_text("utf-8")))
def test_a_fixture_laid_over_a_cached_plan_gives_its_findings(code, tmp_path):
    """Every diagnostic fixture changes some input of the mini plan: compiled from a warm
    cache of the mini plan in the same place, its findings are a fresh compile's."""
    plan = tmp_path / "plan"
    shutil.copytree(MINI, plan)
    cc.compiled(plan, with_plan=False)
    shutil.rmtree(plan)
    overlay(code, tmp_path)
    assert cc.compiled(plan, with_plan=False).diagnostics == compile_fresh(plan).diagnostics


def test_plandoc_python_and_site_packages_are_in_the_key(mini_copy, compiles, monkeypatch, tmp_path):
    package = tmp_path / "package"
    package.mkdir()
    (package / "stage.py").write_text("A = 1\n", encoding="utf-8")
    packages = tmp_path / "lib" / "site-packages"
    packages.mkdir(parents=True)
    monkeypatch.setattr(cc, "PACKAGE", package)
    monkeypatch.setattr(sys, "path", [*sys.path, str(packages)])
    cc.compiled(mini_copy, with_plan=False)
    cc.compiled(mini_copy, with_plan=False)
    assert len(compiles) == 1
    before = (package / "stage.py").stat()
    (package / "stage.py").write_text("A = 2\n", encoding="utf-8")  # plandoc changed, not its size
    os.utime(package / "stage.py", ns=(before.st_atime_ns, before.st_mtime_ns))  # nor its time
    cc.compiled(mini_copy, with_plan=False)
    assert len(compiles) == 2
    (packages / "newpkg-1.0.dist-info").mkdir()  # a package installed
    os.utime(packages, ns=(1, 10**18))  # (a coarse file system may not see the mkdir)
    cc.compiled(mini_copy, with_plan=False)
    assert len(compiles) == 3
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    cc.compiled(mini_copy, with_plan=False)
    assert len(compiles) == 4


def test_the_plan_directory_as_named_is_in_the_key(mini_copy, compiles, monkeypatch):
    """Diagnostics show the plan directory as the user spelled it."""
    monkeypatch.chdir(mini_copy.parent)
    a = cc.compiled(Path("plan"), with_plan=False)
    b = cc.compiled(mini_copy, with_plan=False)
    assert len(compiles) == 2
    assert a.diagnostics == compile_fresh(Path("plan")).diagnostics
    assert b.diagnostics == compile_fresh(mini_copy).diagnostics


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "foreign magic", "other key",
                                    "wrong types", "missing class"])
def test_a_damaged_entry_is_compiled_again(damage, tmp_path, compiles):
    plan, _ = overlay("PD201", tmp_path)  # a plan with findings
    good = cc.compiled(plan, with_plan=True)
    (entry,) = entries()
    data = entry.read_bytes()
    broken = {
        "garbage": b"\x00\xff" * 100,
        "truncated": data[: len(data) // 2],
        "empty": b"",
        "foreign magic": b"something else\n" + data[len(cc.MAGIC):],
        "other key": cc.MAGIC + pickle.dumps((cc.FORMAT, "0" * 64)) + data[len(cc.MAGIC):],
        "wrong types": cc.MAGIC + pickle.dumps((cc.FORMAT, entry.stem)) + pickle.dumps(("yes", [])),
        "missing class": cc.MAGIC + pickle.dumps((cc.FORMAT, entry.stem))
        + b"\x80\x04\x95\x1f\x00\x00\x00\x00\x00\x00\x00\x8c\x07plandoc\x94\x8c\x0cNoSuchThing42\x94\x93\x94.",
    }[damage]
    entry.write_bytes(broken)
    again = cc.compiled(plan, with_plan=True)
    assert len(compiles) == 2
    assert again.diagnostics == good.diagnostics and again.plan == good.plan
    assert entry.read_bytes() == data  # written again, whole
    cc.compiled(plan, with_plan=True)
    assert len(compiles) == 2


def test_an_unwritable_cache_only_costs_a_compile(mini_copy, compiles, monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("PLANDOC_CACHE_DIR", str(blocker / "cache"))
    first = cc.compiled(mini_copy, with_plan=True)
    assert first.diagnostics == compile_fresh(mini_copy).diagnostics and first.plan is not None
    cc.compiled(mini_copy, with_plan=True)
    assert len(compiles) == 3  # the first, the fresh one, the second: nothing was kept


def test_where_the_cache_is(monkeypatch, tmp_path):
    assert cc.directory({"PLANDOC_CACHE_DIR": "/x/y", "XDG_CACHE_HOME": "/z"}) == Path("/x/y")
    assert cc.directory({"XDG_CACHE_HOME": "/z"}) == Path("/z/plandoc")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cc.directory({"XDG_CACHE_HOME": "relative/ignored"}) == tmp_path / ".cache" / "plandoc"
    assert cc.directory({}) == tmp_path / ".cache" / "plandoc"


def test_the_environment_override_is_used(mini_copy, monkeypatch, tmp_path):
    monkeypatch.setenv("PLANDOC_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert run("check", "--plan", mini_copy).returncode == 0
    assert len(list((tmp_path / "elsewhere").rglob("*.pickle"))) == 1


def test_never_inside_the_plan(mini_copy, monkeypatch):
    monkeypatch.setenv("PLANDOC_CACHE_DIR", str(mini_copy / ".cache"))
    before = sorted(p.relative_to(mini_copy) for p in mini_copy.rglob("*"))
    assert run("check", "--plan", mini_copy).returncode == 0
    assert sorted(p.relative_to(mini_copy) for p in mini_copy.rglob("*")) == before


def test_no_cache_neither_reads_nor_writes(tmp_path):
    plan, _ = overlay("PD220", tmp_path)
    assert run("check", "--plan", plan, "--no-cache").returncode == 0
    assert entries() == []
    assert run("check", "--plan", plan).returncode == 0
    (entry,) = entries()
    entry.write_bytes(cc.MAGIC + b"damaged")
    r = run("check", "--plan", plan, "--no-cache", "--format", "json")
    assert [d["code"] for d in json.loads(r.stdout)] == ["PD220"]
    assert entry.read_bytes() == cc.MAGIC + b"damaged"
    out = tmp_path / "dist"
    assert run("build", "--plan", plan, "--out", out, "--format", "json", "--no-cache").returncode == 0
    assert entry.read_bytes() == cc.MAGIC + b"damaged"


def test_old_entries_are_pruned(mini_copy, compiles):
    """The KEEP entries used last stay, per plan; a leftover of an interrupted write goes
    once it is an hour old (a younger one may be another process writing)."""
    plan_xml = mini_copy / "plan.xml"
    original = plan_xml.read_text(encoding="utf-8")
    seen: set[Path] = set()

    def version(n: int) -> None:
        plan_xml.write_text(original + f"<!-- {n} -->\n", encoding="utf-8")
        cc.compiled(mini_copy, with_plan=False)
        for new in set(entries()) - seen:  # written in order (file times may be coarse)
            os.utime(new, ns=(10**18 + n, 10**18 + n))
            seen.add(new)

    for n in range(cc.KEEP + 2):
        version(n)
    assert len(entries()) == cc.KEEP and len(compiles) == cc.KEEP + 2
    folder = entries()[0].parent
    stale, fresh = folder / ".a.1.tmp", folder / ".b.2.tmp"
    stale.write_bytes(b"interrupted")
    os.utime(stale, ns=(0, 0))
    fresh.write_bytes(b"being written")
    version(2)  # the oldest kept: a hit, and now the one used last
    assert len(compiles) == cc.KEEP + 2
    version(99)  # a new entry: version 3 goes, not 2
    assert len(entries()) == cc.KEEP and fresh.exists() and not stale.exists()
    version(2)
    assert len(compiles) == cc.KEEP + 3
    version(3)
    assert len(compiles) == cc.KEEP + 4


def test_check_prints_the_same_cold_and_warm(tmp_path):
    plan, _ = overlay("PD220", tmp_path)
    for args in ([], ["--format", "json"], ["--severity", "note", "--show-accepted"], ["--strict"]):
        cold = run("check", "--plan", plan, "--no-cache", *args)
        first = run("check", "--plan", plan, *args)
        warm = run("check", "--plan", plan, *args)
        assert len(entries()) == 1
        assert (cold.stdout, cold.returncode) == (first.stdout, first.returncode) \
            == (warm.stdout, warm.returncode)
    assert "PD220" in warm.stdout


def test_a_warm_build_writes_the_same_files(tmp_path):
    plan, _ = overlay("PD220", tmp_path)  # findings go into the editor's report too
    trees = []
    for name in ("cold", "warm"):
        out = tmp_path / name
        r = run("build", "--plan", plan, "--out", out, "--format", "json,csv,xlsx,docx,html", "--drafts",
                "--quiet")
        assert r.returncode == 0, r.stderr
        trees.append({p.relative_to(out).as_posix(): p.read_bytes()
                      for p in sorted(out.rglob("*")) if p.is_file()})
    cold, warm = trees
    assert {"plan.json", "plan.docx", "site/index.html"} <= set(cold)
    assert any(k.startswith("editorial/") and b"PD220" in v for k, v in cold.items())
    assert sorted(cold) == sorted(warm)
    assert [k for k in cold if cold[k] != warm[k]] == []


def test_a_warm_build_stops_on_errors(tmp_path):
    plan, _ = overlay("PD201", tmp_path)
    for _ in range(2):
        r = run("build", "--plan", plan, "--out", tmp_path / "dist", "--format", "json")
        assert r.returncode == 1 and "PD201" in r.stderr
    assert not (tmp_path / "dist").exists() and len(entries()) == 1
