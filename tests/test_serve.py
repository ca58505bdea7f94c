"""serve: the preview rebuilds on change and tells open pages to reload; with errors
it keeps the last good site and sends the errors; Ctrl-C exits cleanly."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from plandoc.serve import serve

from plans import ROOT


class Events:
    """Reads the server-sent event stream in a thread."""

    def __init__(self, url: str):
        self.events: list[tuple[str, str]] = []
        self.resp = urllib.request.urlopen(url + "__plandoc__/events", timeout=30)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        event = None
        for raw in self.resp:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event:
                self.events.append((event, line[6:]))
                event = None

    def wait_for(self, name: str, after: int, timeout: float = 20) -> tuple[str, str]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            for e in self.events[after:]:
                if e[0] == name:
                    return e
            time.sleep(0.05)
        raise AssertionError(f"no {name} event; got {self.events}")


def test_edit_reload_error_overlay_and_recovery(mini_copy, tmp_path):
    out = tmp_path / "dist"
    ready: list[str] = []
    stop = threading.Event()
    said: list[str] = []
    t = threading.Thread(target=serve, args=(mini_copy, out, 0, False, said.append, [mini_copy]),
                         kwargs={"ready": ready.append, "stop": stop}, daemon=True)
    t.start()
    deadline = time.time() + 30
    while not ready and time.time() < deadline:
        time.sleep(0.05)
    url = ready[0]
    page = urllib.request.urlopen(url, timeout=10).read().decode()
    assert "/__plandoc__/live.js" in page
    rebinding = urllib.request.Request(url, headers={"Host": "evil.example"})
    try:
        urllib.request.urlopen(rebinding, timeout=10)
        raise AssertionError("a request for another host name was served")
    except urllib.error.HTTPError as exc:
        assert exc.code == 403
    assert "/__plandoc__/live.js" not in (out / "editorial" / "index.html").read_text(encoding="utf-8")
    assert not (out / "site").exists()  # the preview never writes what a publisher copies
    events = Events(url)
    time.sleep(0.5)
    ch = mini_copy / "chapters" / "ch01.xml"
    ch.write_text(ch.read_text(encoding="utf-8").replace("坚持。", "坚持不懈。"), encoding="utf-8")
    events.wait_for("reload", 0)
    assert "坚持不懈" in "".join(p.read_text(encoding="utf-8") for p in (out / "editorial").rglob("ch-*.html"))
    deadline = time.time() + 20  # the JSON follows the pages
    while "坚持不懈" not in (out / "plan.json").read_text(encoding="utf-8") and time.time() < deadline:
        time.sleep(0.05)
    assert "坚持不懈" in (out / "plan.json").read_text(encoding="utf-8")
    good = (out / "plan.json").read_bytes()
    n = len(events.events)
    ch.write_text(ch.read_text(encoding="utf-8").replace('<ref to="col-main"/>', '<ref to="col-nope"/>'),
                  encoding="utf-8")
    _, data = events.wait_for("errors", n)
    errors = json.loads(data)
    assert [(e["code"], e["line"]) for e in errors] == [("PD201", 4)]
    from plandoc import diagnostics as dg
    from plandoc.pipeline import compile_plan

    (as_checked,) = [d for d in compile_plan(mini_copy).diagnostics if d.code == "PD201"]
    assert errors[0]["text"] == dg.format_text(as_checked)  # the overlay shows what check prints
    assert "col-nope" in errors[0]["text"] and "提示：" in errors[0]["text"] and "^" in errors[0]["text"]
    assert (out / "plan.json").read_bytes() == good  # the last good output stays served
    assert urllib.request.urlopen(url, timeout=10).status == 200
    n = len(events.events)
    ch.write_text(ch.read_text(encoding="utf-8").replace('<ref to="col-nope"/>', '<ref to="col-main"/>'),
                  encoding="utf-8")
    events.wait_for("reload", n)
    stop.set()
    t.join(timeout=10)
    assert not t.is_alive()


def test_ctrl_c_exits_cleanly(mini_copy, tmp_path):
    # A shell that starts the test run as a background job ignores SIGINT, and so would the
    # server it inherits that from (Python installs its Ctrl-C handler only where SIGINT is
    # not ignored): give the server the terminal's default, as an editor's shell does.
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--plan", str(mini_copy),
                             "--out", str(tmp_path / "dist"), "--port", "0", "--no-pdf"],
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.time() + 30
    lines = []
    while time.time() < deadline:
        line = proc.stderr.readline()
        lines.append(line)
        if "127.0.0.1" in line:
            break
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=15) == 0, "".join(lines)
    assert "Traceback" not in proc.stderr.read()
