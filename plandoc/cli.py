"""The command line (`plandoc` or `python build.py`), one command per job:

- `check`: load, validate and check the plan; findings on stdout.
- `build`: the site, the PDF, JSON, CSV, XLSX and DOCX (--drafts: the editor's view too).
- `serve`: live preview on 127.0.0.1, rebuilt on every save.
- `fmt`: rewrite the plan's files in canonical form.
- `import`: a plain-text or .docx plan into plandoc XML.
- `annotate`: write the numbers recognised in prose as markup, for review.
- `diff`: two versions of a plan, as a redline for sign-off.
- `review`: a returned Word copy's tracked changes and comments as proposals.
- `docs`: docs/reference.md and docs/diagnostics.md from the grammar and the catalogue.

`check` and `build` take the compile of a plan unchanged since the last run from the
compile cache (`compile_cache`; `--no-cache` compiles afresh).

Exit codes: 0 no errors (warnings allowed unless --strict), 1 the plan has errors,
2 usage or environment problems. `check` writes its findings and summary to stdout, in
document order (so `check > file` and `| grep` work); `build` writes a one-line summary
(and the errors that stop it), progress and the files written to stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import diagnostics as dg

FORMATS = ("json", "csv", "xlsx", "docx", "html", "pdf")
"""In the order they are rendered: quick ones first."""


def _report(diags, fmt: str, minimum: dg.Severity | None = None,
            show_accepted: bool = False) -> None:
    """Findings on stdout, in document order: open ones at or above `minimum` (text:
    warning by default; json: everything, each with its decision), then one summary line."""
    diags = list(diags)
    if fmt == "json":
        shown = [d for d in diags if minimum is None or dg.at_least(d, minimum)]
        click.echo(dg.format_json(shown))
        return
    if fmt == "accept":
        from . import accepted

        for d in diags:
            if d.decision is None and d.severity is not dg.Severity.ERROR and \
                    d.code not in ("PD370", "PD371") and (minimum is None or dg.at_least(d, minimum)):
                note = f"{d.place or d.file}：{d.message}".replace("--", "—")  # a comment has no --
                click.echo(f"{accepted.finding_xml(d)}  <!-- {note} -->")
        return
    minimum = minimum or dg.Severity.WARNING
    for d in diags:
        if dg.at_least(d, minimum) and (d.decision is None or show_accepted):
            click.echo(dg.format_text(d))
    click.echo(dg.check_summary(diags, minimum, show_accepted))


def _compile(plan_dir: Path, strict: bool, cache: bool, with_plan: bool):
    """The compiled plan (from the compile cache when the plan and plandoc are unchanged)."""
    from .compile_cache import compiled as compile_cached

    compiled = compile_cached(plan_dir, with_plan, use=cache)
    diags = dg.escalate(list(compiled.diagnostics), strict)
    failed = not compiled.converted or any(d.severity is dg.Severity.ERROR for d in diags)
    return compiled, diags, failed


def _cache_option(f):
    return click.option("--no-cache", "no_cache", is_flag=True,
                        help="不用编译缓存，重新编译（缓存也不更新）。Compile afresh; leave the cache alone.")(f)


class _Group(click.Group):
    """Environment problems (a path that cannot be written, a tool that failed, an input
    file in the wrong encoding) end with a one-line message and exit code 2, never a
    traceback; mistakes in the plan are diagnostics (exit 1)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            # a TOML error only from a run that read TOML: `check` need not import tomllib
            toml = sys.modules.get("tomllib")
            if isinstance(exc, ValueError) and not isinstance(exc, UnicodeDecodeError) and (
                    toml is None or not isinstance(exc, toml.TOMLDecodeError)):
                raise
            click.echo(f"错误 (error): {exc}", err=True)
            sys.exit(2)


def _plan_option(f):
    return click.option("--plan", "plan_dir", type=click.Path(path_type=Path, file_okay=False,
                                                               exists=True),
                        default=Path("plan"), show_default=True,
                        help="规划源目录（含 plan.xml）。")(f)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """plandoc：规划纲要编译器 — a compiler for structured plan documents."""


