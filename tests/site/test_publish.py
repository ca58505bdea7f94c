"""Public and editorial outputs apart, and the release gate (#21).

The public site (`build`) holds no editor's report, no source path, no internal
vocabulary and no placeholder; the editor's view (`serve`, `build --drafts`) is written
to editorial/, beside it; `build --release` refuses (exit 1, PD260) while errors or
unaccepted warnings remain, and what it writes — site, JSON, PDF — holds no placeholder
text: a missing figure accepted as published separately prints its caption and
（图件另行印发）."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from click.testing import CliRunner

from plandoc import cli, pipeline

from plans import MINI, overlay

PLACEHOLDERS = ("图片待补", "待补", "占位", "TODO", "（无题）")
SEPARATE = "（图件另行印发）"
SOURCE_PATH = re.compile(r"[\w./-]+\.xml\b|:\d+:\d+")


def _public_texts(site) -> dict[str, str]:
    files = site.pages() + [site.site / "search-index.js"]
    return {site.rel(p): p.read_text(encoding="utf-8") for p in files}


def test_public_pages_hold_nothing_for_editors(site):
    """No report (page, link or finding), no source path, no diagnostic code, no internal
    vocabulary (an indicator's basis id), no placeholder, on any page or in the index."""
    assert not (site.site / "report.html").exists()
    bases = {i.basis for i in site.plan.indicators if i.basis}
    for rel, text in _public_texts(site).items():
        assert "report.html" not in text and "编辑报告" not in text, rel
        assert not SOURCE_PATH.search(text), (rel, SOURCE_PATH.search(text).group(0))
        assert not re.search(r"\bPD\d{3}\b", text), rel
        assert not [b for b in bases if b in text], rel
        assert not [p for p in PLACEHOLDERS if p in text], rel


def test_missing_figures_print_as_published_separately(site):
    missing = [f for f in site.plan.figures if not f.image]
    for rel, text in _public_texts(site).items():
        if rel.startswith("chapters/"):
            for fig in missing:
                if f'id="{fig.id}"' in text:
                    assert SEPARATE in text, (rel, fig.id)


def _build(args: list[str]):
    return CliRunner().invoke(cli.main, ["build", *map(str, args)], catch_exceptions=False)


def test_drafts_write_the_editors_view_apart(tmp_path):
    plan, _ = overlay("PD220", tmp_path)  # a figure without its image
    out = tmp_path / "dist"
    r = _build(["--plan", plan, "--out", out, "--format", "html", "--drafts", "-q"])
    assert r.exit_code == 0, r.output
    editorial, public = out / "editorial", out / "site"
    report = (editorial / "report.html").read_text(encoding="utf-8")
    assert "PD220" in report and "chapters/ch01.xml:27" in report
    assert "编辑稿" in (editorial / "index.html").read_text(encoding="utf-8")
    assert "图片待补" in (editorial / "chapters" / "ch-review.html").read_text(encoding="utf-8")
    assert not (public / "report.html").exists()
    chapter = (public / "chapters" / "ch-review.html").read_text(encoding="utf-8")
    assert SEPARATE in chapter and "图片待补" not in chapter


def test_a_plain_build_writes_no_editorial_view(tmp_path):
    out = tmp_path / "dist"
    assert _build(["--plan", MINI, "--out", out, "--format", "html", "-q"]).exit_code == 0
    assert (out / "site" / "index.html").is_file() and not (out / "editorial").exists()


def test_release_with_an_unaccepted_missing_figure_fails(tmp_path):
    plan, _ = overlay("PD220", tmp_path)
    out = tmp_path / "dist"
    (out / "site").mkdir(parents=True)
    (out / "site" / "index.html").write_text("previous", encoding="utf-8")
    r = _build(["--plan", plan, "--out", out, "--format", "html,json", "--release"])
    assert r.exit_code == 1
    refusal = [line for line in r.output.splitlines() if "error[PD260]" in line]
    assert refusal and "PD220" in refusal[0] and "1 个未接受的警告" in refusal[0], r.output
    assert (out / "site" / "index.html").read_text(encoding="utf-8") == "previous"
    assert not (out / "plan.json").exists()


def test_release_and_drafts_do_not_mix(tmp_path):
    r = _build(["--plan", MINI, "--out", tmp_path / "d", "--release", "--drafts"])
    assert r.exit_code == 2


def test_release_gate_blocks_errors_and_unaccepted_warnings_only(monkeypatch):
    from plandoc import diagnostics as dg

    def diag(code, sev, decision=None):
        d = dg.Diagnostic("plan/x.xml", 1, 1, code, sev, "m", "h")
        if decision is not None:  # what #14's Diagnostic.decision will carry
            object.__setattr__(d, "decision", decision)
        return d
    err, warn, note = (diag("PD201", dg.Severity.ERROR), diag("PD220", dg.Severity.WARNING),
                       diag("PD350", dg.Severity.NOTE))
    accepted = diag("PD361", dg.Severity.WARNING, decision="accepted")
    assert pipeline.release_blockers([err, warn, note, accepted]) == [err, warn]
    accepted_error = diag("PD201", dg.Severity.ERROR, decision="accepted")
    assert pipeline.release_blockers([accepted_error]) == [accepted_error]


def test_release_with_an_accepted_missing_figure_has_no_placeholder_anywhere(tmp_path, monkeypatch):
    """Site, JSON and PDF: the figure's caption and （图件另行印发）, nothing else."""
    monkeypatch.setattr(pipeline, "accepted", lambda d: d.code == "PD220")
    plan, _ = overlay("PD220", tmp_path)
    out = tmp_path / "dist"
    r = _build(["--plan", plan, "--out", out, "--format", "json,html,pdf", "--release", "-q"])
    assert r.exit_code == 0, r.output
    texts = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
             for p in sorted(out.rglob("*")) if p.suffix in (".html", ".js", ".json")}
    pdf = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out / "plan.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    texts["plan.pdf"] = pdf
    for rel, text in texts.items():
        assert not [p for p in PLACEHOLDERS if p in text], rel
    assert SEPARATE in texts["site/chapters/ch-review.html"]
    assert "示意图" in "".join(pdf.split()) and SEPARATE in "".join(pdf.split())
    assert json.loads(texts["plan.json"])["figures"][0]["image"] is None
    assert not (out / "editorial").exists()


