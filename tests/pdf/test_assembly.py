"""The print edition is laid out 篇 by 篇 and assembled (plandoc/pdf/assembly.py):
the assembly gives the bytes of the whole edition laid out as one document; a cache
re-lays only the pieces an edit changed and gives the bytes a full build gives; a
newer edit drops the work at a 篇's boundary."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import weasyprint

from plandoc.pdf import justify
from plandoc.pdf import patches as pdf_patches
from plandoc.pdf import render as render_pdf
from plandoc.pipeline import compile_plan

from .conftest import PLANS


def whole_document(plan):
    """The edition laid out as one document, the way it was before the assembly."""
    justify.apply()
    document = weasyprint.HTML(string=render_pdf.print_html(plan),
                               base_url=str(render_pdf.TEMPLATES / "pdf")).render(
        stylesheets=[weasyprint.CSS(filename=str(render_pdf.STYLESHEET))], **render_pdf.PDF_OPTIONS)
    pdf_patches.repeat_split_cells(document)
    pdf_patches.first_page_without_continued(document)
    pdf_patches.close_split_columns(document)
    return document


def pdf_bytes(document, tmp_path: Path, name: str, cache=None) -> bytes:
    return render_pdf.write(document, tmp_path / f"{name}.pdf", cache).read_bytes()


@pytest.mark.parametrize("name", ["plan-ok", "plan"])
def test_the_assembly_prints_what_one_document_prints(name, tmp_path, printed_cache):
    """Same pages, text, numbers, contents, links, outline and tags: the same bytes.
    The bundled plan has 篇 that start on even pages (laid out after a dropped page) and
    a blank page before the 纲要 (made by the front matter's dropped last page)."""
    plan = compile_plan(PLANS[name]).plan
    starts = [n for n, page in enumerate(render_pdf.layout(plan).pages, 1)
              if any(a.startswith("pt-") for a in page.anchors)]
    if name == "plan":
        assert any(n % 2 == 0 for n in starts) and any(n % 2 for n in starts), starts
    assert pdf_bytes(render_pdf.layout(plan), tmp_path, "assembled") == \
        pdf_bytes(whole_document(plan), tmp_path, "whole")


def edit(plan_dir: Path, chapter: str, old: str, new: str) -> None:
    path = plan_dir / "chapters" / chapter
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def plan_ok(tmp_path) -> Path:
    copy = tmp_path / "plan-ok"
    shutil.copytree(PLANS["plan-ok"], copy)
    return copy


def test_an_edit_re_lays_its_part_only(plan_ok, tmp_path):
    """A sentence added to 第二篇 that moves no page: that 篇 is laid out again; the
    front matter, whose contents name the same pages, and 第一篇 come from the cache."""
    cache = render_pdf.LayoutCache()
    first = render_pdf.layout(compile_plan(plan_ok).plan, cache=cache)
    assert cache.laid_out == 3  # two 篇 and the front matter
    before = pdf_bytes(first, tmp_path, "first", cache)
    streams = dict(cache.compressed)
    edit(plan_ok, "ch16-infrastructure.xml", "</p>", "再加一句话。</p>")  # 第二篇
    plan = compile_plan(plan_ok).plan
    again = render_pdf.layout(plan, cache=cache)
    assert cache.laid_out == 4  # the 篇 edited
    assert len(again.pages) == len(first.pages)
    cached = pdf_bytes(again, tmp_path, "cached", cache)
    assert cached != before and cached == pdf_bytes(render_pdf.layout(plan), tmp_path, "fresh")
    # the pages the edit did not touch were not compressed again: their streams were kept
    assert 0 < len(set(streams) & set(cache.compressed)) < len(cache.compressed)


@pytest.mark.parametrize("paragraphs, moved, laid_out", [
    (20, 2, 5),  # 第二篇 moves by two pages: only its page numbers are made again
    (10, 1, 6),  # by one: it now starts on the other side of the sheet, laid out again
])
def test_pages_added_before_a_part_renumber_it(plan_ok, tmp_path, paragraphs, moved, laid_out):
    cache = render_pdf.LayoutCache()
    first = render_pdf.layout(compile_plan(plan_ok).plan, cache=cache)
    long = "".join(f"<p>新增的第{i}段，占满几行文字，使第一篇多出几页，第二篇的页码随之后移。</p>"
                   for i in range(paragraphs))
    edit(plan_ok, "ch01-review.xml", "  <p>", long + "<p>")  # 第一篇
    plan = compile_plan(plan_ok).plan
    again = render_pdf.layout(plan, cache=cache)
    assert len(again.pages) - len(first.pages) == moved
    assert cache.laid_out == laid_out  # 3 at first; then 第一篇, the contents (and 第二篇)
    assert pdf_bytes(again, tmp_path, "cached") == pdf_bytes(render_pdf.layout(plan), tmp_path, "fresh")


def test_a_newer_edit_drops_the_work_at_a_parts_boundary(plan_ok, tmp_path):
    plan = compile_plan(plan_ok).plan
    cache, asked = render_pdf.LayoutCache(), []

    def interrupted() -> bool:  # a newer edit arrives while the first 篇 is laid out
        asked.append(len(asked))
        return len(asked) > 1

    with pytest.raises(render_pdf.Interrupted):
        render_pdf.layout(plan, cache=cache, interrupted=interrupted)
    assert cache.laid_out == 1  # the first 篇, kept
    document = render_pdf.layout(plan, cache=cache)
    assert cache.laid_out == 3  # the second 篇 and the front matter: the first was kept
    assert pdf_bytes(document, tmp_path, "resumed") == pdf_bytes(render_pdf.layout(plan), tmp_path, "fresh")