@main.command()
@_plan_option
@click.option("--strict", is_flag=True,
              help="未决定的警告也视为错误。Open (undecided) warnings count as errors.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "accept"]), default="text",
              show_default=True,
              help="诊断输出格式；accept 列出未决定的发现的 <finding> 元素，供粘贴到 accepted.xml。")
@click.option("--severity", type=click.Choice(["error", "warning", "note"]), default=None,
              help="显示的最低严重程度（文本默认 warning，json 默认全部）。Minimum severity shown.")
@click.option("--show-accepted", is_flag=True,
              help="也列出已决定的发现及其决定和理由。Also list findings an editor has decided on.")
@_cache_option
def check(plan_dir: Path, strict: bool, fmt: str, severity: str | None, show_accepted: bool,
          no_cache: bool) -> None:
    """载入、校验并检查规划。Load, validate and check the plan.

    发现按文档顺序写到标准输出；plan/accepted.xml 中已决定的发现只计数。"""
    _, diags, failed = _compile(plan_dir, strict, not no_cache, with_plan=False)
    _report(diags, fmt, dg.Severity(severity) if severity else None, show_accepted)
    sys.exit(1 if failed else 0)


@main.command()
@_plan_option
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("dist"),
              show_default=True, help="输出目录。")
@click.option("--format", "formats", default=",".join(FORMATS), show_default=True,
              help="输出格式，逗号分隔：html,pdf,json,csv,xlsx,docx。")
@click.option("--strict", is_flag=True, help="未决定的警告也视为错误。")
@click.option("--drafts", is_flag=True,
              help="另写编辑稿（编辑报告、导入报告、占位图）到 OUT/editorial/，公开网站 site/ 不受影响。"
                   "Also write the editor's view to OUT/editorial/.")
@click.option("--release", is_flag=True,
              help="发布构建：有错误或未接受的警告时拒绝构建（退出码 1）。"
                   "Refuse to build while errors or unaccepted warnings remain.")
