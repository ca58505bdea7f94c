"""Live preview: build, serve the editor's view (dist/editorial/) on 127.0.0.1, rebuild
on change, reload pages.

One thread watches plan/, templates/ and schema/ (watchfiles); a change triggers a
compile. With errors, the last good site stays served and every open page shows an
overlay listing them as `check` prints them (place, file:line:col, the line with a caret,
the hint); without, the pages the edit touched are rebuilt with the search index
(`incremental.QuickBuilder`), every open page reloads (server-sent events), and then
the JSON is rewritten. The PDF is rebuilt by a worker process (`pdf.worker`) that
keeps the laid-out 篇 between edits and drops its work when a newer edit comes: latest
edit wins, without holding up the site. Pages are served with a small script
injected at serve time only: the built files are exactly what `build` writes.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from . import diagnostics as dg
from .incremental import QuickBuilder
from .pdf.worker import Worker
from .pipeline import Memo, compile_plan

WATCHED_SUFFIXES = {".xml", ".rng", ".j2", ".css", ".js", ".svg", ".png", ".jpg", ".jpeg", ".webp"}
"""Editors' backup and swap files are ignored; these are what a rebuild depends on."""

LIVE_JS = """(() => {
  const box = document.createElement('div');
  box.id = 'plandoc-overlay';
  box.setAttribute('role', 'alert');
  box.style.cssText = 'position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:99999;' +
    'background:#fff5f5;color:#600;border-top:3px solid #c00;padding:1em 1.5em;font:14px/1.6 monospace';
  function show(items) {
    box.replaceChildren();
    const h = document.createElement('strong');
    h.textContent = '规划有错误，显示的是上一次成功构建的网站 (' + items.length + ')';
    box.append(h);
    const ul = document.createElement('ul');
    ul.style.cssText = 'list-style:none;margin:.5em 0;padding:0';
    for (const d of items) {  // as `check` prints it: place, file:line:col, excerpt, caret, hint
      const li = document.createElement('li');
      const pre = document.createElement('pre');
      pre.style.cssText = 'margin:0 0 .8em;white-space:pre-wrap;font:inherit';
      pre.textContent = d.text;
      li.append(pre);
      ul.append(li);
    }
    box.append(ul);
    if (!box.isConnected) document.body.append(box);
  }
  const es = new EventSource('/__plandoc__/events');
  es.addEventListener('reload', () => location.reload());
  es.addEventListener('errors', (e) => show(JSON.parse(e.data)));
  es.addEventListener('ok', () => box.remove());
})();
"""


