"""The public site on a desktop (1280 px) and a phone (390 px), in Chromium (#21):
short table cells never wrap, a 专栏 table too wide for the screen scrolls inside a box
that says so and keeps the indicator's name in view, the 主要指标 page needs no sideways
scrolling and shows every value, anchor marks appear on hover and keyboard focus only,
search hits from table rows read as sentences, the editor's view stays apart, and the
text is set in a sans face named for Windows, macOS and Android."""

from __future__ import annotations

import pytest


WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def base(plan_site, serve):
    return serve(plan_site.site)


def _table_pages(site) -> list[str]:
    return sorted({f"chapters/{t.chapter}.html" for t in site.plan.tables})


WRAPPED_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('.table-wrap .nw, .indicator-list .val > *, .indicator-list td.k')) {
    if (!el.getClientRects().length) continue;
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set();
    for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top / 4));
    if (tops.size > 1) out.push(el.textContent);
  }
  return out;
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_no_short_cell_wraps(plan_site, base, open_page, width):
    page, _ = open_page(width)
    checked = 0
    for rel in _table_pages(plan_site) + ["indicators.html"]:
        page.goto(base + rel, wait_until="networkidle")
        checked += page.locator(".table-wrap .nw").count()
        assert page.evaluate(WRAPPED_JS) == [], (rel, width)
    assert checked > 100  # the 专栏 tables' years, values, 属性, 序号 and categories


COLUMN_TABLES_JS = """() => [...document.querySelectorAll('.column .table-box')].map(box => {
  const wrap = box.querySelector('.table-wrap');
  const overflow = wrap.scrollWidth - wrap.clientWidth;
  const hint = box.querySelector('.scroll-hint');
  const name = wrap.querySelector('tbody .name');
  const before = box.classList.contains('at-end');
  wrap.scrollLeft = overflow;
  wrap.dispatchEvent(new Event('scroll'));
  const w = wrap.getBoundingClientRect();
  const n = name ? name.getBoundingClientRect() : null;
  return {id: wrap.id, overflow: overflow,
          scrollable: box.classList.contains('is-scrollable'),
          hint: hint.getBoundingClientRect().height > 0 && getComputedStyle(hint).visibility === 'visible',
          shadow: getComputedStyle(box, '::after').content !== 'none' && !before,
          sticky: name ? getComputedStyle(name).position : null,
          nameInView: n ? n.left >= w.left - 1 && n.right <= w.right + 1 && n.width > 40 : null,
          endMarked: box.classList.contains('at-end')};
})"""


@pytest.mark.parametrize("width", WIDTHS)
def test_column_tables_fit_or_scroll_with_a_cue_and_the_name_in_view(plan_site, base, open_page, width):
    page, _ = open_page(width)
    scrolled = 0
    for rel in _table_pages(plan_site):
        page.goto(base + rel, wait_until="networkidle")
        for t in page.evaluate(COLUMN_TABLES_JS):
            if t["overflow"] <= 1:
                assert not t["scrollable"] and not t["hint"], (rel, t)
                continue
            scrolled += 1
            assert t["scrollable"] and t["hint"] and t["shadow"], (rel, t)
            if t["sticky"] is not None:  # indicator tables: the name stays when scrolled to the end
                assert t["sticky"] == "sticky" and t["nameInView"], (rel, t)
            assert t["endMarked"], (rel, t)
    if width == 390:
        assert scrolled >= 2  # 专栏 1 and 专栏 2 cannot fit a phone: the cue is really tested
    else:
        assert scrolled == 0, "at 1280 px every 专栏 table fits"


@pytest.mark.parametrize("width", WIDTHS)
def test_indicators_page_shows_every_value_without_sideways_scrolling(plan_site, base, open_page, width):
    page, _ = open_page(width)
    page.goto(base + "indicators.html", wait_until="networkidle")
    assert page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 0
    outside = page.evaluate("""() => {
      const out = [];
      for (const el of document.querySelectorAll('#indicator-table tbody th, #indicator-table tbody td')) {
        const r = el.getBoundingClientRect();
        if (!r.width) continue;  // an empty 实现值 has no place on a card
        const box = el.closest('.indicator-wrap').getBoundingClientRect();
        if (r.left < 0 || r.right > window.innerWidth || r.right > box.right + 1)
          out.push(el.closest('tr').id + ' ' + (el.dataset.label || 'name'));
      }
      return out;
    }""")
    assert outside == []
    shown = page.evaluate("""() => [...document.querySelectorAll('#indicator-table tbody tr')].every(tr =>
      ['role-base', 'role-target', 'role-rate'].every(k => tr.querySelector('td.' + k).getBoundingClientRect().width > 0)
      && tr.querySelector('td[data-label="属性"]').getBoundingClientRect().width > 0)""")
    assert shown  # name, 2020 value, 2025 target, rate and 属性 on every row or card
    links = page.evaluate("[...document.querySelectorAll('#indicator-table a')].map(a => a.textContent.trim())")
    assert links and not [t for t in links if t in ("-", "—", "")]
    if width == 390:
        assert page.evaluate("getComputedStyle(document.querySelector('#indicator-table tbody tr')).display") == "grid"


