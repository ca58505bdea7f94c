"""PDF (plain first version): the single-page HTML printed by WeasyPrint.

The creation date comes from SOURCE_DATE_EPOCH, else the plan's printing date, so two
builds of the same plan are byte-identical.
"""

from __future__ import annotations

import os
from pathlib import Path

from markupsafe import escape

from . import model as m
from .render_html import environment


def _date(plan: m.Plan) -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        import datetime as _dt
        return _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    day = plan.imprint.printed_date if plan.imprint else f"{plan.meta.period_from}-01-01"
    return f"{day}T00:00:00Z"


def render(plan: m.Plan, out_dir: Path, findings: tuple = ()) -> list[Path]:
    import weasyprint

    html = environment().get_template("plain.html.j2").render(plan=plan, href=lambda ref: f"#{ref.to}")
    html = html.replace("<head>", f'<head><meta name="dcterms.created" content="{_date(plan)}">'
                        f'<meta name="dcterms.modified" content="{_date(plan)}">'
                        f'<meta name="author" content="{escape(plan.meta.issuer)}">', 1)
    path = out_dir / "plan.pdf"
    weasyprint.HTML(string=html, base_url=str(out_dir)).write_pdf(path)
    return [path]
