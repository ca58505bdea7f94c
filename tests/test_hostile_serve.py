"""Hostile input, second file: serve. Every request passes the Host, method and path
gate; every build failure reaches the overlay; a quick rebuild does not wait for the
PDF (issue 20)."""

from __future__ import annotations

import http.client
import json
import queue
import sys
import threading
import time
from pathlib import Path

import pytest

from plandoc.site import render as render_html
from plandoc.serve import Hub, Preview, serve


@pytest.fixture
def preview_url(mini_copy, tmp_path):
    ready: list[str] = []
    stop = threading.Event()
    t = threading.Thread(target=serve, args=(mini_copy, tmp_path / "dist", 0, False, lambda _: None, [mini_copy]),
                         kwargs={"ready": ready.append, "stop": stop}, daemon=True)
    t.start()
    deadline = time.time() + 30
    while not ready and time.time() < deadline:
        time.sleep(0.05)
    yield ready[0]
    stop.set()
    t.join(10)


def request(url: str, method: str, path: str, host: str | None = None) -> tuple[int, dict, bytes]:
    port = int(url.rstrip("/").rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest(method, path, skip_host=True)
    conn.putheader("Host", host if host is not None else f"127.0.0.1:{port}")
    conn.endheaders()
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, dict(resp.getheaders()), body


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "PUT", "OPTIONS", "PROPFIND"])
def test_host_check_covers_every_method(preview_url, method):
    status, headers, body = request(preview_url, method, "/search-index.js", host="evil.com")
    good = request(preview_url, "GET", "/search-index.js")
    assert status == 403 and good[0] == 200
    assert "Last-Modified" not in headers and headers.get("Content-Length") != good[1]["Content-Length"]
    assert good[2][:40] not in body


def test_host_names_are_case_insensitive(preview_url):
    port = preview_url.rstrip("/").rsplit(":", 1)[1]
    for host in ("LOCALHOST", f"LocalHost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}"):
        assert request(preview_url, "GET", "/", host=host)[0] == 200, host
    assert request(preview_url, "HEAD", "/search-index.js", host="localhost")[0] == 200
    assert request(preview_url, "GET", "/", host="localhost.evil.com")[0] == 403


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND", "BREW"])
def test_unknown_methods_are_405(preview_url, method):
    status, headers, _ = request(preview_url, method, "/")
    assert status == 405 and headers["Allow"] == "GET, HEAD"


@pytest.mark.parametrize("path", ["/a%00.txt", "/%00", "/chapters/%00/../index.html", "/index.html?q=%00"])
def test_nul_in_the_path_is_answered_without_a_traceback(preview_url, path, capsys):
    status, _, _ = request(preview_url, "GET", path)
    assert status in (400, 404)
    assert request(preview_url, "GET", "/")[0] == 200  # and the server is still serving
    assert "Traceback" not in capsys.readouterr().err


def _listen(hub: Hub) -> queue.Queue:
    return hub.subscribe()


def _next(q: queue.Queue, name: str, timeout: float = 20) -> str:
    deadline = time.time() + timeout
    while time.time() < deadline:
        event, data = q.get(timeout=max(0.01, deadline - time.time()))
        if event == name:
            return data
    raise AssertionError(f"no {name} event")


