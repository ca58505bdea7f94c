"""The print edition: the plan as a GB/T 9704-style PDF, typeset by WeasyPrint.

`render` writes out_dir/plan.pdf: the issuing notice (版头), a title page, a table of
contents with page numbers, the plan, and the 版记 on the last even page. Guarantees:
fonts are named explicitly and embedded as subsets; the PDF is tagged (PDF/UA-1) with
an outline of parts, chapters, sections and columns; its dates come from
SOURCE_DATE_EPOCH (else the plan's printing date), so two builds of the same plan are
byte-identical. WeasyPrint is imported only when a PDF is rendered, never by `check`.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment
from markupsafe import Markup, escape

from .. import model as m
from ..cells import unbroken_runs
from .assembly import Interrupted, LayoutCache, assemble, whole
from .view import PrintView, view
from .. import resources
from . import patches as pdf_patches

__all__ = ["Interrupted", "LayoutCache", "layout", "print_html", "render", "write"]

TEMPLATES = resources.TEMPLATES
STYLESHEET = TEMPLATES / "pdf" / "print.css"

PDF_OPTIONS = {
    "pdf_variant": "pdf/ua-1",
    "pdf_identifier": True,  # derived from the file's content: deterministic
    "full_fonts": False,
    "uncompressed_pdf": False,
}
"""Options given to WeasyPrint's write_pdf (the benchmark uses the same)."""


def environment() -> Environment:
    """Jinja2 environment for the print templates (resources.environment, and keep_runs)."""
    env = resources.environment()
    env.filters["keep_runs"] = keep_runs
    return env


def keep_runs(text: str) -> Markup:
    """`text` escaped, with each piece cells.unbroken_runs finds in a nowrap span."""
    out, last = [], 0
    for start, end in unbroken_runs(text):
        out += [escape(text[last:start]), Markup('<span class="keep">'), escape(text[start:end]),
                Markup("</span>")]
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def _href(ref: m.Ref) -> str:
    """Cross-references stay inside the one print document."""
    return f"#{ref.to}"


def print_html(plan: m.Plan, pv: PrintView | None = None) -> str:
    """The print HTML of the whole of `plan` as one document (to be laid out with
    STYLESHEET); the edition itself is laid out piece by piece (pdf.assembly)."""
    return pieces_html(plan, pv or view(plan))(whole(plan))


def pieces_html(plan: m.Plan, pv: PrintView):
    """piece -> the print HTML of that piece of `plan` (templates/pdf/plan.html.j2)."""
    template = environment().get_template("pdf/plan.html.j2")
    return lambda piece: template.render(plan=plan, v=pv, href=_href, piece=piece)


def layout(plan: m.Plan, pv: PrintView | None = None, cache: LayoutCache | None = None,
           interrupted=None):
    """Lay the plan out into pages: a weasyprint.Document (pages, bookmarks, metadata),
    assembled from its pieces (pdf.assembly); `cache` keeps them for the next call."""
    import weasyprint

    from . import justify

    justify.apply()
    pv = pv or view(plan)
    cache = LayoutCache(keep=False) if cache is None else cache
    fetch = fetcher([Path(plan.root or ".").resolve(), TEMPLATES.resolve()])
    cache.prepare(str(STYLESHEET), fetch)
    def lay_out(html: str, first: int, drop_last: bool) -> pdf_patches.Laid:
        page = weasyprint.HTML(string=html, base_url=str(TEMPLATES / "pdf"), url_fetcher=fetch)
        laid = pdf_patches.lay_out(page, cache.stylesheet, cache.font_config, PDF_OPTIONS,
                                   first, drop_last)
        pdf_patches.repeat_split_cells(laid.document)
        pdf_patches.first_page_without_continued(laid.document)
        pdf_patches.close_split_columns(laid.document)
        return laid

    return assemble(plan, pieces_html(plan, pv), lay_out, cache, interrupted)


def fetcher(allowed: list[Path]):
    """WeasyPrint's URL fetcher limited to data: URLs and local files below `allowed`
    (the plan and the templates): an image or SVG in the plan that names http://… or
    file:///etc/… gets nothing, so printing reads no file outside the plan and makes
    no request."""
    from urllib.parse import unquote, urlparse

    from weasyprint.urls import URLFetcher

    class PlanFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if not any(path == base or base in path.parents for base in allowed):
                    raise ValueError(f"plandoc does not read files outside the plan: {url}")
            return super().fetch(url, headers)

    return PlanFetcher(allowed_protocols=("file", "data"))


def write(document, path: Path, cache: LayoutCache | None = None) -> Path:
    """Write a laid-out document as PDF with the project's options (`cache`: reuse the
    compressed streams of its last write)."""
    import pydyf

    pdf_patches.check_pydyf(pydyf.__version__)
    pdf_patches.linear_page_references()
    compressed = cache.compressed if cache is not None else {}
    document.write_pdf(path, finisher=pdf_patches.reuse_compressed(compressed), **PDF_OPTIONS)
    return path


def render(plan: m.Plan, out_dir: Path, findings: tuple = (), cache: LayoutCache | None = None,
           interrupted=None) -> list[Path]:
    """Write out_dir/plan.pdf. `findings` are not printed: the print edition is the plan.
    `cache` and `interrupted`: serve's PDF worker (see pdf.assembly)."""
    return [write(layout(plan, cache=cache, interrupted=interrupted), out_dir / "plan.pdf", cache)]
