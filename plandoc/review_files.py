"""What `review` writes, never inside plan/: one review file per returned copy
(`<copy>.review.json`: the copy's provenance and every proposal) and the 意见汇总表
(`意见汇总表.xlsx`: one row per proposal across all copies, as offices compile it, with
columns for the editor's decision, kept when the table is written again; `review --apply
--decisions` applies those marked 采纳). Written atomically; byte-deterministic.
"""

from __future__ import annotations

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
    kept: dict = {}
    if path.exists():  # the editor's decisions survive a new review run
        try:
            kept = _filled(path)
        except ValueError:
            kept = {}
    _write(path, summary_xlsx(result, plan, kept))
    return written + [path]


def summary_xlsx(result: Review, plan: m.Plan, kept: dict | None = None) -> bytes:
    """The 意见汇总表; `kept` carries decisions and reasons already filled in, by 意见编号."""
    from openpyxl.styles import Alignment
    from openpyxl.worksheet.datavalidation import DataValidation

    from .pdf.view import fixed_date
    from .export.tables import workbook, xlsx_bytes

    body = [[n, p.id, p.author, p.copy, p.place + (f"（{p.indicator}）" if p.indicator else ""),
             KIND[p.kind], p.old, p.new if p.kind == "comment" else (p.new or "（删除）"),
             STATUS[p.status] + (f"：{p.reason}" if p.reason and p.status != "clean" else ""),
             *(kept or {}).get(p.id, ("", ""))] for n, p in enumerate(result.proposals, 1)]
    wb, ws = workbook("意见汇总", HEADER, body)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    choice = DataValidation(type="list", formula1=f'"{DECISIONS}"', allow_blank=True)
    ws.add_data_validation(choice)
    if ws.max_row > 1:
        choice.add(f"J2:J{ws.max_row}")
    for col, width in zip("ABCDEFGHIJK", (6, 11, 14, 16, 18, 8, 36, 36, 18, 10, 24)):
        ws.column_dimensions[col].width = width
    wb.properties.title = f"{plan.meta.title} 征求意见汇总表"
    wb.properties.creator = "plandoc"
    return xlsx_bytes(wb, fixed_date(plan))


def decisions(path: Path) -> dict[str, str]:
    """意见编号 -> the editor's 处理意见 (采纳/部分采纳/不采纳), read back from a 意见汇总表
    the editor filled in; rows without a decision are left out."""
    return {k: v[0] for k, v in _filled(path).items() if v[0]}


def _filled(path: Path) -> dict[str, tuple[str, str]]:
    """意见编号 -> (处理意见, 理由) as the editor filled them in; ValueError if unreadable."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, IndexError) as exc:
        raise ValueError(f"{path} 无法读取：{exc}") from None
    header = [str(h or "").strip() for h in (rows[0] if rows else ())]
    if "意见编号" not in header or "处理意见" not in header:
        raise ValueError(f"{path} 不是意见汇总表（缺少“意见编号”或“处理意见”列）")
    key, choice = header.index("意见编号"), header.index("处理意见")
    why = header.index("理由") if "理由" in header else None
    out = {}
    for row in rows[1:]:
        if len(row) > max(key, choice) and row[key] and (row[choice] or why is not None and row[why]):
            reason = row[why] if why is not None and len(row) > why else ""
            out[str(row[key]).strip()] = (str(row[choice] or "").strip(), str(reason or "").strip())
    return out
