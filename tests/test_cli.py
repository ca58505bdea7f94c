"""The CLI contract: output formats, exit codes, no PDF engine on the check path,
builds that never lose the previous output."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata

import pytest

from plans import MINI, ROOT, overlay
from plans import PLAN_OK

BUILD = [sys.executable, str(ROOT / "build.py")]


def run(*args, cwd=None):
    return subprocess.run([*BUILD, *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_clean_plan_exits_0():
    r = run("check", "--plan", MINI)
    assert r.returncode == 0, r.stderr


def test_errors_exit_1_with_located_text(tmp_path):
    plan, _ = overlay("PD201", tmp_path)
    r = run("check", "--plan", "plan", cwd=tmp_path)
    assert r.returncode == 1
    first, source, caret, hint = r.stdout.splitlines()[:4]
    assert first.startswith("plan/chapters/ch01.xml:4:")
    assert "error[PD201]" in first and "col-xyz" in first
    column = int(first.split(":")[2])
    line = (plan / "chapters" / "ch01.xml").read_text(encoding="utf-8").splitlines()[3]
    shown = source.split(" | ", 1)[1]
    assert shown.removeprefix("...").removesuffix("...") in line  # an excerpt of the line
    under, width = None, caret.index("^") - caret.index("| ") - 2  # the caret under the column
    for i, ch in enumerate(shown):
        if width == 0:
            under = shown[i:]
            break
        width -= 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    assert under is not None and line[column - 1:].startswith(under[:12])
    assert hint.startswith("    提示：")
    assert r.stdout.splitlines()[-1].startswith("错误 1，警告 0")


def test_json_format(tmp_path):
    plan, _ = overlay("PD201", tmp_path)
    r = run("check", "--plan", plan, "--format", "json")
    assert r.returncode == 1
    (d,) = json.loads(r.stdout)
    assert set(d) >= {"code", "severity", "file", "line", "column", "message", "hint"}
    assert (d["code"], d["severity"], d["line"]) == ("PD201", "error", 4)


def test_warnings_pass_unless_strict(tmp_path):
    plan, _ = overlay("PD220", tmp_path)
    assert run("check", "--plan", plan).returncode == 0
    assert run("check", "--plan", plan, "--strict").returncode == 1


def test_usage_errors_exit_2(tmp_path):
    assert run("check", "--format", "yaml").returncode == 2
    assert run("build", "--plan", MINI, "--out", tmp_path / "o", "--format", "odt").returncode == 2
    assert run("frobnicate").returncode == 2


def test_the_module_docstring_names_every_command():
    from plandoc import cli

    listed = set(re.findall(r"^- `([a-z]+)`:", cli.__doc__, re.M))
    assert listed == set(cli.main.commands), listed ^ set(cli.main.commands)


def test_check_does_not_import_the_pdf_engine():
    code = ("import sys\nfrom plandoc.cli import main\n"
            "try:\n    main(['check', '--plan', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
            "assert 'weasyprint' not in sys.modules, 'check imported weasyprint'\n"
            "assert 'jinja2' not in sys.modules, 'check imported jinja2'\n"
            # the mini plan has no companion pages: no Markdown parser either
            "assert 'markdown_it' not in sys.modules, 'check imported markdown_it'\n"
            "assert 'tomllib' not in sys.modules, 'check imported tomllib'\n"
            "assert 'ctypes' not in sys.modules, 'check imported ctypes (the build swap needs it)'\n")
    r = subprocess.run([sys.executable, "-c", code, str(MINI)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


COMPILER = ("lxml", "plandoc.load", "plandoc.validate", "plandoc.convert", "plandoc.checks",
            "plandoc.recognise", "plandoc.pages", "plandoc.accepted", "plandoc.model", "pypinyin",
            "opencc", "markdown_it")


def test_a_warm_check_loads_no_compiler(tmp_path):
    """An unchanged plan's findings come from the compile cache: no parser, no checks, no
    recognition, not even the model (a check never unpickles it)."""
    code = ("import sys\nfrom plandoc.cli import main\n"
            "try:\n    main(['check', '--plan', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
            "print(' '.join(m for m in " + repr(COMPILER) + " if m in sys.modules))\n")
    plan, _ = overlay("PD220", tmp_path)  # a warning: the findings come from the cache
    cold, warm = (subprocess.run([sys.executable, "-c", code, str(plan)], capture_output=True, text=True)
                  for _ in range(2))
    assert cold.returncode == warm.returncode == 0, cold.stderr + warm.stderr
    assert cold.stdout.split("\n")[:-2] == warm.stdout.split("\n")[:-2] and "PD220" in warm.stdout
    assert "lxml" in cold.stdout.splitlines()[-1]  # the test can tell
    assert warm.stdout.splitlines()[-1] == ""


def test_build_writes_json_and_site(tmp_path):
    r = run("build", "--plan", MINI, "--out", tmp_path / "dist", "--format", "json,html")
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "dist" / "plan.json").read_text(encoding="utf-8"))["parts"]
    assert (tmp_path / "dist" / "site" / "index.html").is_file()


def test_failed_build_keeps_previous_output(tmp_path):
    out = tmp_path / "dist"
    assert run("build", "--plan", MINI, "--out", out, "--format", "json").returncode == 0
    before = (out / "plan.json").read_bytes()
    plan, _ = overlay("PD100", tmp_path)
    r = run("build", "--plan", plan, "--out", out, "--format", "json")
    assert r.returncode == 1
    assert (out / "plan.json").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".dist")) == [".dist.lock"]


def test_renderer_crash_keeps_previous_output(tmp_path, monkeypatch):
    from plandoc import pipeline
    from plandoc.pipeline import build, compile_plan

    out = tmp_path / "dist"
    plan = compile_plan(MINI).plan
    build(plan, out, ["json"])
    before = (out / "plan.json").read_bytes()
    monkeypatch.setitem(pipeline.RENDERERS, "html", "plandoc.no_such_renderer:render")
    with pytest.raises(ModuleNotFoundError):
        build(plan, out, ["json", "html"])
    assert (out / "plan.json").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [".dist.lock"]


def test_build_never_writes_into_the_plan(tmp_path, mini_copy):
    def snapshot():
        return sorted((p.relative_to(mini_copy).as_posix(), p.stat().st_mtime_ns)
                      for p in mini_copy.rglob("*"))
    before = snapshot()
    assert run("build", "--plan", mini_copy, "--out", tmp_path / "dist", "--format", "json,html").returncode == 0
    assert snapshot() == before


def test_killed_build_keeps_previous_output_and_the_next_build_cleans_up(tmp_path, mini_copy):
    import signal
    import time

    out = tmp_path / "dist"
    assert run("build", "--plan", MINI, "--out", out, "--format", "json,html").returncode == 0
    before = {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    ch = mini_copy / "chapters" / "ch01.xml"  # a different plan: a finished build would change dist/
    ch.write_text(ch.read_text(encoding="utf-8").replace("坚持。", "坚持不懈。"), encoding="utf-8")
    proc = subprocess.Popen([*BUILD, "build", "--plan", str(mini_copy), "--out", str(out),
                             "--format", "json,html,pdf"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and not list(tmp_path.glob(".dist.build-*/site/index.html")):
        time.sleep(0.02)  # midway: JSON and site written into staging, the PDF under way
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    assert list(tmp_path.glob(".dist.build-*")), "the build finished before it could be killed"
    after = {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert after == before
    assert run("build", "--plan", MINI, "--out", out, "--format", "json").returncode == 0
    assert not list(tmp_path.glob(".dist.build-*")) and not list(tmp_path.glob(".dist.old-*"))


def test_partial_rebuild_keeps_other_formats_and_drops_stale_pages(tmp_path):
    out = tmp_path / "dist"
    assert run("build", "--plan", MINI, "--out", out, "--format", "json,html").returncode == 0
    stale = out / "site" / "stale.html"
    stale.write_text("old", encoding="utf-8")
    json_before = (out / "plan.json").read_bytes()
    assert run("build", "--plan", MINI, "--out", out, "--format", "html").returncode == 0
    assert not stale.exists()
    assert (out / "plan.json").read_bytes() == json_before


def test_quiet_build_prints_no_progress(tmp_path):
    loud = run("build", "--plan", MINI, "--out", tmp_path / "a", "--format", "json")
    quiet = run("build", "--plan", MINI, "--out", tmp_path / "b", "--format", "json", "--quiet")
    assert loud.returncode == quiet.returncode == 0
    assert "写出" in loud.stderr and "写出" not in quiet.stderr


def test_progress_shows_on_a_terminal_only(tmp_path):
    """On a terminal the build shows its steps (生成 …); piped, it prints only what it wrote."""
    import os
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen([*BUILD, "build", "--plan", str(MINI), "--out", str(tmp_path / "t"),
                             "--format", "json,html"], stderr=slave, stdout=subprocess.DEVNULL)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert proc.wait() == 0
    assert "生成 网站 (site)".encode() in shown
    piped = run("build", "--plan", MINI, "--out", tmp_path / "p", "--format", "json,html")
    assert piped.returncode == 0 and "写出" in piped.stderr and "生成" not in piped.stderr


def test_real_excerpt_fixture_checks_clean():
    """The fixture cut from the seed (第一章 + 专栏 1, 第四章 + 专栏 2, 第十六章 + 专栏 14–19,
    图 3–8) has no errors; what it reports is what the published plan itself holds."""
    r = run("check", "--plan", PLAN_OK, "--format", "json")
    assert r.returncode == 0
    codes = {d["code"] for d in json.loads(r.stdout)}
    # PD250: the published notice prints no signoff (signature, 成文日期); PD122: blank cells as printed
    assert codes <= {"PD122", "PD220", "PD250", "PD301", "PD302", "PD350", "PD361"}, codes
    assert not [d for d in json.loads(r.stdout) if d["severity"] == "error"]


def test_environment_problems_exit_2_without_traceback(tmp_path):
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("第一篇 测试".encode("gbk"))
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    for args in (["check", "--plan", tmp_path / "missing"],
                 ["build", "--plan", MINI, "--out", "/proc/plandoc-cannot-write", "--format", "json"],
                 ["build", "--plan", MINI, "--out", afile, "--format", "json"],
                 ["build", "--plan", MINI, "--out", MINI.parent, "--format", "json"],
                 ["build", "--plan", MINI, "--out", MINI / "out", "--format", "json"],
                 ["import", gbk, "--out", tmp_path / "imp"],
                 ["diff", "--", "--output=" + str(tmp_path / "pwn.tar"), "HEAD"]):
        r = run(*args, cwd=ROOT)
        assert r.returncode == 2, (args, r.stderr)
        assert "Traceback" not in r.stderr, (args, r.stderr)
    assert afile.read_text(encoding="utf-8") == "x"
    assert not (tmp_path / "pwn.tar").exists()
    assert not (MINI / "out").exists()


def test_output_directory_is_readable_by_others(tmp_path):
    import stat

    assert run("build", "--plan", MINI, "--out", tmp_path / "dist", "--format", "json").returncode == 0
    assert stat.S_IMODE((tmp_path / "dist").stat().st_mode) & 0o005 == 0o005


def test_build_prints_a_summary_not_the_findings(tmp_path):
    plan, _ = overlay("PD220", tmp_path)
    r = run("build", "--plan", plan, "--out", tmp_path / "out", "--format", "json")
    assert r.returncode == 0
    assert "PD220" not in r.stderr and "PD220" not in r.stdout
    assert "检查：错误 0，警告 1，提示 0（详见 python build.py check）" in r.stderr


def test_check_lists_in_document_order_on_stdout_with_a_minimum_severity(tmp_path):
    """plan.xml's findings come before the chapters', the chapters' in the listed order."""
    from plans import ROOT as root

    r = run("check", "--plan", "plan", "--severity", "note", "--show-accepted", cwd=root)
    files = [line.split(":")[0] for line in r.stdout.splitlines()
             if line.startswith("plan/") and "[PD" in line]
    listed = [line.split('"')[1] for line in (root / "plan" / "plan.xml").read_text(encoding="utf-8").splitlines()
              if "<chapter file=" in line]
    order = [listed.index(f[len("plan/"):]) for f in files if f[len("plan/"):] in listed]
    assert order and order == sorted(order)
    errors_only = run("check", "--plan", root / "plan", "--severity", "error")
    (summary,) = errors_only.stdout.splitlines()  # no error: the summary line alone
    # the hidden findings are counted, with the option that would show them all
    assert summary.startswith("错误 0 | 未列出：警告 ") and ("(--severity warning)" in summary
                                                          or "(--severity note)" in summary)
