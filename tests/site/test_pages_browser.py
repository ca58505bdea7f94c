"""The bundled plan's 解读 page in Chromium: its plan links and quoted numbers land on
the anchors of the plan's own pages, search finds its text, and it is in the public menu."""

from __future__ import annotations

import pytest

from plandoc import model as m


@pytest.fixture(scope="module")
def base(plan_site, serve):
    return serve(plan_site.site)


def test_plan_links_and_quoted_facts_land_on_their_anchors(plan_site, base, open_page):
    (page_model,) = plan_site.plan.pages
    page, watch = open_page()
    page.goto(base + "pages/jiedu.html", wait_until="networkidle")
    links = page.eval_on_selector_all("article.companion a.xref, article.companion a.quote",
                                      "els => els.map(e => [e.className, e.textContent, e.href])")
    refs = [n for b in page_model.blocks for n in _inlines(b) if isinstance(n, m.Ref | m.Quote)]
    assert len(links) == len(refs) >= 25
    for (cls, text, href), node in zip(links, refs):
        expected = node.label if isinstance(node, m.Ref) else node.quantity.text
        assert text == expected
        page.goto(href, wait_until="networkidle")
        anchor = href.split("#", 1)[1] if "#" in href else None
        if anchor:
            assert page.evaluate("id => !!document.getElementById(id)", anchor), href
        assert anchor == node.to or anchor is None
    assert not watch.errors and not watch.failed and not watch.external


def test_search_finds_text_written_only_in_the_page(base, open_page):
    page, _ = open_page()
    page.goto(base + "search.html?q=" + "本解读依据纲要原文编写", wait_until="networkidle")
    page.wait_for_selector("#search-results a.hit", timeout=10000)
    hits = page.eval_on_selector_all("#search-results a.hit", "els => els.map(e => e.href)")
    assert any("pages/jiedu.html" in h for h in hits)


def test_the_public_menu_and_home_lead_to_the_page(base, open_page):
    page, _ = open_page()
    page.goto(base + "index.html", wait_until="networkidle")
    assert page.eval_on_selector(".topnav a[href='pages.html']", "e => e.textContent") == "解读"
    assert page.eval_on_selector_all(".entry-links a[href='pages/jiedu.html']", "els => els.length") == 1


def _inlines(block):
    if isinstance(block, m.ListBlock):
        return [n for it in block.items for n in it.content]
    if isinstance(block, m.Table):
        return [n for row in block.head + block.body for c in row.cells for n in c.content]
    return list(getattr(block, "content", ()))
