"""Fast tests on the built site's files: pages, anchors, links, escaping, charts, report.

They parse the HTML (lxml) and assert on structure, never on wording.
"""

from __future__ import annotations

import json

import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest

from plandoc import diagnostics as dg
from plandoc import model as m
from plandoc.site import render as render_html
from plandoc.site.view import SiteView

from .conftest import PLANS, build_site


def _doc(path: Path):
    return lxml.html.fromstring(path.read_bytes())


def _ids(path: Path) -> set[str]:
    return set(_doc(path).xpath("//@id"))


def test_every_part_and_chapter_has_a_page(site):
    for part in site.plan.parts:
        assert (site.site / "parts" / f"{part.id}.html").is_file()
        for ch in part.chapters:
            page = site.site / "chapters" / f"{ch.id}.html"
            assert page.is_file()
            doc = _doc(page)
            assert len(doc.xpath("//h1")) == 1
            assert doc.xpath("//h1/@id") == [ch.id]
    for name in ("index.html", "back.html", "indicators.html", "columns.html", "figures.html",
                 "tables.html", "search.html"):
        assert (site.site / name).is_file()
    assert not (site.site / "report.html").exists()  # the editor's report is not public
    assert (site.site / "notice.html").is_file() == (site.plan.notice is not None)


def test_every_id_of_the_model_is_an_anchor_on_its_page(site):
    view = SiteView(site.plan)
    cache: dict[str, set[str]] = {}
    wanted = list(view.ids())
    wanted += [(view.url(t.page), t.id) for t in site.plan.targets if t.id]
    assert wanted
    for url, anchor in wanted:
        if url not in cache:
            cache[url] = _ids(site.site / url)
        assert anchor in cache[url], (url, anchor)


def test_ids_are_unique_per_page(site):
    for page in site.pages():
        ids = _doc(page).xpath("//@id")
        assert len(ids) == len(set(ids)), site.rel(page)


def test_no_broken_internal_link_or_anchor(site):
    """Crawl from the home page; every link and image must resolve, with its fragment."""
    root = site.site.resolve()
    seen, queue, ids = set(), [root / "index.html"], {}
    while queue:
        page = queue.pop()
        if page in seen:
            continue
        seen.add(page)
        doc = _doc(page)
        for el, attr, link, _ in doc.iterlinks():
            if attr not in ("href", "src") or link.startswith("data:"):
                continue
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc, (site.rel(page), link)
            assert not parts.path.startswith("/"), (site.rel(page), link)  # relative only
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file(), (site.rel(page), link)
            if target.suffix == ".html":
                if parts.fragment:
                    if target not in ids:
                        ids[target] = _ids(target)
                    assert unquote(parts.fragment) in ids[target], (site.rel(page), link)
                if parts.path:
                    queue.append(target)
    assert {p.resolve() for p in site.pages()} <= seen  # every page is reachable


def test_no_external_reference_in_pages_and_assets(site):
    """Nothing loads from the network: no absolute URL in HTML, CSS or our scripts."""
    allowed = {"http://www.w3.org/2000/svg"}
    files = site.pages() + sorted((site.site / "static").rglob("*"))
    for path in files:
        if path.suffix not in (".html", ".css", ".js"):
            continue
        for url in re.findall(r"https?://[^\s\"'<>)]+", path.read_text("utf-8")):
            assert url in allowed, (site.rel(path), url)
        text = path.read_text("utf-8")
        assert "@import" not in text and "url(http" not in text


def test_pages_have_lang_landmarks_and_one_h1(site):
    for page in site.pages():
        doc = _doc(page)
        assert doc.get("lang") == "zh-CN"
        assert len(doc.xpath("//main")) == 1
        assert len(doc.xpath("//h1")) == 1, site.rel(page)
        assert doc.xpath("//a[@class='skip'][@href='#main']")
        levels = [int(h.tag[1]) for h in doc.xpath("//main//*[self::h1 or self::h2 or self::h3 "
                                                 "or self::h4 or self::h5 or self::h6]")]
        for a, b in zip(levels, levels[1:]):
            assert b <= a + 1, (site.rel(page), levels)  # no skipped heading level
        for th in doc.xpath("//th"):
            assert th.get("scope") in ("col", "colgroup", "row"), site.rel(page)
        for img in doc.xpath("//img"):
            assert img.get("alt") is not None