@pytest.mark.parametrize("width", WIDTHS)
def test_anchor_marks_show_on_hover_and_focus_only(plan_site, base, open_page, width):
    page, _ = open_page(width)
    ch = plan_site.plan.chapters[0]
    page.goto(base + f"chapters/{ch.id}.html", wait_until="networkidle")
    para = page.locator("main p[id]").first
    mark = para.locator(".permalink")
    page.mouse.move(0, 0)
    assert mark.evaluate("e => getComputedStyle(e).opacity") == "0"
    assert mark.evaluate("e => e.getBoundingClientRect().width") < 1  # never a line of its own
    para.hover()
    assert mark.evaluate("e => getComputedStyle(e).opacity") == "1"
    page.mouse.move(0, 0)
    mark.focus()
    assert mark.evaluate("e => getComputedStyle(e).opacity") == "1"
    lone = page.evaluate("""() => [...document.querySelectorAll('main p[id]')].filter(p => {
      const mark = p.querySelector(':scope > .permalink');
      if (!mark || !p.firstChild) return false;
      const range = document.createRange();
      range.setStartBefore(p.firstChild); range.setEndBefore(mark);
      const rects = [...range.getClientRects()].filter(r => r.width > 0);
      return rects.length && mark.getBoundingClientRect().top > rects[rects.length - 1].bottom - 2;
    }).map(p => p.id)""")
    assert lone == []  # the mark always stands on the paragraph's last line


@pytest.mark.parametrize("width", WIDTHS)
def test_search_hits_from_table_rows_read_as_sentences(plan_site, base, open_page, width):
    page, _ = open_page(width)
    page.goto(base + "search.html?q=" + "常住人口城镇化率 46.94", wait_until="networkidle")
    page.wait_for_selector("#search-results a.hit", timeout=10000)
    hits = page.locator("#search-results a.hit").all_text_contents()
    assert any("常住人口城镇化率(%)：2020年 46.94，2025年 54" in h for h in hits), hits


@pytest.mark.parametrize("width", WIDTHS)
def test_public_site_has_no_way_to_the_report_but_the_editors_view_has(plan_site, base, open_page, width,
                                                                     tmp_path_factory, serve):
    page, watch = open_page(width)
    page.goto(base + "index.html", wait_until="networkidle")
    hrefs = page.evaluate("[...document.querySelectorAll('a')].map(a => a.getAttribute('href') + ' ' + a.textContent)")
    assert not [h for h in hrefs if "report" in h or "编辑报告" in h]
    from plandoc.pipeline import build

    out = tmp_path_factory.mktemp("editorial")
    build(plan_site.plan, out, ["editorial"], plan_site.findings)
    ed = serve(out / "editorial")
    page.goto(ed + "index.html", wait_until="networkidle")
    assert page.locator(".draft-banner").is_visible()
    page.locator(".topnav a", has_text="编辑报告").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("report.html")
    assert page.locator(".report-table tbody tr").count() == len(plan_site.findings)
    assert page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 0
    assert not watch.errors and not watch.external


@pytest.mark.parametrize("width", WIDTHS)
def test_text_is_set_in_a_sans_face_for_chinese_screens(plan_site, base, open_page, width):
    page, _ = open_page(width)
    page.goto(base + f"chapters/{plan_site.plan.chapters[0].id}.html", wait_until="networkidle")
    family = page.evaluate("getComputedStyle(document.querySelector('main p')).fontFamily")
    for face in ("PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC"):
        assert face in family, family
    assert family.rstrip().endswith("sans-serif")
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
    assert size >= 16


def test_chart_units_are_the_plotted_facts(plan_site):
    """A card's unit is the one its facts print, or their indicator's (PM2.5 follows
    indicators.xml: the data contract decides, the chart only shows it)."""
    from plandoc.site import charts as site_charts
    from plandoc.site.view import SiteView

    by_id = {i.id: i for i in plan_site.plan.indicators}
    for chart in site_charts.charts(plan_site.plan, SiteView(plan_site.plan)):
        for card in chart.cards:
            ind = by_id[card.id.removeprefix(chart.id + "-")]
            printed = {s.quantity.unit for s in ind.facts if s.block in chart.href} - {None}
            assert card.unit in printed | {ind.unit or ""}, (card.id, card.unit)