def test_imprint_date_reads_in_chinese(_builds):
    site = _builds("plan")
    text = (site.site / "back.html").read_text(encoding="utf-8")
    assert "2021年6月24日印发" in text and "2021-06-24" not in text


@pytest.mark.parametrize("text, found", [
    ("森林覆盖率达到（待补）%", "（待补）"), ("图片待补", "图片待补"), ("示意图 TODO", "TODO"),
    ("第九章（无题）", "（无题）"), ("此处为占位符", "占位符"), ("（数据待补充）", "（数据待补充）"),
    ("补齐短板有待补强", None), ("抢占位次", None), ("占位", None), ("todo list", None),
])
def test_placeholder_text_is_told_from_plan_language(text, found):
    from plandoc.checks.text import PLACEHOLDER

    hit = PLACEHOLDER.search(text)
    assert (hit.group(0) if hit else None) == found


def test_the_editors_view_is_deterministic(tmp_path):
    plan, _ = overlay("PD220", tmp_path)
    trees = []
    for name in ("a", "b"):
        out = tmp_path / name
        assert _build(["--plan", plan, "--out", out, "--format", "html", "--drafts", "-q"]).exit_code == 0
        trees.append({p.relative_to(out).as_posix(): p.read_bytes()
                      for p in sorted(out.rglob("*")) if p.is_file()})
    assert trees[0] == trees[1] and "editorial/report.html" in trees[0]