class Hub:
    """Server-sent event subscribers and the current error state."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.clients: list[queue.Queue] = []
        self.errors: list[dict] = []

    def subscribe(self) -> queue.Queue:
        q: queue.Queue = queue.Queue()
        with self.lock:
            self.clients.append(q)
            if self.errors:
                q.put(("errors", json.dumps(self.errors, ensure_ascii=False)))
        return q

    def unsubscribe(self, q: queue.Queue) -> None:
        with self.lock:
            if q in self.clients:
                self.clients.remove(q)

    def publish(self, event: str, data: str = "{}") -> None:
        with self.lock:
            if event == "errors":
                self.errors = json.loads(data)
            elif event in ("reload", "ok"):
                self.errors = []
            for q in self.clients:
                q.put((event, data))

    def close(self) -> None:
        self.publish("close")


class Handler(SimpleHTTPRequestHandler):
    """Static files of the site, the live script injected into HTML, and the event stream."""

    hub: Hub

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        pass

    def parse_request(self) -> bool:
        """Every request, whatever its method, passes the same gate before any handler:
        the Host header (a DNS-rebinding page must not read the preview), the method
        (GET and HEAD; anything else 405) and the path (no NUL: 400)."""
        if not super().parse_request():
            return False
        host = (self.headers.get("Host") or "").strip().lower()
        host = host[1:].split("]", 1)[0] if host.startswith("[") else host.rsplit(":", 1)[0]
        if host not in ("127.0.0.1", "localhost", "::1"):
            self.send_error(HTTPStatus.FORBIDDEN, "preview serves 127.0.0.1 and localhost only")
            return False
        if self.command not in ("GET", "HEAD"):
            self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
            self.send_header("Allow", "GET, HEAD")
            self.send_header("Content-Length", "0")
            self.send_header("Connection", "close")
            self.close_connection = True
            self.end_headers()
            return False
        if "\x00" in unquote(self.path):
            self.send_error(HTTPStatus.BAD_REQUEST, "NUL in path")
            return False
        return True

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        path = self.path.split("?", 1)[0]
        if path == "/__plandoc__/live.js":
            return self._send(LIVE_JS.encode(), "text/javascript; charset=utf-8")
        if path == "/__plandoc__/events":
            return self._events()
        target = Path(self.translate_path(path))
        if target.is_dir():
            target = target / "index.html"
        if target.suffix == ".html" and target.is_file():
            html = target.read_bytes()
            tag = b'<script src="/__plandoc__/live.js"></script>'
            html = html.replace(b"</body>", tag + b"</body>", 1) if b"</body>" in html else html + tag
            return self._send(html, "text/html; charset=utf-8")
        return super().do_GET()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        q = self.hub.subscribe()
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while True:
                try:
                    event, data = q.get(timeout=15)
                except queue.Empty:
                    self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
                    continue
                if event == "close":
                    return
                self.wfile.write(f"event: {event}\ndata: {data}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            self.hub.unsubscribe(q)


class Preview:
    """The rebuild loop: compile, build the site and JSON, or publish the errors."""

    def __init__(self, plan_dir: Path, out_dir: Path, hub: Hub, pdf: bool,
                 say: Callable[[str], None], pdf_command: list[str] | None = None):
        self.plan_dir, self.out_dir, self.hub, self.pdf, self.say = plan_dir, out_dir, hub, pdf, say
        self.pdf_command = pdf_command
        """How to start the PDF worker (tests start a slow one); None: plandoc's own."""
        self.pdf_wanted = threading.Event()
        self.stopping = threading.Event()
        self.quick = QuickBuilder(out_dir)
        self.memo = Memo()
        """The rebuilds' memo, kept across them (the PDF worker process keeps its own)."""

    def rebuild(self) -> bool:
        compiled = compile_plan(self.plan_dir, self.memo)
        errors = [d for d in compiled.diagnostics if d.severity is dg.Severity.ERROR]
        for d in errors:
            self.say(dg.format_text(d))
        self.say(dg.check_summary(list(compiled.diagnostics), dg.Severity.ERROR, False))
        if not compiled.ok:
            shown = [{**d.as_dict(), "text": dg.format_text(d)} for d in errors]
            self.hub.publish("errors", json.dumps(shown, ensure_ascii=False))
            return False
        if self.pdf:  # the worker compiles and lays out in its own process meanwhile
            self.pdf_wanted.set()
        try:
            self.quick.build(compiled, ("editorial",))  # pages an edit touched, the search index
            self.hub.publish("reload")  # the page first: the editor is waiting for it
            self.quick.build(compiled, ("json",))
        except Exception as exc:  # the last good site stays served; every open page is told
            self.failed("网站", exc)
            return False
        return True

    def failed(self, what: str, exc: BaseException) -> None:
        """A build that raised: said on the console and shown in every open page's overlay."""
        self.overlay(f"{what}构建失败：{type(exc).__name__}: {exc}")

    def overlay(self, message: str) -> None:
        self.say(message)
        self.hub.publish("errors", json.dumps([{
            "file": str(self.plan_dir), "line": 0, "column": 0, "code": "build", "severity": "error",
            "message": message, "hint": "这是 plandoc 的缺陷或环境问题：请报告，并附上这条消息。",
            "data": {}}], ensure_ascii=False))

    def pdf_worker(self) -> None:
        """Tell the PDF worker process of every edit that compiled, until serve stops;
        say what it answers. The site never waits for it."""
        worker = Worker(self.plan_dir, self.out_dir, self.pdf_answer, self.pdf_command)
        try:
            while not self.stopping.is_set():
                if self.pdf_wanted.wait(timeout=0.2):
                    self.pdf_wanted.clear()
                    if not worker.alive():  # it died (said on the console): start another
                        worker = Worker(self.plan_dir, self.out_dir, self.pdf_answer, self.pdf_command)
                    worker.request()
        finally:
            worker.stop()

    def pdf_answer(self, answer: dict) -> None:
        if answer.get("pdf") == "failed":
            self.overlay(f"PDF 构建失败：{answer.get('message')}")
        else:
            self.say(str(answer.get("message")))

    def watch(self, paths: list[Path]) -> None:
        from watchfiles import watch

        def relevant(_change, path: str) -> bool:
            name = Path(path).name
            return not name.startswith(".") and Path(path).suffix in WATCHED_SUFFIXES

        for changes in watch(*[p for p in paths if p.exists()], stop_event=self.stopping,
                             watch_filter=relevant, debounce=150, step=10, rust_timeout=500):
            # step: how long the watcher waits for a quiet moment before it reports a
            # change; an editor's save (write, rename) takes microseconds, so 10 ms groups
            # it, where 50 ms only added to the editor's wait
            names = sorted({Path(p).name for _, p in changes})
            self.say(f"变更：{', '.join(names[:5])}{' …' if len(names) > 5 else ''}")
            try:
                self.rebuild()
            except Exception as exc:  # compile itself raised: a bug, shown like any failure
                self.failed("", exc)


def serve(plan_dir: Path, out_dir: Path, port: int, pdf: bool, say: Callable[[str], None],
          watch_paths: list[Path], ready: Callable[[str], None] | None = None,
          stop: threading.Event | None = None) -> None:
    """Serve until Ctrl-C (or `stop` is set); `ready` receives the URL once listening."""
    hub = Hub()
    preview = Preview(plan_dir, out_dir, hub, pdf, say)
    try:
        preview.rebuild()
    except Exception as exc:
        preview.failed("", exc)
    site = out_dir.resolve() / "editorial"  # the editor's view: report, placeholders
    handler = type("BoundHandler", (Handler,), {"hub": hub})
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(site)))
    server.daemon_threads = True
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    threads = [threading.Thread(target=preview.watch, args=(watch_paths,), daemon=True),
               threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)]
    if pdf:
        threads.append(threading.Thread(target=preview.pdf_worker, daemon=True))
    for t in threads:
        t.start()
    event = stop or threading.Event()
    try:  # announce inside the try: a Ctrl-C right after the announcement exits cleanly too
        say(f"预览地址 {url}（Ctrl-C 退出）")
        if ready is not None:
            ready(url)
        while not event.wait(0.5):
            pass
    except KeyboardInterrupt:
        say("退出 (bye)")
    finally:
        preview.stopping.set()
        hub.close()
        server.shutdown()
        server.server_close()
