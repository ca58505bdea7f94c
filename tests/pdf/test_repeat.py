"""pdf_patches.repeat_split_cells on tables built for it: a spanning cell's text stands
exactly once on every page its rows reach, however the page breaks fall."""

from __future__ import annotations

import pytest

from plandoc.pdf.patches import repeat_split_cells
from plandoc.pdf.render import PDF_OPTIONS

from .conftest import pdftotext

CSS = """@page { size: 120mm 80mm; margin: 10mm; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
td, th { border: 0.5pt solid black; vertical-align: middle; font-size: 9pt; padding: 1pt; }
tr { break-inside: avoid; } thead { display: table-header-group; }"""


def _pages(tmp_path, body: str) -> list[str]:
    import weasyprint

    doc = weasyprint.HTML(string=f"<table>{body}</table>").render(
        stylesheets=[weasyprint.CSS(string=CSS)], **PDF_OPTIONS)
    repeat_split_cells(doc)
    path = tmp_path / "t.pdf"
    doc.write_pdf(path, **PDF_OPTIONS)
    return [p for p in pdftotext(path) if p.strip()]


def _rows(n: int, first_cell: str = "", extra: str = "") -> str:
    head = f"<th rowspan=\"{n}\">{first_cell}</th>" if first_cell else ""
    return (f"<tr>{head}<td>row0 {extra}</td><td>x</td></tr>"
            + "".join(f"<tr><td>row{i}</td><td>x</td></tr>" for i in range(1, n)))


def test_a_span_over_four_pages_shows_on_each_once(tmp_path):
    pages = _pages(tmp_path, "<thead><tr><th>cat</th><th>name</th><th>v</th></tr></thead>"
                             f"<tbody>{_rows(40, 'CATA')}</tbody>")
    assert len(pages) >= 3
    assert [p.count("CATA") for p in pages] == [1] * len(pages)


@pytest.mark.parametrize("first", [11, 12, 13])
def test_two_spanning_columns_never_double_a_repeat(tmp_path, first):
    """A cell that received a repeat and starts a span of its own is copied without
    the repeat it holds (the outer category would otherwise stand twice)."""
    spans, rows, start = [first, 16, 16, 16], [], 0
    starts = {}
    for n in spans:
        starts[start] = n
        start += n
    for r in range(start):
        cells = f'<th rowspan="{start}">CAT</th>' if r == 0 else ""
        if r in starts:
            cells += f'<th rowspan="{starts[r]}">SUB{r}</th>'
        rows.append(f"<tr>{cells}<td>row{r}</td></tr>")
    pages = _pages(tmp_path, "<tbody>" + "".join(rows) + "</tbody>")
    assert len(pages) >= 4
    assert [p.count("CAT") for p in pages] == [1] * len(pages)


def test_a_starting_row_cut_by_the_break_still_repeats(tmp_path):
    tall = "<br>".join(f"line{i}" for i in range(25))
    pages = _pages(tmp_path, f"<tbody>{_rows(15, 'CATS', tall)}</tbody>")
    assert len(pages) >= 3
    assert [p.count("CATS") for p in pages] == [1] * len(pages)
