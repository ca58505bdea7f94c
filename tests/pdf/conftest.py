"""Fixtures for the print edition's tests: each plan is compiled and printed once per
session, then read back the way a person would read it (pdftotext, pdffonts, pdfinfo).

Page geometry for cropping (PDF points, A4 595 × 842): the 版心 runs from 37 mm
(104.9 pt) to 262 mm (742.7 pt) from the top; running heads sit above it, page numbers
7 mm below it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
import plans

ROOT = Path(__file__).resolve().parents[2]
PLANS = {
    "mini": plans.MINI,
    "plan-ok": plans.PLAN_OK,
    "plan": plans.BUNDLED,
}
BODY_BOX = (0, 96, 596, 656)      # x, y, width, height: the 版心 without heads or numbers
FOOT_Y, FOOT_H = 752, 40          # the page-number band


def strip(text: str) -> str:
    """Text without any whitespace (line breaks, spaces, U+3000), for comparisons."""
    return re.sub(r"\s+", "", text)


def pdftotext(pdf: Path, *args: str) -> list[str]:
    """Text of every page (index 0 is page 1), optionally cropped with -x -y -W -H."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", *args, str(pdf), "-"],
                         check=True, capture_output=True, text=True).stdout
    pages = out.split("\f")
    return pages[:-1] if pages and pages[-1] == "" else pages


def crop(x: int, y: int, w: int, h: int) -> tuple[str, ...]:
    return ("-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h))


@dataclass
class Printed:
    """One plan, compiled, laid out and written as PDF, with its text read back."""

    name: str
    plan: object
    pdf: Path
    document: object

    @cached_property
    def pages(self) -> list[str]:
        return pdftotext(self.pdf)

    @cached_property
    def body(self) -> list[str]:
        """Per page: the text inside the 版心 only, in drawing order (-raw keeps a 专栏's
        title with its label and a table's row on one line)."""
        return pdftotext(self.pdf, "-raw", *crop(*BODY_BOX))

    @cached_property
    def foot_left(self) -> list[str]:
        return pdftotext(self.pdf, *crop(0, FOOT_Y, 298, FOOT_H))

    @cached_property
    def foot_right(self) -> list[str]:
        return pdftotext(self.pdf, *crop(298, FOOT_Y, 298, FOOT_H))

    @cached_property
    def fonts(self) -> list[list[str]]:
        out = subprocess.run(["pdffonts", str(self.pdf)], check=True,
                             capture_output=True, text=True).stdout
        return [line.split() for line in out.splitlines()[2:] if line.strip()]

    @cached_property
    def info(self) -> dict[str, str]:
        out = subprocess.run(["pdfinfo", "-isodates", str(self.pdf)], check=True,
                             capture_output=True, text=True).stdout
        return {k.strip(): v.strip() for k, _, v in
                (line.partition(":") for line in out.splitlines())}


def _print(name: str, tmp_root: Path) -> Printed:
    for tool in ("pdftotext", "pdffonts", "pdfinfo"):
        assert shutil.which(tool), f"{tool} missing: install poppler-utils (scripts/setup.sh)"
    from plandoc import diagnostics as dg
    from plandoc.pdf import render as render_pdf
    from plandoc.pipeline import compile_plan

    compiled = compile_plan(PLANS[name])
    errors = [dg.format_text(d) for d in compiled.diagnostics if d.severity is dg.Severity.ERROR]
    assert compiled.ok, f"{name} does not compile, so it cannot be printed:\n" + "\n".join(errors[:5])
    out = tmp_root / name
    out.mkdir(parents=True)
    document = render_pdf.layout(compiled.plan)
    pdf = render_pdf.write(document, out / "plan.pdf")
    return Printed(name, compiled.plan, pdf, document)


def available() -> list:
    """The plans to print: the mini fixture, the real excerpts and the bundled plan."""
    return [pytest.param(name, id=name) for name in ("mini", "plan-ok", "plan")]


@pytest.fixture(scope="session")
def printed_cache(tmp_path_factory):
    return {}, tmp_path_factory.mktemp("printed")


@pytest.fixture(scope="session", params=available())
def printed(request, printed_cache) -> Printed:
    name = request.param
    cache, root = printed_cache
    if name not in cache:
        cache[name] = _print(name, root)
    return cache[name]


@pytest.fixture(scope="session")
def full_plan(printed_cache) -> Printed:
    """The whole Yongzhou plan."""
    cache, root = printed_cache
    if "plan" not in cache:
        cache["plan"] = _print("plan", root)
    return cache["plan"]
