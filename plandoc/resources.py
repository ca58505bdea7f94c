"""Where plandoc's own files are: the templates and the schemas, in a source checkout or
an installed wheel.

In the repository they stand beside the package (`templates/`, `schema/`, where editors
and the docs expect them); a wheel carries them as package data (`plandoc/templates`,
`plandoc/schema`, mapped in pyproject.toml), so `pip install .` gives a plandoc that
works from any directory. Every module asks here; none walks up from its own file.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _data(name: str) -> Path:
    installed = PACKAGE / name
    return installed if installed.is_dir() else PACKAGE.parent / name


TEMPLATES = _data("templates")
"""Jinja templates of the site, the print edition, the redline; the Word reference document."""
SCHEMA = _data("schema")
"""plan.rng (the grammar) and the JSON schemas of the data contract."""
