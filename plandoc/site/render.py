"""The static website: out_dir/site/, ready for any static host, and the editor's view.

`render(plan, out_dir, findings)` writes the public site: one page per part and
chapter, the notice, the back matter, the lists of columns, figures and tables, the
indicators with their charts and a search page with its index (`site.search`); copies
the stylesheet, the scripts and the plan's images. It holds nothing meant for editors:
no findings, no source paths, no placeholders (a figure without an image is printed as
published separately, "（图件另行印发）"; `build --release` refuses to run unless that
was accepted).

`render_editorial(plan, out_dir, findings)` writes the same pages to out_dir/editorial/
(what `serve` shows and `build --drafts` adds), marked as a draft, with the editor's
report (findings with their source lines), the import report when the plan has one,
and missing figures drawn as placeholders. A publisher copying dist/site/ never takes
any of it along. Guarantees: links are relative,
nothing is fetched from the network, every id of the model is an anchor on its page,
templates autoescape and only map values from the model and the view layer
(`site.view`, `site.indicators`, `site.charts`, `site.search`), and the same plan
gives the same bytes (see tests/site).
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemBytecodeCache, StrictUndefined
from markupsafe import Markup

from .. import diagnostics as dg
from .. import model as m
from .. import images
from . import charts as site_charts
from . import indicators as site_indicators
from . import search as site_search
from . import view as site_view
from ..pdf.view import chinese_date
from .view import Link, SiteView
from .. import resources

TEMPLATES = resources.TEMPLATES
STATIC = TEMPLATES / "site" / "static"
MEDIA = "media"


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    """Compiled templates kept between runs (keyed by each template's source checksum,
    so an edited template is recompiled): compiling costs more than rendering the plan.
    Jinja's own per-user directory, which it refuses unless it is ours and mode 0700
    (a shared temporary directory must not let another user plant bytecode)."""
    try:
        return FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


EDITORIAL_DIR = "editorial"
PUBLIC_DIR = "site"
IMPORT_REPORT = "import-report.md"
"""The importer's report beside plan.xml, shown in the editor's view when present."""


def environment() -> Environment:
    env = resources.environment(undefined=StrictUndefined, keep_trailing_newline=True,
                                bytecode_cache=_bytecode_cache())
    env.filters["sublevel"] = lambda level: min(level + 1, 6)  # a column's sub-headings
    env.filters["urlpath"] = lambda path: quote(path, safe="/")  # figures/map#1 50%.svg
    env.filters["page_url"] = site_view.page_url
    env.filters["cdate"] = chinese_date  # 2021-06-24 -> 2021年6月24日, as the PDF prints it
    return env


@dataclass(frozen=True)
class ReportRow:
    finding: dg.Diagnostic
    where: str
    """file:line:col as printed for people."""
    href: str | None
    place: str
    severity: str
    """The severity as the page names it (错误, 警告, 提示)."""


SEVERITY_NAMES = {dg.Severity.ERROR: "错误", dg.Severity.WARNING: "警告", dg.Severity.NOTE: "提示"}


def report_rows(findings: tuple[dg.Diagnostic, ...], view: SiteView,
                root: str = "") -> tuple[ReportRow, ...]:
    """Rows of the editor's report; files shown relative to the plan directory, so the
    page does not depend on where the plan was built from."""
    index = site_view.AnchorIndex(view.anchors())
    rows = []
    for d in findings:
        file = m.plan_relative(d.file, root)
        where = f"{file}:{d.line}:{d.column}" if d.line else file
        near = index.nearest(d.file, d.line)
        rows.append(ReportRow(d, where, near.href if near else None, near.label if near else "",
                              SEVERITY_NAMES[d.severity]))
    return tuple(rows)


def _counts(findings) -> tuple[tuple[str, int], ...]:
    return tuple((name, sum(1 for d in findings if d.severity is sev))
                 for sev, name in SEVERITY_NAMES.items())


class PageCache:
    """Part and chapter pages of earlier builds in this process, keyed by a fingerprint
    of everything they are rendered from (their part or chapter, the navigation, the
    table of contents, the plan's metadata): `serve` re-renders only what an edit
    touched. Other pages (home, lists, indicators, report) depend on the whole plan and
    are always rendered."""

    CACHED = {"part.html.j2", "chapter.html.j2"}

    def __init__(self) -> None:
        self.pages: dict[str, tuple[str, str]] = {}
        self.rendered: list[str] = []
        """URLs rendered (not reused) by the last build: what a test can assert on."""


def _templates_checksum() -> str:
    """The site's templates as they are now: editing one in `serve` re-renders every page."""
    digest = hashlib.sha1()
    for path in sorted((TEMPLATES).rglob("*.j2")):
        digest.update(path.relative_to(TEMPLATES).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _fingerprint(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(repr(p) for p in parts).encode("utf-8")).hexdigest()


class SiteWriter:
    def __init__(self, site: Path, plan: m.Plan, view: SiteView, cache: PageCache | None = None,
                 editorial: bool = False):
        self.env, self.site, self.plan, self.view = environment(), site, plan, view
        self.editorial = editorial
        self.env.globals.update(editorial=editorial, table_rows=view.table_rows,
                                has_pages=editorial or any(p.public for p in plan.pages),
                                missing_figure=site_view.MISSING_FIGURE[editorial])
        self.toc = site_view.toc(view)
        self._toc_html: dict[str, str] = {}
        self.written: list[Path] = []
        self.cache = cache
        if cache is not None:
            cache.rendered = []
            self.shared = _fingerprint(self.toc, plan.meta, plan.notice is not None,
                                       editorial, _templates_checksum())

    def toc_for(self, nav: site_view.Nav) -> Markup:
        """The sidebar for this page: the contents rendered once per page depth (every
        page carries the whole contents, so rendering it per page would grow with
        pages × chapters), with the current page and part marked."""
        if nav.root not in self._toc_html:
            self._toc_html[nav.root] = self.env.get_template("site/_toc.html.j2").render(
                toc=self.toc, root=nav.root, has_notice=self.plan.notice is not None)
        html = self._toc_html[nav.root]
        for key in (nav.current, f"url:{nav.url}"):
            marker = f'data-toc="{key}"'
            if key and marker in html:
                html = html.replace(marker, marker + ' aria-current="page"', 1)
                break
        if nav.current_part:
            part = f'class="toc-part" data-part="{nav.current_part}"'
            html = html.replace(part, f'class="toc-part is-current" data-part="{nav.current_part}"', 1)
        return Markup(html)

    def page(self, template: str, nav: site_view.Nav, **context) -> None:
        key = None
        if self.cache is not None and template in PageCache.CACHED:
            key = _fingerprint(template, self.shared, nav, sorted(context.items()))
        hit = self.cache.pages.get(nav.url) if key is not None else None
        if hit is not None and hit[0] == key:
            html = hit[1]
        else:
            html = self.env.get_template(f"site/{template}").render(
                plan=self.plan, nav=nav, root=nav.root, href=self.view.href(nav.root),
                toc=self.toc, toc_html=self.toc_for(nav), media=MEDIA, **context)
            if self.cache is not None:
                self.cache.rendered.append(nav.url)
                if key is not None:
                    self.cache.pages[nav.url] = (key, html)
        path = self.site / nav.url
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8", newline="\n")
        self.written.append(path)


def _text_pages(w: SiteWriter) -> None:
    """The pages that hold the plan's text (site.search indexes the same places)."""
    plan, view = w.plan, w.view
    w.page("index.html.j2", view.nav("index.html", "首页"))
    if plan.notice is not None:
        w.page("notice.html.j2", view.nav("notice.html", m.plain(plan.notice.title) or "通知"),
               notice=plan.notice)
    for part in plan.parts:
        chapters = tuple(Link(view.pages[c.id], view.titles[c.id]) for c in part.chapters)
        if not part.implicit:
            w.page("part.html.j2", view.part_nav(part), part=part, chapters=chapters)
        for ch in part.chapters:
            w.page("chapter.html.j2", view.chapter_nav(ch), chapter=ch)
    w.page("back.html.j2", view.nav("back.html", "结束语与版记"))
    _companion_pages(w)


def _companion_pages(w: SiteWriter) -> None:
    """解读 and 编制说明 on the public site; in the editor's view also the 说明 pages and
    the editors' handbook (package data)."""
    pages = [p for p in w.plan.pages if p.public or w.editorial]
    if w.editorial:
        from ..pages import handbook

        manual, _ = handbook(w.plan)
        if manual is not None:
            w.view.pages[manual.id] = site_view.page_url(manual.id)
            pages.append(manual)
    if not pages:
        return
    w.page("pages.html.j2", w.view.nav(site_view.PAGES, "解读与说明"), pages=pages)
    crumbs = (Link(site_view.PAGES, "解读与说明"),)
    for page in pages:
        w.page("page.html.j2", w.view.nav(site_view.page_url(page.id), page.title, crumbs), page=page)


def _other_pages(w: SiteWriter, findings: tuple[dg.Diagnostic, ...]) -> None:
    """Lists, indicators, report and search: generated from the model."""
    plan, view = w.plan, w.view
    w.page("list.html.j2", view.nav("columns.html", "专栏一览"), items=site_view.columns(view),
           heading="专栏")
    w.page("list.html.j2", view.nav("figures.html", "图一览"),
           items=site_view.figures(view, w.editorial), heading="图")
    w.page("list.html.j2", view.nav("tables.html", "表格一览"), items=site_view.tables(view),
           heading="表格")
    rows = site_indicators.rows(plan, view)
    w.page("indicators.html.j2", view.nav("indicators.html", "主要指标"), rows=rows,
           roles=site_indicators.ROLES, facets=site_indicators.facets(rows),
           unset=site_indicators.UNSET,
           charts=site_charts.charts(plan, view))
    w.page("search.html.j2", view.nav("search.html", "全文搜索"))
    if w.editorial:
        imported = Path(plan.root) / IMPORT_REPORT if plan.root else None
        w.page("report.html.j2", view.nav("report.html", "编辑报告"),
               rows=report_rows(findings, view, plan.root), counts=_counts(findings),
               imported=imported.read_text(encoding="utf-8")
               if imported is not None and imported.is_file() else None)


def _assets(site: Path, plan: m.Plan) -> list[Path]:
    out = []
    for src in sorted(STATIC.rglob("*")):
        if src.is_file():
            dst = site / "static" / src.relative_to(STATIC)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
            out.append(dst)
    root = Path(plan.root)
    for fig in plan.figures:
        if fig.image:
            dst = site / MEDIA / fig.image
            dst.parent.mkdir(parents=True, exist_ok=True)
            if dst.suffix.lower() == ".svg":  # published without scripts or outside links
                clean, removed = images.svg_clean((root / fig.image).read_bytes())
                dst.write_bytes(clean if removed else (root / fig.image).read_bytes())
            else:
                shutil.copyfile(root / fig.image, dst)
            out.append(dst)
    return out


def render(plan: m.Plan, out_dir: Path, findings: tuple[dg.Diagnostic, ...] = (), *,
           cache: PageCache | None = None, editorial: bool = False) -> list[Path]:
    """Write the public site into out_dir/site (the editor's view into out_dir/editorial
    with `editorial`). With `cache` (serve's quick rebuild), part and chapter pages whose
    inputs did not change are reused from the previous build."""
    site = out_dir / (EDITORIAL_DIR if editorial else PUBLIC_DIR)
    if site.exists():
        shutil.rmtree(site)  # the staging copy of the previous build: no stale pages
    site.mkdir(parents=True)
    view = SiteView(plan)
    writer = SiteWriter(site, plan, view, cache, editorial)
    _text_pages(writer)
    _other_pages(writer, tuple(findings))
    written = writer.written + _assets(site, plan) + site_search.write(site, plan, view)
    return sorted(set(written))


def render_editorial(plan: m.Plan, out_dir: Path, findings: tuple[dg.Diagnostic, ...] = (), *,
                     cache: PageCache | None = None) -> list[Path]:
    """The editor's view in out_dir/editorial (see the module's docstring), with the
    findings as data beside it (editorial/findings.json)."""
    from ..export.plan_json import write_findings

    written = render(plan, out_dir, findings, cache=cache, editorial=True)
    return written + [write_findings(plan, out_dir / EDITORIAL_DIR / "findings.json", findings)]