def test_columns_figures_tables_are_boxed_and_listed(site):
    plan = site.plan
    for col in plan.columns:
        page = _doc(site.site / "chapters" / f"{col.chapter}.html")
        assert page.xpath(f"//aside[@id='{col.id}']")
    listing = _doc(site.site / "columns.html")
    assert len(listing.xpath("//main//tbody/tr")) == len(plan.columns)
    assert len(_doc(site.site / "figures.html").xpath("//main//tbody/tr")) == len(plan.figures)
    assert len(_doc(site.site / "tables.html").xpath("//main//tbody/tr")) == len(plan.tables)
    for fig in plan.figures:
        el = _doc(site.site / "chapters" / f"{fig.chapter}.html").xpath(f"//figure[@id='{fig.id}']")[0]
        assert el.xpath(".//figcaption")
        if fig.image:
            assert el.xpath(".//img[@alt]")
            assert (site.site / render_html.MEDIA / fig.image).is_file()
        else:  # published separately: its caption and the note, no placeholder box
            assert el.xpath(".//figcaption")[0].text_content().rstrip("¶").endswith("（图件另行印发）")
            assert not el.xpath(".//*[@role='img']")


def test_indicators_page_lists_every_indicator_with_links(site):
    doc = _doc(site.site / "indicators.html")
    rows = doc.xpath("//table[@id='indicator-table']/tbody/tr")
    assert [r.get("id") for r in rows] == [i.id for i in site.plan.indicators]
    for r in rows:
        assert r.get("data-category") and r.get("data-nature")
    stated = sum(len(i.facts) for i in site.plan.indicators)
    assert len(doc.xpath("//table[@id='indicator-table']//span[@class='val']")) == stated
    absent = sum(f.quantity.kind in ("na", "empty") for i in site.plan.indicators for f in i.facts)
    assert len(doc.xpath("//table[@id='indicator-table']//span[@class='val']/a")) == stated - absent
    assert not doc.xpath("//table[@id='indicator-table']//a[normalize-space()='-' or normalize-space()='—']")
    assert doc.xpath("//form[@id='indicator-filter'][@hidden]")  # shown by JS only


def test_charts_are_svg_with_text_labels(site):
    doc = _doc(site.site / "indicators.html")
    ind_tables = [t for t in site.plan.tables if t.indicator]
    svgs = doc.xpath("//svg")
    if not ind_tables:
        return
    assert svgs
    for svg in svgs:
        assert svg.xpath("./title") and svg.get("role") == "img"
        assert len(svg.xpath("./text")) == 2 * len(svg.xpath("./rect"))


def _search_index(site) -> dict:
    raw = (site.site / "search-index.js").read_text(encoding="utf-8")
    assert raw.startswith("window.PLANDOC_SEARCH = {") and raw.rstrip().endswith("};")
    return json.loads(raw[raw.index("{"):raw.rindex(";")])


def test_search_index_points_at_anchors_that_exist(site):
    index = _search_index(site)
    assert index["version"] == 1
    ids: dict[str, set] = {}
    for page, anchor, where, text, kind in index["records"]:
        url = index["pages"][page][0]
        if url not in ids:
            ids[url] = set(_doc(site.site / url).xpath("//@id"))
        assert not anchor or anchor in ids[url], (url, anchor)
        assert text == " ".join(text.split()) and text and where and kind in "hti"


def test_search_index_holds_every_paragraph_and_item_once(site):
    """Every paragraph, item and entry of the model is a record, with its own text."""
    records = {(r[1], r[3]) for r in _search_index(site)["records"]}
    anchors = [r[0] for r in records]
    expected = []

    def walk(blocks):
        for b in blocks:
            if isinstance(b, m.Column):
                walk(b.blocks)
            elif isinstance(b, m.ListBlock):
                expected.extend((it.id, m.plain(it.lead) + m.plain(it.content)) for it in b.items)
            elif isinstance(b, m.Paragraph):
                expected.append((b.id, m.plain(b.lead) + m.plain(b.content)))
            elif isinstance(b, m.Entry):
                expected.append((b.id, m.plain(b.name) + m.plain(b.content)))
    plan = site.plan
    walk(plan.preamble + plan.closing + (plan.notice.blocks if plan.notice else ()))
    for part in plan.parts:
        walk(part.blocks)
        for ch in part.chapters:
            walk(ch.blocks)
            for sec in ch.sections:
                walk(sec.blocks)
    assert expected
    for bid, text in expected:
        assert (bid, " ".join(text.split())) in records, bid
        assert anchors.count(bid) == 1, bid


