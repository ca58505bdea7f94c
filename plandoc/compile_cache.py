"""The compile cache: an unchanged plan is not read, validated, converted and checked again.

`check` and `build` ask `compiled` for the result of `pipeline.compile_plan`. The answer
is looked up on disk under a key made of everything the compile's result depends on:

- every file and directory in the plan directory, by content (not only the files
  plan.xml lists: a chapter file nobody lists is a finding, and so is a missing image),
  and the directory as the user named it (diagnostics show that spelling);
- plandoc itself: every file of the package and of the schema, by content (its code and
  its data: the grammar, the handbook, the recognisers' word lists; 1.8 ms for the ~90
  files, where their sizes and times would cost 0.6 ms and miss a copy that keeps them);
- the Python version, and the modification times of the site-packages directories on
  `sys.path` (installing, removing or upgrading a package changes them: OpenCC's and
  pypinyin's dictionaries are inputs of the text checks).

No environment variable reaches the compile (SOURCE_DATE_EPOCH is the renderers').
An entry holds the diagnostics (what `check` prints) and the compiled model (what
`build` renders), pickled one after the other, so a `check` never unpickles the model.
Entries live in `$PLANDOC_CACHE_DIR`, else `$XDG_CACHE_HOME/plandoc`, else
`~/.cache/plandoc`, one directory per plan (by its resolved path), the newest `KEEP`
per plan; never inside the plan directory. Pickle runs code when loaded: the cache is
the user's own, like Sphinx's pickled environment; do not point PLANDOC_CACHE_DIR at a
directory others can write. An entry that cannot be read, is damaged or was written
by another plandoc is ignored and written again; a cache that cannot be written only
costs the time of a compile. `serve` does not use it: it keeps its memo in memory.
"""

from __future__ import annotations

import os
import pickle
import stat
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .resources import PACKAGE, SCHEMA

try:  # what hashlib.blake2b is, without hashlib's OpenSSL (2 ms of every warm run)
    from _blake2 import blake2b
except ImportError:  # an interpreter built without it
    from hashlib import blake2b

FORMAT = 1
"""Changed when the entry's layout changes (entries of another layout are ignored)."""

KEEP = 4
"""Entries kept per plan directory: the newest (by last use)."""

MAGIC = b"plandoc compile cache\n"


@dataclass(frozen=True)
class Result:
    diagnostics: tuple
    """As `pipeline.Compiled.diagnostics`."""
    converted: bool
    """Whether the compile produced a model (`pipeline.Compiled.plan is not None`)."""
    plan: object | None = None
    """The model, when asked for (`with_plan`) and there is one."""


def directory(environ=None) -> Path | None:
    """Where entries are kept (None: nowhere to keep them)."""
    env = os.environ if environ is None else environ
    if env.get("PLANDOC_CACHE_DIR"):
        return Path(env["PLANDOC_CACHE_DIR"])
    xdg = env.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):  # the XDG spec: a relative path is to be ignored
        return Path(xdg) / "plandoc"
    try:
        return Path.home() / ".cache" / "plandoc"
    except RuntimeError:  # no home directory
        return None


def compiled(plan_dir: Path, with_plan: bool, use: bool = True) -> Result:
    """What `pipeline.compile_plan(plan_dir)` gives, from the cache when its inputs are
    unchanged (`use` False: always compiled, and the cache left alone)."""
    entry = _entry(plan_dir) if use else None
    if entry is not None:
        found = _read(entry, with_plan)
        if found is not None:
            return found
    from .pipeline import compile_plan

    result = compile_plan(plan_dir)
    if entry is not None and _entry(plan_dir) == entry:  # not edited while it compiled
        _write(entry, result)
    return Result(result.diagnostics, result.plan is not None, result.plan if with_plan else None)


def _entry(plan_dir: Path) -> tuple[Path, str] | None:
    """(entry file, key) for the plan as it is now, or None when the cache cannot be used."""
    root = directory()
    if root is None:
        return None
    try:
        plan, where = plan_dir.resolve(), root.resolve()
        if where == plan or plan in where.parents:  # the build never writes into plan/
            return None
        h = blake2b(digest_size=32)
        h.update(f"{FORMAT}\0{sys.version}\0{plan_dir}\0{plan}\0".encode("utf-8", "surrogateescape"))
        _environment(h)
        _tree(h, PACKAGE)
        if SCHEMA.parent != PACKAGE:
            _tree(h, SCHEMA)
        h.update(b"\0plan\0")
        _tree(h, plan_dir)
    except (OSError, ValueError):
        return None
    name = blake2b(os.fsencode(plan), digest_size=8).hexdigest()
    return root / name / f"{h.hexdigest()}.pickle", h.hexdigest()


