"""The print edition's faces: a free 仿宋 (FandolFang) for the body and the 版记, and a
fallback chain that has a glyph for every character of the plan (no .notdef box)."""

from __future__ import annotations

import re
import subprocess
from functools import lru_cache

import pytest
from fontTools.ttLib import TTCollection, TTFont

from plandoc.pdf import render as render_pdf

from .conftest import strip
from .test_print import all_text


@lru_cache(maxsize=None)
def cmap_of(family: str) -> frozenset[int]:
    """The code points of the face fontconfig gives for `family` (must be that family)."""
    out = subprocess.run(["fc-match", "--format=%{file}\n%{family}", family],
                         check=True, capture_output=True, text=True).stdout.splitlines()
    path, names = out[0], out[1]
    assert family in names.split(","), f"{family} is not installed (fc-match gave {names}): " \
                                       "run scripts/setup.sh"
    if path.endswith(".ttc"):
        fonts = [f for f in TTCollection(path).fonts if family in str(f["name"].getDebugName(1))]
        font = fonts[0]
    else:
        font = TTFont(path, lazy=True)
    return frozenset(font.getBestCmap())


def body_chain() -> list[str]:
    """The body's font-family list, read from the stylesheet (html rule)."""
    css = render_pdf.STYLESHEET.read_text(encoding="utf-8")
    rule = re.search(r"html\s*\{[^}]*font-family:\s*([^;]+);", css).group(1)
    return [name.strip().strip('"') for name in rule.split(",")]


def test_the_body_face_is_fandolfang_first():
    assert body_chain()[0] == "FandolFang"


def test_every_character_of_the_plan_has_a_glyph_in_the_chain(full_plan):
    chain = [cmap_of(family) for family in body_chain()]
    text = set(strip(all_text(full_plan.plan)))
    missing = sorted(ch for ch in text if not any(ord(ch) in cmap for cmap in chain))
    assert not missing, f"no face in {body_chain()} has: {''.join(missing)}"
    # the 仿宋 itself covers the plan (GB2312 and more): fallback is for the odd symbol
    own = [ch for ch in text if ord(ch) not in chain[0]]
    assert len(own) <= 5, "".join(sorted(own))


def test_pdffonts_lists_an_embedded_fangsong(printed):
    rows = [row for row in printed.fonts if "FandolFang" in row[0]]
    assert rows, printed.fonts
    assert all(row[-5:-3] == ["yes", "yes"] for row in rows), rows


@pytest.mark.parametrize("family", ["Noto Serif CJK SC", "Noto Sans CJK SC", "LXGW WenKai"])
def test_the_other_faces_are_installed(family):
    assert cmap_of(family)
