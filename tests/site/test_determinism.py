"""The same plan gives byte-identical sites, the search index included."""

from __future__ import annotations

from .conftest import build_site


def _files(site):
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(site, tmp_path):
    again = build_site(site.plan_dir, tmp_path / "again", strict=site.strict)
    first, second = _files(site.site), _files(again.site)
    assert sorted(first) == sorted(second)
    differ = [name for name in first if first[name] != second[name]]
    assert not differ, differ


def test_builds_in_separate_processes_are_byte_identical(site, tmp_path):
    """As users run it: two CLI builds with different hash seeds (set and dict-of-set
    iteration order must never leak into the output)."""
    import os
    import subprocess
    import sys

    from .conftest import REPO

    if not site.strict:
        return  # a plan with errors does not build through the CLI
    sites = []
    for seed in ("1", "3"):  # seeds known to order sets differently
        out = tmp_path / f"seed{seed}"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--format", "html",
                        "--plan", str(site.plan_dir), "--out", str(out)],
                       check=True, env=env, cwd=REPO, capture_output=True)
        sites.append(_files(out / "site"))
    assert sorted(sites[0]) == sorted(sites[1])
    differ = [name for name in sites[0] if sites[0][name] != sites[1][name]]
    assert not differ, differ
