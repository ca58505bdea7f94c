"""Screenshots of the site for docs/site/ (run by hand after a change to the site's look):

    PYTHONPATH=$PWD .venv/bin/python tests/site/screenshots.py [OUT_DIR]

Builds the bundled plan's public site and editor's view into a temporary directory,
serves them on 127.0.0.1 and photographs home, a chapter with a 专栏, 专栏 2, 主要指标,
search and the editor's report at 1280 and 390 px with Debian's Chromium. The PNGs are
the top of each page (one screen high), written small (palette PNG) so they can be
committed.
"""

from __future__ import annotations

import functools
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from plandoc.pipeline import build, compile_plan  # noqa: E402

SHOTS = (  # (name, site, path, what to scroll into view or None, scroll that table to its end)
    ("home", "site", "index.html", None, False),
    ("chapter", "site", "chapters/ch-review.html", "#col-13th-plan-results", False),
    ("column2", "site", "chapters/ch-goals.html", "#col-main-indicators .table-box", False),
    ("column2-scrolled", "site", "chapters/ch-goals.html", "#col-main-indicators .table-box", True),
    ("indicators", "site", "indicators.html", None, False),
    ("search", "site", "search.html?q=城镇化率 46.94", None, False),
    ("editorial", "editorial", "report.html", None, False),
)
WIDTHS = (1280, 390)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main(out: Path) -> None:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        compiled = compile_plan(REPO / "plan")
        build(compiled.plan, Path(tmp), ["html", "editorial"], compiled.diagnostics)
        srv = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=tmp))
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{srv.server_port}/"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for width in WIDTHS:
                ctx = browser.new_context(viewport={"width": width, "height": 800 if width > 400 else 844})
                page = ctx.new_page()
                for name, site, path, target, to_end in SHOTS:
                    if to_end and width > 400:
                        continue  # the table fits a desktop: nothing to scroll
                    page.goto(f"{base}{site}/{path}", wait_until="networkidle")
                    if target:
                        page.evaluate("(sel) => document.querySelector(sel).scrollIntoView({block: 'start'})", target)
                    if to_end:
                        page.evaluate("(sel) => { const w = document.querySelector(sel + ' .table-wrap');"
                                      " w.scrollLeft = w.scrollWidth; }", target)
                        page.wait_for_timeout(100)
                    png = out / f"{name}-{width}.png"
                    page.screenshot(path=str(png))
                    Image.open(png).convert("RGB").quantize(32).save(png, optimize=True)
                ctx.close()
            browser.close()
        srv.shutdown()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "site")
