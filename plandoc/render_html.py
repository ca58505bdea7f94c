"""HTML site (plain first version): dist/site/index.html with the whole plan.

Jinja2 with autoescaping; the template only maps the model to markup.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from . import model as m

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                      autoescape=select_autoescape(["html", "xml", "j2"]),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.globals["m"] = m
    env.tests["paragraph"] = lambda b: isinstance(b, m.Paragraph)
    env.tests["listblock"] = lambda b: isinstance(b, m.ListBlock)
    env.tests["entry"] = lambda b: isinstance(b, m.Entry)
    env.tests["table"] = lambda b: isinstance(b, m.Table)
    env.tests["figure"] = lambda b: isinstance(b, m.Figure)
    env.tests["column"] = lambda b: isinstance(b, m.Column)
    env.filters["plain"] = m.plain
    return env


def render(plan: m.Plan, out_dir: Path, findings: tuple = ()) -> list[Path]:
    site = out_dir / "site"
    site.mkdir(parents=True, exist_ok=True)
    html = environment().get_template("plain.html.j2").render(plan=plan, href=lambda ref: f"#{ref.to}")
    path = site / "index.html"
    path.write_text(html, encoding="utf-8")
    return [path]
