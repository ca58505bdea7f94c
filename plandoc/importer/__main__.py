"""Command line: ``python -m plandoc.importer TEXT --out DIR [--ids FILE]``.

Role: run the importer and print a one-screen summary (counts, findings by kind).
Exit codes: 0 on success, 1 when the written plan has errors, 2 when the input cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import run
from .docx import DocxError
from .report import KINDS
from .source import InputError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m plandoc.importer",
                                     description="Import a plain-text plan into plandoc XML.")
    parser.add_argument("text", type=Path, help="the plan: plain text (UTF-8) or a Word/WPS .docx")
    parser.add_argument("--out", type=Path, required=True, help="output plan directory")
    parser.add_argument("--ids", type=Path, default=None,
                        help="TOML mapping of titles to ids (e.g. plandoc/importer/ids-yongzhou.toml)")
    args = parser.parse_args(argv)
    for path in (args.text, args.ids):
        if path is not None and not path.is_file():
            print(f"error: cannot read {path}", file=sys.stderr)
            return 2
    try:
        result = run(args.text, args.out, args.ids)
    except InputError as exc:
        print(f"error: {args.text}: {exc}", file=sys.stderr)
        return 2
    except DocxError as exc:
        print(f"{args.text}:0:0: error[{exc.code}] {exc.message}", file=sys.stderr)
        print("    提示：请在 Word/WPS 中另存为 .docx（Word 文档）后再导入；不要导入来历不明的文件。", file=sys.stderr)
        return 2
    print(" ".join(f"{k}={v}" for k, v in result.counts.items()))
    for kind, n in result.by_kind().items():
        print(f"  {kind:16} {n:4}  {KINDS[kind][1]}")
    print(f"report: {args.out / 'import-report.md'}")
    return _validate(args.out)


def _validate(out: Path) -> int:
    """Check what was written like any plan: an import that does not validate (say, an
    empty text) says so and exits 1 rather than leaving a broken plan behind silently."""
    from .. import diagnostics as dg
    from ..pipeline import compile_plan

    errors = [d for d in compile_plan(out).diagnostics if d.severity is dg.Severity.ERROR]
    for d in errors:
        print(dg.format_text(d), file=sys.stderr)
    if errors:
        print(f"导入结果有 {len(errors)} 个错误，请查看 import-report.md 并修正。", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
