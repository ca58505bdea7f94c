"""Publishing into the output directory (`--out`, dist/): one build at a time, whole.

A build renders into a staging directory beside the output, which starts as a copy of
the live output (hard links: cheap) without the entries it replaces, and is swapped in
only when every renderer has finished: readers of the output (a web server, serve's
browser) see the old tree or the new one, never a half-written one, and a failed or
killed build leaves the previous output untouched. The output must be empty or carry
the STAMP of an earlier build: it is replaced as a whole.

    with publish.staged(out_dir, names) as staging:
        ... render into staging ...
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from pathlib import Path

OUTPUTS = {"json": ["plan.json"],
           "csv": ["indicators.csv", "indicators.zh.csv", "datapackage.json"], "xlsx": ["indicators.xlsx"],
           "docx": ["plan.docx"], "html": ["site"], "editorial": ["editorial"], "pdf": ["plan.pdf"]}
"""What each format writes below the output directory (replaced as a whole)."""

STAMP = ".plandoc-output"
"""Written into every output (same bytes every time): `--out` replaces a directory as a
whole, so it must be empty, or carry this stamp of a previous build."""
STAMP_TEXT = "plandoc output: every build replaces this directory as a whole.\n"


def foreign_out(out_dir: Path) -> str | None:
    """Why out_dir must not be built into, or None: a non-empty directory that is not a
    previous plandoc output (no stamp, and entries other than what builds write) would be
    swapped away, `/etc` or `$HOME` included."""
    if not out_dir.is_dir() or (out_dir / STAMP).is_file():
        return None
    known = {name for names in OUTPUTS.values() for name in names}
    others = sorted(p.name for p in out_dir.iterdir() if p.name not in known)
    if not others:
        return None  # empty, or the outputs of a build older than the stamp
    shown = "、".join(others[:3]) + (" …" if len(others) > 3 else "")
    return (f"--out 指向的目录不是空目录，也不是 plandoc 的输出（没有 {STAMP}），"
            f"构建会整体替换它：{out_dir}（含 {shown}）")



@contextlib.contextmanager
def rendering(out_dir: Path, wanted: bool = True):
    """A directory of its own beside out_dir for what is rendered before the lock is
    taken (serve's PDF), removed afterwards; None when not `wanted`."""
    if not wanted:
        yield None
        return
    early = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.render-", dir=out_dir.parent))
    try:
        yield early
    finally:
        shutil.rmtree(early, ignore_errors=True)


@contextlib.contextmanager
def staged(out_dir: Path, replaced: list[str]):
    """Under the output's lock, a staging copy of out_dir without the entries `replaced`
    (never written through a hard link into the live output); swapped in with STAMP when
    the block ends without an exception, removed otherwise."""
    with lock(out_dir):
        _clean_leftovers(out_dir)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.build-", dir=out_dir.parent))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)  # mkdtemp makes 0700; a web server must read dist/
        try:
            if out_dir.is_dir():  # outputs of formats not rebuilt this time stay as they were
                shutil.copytree(out_dir, staging, symlinks=True, dirs_exist_ok=True,
                                copy_function=link_or_copy)
            for name in replaced:
                target = staging / name
                if target.is_dir():
                    shutil.rmtree(target)
                elif target.exists():
                    target.unlink()
            yield staging
            (staging / STAMP).write_text(STAMP_TEXT, encoding="utf-8")
            _swap(staging, out_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


def link_or_copy(src: str, dst: str) -> None:
    """Hard-link a file (cheap), or copy it where links are not possible."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


@contextlib.contextmanager
def lock(out_dir: Path):
    """One build at a time per output directory (serve and a manual build may overlap)."""
    with open(out_dir.parent / f".{out_dir.name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _clean_leftovers(out_dir: Path) -> None:
    """Remove staging and old trees left by a build that was killed."""
    for pattern in (f".{out_dir.name}.build-*", f".{out_dir.name}.old-*"):
        for path in out_dir.parent.glob(pattern):
            shutil.rmtree(path, ignore_errors=True)


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    import ctypes  # a build's, never a check's

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _swap(staging: Path, out_dir: Path) -> None:
    """Replace out_dir by staging; readers see the old tree or the new one, never none."""
    if out_dir.exists() and exchange(staging, out_dir):
        shutil.rmtree(staging, ignore_errors=True)  # staging now holds the old tree
        return
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
        os.rename(out_dir, old)
    os.rename(staging, out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