def test_a_renderer_crash_in_serve_reaches_the_overlay(mini_copy, tmp_path, monkeypatch):
    """A failure that is no diagnostic (here the site renderer raises, as deep nesting
    did before PD120) is shown in every open page, and the last good site stays."""
    hub = Hub()
    said: list[str] = []
    preview = Preview(mini_copy, tmp_path / "dist", hub, False, said.append)
    assert preview.rebuild()
    index = (tmp_path / "dist" / "editorial" / "index.html").read_bytes()
    events = _listen(hub)

    def crash(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(render_html, "render", crash)
    assert preview.rebuild() is False
    (item,) = json.loads(_next(events, "errors"))
    assert "RecursionError" in item["message"] and item["severity"] == "error"
    assert any("RecursionError" in s for s in said)
    assert (tmp_path / "dist" / "editorial" / "index.html").read_bytes() == index
    monkeypatch.undo()
    assert preview.rebuild()
    assert _next(events, "reload") is not None


def test_quick_rebuild_does_not_wait_for_the_background_pdf(mini_copy, tmp_path):
    """An edit made while the PDF is being rebuilt reaches the site in about the time of
    a quick rebuild, not after the PDF (the worker process's render is made slow on
    purpose: it waits for a release file)."""
    started, release = tmp_path / "started", tmp_path / "release"
    command = [sys.executable, str(Path(__file__).with_name("slow_pdf_worker.py")), str(started), str(release)]
    said: list[str] = []
    hub = Hub()
    preview = Preview(mini_copy, tmp_path / "dist", hub, True, said.append, pdf_command=command)
    assert preview.rebuild()  # the site, and a PDF wanted
    worker = threading.Thread(target=preview.pdf_worker, daemon=True)
    worker.start()
    try:
        deadline = time.time() + 30
        while not started.exists() and time.time() < deadline:
            time.sleep(0.05)
        assert started.exists(), "the PDF worker never started its render"
        ch = mini_copy / "chapters" / "ch01.xml"
        ch.write_text(ch.read_text(encoding="utf-8").replace("坚持。", "坚持不懈。"), encoding="utf-8")
        quick = threading.Thread(target=preview.rebuild, daemon=True)
        t0 = time.perf_counter()
        quick.start()
        quick.join(5)  # a quick rebuild of the mini plan takes well under a second
        in_time = not quick.is_alive()
        waited = time.perf_counter() - t0
    finally:
        release.write_text("go", encoding="utf-8")
        deadline = time.time() + 30
        while not any("PDF 已更新" in s for s in said) and time.time() < deadline:
            time.sleep(0.05)
        preview.stopping.set()
        worker.join(30)
    assert in_time, f"the quick rebuild was still waiting after {waited:.1f} s"
    assert not worker.is_alive(), "the PDF worker did not stop with serve"
    page = (tmp_path / "dist" / "editorial" / "chapters" / "ch-review.html").read_text(encoding="utf-8")
    assert "坚持不懈" in page
    # the PDF, laid out outside the lock, was then moved in beside the newer site; no
    # rendering directory is left behind
    assert (tmp_path / "dist" / "plan.pdf").read_bytes().startswith(b"%PDF")
    assert "坚持不懈" in (tmp_path / "dist" / "editorial" / "chapters" / "ch-review.html").read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".dist.render-*")) and not list(tmp_path.glob(".dist.build-*"))


def test_a_pdf_worker_that_dies_is_said_and_started_again(mini_copy, tmp_path):
    """The worker process exits (here at once, exit 3) at every request: each death
    reaches the console and the overlay, and the next edit gets a new worker."""
    command = [sys.executable, "-c", "import sys; sys.stdin.buffer.read(1); sys.exit(3)"]
    said: list[str] = []
    hub = Hub()
    events = _listen(hub)
    preview = Preview(mini_copy, tmp_path / "dist", hub, True, said.append, pdf_command=command)
    answers: list[dict] = []
    answer = preview.pdf_answer
    preview.pdf_answer = lambda a: (answers.append(a), answer(a))
    deaths = lambda: [a for a in answers if a.get("exit") == 3]  # noqa: E731
    worker = threading.Thread(target=preview.pdf_worker, daemon=True)
    worker.start()
    try:
        for _ in range(2):
            before = len(deaths())
            assert preview.rebuild()
            deadline = time.time() + 20
            while len(deaths()) == before and time.time() < deadline:
                time.sleep(0.05)
    finally:
        preview.stopping.set()
        worker.join(30)
    assert [a["pdf"] for a in deaths()] == ["failed", "failed"], answers
    assert json.loads(_next(events, "errors"))[0]["code"] == "build"  # shown in the overlay
