"""Full-text search for the site: runs pagefind (extended, which segments Chinese).

Indexes only the pages that hold the plan's text (GLOB), and in them only what is
marked data-pagefind-body, and writes the bundle to site/pagefind/. Paragraphs carry
ids, so the search page can send a hit to its paragraph. `start` launches pagefind in
the background once those pages are written, so the renderer can write the other
pages meanwhile (none of them matches GLOB, so the index cannot depend on timing);
`finish` waits for it. Pagefind is the registry-installed `pagefind[extended]`
binary, run directly when its package is found (saves the Python wrapper's start-up),
else through `python -m pagefind`. Pagefind runs under `setpriv --pdeathsig KILL`
(util-linux, essential on Debian) so that it dies with the build that started it: a
killed build must not leave an indexer writing into its staging tree. A failure is an
environment error and raises, so the pipeline keeps the previous output.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

BUNDLE = "pagefind"
GLOB = "{index.html,notice.html,back.html,chapters/*.html,parts/*.html}"
"""The pages with the plan's text; every other page is navigation or a generated list."""


class SearchIndexError(RuntimeError):
    """pagefind could not be run or failed."""


def guard() -> list[str]:
    """A prefix that makes a child die when this process dies (empty without setpriv)."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "KILL", "--"] if setpriv else []


def command() -> list[str]:
    """How to run pagefind extended here, tied to this process's life where possible."""
    spec = importlib.util.find_spec("pagefind_bin_extended")
    if spec is not None and spec.submodule_search_locations:
        binary = Path(next(iter(spec.submodule_search_locations))) / "pagefind_extended"
        if binary.is_file():
            return guard() + [str(binary)]
    return guard() + [sys.executable, "-m", "pagefind"]


def start(site: Path, subdir: str = BUNDLE) -> subprocess.Popen:
    """Start indexing `site` (whose text pages must already be written) into site/subdir."""
    cmd = command() + ["--site", str(site), "--glob", GLOB, "--output-subdir", subdir,
                        "--force-language", "zh-cn", "--keep-index-url", "--silent"]
    try:
        return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        raise SearchIndexError(f"pagefind could not run: {exc}") from exc


def finish(proc: subprocess.Popen, site: Path, subdir: str = BUNDLE) -> list[Path]:
    """Wait for pagefind; return the files it wrote, sorted."""
    try:
        _, err = proc.communicate(timeout=600)
    except subprocess.TimeoutExpired as exc:
        proc.kill()
        proc.communicate()
        raise SearchIndexError("pagefind timed out") from exc
    if proc.returncode != 0:
        raise SearchIndexError(f"pagefind failed ({proc.returncode}): {err.strip()}")
    return sorted(p for p in (site / subdir).rglob("*") if p.is_file())


def index(site: Path) -> list[Path]:
    """Index `site` in place and wait."""
    return finish(start(site), site)


def reindex(site: Path, swap) -> None:
    """Index a live site beside its current bundle, then swap the new bundle in
    (`swap(a, b)` exchanges two paths atomically): readers never see a half index."""
    fresh = ".pagefind-fresh"
    if (site / fresh).exists():
        shutil.rmtree(site / fresh)
    finish(start(site, fresh), site, fresh)
    if (site / BUNDLE).exists() and swap(site / fresh, site / BUNDLE):
        shutil.rmtree(site / fresh)
    else:
        if (site / BUNDLE).exists():
            shutil.rmtree(site / BUNDLE)
        (site / fresh).rename(site / BUNDLE)
