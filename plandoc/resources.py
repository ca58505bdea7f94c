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


def environment(**options):
    """The one Jinja environment for every output's templates (site, print, redline):
    TEMPLATES as loader, autoescaped, trimmed, the walk's block types as tests
    (`{% if b is paragraph %}`), `text` for a plain run and `plain` as a filter.
    `options` add to Environment's own (the site's strict undefined and byte-code
    cache); each output adds its own filters and globals."""
    from jinja2 import Environment, FileSystemLoader

    from . import model as m
    from . import walk

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True, **options)
    for name, kind in [*walk.KINDS.items(), ("text", m.Text)]:
        env.tests[name] = lambda b, kind=kind: isinstance(b, kind)
    env.filters["plain"] = m.plain
    return env
