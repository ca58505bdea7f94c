"""Identifiers: the committed title → slug mapping, and the fallback numbering.

Role: give every part, chapter, section, column and figure a readable, stable id.
The mapping file (TOML) holds the plan's ``plan`` id, ``[parts]``, ``[chapters]``,
``[sections]``, ``[columns]`` and ``[figures]`` tables of printed title → id, and ``[indicators.<id>]`` tables with
``labels`` (the printed row names), and optionally ``name``, ``unit``, ``parent``
(a label that only matches sub-rows of that parent) and ``basis``.
Titles match with whitespace ignored. Without a mapping (or for a title the mapping
lacks) ids fall back to ``pt-01``, ``ch-01``, ``col-01``, ``fig-01`` and, for sections,
``sec-<chapter slug>-<n>`` by print order, which the report says. Tables take their id
from what holds them (``tbl-<column slug>``, ``tbl-<chapter slug>-<n>`` outside
columns), never from their cells: fixing a value changes no id.
Guarantee: ids are unique across the plan; a clash gets a numeric suffix and a finding.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .report import Findings

SLUG = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
PREFIX = {"parts": "pt", "chapters": "ch", "sections": "sec", "columns": "col", "figures": "fig"}


def norm(text: str) -> str:
    """The matching key of a printed title or label: no whitespace, no markup."""
    text = re.sub(r"_\{([^{}]*)\}", r"\1", text.replace("**", ""))
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class IndSpec:
    slug: str
    labels: frozenset[str]
    name: str = ""
    unit: str | None = None
    parent: str = ""
    basis: str = ""


@dataclass
class IdMap:
    titles: dict[str, dict[str, str]] = field(default_factory=dict)
    indicators: list[IndSpec] = field(default_factory=list)
    source: Path | None = None
    plan_id: str = ""


def load(path: Path | None) -> IdMap:
    if path is None:
        return IdMap()
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    idmap = IdMap(source=path, plan_id=data.get("plan", ""))
    for group in PREFIX:
        idmap.titles[group] = {norm(k): v for k, v in data.get(group, {}).items()}
    for slug, spec in data.get("indicators", {}).items():
        idmap.indicators.append(IndSpec(slug, frozenset(norm(x) for x in spec.get("labels", [])),
                                        spec.get("name", ""), spec.get("unit"),
                                        spec.get("parent", ""), spec.get("basis", "")))
    return idmap


class Assigner:
    """Hands out ids, mapped or fallback, and keeps them unique."""

    def __init__(self, idmap: IdMap, findings: Findings):
        self.idmap, self.findings = idmap, findings
        self.used: set[str] = set()
        self.counters: dict[str, int] = {}
        self.fallbacks: list[str] = []

    def claim(self, wanted: str, lines: tuple[int, ...] = ()) -> str:
        slug, n = wanted, 2
        while slug in self.used:
            slug, n = f"{wanted}-{n}", n + 1
        if slug != wanted:
            self.findings.add("ids", lines, f"id {wanted} already used; {slug} given")
        self.used.add(slug)
        return slug

    def title(self, group: str, title: str, lines: tuple[int, ...], fallback: str = "") -> str:
        self.counters[group] = self.counters.get(group, 0) + 1
        mapped = self.idmap.titles.get(group, {}).get(norm(title))
        if mapped and SLUG.match(mapped):
            return self.claim(mapped, lines)
        if mapped:
            self.findings.add("ids", lines, f"mapped id {mapped!r} is not a valid slug", title)
        fallback = fallback or f"{PREFIX[group]}-{self.counters[group]:02d}"
        self.fallbacks.append(f"{fallback} ← {title}")
        return self.claim(fallback, lines)

    def report(self) -> None:
        if not self.fallbacks:
            return
        where = f"mapping {self.idmap.source}" if self.idmap.source else "no --ids mapping"
        self.findings.add("ids", (), f"{len(self.fallbacks)} ids fell back to numbered ids "
                          f"({where})", "; ".join(self.fallbacks[:12])
                          + (" …" if len(self.fallbacks) > 12 else ""))
