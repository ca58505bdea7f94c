"""What `review` writes, never inside plan/: one review file per returned copy
(`<copy>.review.json`: the copy's provenance and every proposal) and the 意见汇总表
(`意见汇总表.xlsx`: one row per proposal across all copies, as offices compile it, with
columns for the editor's decision). Written atomically; byte-deterministic.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path

from . import model as m
from .review import KIND, STATUS, Review

SUMMARY = "意见汇总表.xlsx"
HEADER = ["序号", "意见编号", "单位（审阅人）", "来稿", "位置", "类型", "原文", "修改意见", "是否可直接采纳",
          "处理意见", "理由"]
DECISIONS = "采纳,部分采纳,不采纳"


def _write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write(result: Review, out_dir: Path, plan: m.Plan) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for copy in result.copies:
        name = Path(copy.path).name
        data = {"copy": name, "plan": plan.meta.id, "properties": copy.properties,
                "proposals": [p.as_dict() for p in result.proposals if p.copy == name]}
        path = out_dir / f"{Path(name).stem}.review.json"
        _write(path, (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode())
        written.append(path)
    path = out_dir / SUMMARY
    _write(path, summary_xlsx(result, plan))
    return written + [path]


def summary_xlsx(result: Review, plan: m.Plan) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    from .render_data import _deterministic_zip, fixed_date

    when = fixed_date(plan)
    wb = Workbook()
    ws = wb.active
    ws.title = "意见汇总"
    ws.append(HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for n, p in enumerate(result.proposals, 1):
        place = p.place + (f"（{p.indicator}）" if p.indicator else "")
        ws.append([n, p.id, p.author, p.copy, place, KIND[p.kind], p.old,
                   p.new if p.kind == "comment" else (p.new or "（删除）"), STATUS[p.status] +
                   (f"：{p.reason}" if p.reason and p.status != "clean" else ""), "", ""])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text: '=…' is no formula
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    choice = DataValidation(type="list", formula1=f'"{DECISIONS}"', allow_blank=True)
    ws.add_data_validation(choice)
    if ws.max_row > 1:
        choice.add(f"J2:J{ws.max_row}")
    for col, width in zip("ABCDEFGHIJK", (6, 11, 14, 16, 18, 8, 36, 36, 18, 10, 24)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    wb.properties.title = f"{plan.meta.title} 征求意见汇总表"
    wb.properties.creator = "plandoc"
    wb.properties.created = wb.properties.modified = when
    buf = io.BytesIO()
    wb.save(buf)
    return _deterministic_zip(buf.getvalue(), when)
