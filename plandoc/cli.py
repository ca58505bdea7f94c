"""The command line: check, build, import, docs.

Exit codes: 0 no errors (warnings allowed unless --strict), 1 the plan has errors,
2 usage or environment problems. Diagnostics go to stdout with --format json and to
stderr as text otherwise; progress and summaries always go to stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import diagnostics as dg

FORMATS = ("json", "csv", "xlsx", "html", "pdf")
"""In the order they are rendered: quick ones first."""


def _report(diags, fmt: str) -> None:
    if fmt == "json":
        click.echo(dg.format_json(list(diags)))
    else:
        for d in diags:
            click.echo(dg.format_text(d), err=True)
        click.echo(dg.summary(list(diags)), err=True)


def _compile(plan_dir: Path, strict: bool, fmt: str):
    from .pipeline import compile_plan

    compiled = compile_plan(plan_dir)
    diags = dg.escalate(list(compiled.diagnostics), strict)
    _report(diags, fmt)
    failed = compiled.plan is None or any(d.severity is dg.Severity.ERROR for d in diags)
    return compiled, failed


class _Group(click.Group):
    """Environment problems (a path that cannot be written, a tool that failed, an input
    file in the wrong encoding) end with a one-line message and exit code 2, never a
    traceback; mistakes in the plan are diagnostics (exit 1)."""

    def invoke(self, ctx: click.Context):
        import tomllib

        try:
            return super().invoke(ctx)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
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
@click.option("--strict", is_flag=True, help="警告也视为错误。Warnings count as errors.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="诊断输出格式。")
def check(plan_dir: Path, strict: bool, fmt: str) -> None:
    """载入、校验并检查规划。Load, validate and check the plan."""
    _, failed = _compile(plan_dir, strict, fmt)
    sys.exit(1 if failed else 0)


@main.command()
@_plan_option
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("dist"),
              show_default=True, help="输出目录。")
@click.option("--format", "formats", default=",".join(FORMATS), show_default=True,
              help="输出格式，逗号分隔：html,pdf,json,csv,xlsx。")
@click.option("--strict", is_flag=True, help="警告也视为错误。")
@click.option("--quiet", "-q", is_flag=True, help="不显示进度和写出的文件。No progress output.")
def build(plan_dir: Path, out_dir: Path, formats: str, strict: bool, quiet: bool) -> None:
    """构建网站、PDF 和 JSON。Build the site, the PDF and the JSON."""
    _check_out(plan_dir, out_dir)
    wanted = [f.strip() for f in formats.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise click.UsageError(f"未知的输出格式：{', '.join(unknown) or '(空)'}；可选 {', '.join(FORMATS)}")
    compiled, failed = _compile(plan_dir, strict, "text")
    if failed:
        click.echo("构建中止：规划有错误，原有输出保持不变。Build stopped; previous output kept.",
                   err=True)
        sys.exit(1)
    from .pipeline import build as run_build

    chosen = [f for f in FORMATS if f in wanted]
    if quiet:
        run_build(compiled.plan, out_dir, chosen, compiled.diagnostics)
        return
    if sys.stderr.isatty():  # a progress bar only where someone watches it
        written = _with_progress(lambda step: run_build(compiled.plan, out_dir, chosen,
                                                        compiled.diagnostics, progress=step), chosen)
    else:
        written = run_build(compiled.plan, out_dir, chosen, compiled.diagnostics)
    for path in written:
        if path.parent == out_dir.resolve() or path.name == "index.html":
            click.echo(f"写出 {path}", err=True)


def _check_out(plan_dir: Path, out_dir: Path) -> None:
    """The output directory must be a directory, and neither inside the plan nor holding it:
    the build replaces it as a whole and never writes into plan/."""
    if out_dir.exists() and not out_dir.is_dir():
        raise click.UsageError(f"--out 不是目录：{out_dir}")
    plan, out = plan_dir.resolve(), out_dir.resolve()
    if out == plan or plan in out.parents or out in plan.parents:
        raise click.UsageError(f"--out 不能是规划目录、其子目录或其上级目录：{out_dir}")
    from .pipeline import foreign_out

    refused = foreign_out(out)
    if refused is not None:
        raise click.UsageError(refused + "。请指定一个新目录或空目录。")


STEP_NAMES = {"json": "JSON", "csv": "CSV", "xlsx": "XLSX", "html": "网站 (site)", "pdf": "PDF"}


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
def import_(text: Path, out_dir: Path, ids: Path | None) -> None:
    """把纯文本规划转换为 plandoc XML。Import a plain-text plan."""
    from .importer.__main__ import main as import_main

    argv = [str(text), "--out", str(out_dir)] + (["--ids", str(ids)] if ids else [])
    sys.exit(import_main(argv))


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
    from .serve import serve as run_serve

    _check_out(plan_dir, out_dir)
    root = Path(__file__).resolve().parent.parent
    run_serve(plan_dir, out_dir, port, not no_pdf, lambda text: click.echo(text, err=True),
              [plan_dir, root / "templates", root / "schema"])


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
    from .redline import format_text

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
                _report(compiled.diagnostics, "text")
                sys.exit(1)
            plans.append(compiled.plan)
        result = diff_plans(*plans)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(format_text(result))
    if html_out is not None or pdf_out is not None:
        _write_redline(result, plans[1], (old, old_name), (new, new_name), on, html_out, pdf_out)


def _write_redline(result, plan, old: tuple, new: tuple, on: str | None,
                   html_out: Path | None, pdf_out: Path | None) -> None:
    import datetime as dt
    import os
    import re

    from .diff import version_name
    from .print_view import chinese_date
    from .redline import Versions, format_html, write_pdf

    (old_spec, old_name), (new_spec, new_name) = old, new
    old_auto, _ = version_name(old_spec, Path.cwd())
    new_auto, new_day = version_name(new_spec, Path.cwd())
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if on is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", on):
        raise click.UsageError(f"--date 须为 YYYY-MM-DD：{on}")
    day = on or (dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).strftime("%Y-%m-%d")
                 if epoch.isdigit() else new_day or dt.date.today().isoformat())
    versions = Versions(plan.meta.title, old_name or old_auto, new_name or new_auto, chinese_date(day))
    page = format_html(result, versions)
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
