"""Fixtures for the site tests: each plan built once per session into a tmp dir, served
over HTTP on 127.0.0.1, and a Chromium driven by Playwright.

Plans: the hand-written fixtures under tests/fixtures/ and the bundled plan/ (skipped
only while plan/ does not exist). Browser tests FAIL when Chromium is missing.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from plandoc import diagnostics as dg
from plandoc.pipeline import build, compile_plan
import plans

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
PLANS = {
    "mini": plans.MINI,
    "plan-ok": plans.PLAN_OK,
    "plan": plans.BUNDLED,
}
if os.environ.get("PLANDOC_SITE_PLAN"):
    # any other plan directory to try the site on, e.g. a fresh import; built even with errors
    PLANS["extra"] = Path(os.environ["PLANDOC_SITE_PLAN"]).resolve()


@dataclass(frozen=True)
class Built:
    name: str
    plan_dir: Path
    site: Path
    plan: object
    findings: tuple
    strict: bool = True
    """False when the plan was built despite errors (PLANDOC_SITE_PLAN)."""

    def pages(self) -> list[Path]:
        return sorted(self.site.rglob("*.html"))

    def rel(self, path: Path) -> str:
        return path.relative_to(self.site).as_posix()


def build_site(plan_dir: Path, out: Path, strict: bool = True) -> Built:
    compiled = compile_plan(plan_dir)
    assert compiled.plan is not None, [dg.format_text(d) for d in compiled.diagnostics]
    assert compiled.ok or not strict, [dg.format_text(d) for d in compiled.diagnostics
                                       if d.severity is dg.Severity.ERROR]
    build(compiled.plan, out, ["html"], compiled.diagnostics)
    return Built(plan_dir.name, plan_dir, out / "site", compiled.plan, compiled.diagnostics,
                 strict)


@pytest.fixture(scope="session")
def _builds(tmp_path_factory):
    cache: dict[str, Built] = {}

    def get(name: str) -> Built:
        if name not in cache:
            plan_dir = PLANS[name]
            if not (plan_dir / "plan.xml").is_file():
                pytest.fail(f"{plan_dir} is missing: the fixtures and the bundled plan are part of the repository")
            cache[name] = build_site(plan_dir, tmp_path_factory.mktemp(f"site-{name}"),
                                     strict=name != "extra")
        return cache[name]
    return get


@pytest.fixture(scope="session", params=list(PLANS))
def site(request, _builds) -> Built:
    return _builds(request.param)


@pytest.fixture(scope="session")
def mini(_builds) -> Built:
    return _builds("mini")


@pytest.fixture(scope="session")
def plan_site(_builds) -> Built:
    """The bundled plan's site (built once per session)."""
    return _builds("plan")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def serve():
    servers = []

    def start(directory: Path) -> str:
        srv = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory)))
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
        return f"http://127.0.0.1:{srv.server_port}/"
    yield start
    for srv in servers:
        srv.shutdown()
        srv.server_close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail("Chromium is missing: install Debian's chromium (CI does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class Watch:
    """What a page did: console errors, failed requests, requests leaving 127.0.0.1 (or
    the disk, for a site opened from its files)."""

    errors: list
    failed: list
    external: list
    dialogs: list


@pytest.fixture
def open_page(browser):
    """Open a new page (viewport width given) that records everything that goes wrong."""
    contexts = []

    def make(width: int = 1280):
        ctx = browser.new_context(viewport={"width": width, "height": 900})
        contexts.append(ctx)
        watch = Watch([], [], [], [])

        def route(r):
            host = r.request.url.split("/")[2] if "://" in r.request.url else ""
            if r.request.url.startswith(("data:", "blob:", "file:")) or host.startswith("127.0.0.1"):
                r.continue_()
            else:
                watch.external.append(r.request.url)
                r.abort()
        ctx.route("**/*", route)
        page = ctx.new_page()
        page.on("console", lambda m: m.type == "error" and watch.errors.append(m.text))
        page.on("pageerror", lambda e: watch.errors.append(str(e)))
        page.on("requestfailed", lambda r: watch.failed.append(r.url))
        page.on("response", lambda r: r.status >= 400 and watch.failed.append(f"{r.status} {r.url}"))
        page.on("dialog", lambda d: (watch.dialogs.append(d.message), d.dismiss()))
        return page, watch
    yield make
    for ctx in contexts:
        ctx.close()