@click.option("--quiet", "-q", is_flag=True, help="不显示进度和写出的文件。No progress output.")
@_cache_option
def build(plan_dir: Path, out_dir: Path, formats: str, strict: bool, drafts: bool,
          release: bool, quiet: bool, no_cache: bool) -> None:
    """构建网站、PDF 和 JSON。Build the site, the PDF and the JSON."""
    _check_out(plan_dir, out_dir)
    wanted = [f.strip() for f in formats.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise click.UsageError(f"未知的输出格式：{', '.join(unknown) or '(空)'}；可选 {', '.join(FORMATS)}")
    if drafts and release:
        raise click.UsageError("--drafts 与 --release 不能同时使用：发布构建不含编辑稿。")
    compiled, diags, failed = _compile(plan_dir, strict, not no_cache, with_plan=True)
    if failed:  # what stops the build is listed; the rest is `check`'s to show
        for d in diags:
            if d.severity is dg.Severity.ERROR:
                click.echo(dg.format_text(d), err=True)
    click.echo(f"检查：{dg.check_summary(diags, dg.Severity.NOTE, True)}"
               f"（详见 python build.py check）", err=True)
    if failed:
        click.echo("构建中止：规划有错误，原有输出保持不变。Build stopped; previous output kept.",
                   err=True)
        sys.exit(1)
    from .pipeline import build as run_build
    from .pipeline import release_blockers, release_refusal

    blockers = release_blockers(compiled.diagnostics) if release else []
    if blockers:
        click.echo(dg.format_text(release_refusal(plan_dir, blockers)), err=True)
        click.echo("构建中止：不能发布，原有输出保持不变。Release refused; previous output kept.",
                   err=True)
        sys.exit(1)
    chosen = [f for f in FORMATS if f in wanted] + (["editorial"] if drafts else [])
    # a release carries no editor's findings (their hints and source paths) into what is published
    findings = () if release else compiled.diagnostics
    if quiet:
        run_build(compiled.plan, out_dir, chosen, findings)
        return
    if sys.stderr.isatty():  # a progress bar only where someone watches it
        written = _with_progress(lambda step: run_build(compiled.plan, out_dir, chosen,
                                                        findings, progress=step), chosen)
    else:
        written = run_build(compiled.plan, out_dir, chosen, findings)
    for path in written:
        if path.parent == out_dir.resolve() or path.name == "index.html":
            click.echo(f"写出 {path}", err=True)


def _check_out(plan_dir: Path, out_dir: Path, replaced: bool = True) -> None:
    """The output directory must be a directory, and neither inside the plan nor holding it:
    the build replaces it as a whole and never writes into plan/. A directory that is only
    written into (review's reviews/, `replaced` False) may hold other files."""
    if out_dir.exists() and not out_dir.is_dir():
        raise click.UsageError(f"--out 不是目录：{out_dir}")
    plan, out = plan_dir.resolve(), out_dir.resolve()
    if out == plan or plan in out.parents or out in plan.parents:
        raise click.UsageError(f"--out 不能是规划目录、其子目录或其上级目录：{out_dir}")
    from .publish import foreign_out

    refused = foreign_out(out) if replaced else None
    if refused is not None:
        raise click.UsageError(refused + "。请指定一个新目录或空目录。")


STEP_NAMES = {"json": "JSON", "csv": "CSV", "xlsx": "XLSX", "docx": "Word (docx)", "html": "网站 (site)",
              "editorial": "编辑稿 (editorial)", "pdf": "PDF"}


def _with_progress(run, formats: list[str]):
    """Run a build showing one progress step per format on stderr (transient: rich
    leaves no bar behind)."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("构建", total=len(formats))

        def step(fmt: str) -> None:
            if progress.tasks[task].description != "构建":
                progress.advance(task)
            progress.update(task, description=f"生成 {STEP_NAMES.get(fmt, fmt)}")

        written = run(step)
        progress.update(task, completed=len(formats))
    return written


@main.command(name="import")
@click.argument("text", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True,
              help="输出目录（写入 plan.xml、chapters/、import-report.md）。")
@click.option("--ids", "ids", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              default=None, help="标题到 id 的映射文件（TOML）。")
@click.option("--annotate", "annotate_", is_flag=True,
              help="导入后写入自动识别的标记（事实、计数、总数），供审阅。Annotate after importing.")
def import_(text: Path, out_dir: Path, ids: Path | None, annotate_: bool) -> None:
    """把纯文本或 Word/WPS 文档（.docx）规划转换为 plandoc XML。Import a plain-text or .docx plan."""
    from .importer.__main__ import main as import_main

    argv = [str(text), "--out", str(out_dir)] + (["--ids", str(ids)] if ids else [])
    code = import_main(argv)
    if annotate_ and code == 0:
        _annotate_report(out_dir, False)
    sys.exit(code)


@main.command(name="annotate")
@_plan_option
@click.option("--check", "check_only", is_flag=True,
              help="只列出会加的标记，有则退出码 1。Only report; exit 1 if markup would be added.")
def annotate_(plan_dir: Path, check_only: bool) -> None:
    """把自动识别的事实、计数、总数写成标记（经 fmt 原子写入），供用 diff 审阅。Write recognised markup."""
    sys.exit(1 if _annotate_report(plan_dir, check_only) and check_only else 0)


def _annotate_report(plan_dir: Path, check_only: bool) -> int:
    from .recognise.annotate import annotate

    results = annotate(plan_dir, check=check_only)
    verb = "将加" if check_only else "已加"
    for r in results:
        click.echo(f"{r.path}: {verb} {r.facts} 个事实、{r.counts} 个计数、{r.totals} 个总数", err=True)
        for note in r.ambiguous:
            click.echo(f"    绑定不确定，请先审阅：{note}", err=True)
    click.echo(f"{len(results)} 个文件{'需要标记' if check_only else '已标记'}", err=True)
    return len(results)


@main.command()
@click.option("--plan", "plan_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              default=Path("plan"), show_default=True, help="规划源目录。")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("dist"),
              show_default=True, help="输出目录。")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="端口（0 表示任选）。")
@click.option("--no-pdf", is_flag=True, help="不在后台重建 PDF。")
def serve(plan_dir: Path, out_dir: Path, port: int, no_pdf: bool) -> None:
    """实时预览：构建、在 127.0.0.1 提供网站、修改后自动重建并刷新页面。Live preview."""
    from .resources import SCHEMA, TEMPLATES
    from .serve import serve as run_serve

    _check_out(plan_dir, out_dir)
    run_serve(plan_dir, out_dir, port, not no_pdf, lambda text: click.echo(text, err=True),
              [plan_dir, TEMPLATES, SCHEMA])


@main.command(name="fmt")
@click.option("--plan", "plan_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              default=Path("plan"), show_default=True, help="规划源目录。")
@click.option("--check", "check_only", is_flag=True,
              help="只检查：列出会被改动的文件，有则退出码 1。Only report; exit 1 if any file would change.")
def fmt_(plan_dir: Path, check_only: bool) -> None:
    """把规划源文件改写为统一格式（原子写入）。Rewrite plan files in canonical form."""
    from .fmt import fmt

    outcomes = fmt(plan_dir, check=check_only)
    for o in outcomes:
        if o.error:
            click.echo(f"{o.path}: error: 无法解析，未改动：{o.error}", err=True)
        elif o.changed:
            click.echo(f"{o.path}: {'需要格式化 (would reformat)' if check_only else '已格式化 (reformatted)'}",
                       err=True)
    changed = sum(o.changed for o in outcomes)
    errors = sum(bool(o.error) for o in outcomes)
    click.echo(f"{len(outcomes)} 个文件，{changed} 个{'需要' if check_only else '已'}格式化，{errors} 个无法解析",
               err=True)
    sys.exit(1 if errors or (check_only and changed) else 0)


@main.command(name="diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--html", "html_out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="另写一份可打印的修订对照稿（HTML）。Also write the redline as a printable HTML page.")
@click.option("--pdf", "pdf_out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="另写修订对照稿 PDF（页码、签字栏）。Also write the redline as PDF.")
@click.option("--old-name", default=None, help="原版本的名称，如“征求意见稿”。Name of the old version.")
@click.option("--new-name", default=None, help="修订版本的名称，如“送审稿”。Name of the new version.")
@click.option("--date", "on", default=None, help="对照日期 YYYY-MM-DD（默认：SOURCE_DATE_EPOCH，或新版本的提交日期，或今天）。")
def diff_(old: str, new: str, fmt: str, html_out: Path | None, pdf_out: Path | None,
          old_name: str | None, new_name: str | None, on: str | None) -> None:
    """比较两个版本的规划（目录，或 plan/ 的 git 修订版本如 HEAD~1），供审核签发。Compare two versions of a plan."""
    import json
    import shutil
    import tempfile

    from .diff import diff_plans, materialise
    from .pipeline import compile_plan
    from .redline import terminal_text

    work = Path(tempfile.mkdtemp(prefix="plandoc-diff-"))
    try:
        plans = []
        for spec in (old, new):
            refused: list[dg.Diagnostic] = []
            try:
                plan_dir = materialise(spec, Path.cwd(), work, refused)
            except ValueError as exc:
                raise click.UsageError(str(exc)) from None
            if refused:  # a revision that links out of the plan is not compared at all
                _report(refused, "text")
                sys.exit(1)
            compiled = compile_plan(plan_dir)
            if compiled.plan is None:
                _report(compiled.diagnostics, "text", dg.Severity.ERROR)
                sys.exit(1)
            plans.append(compiled.plan)
        result = diff_plans(*plans)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(terminal_text(result))
    if html_out is not None or pdf_out is not None:
        _write_redline(result, plans[1], (old, old_name), (new, new_name), on, html_out, pdf_out)


def _write_redline(result, plan, old: tuple, new: tuple, on: str | None,
                   html_out: Path | None, pdf_out: Path | None) -> None:
    import datetime as dt
    import os
    import re

    from .diff import version_name
    from .pdf.view import chinese_date
    from .redline import Versions, page_html, write_pdf

    (old_spec, old_name), (new_spec, new_name) = old, new
    old_auto, _ = version_name(old_spec, Path.cwd())
    new_auto, new_day = version_name(new_spec, Path.cwd())
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if on is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", on):
        raise click.UsageError(f"--date 须为 YYYY-MM-DD：{on}")
    day = on or (dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).strftime("%Y-%m-%d")
                 if epoch.isdigit() else new_day or dt.date.today().isoformat())
    versions = Versions(plan.meta.title, old_name or old_auto, new_name or new_auto, chinese_date(day))
    page = page_html(result, versions)
    if html_out is not None:
        html_out.write_text(page, encoding="utf-8")
        click.echo(f"写出 {html_out}", err=True)
    if pdf_out is not None:
        write_pdf(page, pdf_out)
        click.echo(f"写出 {pdf_out}", err=True)


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("docs"),
              show_default=True)
def docs(out_dir: Path) -> None:
    """从模式和诊断目录生成参考文档。Generate docs/reference.md and docs/diagnostics.md."""
    from .docgen import write_docs

    for path in write_docs(out_dir):
        click.echo(f"写出 {path}", err=True)


@main.command(name="review")
@click.argument("copies", nargs=-1, required=True,
                type=click.Path(path_type=Path, exists=True, dir_okay=False))
@_plan_option
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("reviews"),
              show_default=True, help="审阅文件和意见汇总表的目录（不得在规划目录内）。")
@click.option("--apply", "apply_", is_flag=True, help="采纳可直接采纳的修改，写入规划 XML。")
@click.option("--only", "only", multiple=True, help="只采纳这些意见编号（可多次给出）。")
@click.option("--author", "authors", multiple=True, help="只采纳这些审阅人的修改（可多次给出）。")
@click.option("--decisions", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              default=None, help="只采纳意见汇总表中“处理意见”为“采纳”的意见。")
def review_(copies: tuple[Path, ...], plan_dir: Path, out_dir: Path, apply_: bool,
            only: tuple[str, ...], authors: tuple[str, ...], decisions: Path | None) -> None:
    """读取返回的征求意见稿（.docx）中的修订和批注，形成修改建议。Turn a returned Word
    copy's tracked changes and comments into proposals; --apply accepts them."""
    from .pipeline import compile_plan
    from .review import report, review
    from .review_files import decisions as read_decisions
    from .review_files import write

    _check_out(plan_dir, out_dir, replaced=False)  # reviews/ is written into, never swapped
    try:  # read before anything is written: the summary table is rewritten below
        decided = read_decisions(decisions) if decisions else None
    except (ValueError, KeyError) as exc:
        raise click.UsageError(str(exc)) from None
    compiled = compile_plan(plan_dir)
    if compiled.plan is None or not compiled.ok:
        _report(compiled.diagnostics, "text", dg.Severity.ERROR)
        click.echo("规划有错误，先修正再处理意见。Fix the plan first.", err=True)
        sys.exit(1)
    result = review(compiled.plan, list(copies))
    for d in result.diagnostics:
        click.echo(dg.format_text(d), err=True)
    for path in write(result, out_dir, compiled.plan):
        click.echo(f"写出 {path}", err=True)
    click.echo(report(result))
    failed = any(d.severity is dg.Severity.ERROR for d in result.diagnostics)
    if apply_ and not failed:
        from .review_apply import apply

        chosen = [p for p in result.proposals if p.kind != "comment"
                  and (not only or p.id in only) and (not authors or p.author in authors)
                  and (decided is None or decided.get(p.id) == "采纳")]
        outcome = apply(compiled.plan, result, chosen, plan_dir)
        for p in outcome:
            state = "已采纳" if p.status == "applied" else f"未采纳（{p.reason or p.status}）"
            click.echo(f"[{p.id}] {p.place} {state}")
        click.echo(f"采纳 {sum(p.status == 'applied' for p in outcome)} 条，"
                   f"未采纳 {sum(p.status != 'applied' for p in outcome)} 条；用 check 和 diff 查看结果。",
                   err=True)
    sys.exit(1 if failed else 0)
