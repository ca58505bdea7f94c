"""Printing reads nothing outside the plan and the templates and makes no request:
an SVG in the plan that names a URL or a system file gets nothing."""

import http.server
import shutil
import threading

from plandoc.pipeline import build, compile_plan

from plans import MINI


def test_pdf_build_fetches_nothing_outside_the_plan(tmp_path):
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        plan = tmp_path / "plan"
        shutil.copytree(MINI, plan)
        secret = tmp_path / "secret.png"
        shutil.copy(plan / "figures" / "fig-map.svg", secret)
        port = server.server_address[1]
        (plan / "figures" / "fig-map.svg").write_text(
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            'width="100" height="50">'
            f'<image href="http://127.0.0.1:{port}/leak.png" width="10" height="10"/>'
            f'<image xlink:href="{secret.as_uri()}" width="10" height="10"/></svg>', encoding="utf-8")
        compiled = compile_plan(plan)
        build(compiled.plan, tmp_path / "out", ["pdf"])
        assert (tmp_path / "out" / "plan.pdf").is_file()
        assert hits == []
    finally:
        server.shutdown()
