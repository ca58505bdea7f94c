"""The redline: a `PlanDiff` as an editor, a director or the 人大 reads it.

`terminal_text` for the terminal, `page_html` for a printable page (Chinese only, headings as
章/节 labels with titles, a title block naming the plan, the versions and the date, and a
signature block), `write_pdf` for the same page through WeasyPrint with the print edition's
fonts and page numbers (— n —). The page has no script and no external resource.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment

from .diff import PlanDiff
from .pdf.view import title_lines
from . import resources

TEMPLATES = resources.TEMPLATES / "diff"

KIND_NAMES = {"added": "新增", "removed": "删除", "moved": "移动", "renamed": "改名", "changed": "修改"}
WHAT_NAMES = {"part": "篇", "chapter": "章", "section": "节", "column": "专栏", "figure": "图",
              "indicator": "指标", "cell": "表格"}


@dataclass(frozen=True)
class Versions:
    plan_title: str
    old: str
    new: str
    date: str
    """The date of the comparison as printed (2026年11月29日)."""


def _ops_text(ops) -> str:
    def short(s):
        return s if len(s) <= 30 else s[:12] + "……" + s[-12:]
    return "".join(f"[-{s}-]" if op == "-" else f"{{+{s}+}}" if op == "+" else short(s) for op, s in ops)


def summary(d: PlanDiff) -> str:
    """One line: how much changed, by kind."""
    parts = [f"结构 {len(d.structure)} 处", f"编号调整 {len(d.renumbering)} 组", f"表格 {len(d.cells)} 处",
             f"指标定义 {len(d.indicators)} 处", f"文字 {len(d.text)} 处"]
    return "，".join(parts)


def terminal_text(d: PlanDiff) -> str:
    if d.empty:
        return "两个版本相同。"
    lines = [summary(d)]
    if d.renumbering:
        lines.append("编号调整（因增删而顺延，不是修改）：")
        lines += [f"  {r.scope + '：' if r.scope else ''}{r.old} 依次改为 {r.new}" for r in d.renumbering]
    if d.structure:
        lines.append("结构：")
        for c in d.structure:
            what = f"{KIND_NAMES[c.kind]}{WHAT_NAMES.get(c.what, c.what)}"
            lines.append(f"  {what}：{c.old or ''}{' → ' if c.old and c.new else ''}{c.new or ''}")
    if d.cells:
        lines.append("表格：")
        lines += [f"  {c.where}：{c.old or '（空）'} → {c.new or '（空）'}" for c in d.cells]
    if d.indicators:
        lines.append("指标定义：")
        lines += [f"  {KIND_NAMES[c.kind]} {c.where or c.old or c.new}：{c.old or ''} → {c.new or ''}"
                  for c in d.indicators]
    if d.text:
        lines.append("文字：")
        lines += [f"  {t['where']}（{KIND_NAMES[t['kind']]}）：{_ops_text(t['ops'])}" for t in d.text]
    return "\n".join(lines)


def _environment() -> Environment:
    env = resources.environment()
    env.globals.update(kinds=KIND_NAMES, whats=WHAT_NAMES)
    return env


def _grouped(d: PlanDiff) -> list[tuple[str, list[dict]]]:
    """Text changes grouped under the place they stand (chapter, section or 专栏), in order."""
    groups: list[tuple[str, list[dict]]] = []
    for t in d.text:
        if not groups or groups[-1][0] != t["where"]:
            groups.append((t["where"], []))
        groups[-1][1].append(t)
    return groups


def page_html(d: PlanDiff, versions: Versions) -> str:
    css = (TEMPLATES / "redline.css").read_text(encoding="utf-8")
    return _environment().get_template("diff/redline.html.j2").render(
        d=d, v=versions, css=css, summary=summary(d), groups=_grouped(d),
        title_lines=title_lines(versions.plan_title))


def write_pdf(html: str, path: Path) -> Path:
    """The redline through WeasyPrint (A4, page numbers — n —, the print edition's fonts)."""
    import weasyprint

    from .pdf.render import write

    document = weasyprint.HTML(string=html, base_url=str(TEMPLATES)).render()
    return write(document, path)
