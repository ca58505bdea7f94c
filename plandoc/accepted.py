"""Accepted findings: an editor's decisions, recorded once in plan/accepted.xml.

    <accepted>
      <decision status="接受" by="市发展改革委规划科" date="2026-11-20">
        <reason>印刷版正文不引用专栏；网站加引用不影响出版。</reason>
        <finding code="PD350" block="col-main-indicators"/>
        <finding code="PD302" block="col-13th-plan-results" indicator="pm25" year="2020" value="5.7"/>
      </decision>
    </accepted>

A finding is identified by its code, the id (as written in the source) of the innermost
element holding it, and its own data: the indicator and year, the stated value, the
characters. Never by a line number: editing another paragraph, inserting a chapter or
renumbering the columns keeps an acceptance matched; changing the accepted value makes
the finding open again, and the acceptance that no longer matches is reported (PD370),
so the record never rots. Errors cannot be accepted (PD371): they stop a build.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from . import diagnostics as dg
from .load import SourceFile, parse_file, resolve_inside
from . import places as pl

FILE = "accepted.xml"
IDENTITY = (("indicator", "indicator"), ("year", "year"), ("value", "stated"), ("text", "text"),
            ("text", "found"))
"""(attribute of <finding>, key of the diagnostic's data) that identify a finding."""


def _norm(value: object) -> str:
    """One spelling per number (5.7, 5.70 and 5.7000001 are one value); text unchanged."""
    try:
        text = repr(round(float(value), 6))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value).strip()
    return text[:-2] if text.endswith(".0") else text


def identity(d: dg.Diagnostic) -> tuple:
    data = dict(d.data)
    own = tuple(dict((attr, _norm(data[key])) for attr, key in IDENTITY
                     if data.get(key) is not None).items())
    return (d.code, d.block, own)


def finding_xml(d: dg.Diagnostic) -> str:
    """The <finding> element that records this finding (what `check --format accept`
    prints for an editor to paste)."""
    from xml.sax.saxutils import quoteattr

    code, block, own = identity(d)
    attrs = [f"code={quoteattr(code)}", f"block={quoteattr(block)}"]
    attrs += [f"{k}={quoteattr(v)}" for k, v in own]
    return f"<finding {' '.join(attrs)}/>"


def load_record(plan_dir: Path, diags: list[dg.Diagnostic]) -> SourceFile | None:
    """Parse and validate plan/accepted.xml if there is one."""
    path = resolve_inside(plan_dir, FILE)  # a symbolic link out of plan/ is not followed
    display = str(Path(plan_dir.as_posix()) / FILE)
    if path is None and (plan_dir / FILE).exists():
        diags.append(dg.make("PD002", display, 0, 0, f"{FILE} 指向规划目录之外"))
    if path is None or not path.is_file():
        return None
    from .validate import validate_file

    src = parse_file(path, FILE, display, "accepted", diags)
    if src.tree is not None:
        diags += validate_file(src)
    return src if src.tree is not None else None


def apply(plan_dir: Path, plan, diags: list[dg.Diagnostic]) -> list[dg.Diagnostic]:
    """Give every finding its place and owner; mark the accepted ones with their decision;
    report stale acceptances and acceptances of errors."""
    extra: list[dg.Diagnostic] = []
    record = load_record(plan_dir, extra)
    if plan is not None:
        places = pl.of(plan)
        diags = [replace(d, place=places.place(d.file, d.line, d.column),
                         block=places.owner(d.file, d.line, d.column)) for d in diags]
    if record is None:
        return diags + extra
    entries = list(_entries(record, extra))
    by_identity: dict[tuple, list] = {}
    for entry in entries:
        by_identity.setdefault(entry[0], []).append(entry)
    used: set[int] = set()
    out = []
    for d in diags:
        matches = by_identity.get(identity(d), []) if d.severity is not dg.Severity.ERROR else []
        if matches:
            used.update(id(e) for e in matches)
            d = replace(d, decision=matches[0][1])
        out.append(d)
    partial = plan is None or any(d.severity is dg.Severity.ERROR for d in diags)
    for entry in entries:
        if id(entry) not in used and not partial:  # a broken plan finds less: not stale
            key, _, (line, col) = entry
            extra.append(dg.make("PD370", record.display, line, col,
                                 f"已记录的决定不再对应任何发现：{_describe(key)}",
                                 **{"recorded": key[0], "block": key[1], **dict(key[2])}))
    return out + extra


def _describe(key: tuple) -> str:
    code, block, own = key
    return " ".join([code, block] + [f"{k}={v}" for k, v in own])


def _entries(record: SourceFile, extra: list[dg.Diagnostic]):
    """(identity, decision, position) of every <finding>; PD371 for an error's code."""
    for el in record.tree.getroot().iter("finding"):
        parent = el.getparent()
        decision = dg.Decision(parent.get("status", ""), "".join(parent.findtext("reason", "")).strip(),
                               parent.get("by", ""), parent.get("date", ""))
        code = el.get("code", "")
        line, col = record.locate(el, "code")
        entry = dg.CATALOGUE.get(code)
        if entry is None or entry.severity is dg.Severity.ERROR:
            what = f"{code} 是错误，错误不能被接受：它使构建中止，必须改正" if entry else \
                f"没有诊断代码 {code}"
            extra.append(dg.make("PD371", record.display, line, col, what, recorded=code))
            continue
        own = tuple(dict((attr, _norm(el.get(attr))) for attr, _ in IDENTITY
                         if el.get(attr) is not None).items())
        yield (code, el.get("block", ""), own), decision, record.locate(el)
