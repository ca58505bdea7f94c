"""Chinese lines are justified (clreq §3.2), measured from the PDF itself.

The patch (plandoc/pdf/justify.py) shares a line's slack between the gaps of its CJK
characters; a space between Chinese and a number stays a fixed gap of about ¼ em.
Measured with plandoc/pdf/measure.py (pdftotext -bbox-layout): a continuation line
short of the frame's right edge by more than 2 pt, a gap wider than half an em.
"""

from __future__ import annotations

import pytest
import weasyprint

from plandoc.pdf import justify
from plandoc.pdf import measure as print_measure
from plandoc.pdf import render as render_pdf


def test_installed_weasyprint_is_one_the_patch_was_tested_on():
    # Fails loudly, naming the patch, when WeasyPrint is upgraded past the tested range.
    justify.check_version(weasyprint.__version__)


@pytest.mark.parametrize("version", ["71.0", "69.1", "62.3", "dev"])
def test_an_untested_version_is_refused_naming_the_patch(version):
    with pytest.raises(justify.UntestedWeasyPrint, match="plandoc.pdf.justify"):
        justify.check_version(version)
    # an environment problem: the CLI prints it and exits 2, no traceback
    assert issubclass(justify.UntestedWeasyPrint, OSError)


def test_opportunities_are_the_cjk_characters_only():
    text = "实施 210 项，“十四五”GDP增长7.5%。"
    got = "".join(text[i] for i in justify.opportunities(text))
    assert got == "实施项，“十四五”增长。"


def test_every_plan_s_lines_are_justified(printed):
    report = print_measure.measure(printed.pdf)
    assert report.continuation > 0, "no continuation line found: the measure is broken"
    assert report.short_share <= 0.01, (
        report.summary() + "\n" + "\n".join(f"p.{ln.page} short by {s:.1f} pt: {ln.text}"
                                          for ln, s in report.short[:10]))
    assert not report.wide, report.summary() + "\n" + "\n".join(
        f"p.{ln.page} gap {g:.1f} pt: {ln.text}" for ln, g in report.wide[:10])


def test_full_plan_is_measured_on_enough_lines(full_plan):
    report = print_measure.measure(full_plan.pdf)
    assert report.continuation > 2000, report.summary()


PARAGRAPH = ("面积由 202 平方公里增加到 330 平方公里，实施 210 项重点工程，"
             "全市地区生产总值达到 3000 亿元，“十四五”期间年均增长 7.5%。") * 3


def _print_paragraph(tmp_path, html_body: str):
    """A one-page PDF in the print stylesheet (so the measure's frame applies)."""
    justify.apply()
    html = weasyprint.HTML(string=f'<html lang="zh-CN"><body><main class="plan">{html_body}'
                                  f"</main></body></html>",
                           base_url=str(render_pdf.TEMPLATES / "pdf"))
    pdf = tmp_path / "p.pdf"
    html.write_pdf(pdf, stylesheets=[weasyprint.CSS(filename=str(render_pdf.STYLESHEET))])
    return pdf


def test_spaces_around_numbers_stay_a_quarter_em_while_the_line_fills(tmp_path):
    pdf = _print_paragraph(tmp_path, f"<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>")
    report = print_measure.measure(pdf)
    assert report.continuation >= 8, report.summary()
    assert not report.short, [(ln.text, s) for ln, s in report.short]
    gaps = [g for ln in print_measure.lines(pdf) for g in ln.gaps]
    assert len(gaps) >= 20
    # ¼ em of 16 pt is 4 pt; the gap is the font's space narrowed, plus at most half a
    # character gap's share of the slack on each side
    assert all(3.0 <= g <= 6.0 for g in gaps), sorted(gaps)


def test_a_lead_and_a_cross_reference_keep_the_line_flush(tmp_path):
    body = (f"<p><strong class='lead'>经济实力大幅提升。</strong>{PARAGRAPH[:40]}"
            f"<a class='xref' href='#x'>专栏 1</a>{PARAGRAPH[40:]}</p>")
    report = print_measure.measure(_print_paragraph(tmp_path, body))
    assert report.continuation >= 4 and not report.short, report.summary()