def _environment(h) -> None:
    for entry in sys.path:
        if entry.endswith(("site-packages", "dist-packages")):
            try:
                h.update(f"{entry}\0{os.stat(entry).st_mtime_ns}\0".encode("utf-8", "surrogateescape"))
            except OSError:
                pass


def _tree(h, root: Path) -> None:
    """Every entry below `root` (but __pycache__), in a fixed order: a file by content, a
    symbolic link also by its target, anything else by its type."""
    for here, dirs, files in os.walk(root, onerror=_raise):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        rel = os.path.relpath(here, root)
        for name in dirs:
            path = os.path.join(here, name)
            h.update(b"D\0" + os.fsencode(os.path.join(rel, name)) + b"\0")
            if os.path.islink(path):
                h.update(b"L\0" + os.fsencode(os.readlink(path)) + b"\0")
        for name in sorted(files):
            path = os.path.join(here, name)
            h.update(b"F\0" + os.fsencode(os.path.join(rel, name)) + b"\0")
            if os.path.islink(path):
                h.update(b"L\0" + os.fsencode(os.readlink(path)) + b"\0")
            try:
                st = os.stat(path)
            except OSError as exc:  # a dangling link: load says so
                h.update(f"missing {exc.errno}\0".encode())
                continue
            if not stat.S_ISREG(st.st_mode):
                h.update(f"mode {stat.S_IFMT(st.st_mode)}\0".encode())
            else:
                try:
                    with open(path, "rb") as f:
                        h.update(blake2b(f.read(), digest_size=32).digest())
                except OSError as exc:  # unreadable: load says so (PD001)
                    h.update(f"unreadable {exc.errno}\0".encode())


def _raise(exc: OSError) -> None:
    raise exc


def _read(entry: tuple[Path, str], with_plan: bool) -> Result | None:
    path, key = entry
    try:
        with open(path, "rb") as f:
            if f.read(len(MAGIC)) != MAGIC:
                return None
            unpickler = pickle.Unpickler(f)
            if unpickler.load() != (FORMAT, key):
                return None
            converted, diagnostics = unpickler.load()
            plan = unpickler.load() if with_plan and converted else None
        os.utime(path)  # last use, for pruning
    except Exception:  # noqa: BLE001 - missing, damaged, foreign: compiled again
        return None
    if not isinstance(diagnostics, tuple) or not isinstance(converted, bool):
        return None
    return Result(diagnostics, converted, plan)


def _write(entry: tuple[Path, str], result) -> None:
    """Store `result` (a `pipeline.Compiled`) atomically, then prune; silently nothing
    when the cache cannot be written."""
    path, key = entry
    temp = path.with_name(f".{path.stem}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temp, "wb") as f:
            f.write(MAGIC)
            pickler = pickle.Pickler(f, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.dump((FORMAT, key))  # one pickler: objects shared by the findings and
            pickler.dump((result.plan is not None, tuple(result.diagnostics)))  # the model
            pickler.dump(result.plan)  # stay shared
        os.replace(temp, path)
        _prune(path.parent)
    except (OSError, pickle.PicklingError, RecursionError, TypeError, AttributeError):
        try:
            temp.unlink()
        except OSError:
            pass


def _prune(folder: Path) -> None:
    """Keep the KEEP entries used last; remove what else is there, but not a write in
    progress (a temporary file younger than an hour)."""
    entries = []
    for p in folder.iterdir():
        try:
            entries.append((p.stat().st_mtime_ns, p))
        except OSError:
            continue
    entries.sort(reverse=True)
    kept, hour_ago = 0, time.time_ns() - 3600 * 10**9
    for mtime, p in entries:
        if p.suffix == ".pickle" and kept < KEEP:
            kept += 1
        elif p.suffix != ".tmp" or mtime < hour_ago:
            try:
                p.unlink()
            except OSError:
                pass