HOSTILE = ('<script>alert(1)</script>', '"><img src=x onerror=alert(1)>')


def hostile_plan(tmp: Path) -> Path:
    """The mini plan with hostile text in its title, a paragraph, a column and a caption."""
    plan_dir = tmp / "hostile"
    shutil.copytree(PLANS["mini"], plan_dir)
    esc = [h.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for h in HOSTILE]
    xml = (plan_dir / "plan.xml").read_text("utf-8")
    xml = xml.replace("<title>测试市", f"<title>{esc[0]}{esc[1]}测试市", 1)
    xml = xml.replace("<p>本规划是行动纲领。</p>", f"<p>本规划{esc[0]}是{esc[1]}行动纲领。</p>")
    (plan_dir / "plan.xml").write_text(xml, "utf-8")
    ch = (plan_dir / "chapters" / "ch01.xml").read_text("utf-8")
    ch = ch.replace("<title>主要指标</title>", f"<title>主要{esc[1]}指标</title>")
    ch = ch.replace("<caption>示意图</caption>", f"<caption>示意{esc[0]}图</caption>")
    ch = ch.replace("坚持。</item>", f"坚持{esc[1]}。</item>")
    (plan_dir / "chapters" / "ch01.xml").write_text(ch, "utf-8")
    return plan_dir


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    return build_site(hostile_plan(tmp), tmp / "out")


def test_hostile_text_is_escaped(hostile):
    for page in hostile.pages():
        doc = _doc(page)
        for script in doc.xpath("//script"):
            assert "alert" not in (script.text or "") and script.get("src"), hostile.rel(page)
        assert not doc.xpath("//img[@src='x']"), hostile.rel(page)
        assert not doc.xpath("//@onerror")
    home = _doc(hostile.site / "index.html").text_content()
    assert HOSTILE[0] in home and HOSTILE[1] in home
    chapter = _doc(hostile.site / "chapters" / "ch-review.html").text_content()
    assert HOSTILE[0] in chapter and HOSTILE[1] in chapter


def test_report_links_each_finding_to_the_nearest_anchor(mini, tmp_path):
    plan = mini.plan
    ch = plan.chapters[0]
    col = plan.columns[0]
    findings = (
        dg.Diagnostic(col.loc.file, col.loc.line + 1, 3, "PD201", dg.Severity.ERROR, "<b>x</b>", "hint"),
        dg.Diagnostic(ch.loc.file, 0, 0, "PD003", dg.Severity.WARNING, "w", ""),
        dg.Diagnostic("elsewhere.xml", 3, 1, "PD001", dg.Severity.NOTE, "n", ""),
    )
    render_html.render_editorial(plan, tmp_path, findings)
    doc = _doc(tmp_path / "editorial" / "report.html")
    rows = doc.xpath("//main//tbody/tr")
    assert len(rows) == len(findings)
    first = rows[0].xpath(".//a/@href")
    assert first and first[0].startswith(f"chapters/{ch.id}.html#")
    anchor = first[0].split("#")[1]
    assert anchor in _ids(tmp_path / "editorial" / "chapters" / f"{ch.id}.html")
    assert not rows[2].xpath(".//a")  # a file outside the plan has no place on the site
    assert "<b>" in rows[0].text_content()  # escaped, shown as text


def test_templates_hold_no_arithmetic():
    """Numbers come from the model or the view: no + - * / % on values in templates."""
    for tpl in sorted((render_html.TEMPLATES / "site").glob("*.j2")):
        for expr in re.findall(r"{{(.*?)}}|{%(.*?)%}", tpl.read_text("utf-8")):
            code = "".join(expr)
            code = re.sub(r"\"[^\"]*\"|'[^']*'", "", code)
            assert not re.search(r"[\w)\]]\s*[-+*/%]\s*[\w(]", code), (tpl.name, code)
            assert "loop.index" not in code and "|length" not in code, (tpl.name, code)


def test_render_returns_the_files_it_wrote(mini, tmp_path):
    written = render_html.render(mini.plan, tmp_path, mini.findings)
    on_disk = sorted(p for p in (tmp_path / "site").rglob("*") if p.is_file())
    assert sorted(written) == on_disk
