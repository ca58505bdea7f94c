"""The site as a person uses it, in Chromium: pages load cleanly, nothing leaves
127.0.0.1, no horizontal scrolling at 1280 and 390 px, search finds Chinese words and
leads to the paragraph, the table of contents and search work by keyboard, filters work.
Browser tests fail (not skip) when Chromium is missing."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from plandoc import model as m

WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def base(site, serve):
    return serve(site.site)


def _clean(watch, where):
    assert not watch.errors, (where, watch.errors)
    assert not watch.failed, (where, watch.failed)
    assert not watch.external, (where, watch.external)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_loads_cleanly_and_never_scrolls_sideways(site, base, open_page, width):
    page, watch = open_page(width)
    for path in site.pages():
        rel = site.rel(path)
        page.goto(base + rel, wait_until="networkidle")
        _clean(watch, rel)
        overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (rel, width, overflow)


def _column_only_word(plan: m.Plan) -> str:
    """A 4-character Han word printed inside a column and nowhere else in the plan."""
    inside, outside = [], []

    def collect(blocks, into):
        for b in blocks:
            if isinstance(b, m.Column):
                inside.append(m.plain(b.title))
                collect(b.blocks, inside)
            elif isinstance(b, m.ListBlock):
                into.extend(i.text for i in b.items)
            elif isinstance(b, m.Paragraph | m.Entry):
                into.append(b.text)
            elif isinstance(b, m.Table):
                into.extend(m.plain(c.content) for r in b.head + b.body for c in r.cells)
            elif isinstance(b, m.Figure):
                into.append(m.plain(b.caption))
    collect(plan.preamble + plan.closing, outside)
    if plan.notice:
        collect(plan.notice.blocks, outside)
        outside.append(m.plain(plan.notice.title))
    for part in plan.parts:
        outside.append(m.plain(part.title))
        collect(part.blocks, outside)
        for ch in part.chapters:
            outside.append(m.plain(ch.title))
            collect(ch.blocks, outside)
            for sec in ch.sections:
                outside.append(m.plain(sec.title))
                collect(sec.blocks, outside)
    rest = "\n".join(outside) + m.plain(()) + plan.meta.title
    for text in inside:
        for run in re.findall(r"[\u4e00-\u9fff]{4,}", text):
            for i in range(len(run) - 3):
                word = run[i:i + 4]
                if word not in rest:
                    return word
    pytest.skip("no word appears only inside a column")


def _search(page, base, query):
    page.goto(base + "search.html?q=" + query, wait_until="networkidle")
    page.wait_for_selector("#search-results a.hit", timeout=10000)
    return page.eval_on_selector_all("#search-results a.hit", "els => els.map(e => e.href)")


def _follow(page, href):
    page.goto(href, wait_until="networkidle")
    anchor = href.split("#", 1)[1]
    return page.evaluate("id => { const el = document.getElementById(id); return el && "
                         "[el.tagName, !!el.closest('aside.column'), !!el.closest('main'), "
                         "el.textContent] }", anchor)


def _fold(text: str) -> str:
    """What search.js matches on: full-width ASCII forms folded, lower case, no spaces."""
    text = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in text)
    return "".join(text.lower().split())


def _expected(site, query: str) -> tuple[int, int]:
    """Places and pages holding every word of `query`, counted from the index file by
    Python: what the status line must say."""
    import json

    raw = (site.site / "search-index.js").read_text(encoding="utf-8")
    index = json.loads(raw[raw.index("{"):raw.rindex(";")])
    words = [_fold(w) for w in query.split()]
    hits = [r for r in index["records"] if all(w in _fold(r[3]) for w in words)]
    return len(hits), len({r[0] for r in hits})


def test_search_finds_a_word_and_links_to_its_paragraph(site, base, open_page):
    page, watch = open_page()
    hits = _search(page, base, "城镇化率")
    assert hits and all("#" in h for h in hits)
    found = _follow(page, hits[0])
    assert found and found[2] and "城镇化率" in found[3], found  # the plan's text, holding the word
    _clean(watch, "search")


def test_search_counts_every_place_holding_all_words(site, base, open_page):
    page, watch = open_page()
    for query in ("城镇化率", "发展", "城镇化率 2025", "专栏 工程", "2025年", "ＧＤＰ"):
        places, pages = _expected(site, query)
        page.goto(base + "search.html?q=" + query, wait_until="networkidle")
        status = page.inner_text("#search-status")
        if places:
            assert f"{places} 处，{pages} 个页面" in status, (query, status)
            shown = page.locator("#search-results > li").count()
            assert shown == pages, (query, shown, pages)
        else:
            assert "没有找到" in status, (query, status)
    _clean(watch, "search counts")


def test_search_finds_a_word_inside_a_column(site, base, open_page):
    word = _column_only_word(site.plan)
    page, watch = open_page()
    hits = _search(page, base, word)
    assert hits
    # the word is printed only inside columns (and may name an indicator): every hit leads
    # into a column or to the indicators page
    for h in hits[:12]:
        followed = _follow(page, h)
        assert followed and (followed[1] or "indicators.html#" in h), (word, h, followed)
    _clean(watch, "search " + word)


def test_search_works_from_the_files_opened_from_disk(site, open_page):
    page, watch = open_page()
    page.goto((site.site / "search.html").as_uri() + "?q=城镇化率", wait_until="load")
    page.wait_for_selector("#search-results a.hit", timeout=10000)
    href = page.eval_on_selector("#search-results a.hit", "e => e.href")
    assert href.startswith("file://") and "#" in href
    found = _follow(page, href)
    assert found and "城镇化率" in found[3], found
    assert not watch.errors and not watch.failed, (watch.errors, watch.failed)


def _tab_to(page, selector, limit=200):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return page.evaluate("document.activeElement.getAttribute('href')")
    raise AssertionError(f"Tab never reached {selector}")


def test_sidebar_works_by_keyboard(site, base, open_page):
    page, watch = open_page(1280)
    page.goto(base + "index.html", wait_until="networkidle")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip')")
    chapter = site.plan.chapters[-1]
    href = _tab_to(page, f"#toc a[href$='chapters/{chapter.id}.html']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(href) + "$"))
    assert page.evaluate("document.querySelector('h1').id") == chapter.id
    _clean(watch, "keyboard toc")


def test_sidebar_folds_on_a_phone_and_opens_by_keyboard(site, base, open_page):
    page, watch = open_page(390)
    page.goto(base + f"chapters/{site.plan.chapters[0].id}.html", wait_until="networkidle")
    assert page.evaluate("document.querySelector('.toc-box').open") is False
    page.focus(".toc-box > summary")
    page.keyboard.press("Enter")
    assert page.evaluate("document.querySelector('.toc-box').open") is True
    _clean(watch, "toc on phone")


def test_search_works_by_keyboard(site, base, open_page):
    page, watch = open_page(1280)
    page.goto(base + "index.html", wait_until="networkidle")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q-top":
            break
    else:
        raise AssertionError("search box not reachable by Tab")
    page.keyboard.type("城镇化率")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results a.hit", timeout=10000)
    href = _tab_to(page, "#search-results a.hit")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(href.split("#")[1]) + "$"))
    _clean(watch, "keyboard search")


def test_indicator_filter(site, base, open_page):
    if not site.plan.indicators:
        pytest.skip("no indicators")
    page, watch = open_page(390)
    page.goto(base + "indicators.html", wait_until="networkidle")
    rows = "#indicator-table tbody tr"
    total = page.locator(rows).count()
    nature = page.eval_on_selector("#f-nature option:nth-child(2)", "o => o.value")
    page.select_option("#f-nature", nature)
    visible = page.eval_on_selector_all(rows, "els => els.filter(e => !e.hidden).map(e => e.dataset.nature)")
    assert visible and set(visible) == {nature}
    page.select_option("#f-nature", "")
    assert page.eval_on_selector_all(rows, "els => els.filter(e => !e.hidden).length") == total
    _clean(watch, "filter")


def test_hostile_text_runs_no_script(browser, serve, tmp_path_factory, open_page):
    from .conftest import build_site
    from .test_structure import HOSTILE, hostile_plan

    tmp = tmp_path_factory.mktemp("hostile-browser")
    built = build_site(hostile_plan(tmp), tmp / "out")
    url = serve(built.site)
    page, watch = open_page()
    for rel in ("index.html", "chapters/ch-review.html", "columns.html", "figures.html"):
        page.goto(url + rel, wait_until="networkidle")
        assert not watch.dialogs, watch.dialogs
        assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
    for text in HOSTILE:  # the hostile text as search results, and as the query
        page.goto(url + "search.html?q=" + quote(text), wait_until="networkidle")
        page.wait_for_selector("#search-results a.hit", timeout=10000)
        assert text in page.inner_text("#search-results")
        assert page.evaluate("document.querySelectorAll('#search-results img, #search-results script').length") == 0
    assert not watch.dialogs


CONTRAST_JS = """() => {
  // WCAG 2 contrast of every element that shows text of its own, against the first
  // opaque background behind it (elements over background images are left out).
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const failures = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || el.closest(".vh, .skip, [hidden]")) continue;
    let bg = null, image = false;
    for (let a = el; a; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.backgroundImage !== "none") { image = true; break; }
      const c = rgb(s.backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) { bg = c.slice(0, 3); break; }
    }
    if (image) continue;
    bg = bg || [255, 255, 255];
    const fg = rgb(style.color);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) {
      failures.push([el.tagName + "." + el.className, el.textContent.trim().slice(0, 20), ratio.toFixed(2)]);
    }
  }
  return failures;
}"""


def test_text_contrast_meets_wcag_aa(_builds, serve, open_page):
    """Every piece of text, at 4.5:1 (3:1 when large), on the pages of each kind of the
    bundled plan (which shows every kind of text)."""
    site = _builds("plan")
    base = serve(site.site)
    page, watch = open_page()
    first = site.plan.chapters[0].id
    for rel in ("index.html", "notice.html", f"chapters/{first}.html", "indicators.html",
                "columns.html", "back.html", "search.html?q=城镇化率"):
        page.goto(base + rel, wait_until="networkidle")
        if rel.startswith("search"):
            page.wait_for_selector("#search-results a.hit", timeout=10000)
        assert page.evaluate(CONTRAST_JS) == [], rel
    _clean(watch, "contrast")
