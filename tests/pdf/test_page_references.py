"""render_pdf keeps pydyf's page references instead of rebuilding them per tagged
element (what made large PDFs superlinear): same values, same PDF bytes, one rebuild
per page added rather than one per read."""

from __future__ import annotations

import os
import subprocess
import sys

import pydyf
import pytest

from plandoc.pdf import patches as pdf_patches

from .conftest import PLANS, ROOT


@pytest.fixture
def counted(monkeypatch):
    """pydyf's own property, counting its calls, then pdf_patches' cache on top of it."""
    original = pydyf.PDF.page_references.fget
    calls = []

    def counting(pdf):
        calls.append(1)
        return original(pdf)

    monkeypatch.setattr(pydyf.PDF, "page_references", property(counting))
    pdf_patches.linear_page_references()
    return calls, original


def _pdf(pages: int) -> pydyf.PDF:
    pdf = pydyf.PDF()
    for _ in range(pages):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    return pdf


def test_same_references_rebuilt_only_when_a_page_is_added(counted):
    calls, original = counted
    pdf = _pdf(40)
    for _ in range(1000):
        assert pdf.page_references == original(pdf)
    assert len(calls) == 1
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert pdf.page_references == original(pdf) and len(pdf.page_references) == 41
    assert len(calls) == 2
    other = _pdf(3)  # another document has its own references
    assert other.page_references == original(other) and len(other.page_references) == 3


def test_printed_bytes_equal_weasyprints_own(tmp_path):
    """The mini plan printed by render_pdf and by WeasyPrint's unpatched write_pdf."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONHASHSEED": "0"}
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from plandoc.pdf import render as render_pdf\n"
        "from plandoc.pipeline import compile_plan\n"
        "plan = compile_plan(Path(sys.argv[1])).plan\n"
        "doc = render_pdf.layout(plan)\n"
        "if sys.argv[3] == 'plandoc':\n"
        "    render_pdf.write(doc, Path(sys.argv[2]))\n"
        "else:\n"
        "    doc.write_pdf(sys.argv[2], **render_pdf.PDF_OPTIONS)\n")
    out = {}
    for how in ("plandoc", "weasyprint"):
        out[how] = tmp_path / f"{how}.pdf"
        subprocess.run([sys.executable, "-c", script, str(PLANS["mini"]), str(out[how]), how],
                       check=True, env=env, cwd=ROOT)
    assert out["plandoc"].read_bytes() == out["weasyprint"].read_bytes()


def test_an_untested_pydyf_is_refused_naming_the_patch():
    pdf_patches.check_pydyf(pydyf.__version__)  # the installed one is tested
    with pytest.raises(OSError, match=r"patches .*pydyf 0\.13.*found 0\.14\.0"):
        pdf_patches.check_pydyf("0.14.0")
