"""The export contract: plan.json and check --format json validate against their
schemas; block texts round-trip to the sources; CSV and XLSX rows equal the JSON
facts; the golden snapshot and the versioned shape catch every change of shape."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from referencing import Registry, Resource

from plandoc.pipeline import build, compile_plan
from plandoc.render_json import SCHEMA_VERSION, to_dict

from plans import MINI, ROOT, overlay

SCHEMAS = ROOT / "schema"
GOLDEN = ROOT / "tests" / "golden"
PLAN = ROOT / "plan"


def _validator(name: str) -> Draft202012Validator:
    schemas = {n: json.loads((SCHEMAS / n).read_text(encoding="utf-8"))
               for n in ("plan.schema.json", "diagnostics.schema.json")}
    for s in schemas.values():
        Draft202012Validator.check_schema(s)
    registry = Registry().with_resources(
        [(s["$id"], Resource.from_contents(s)) for s in schemas.values()])
    return Draft202012Validator(schemas[name], registry=registry)


def _errors(validator, instance) -> list[str]:
    return [f"{e.json_path}: {e.message[:200]}" for e in validator.iter_errors(instance)]


def _plans():
    return [MINI, PLAN]


@pytest.mark.parametrize("plan_dir", _plans(), ids=lambda p: p.name)
def test_plan_json_validates(plan_dir):
    compiled = compile_plan(plan_dir)
    assert compiled.ok
    assert _errors(_validator("plan.schema.json"), to_dict(compiled.plan, compiled.diagnostics)) == []


@pytest.mark.parametrize("code", ["PD301", "PD350", "PD360"])
def test_plan_json_with_findings_validates(code, tmp_path):
    plan_dir, _ = overlay(code, tmp_path)
    compiled = compile_plan(plan_dir)
    d = to_dict(compiled.plan, compiled.diagnostics)
    assert [f["code"] for f in d["findings"]] == [code]
    assert not d["findings"][0]["file"].startswith("/")
    assert _errors(_validator("plan.schema.json"), d) == []


def test_schema_rejects_a_broken_dump():
    d = to_dict(compile_plan(MINI).plan)
    d["blocks"][0]["spans"].append({"type": "ref", "start": 0, "end": 1})
    d["indicators"][0]["facts"][0]["role"] = "guess"
    errors = _errors(_validator("plan.schema.json"), d)
    assert len(errors) >= 2


@pytest.mark.parametrize("code", ["PD201", "PD301", "PD100"])
def test_check_json_output_validates(code, tmp_path):
    plan_dir, _ = overlay(code, tmp_path)
    r = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--plan", str(plan_dir),
                        "--format", "json"], capture_output=True, text=True)
    out = json.loads(r.stdout)
    assert out and _errors(_validator("diagnostics.schema.json"), out) == []


def test_numeric_findings_carry_stated_computed_difference(tmp_path):
    plan_dir, _ = overlay("PD301", tmp_path)
    (d,) = compile_plan(plan_dir).diagnostics
    data = dict(d.data)
    assert data["stated"] == 9.0
    assert abs(data["computed"] - 7.32) < 0.01
    assert abs(data["difference"] - (data["computed"] - data["stated"])) < 1e-9


def _source_texts(plan_dir: Path) -> list[str]:
    """Text of every p/item/entry straight from the XML, in plan order (no plandoc code)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.parse(str(plan_dir / "plan.xml"), parser).getroot()
    files = [root]
    out = []

    def texts(tree_root, tags=("p", "item", "entry")):
        for el in tree_root.iter(*tags):
            if el.tag == "p" and el.getparent() is not None and el.getparent().tag == "closing":
                continue
            out.append("".join(el.itertext()))

    for p in root.iterfind("notice/p"):
        out.append("".join(p.itertext()))
    for p in root.iterfind("preamble/p"):
        out.append("".join(p.itertext()))
    for part in root.iterfind("part"):
        for p in part.findall("p"):
            out.append("".join(p.itertext()))
        for ch in part.findall("chapter"):
            texts(etree.parse(str(plan_dir / ch.get("file")), parser).getroot())
    for p in root.iterfind("closing/p"):
        out.append("".join(p.itertext()))
    del files
    return out


@pytest.mark.parametrize("plan_dir", _plans(), ids=lambda p: p.name)
def test_block_texts_round_trip(plan_dir):
    """The JSON text is the source text with each reference's computed label added."""
    d = to_dict(compile_plan(plan_dir).plan)

    def without_refs(b):
        text = b["text"]
        for span in sorted((s for s in b["spans"] if s["type"] == "ref"), key=lambda s: -s["start"]):
            text = text[:span["start"]] + text[span["end"]:]
        return text

    from_json = [without_refs(b) for b in d["blocks"] if b["type"] in ("paragraph", "item", "entry")]
    assert from_json == _source_texts(plan_dir)
    if plan_dir == MINI:  # the mini plan has references, so the label handling is exercised
        assert any(s["type"] == "ref" for b in d["blocks"] for s in b["spans"])


@pytest.mark.parametrize("plan_dir", _plans(), ids=lambda p: p.name)
def test_csv_and_xlsx_rows_equal_the_json_facts(plan_dir, tmp_path):
    from openpyxl import load_workbook

    compiled = compile_plan(plan_dir)
    build(compiled.plan, tmp_path / "out", ["json", "csv", "xlsx"])
    d = json.loads((tmp_path / "out" / "plan.json").read_text(encoding="utf-8"))
    facts = [(i["id"], f["year"], f["role"], f["text"], f["value"], f["stated_in"]["block"])
             for i in d["indicators"] for f in i["facts"]]
    raw = (tmp_path / "out" / "indicators.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"))))
    from_csv = [(r["indicator"], int(r["year"]) if r["year"] else None, r["role"], r["text"],
                 float(r["value"]) if r["value"] else None, r["block"]) for r in rows]
    assert from_csv == facts
    ws = load_workbook(tmp_path / "out" / "indicators.xlsx")["指标"]
    header = [c.value for c in ws[1]]
    from_xlsx = []
    for row in ws.iter_rows(min_row=2, values_only=True):
        r = dict(zip(header, row))
        from_xlsx.append((r["indicator"], r["year"], r["role"], r["text"] or "",
                          float(r["value"]) if r["value"] is not None else None, r["block"]))
    assert from_xlsx == facts
    assert len(facts) > 0


def test_xlsx_lays_out_indicator_tables_with_merged_cells(tmp_path):
    from openpyxl import load_workbook

    build(compile_plan(MINI).plan, tmp_path, ["xlsx"])
    ws = load_workbook(tmp_path / "indicators.xlsx")["专栏 1"]
    assert "A2:A3" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["D2"].value == 2107.7 and ws["D2"].number_format == "0.0"
    assert ws["F3"].value == "[7.06]"


def test_exports_are_byte_identical_across_builds(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1624492800")
    plan = compile_plan(MINI).plan
    build(plan, tmp_path / "a", ["json", "csv", "xlsx"])
    build(plan, tmp_path / "b", ["json", "csv", "xlsx"])
    for name in ("plan.json", "indicators.csv", "indicators.xlsx"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def _shape(obj, path="$") -> set[str]:
    """Key paths with value types: what a reader of the JSON relies on."""
    out = set()
    if isinstance(obj, dict):
        for k, v in obj.items():
            out |= _shape(v, f"{path}.{k}")
        out.add(f"{path}:object")
    elif isinstance(obj, list):
        for v in obj:
            out |= _shape(v, f"{path}[]")
        out.add(f"{path}:array")
    else:
        out.add(f"{path}:{'null' if obj is None else type(obj).__name__}")
    return out


def test_golden_snapshot_of_the_mini_plan():
    current = json.dumps(to_dict(compile_plan(MINI).plan), ensure_ascii=False, indent=1) + "\n"
    golden = GOLDEN / "mini.plan.json"
    if os.environ.get("PLANDOC_UPDATE_GOLDEN") == "1":
        golden.write_text(current, encoding="utf-8")
    assert current == golden.read_text(encoding="utf-8"), \
        "plan.json changed; review, then PLANDOC_UPDATE_GOLDEN=1 pytest tests/test_exports.py"


def test_shape_changes_bump_the_schema_version():
    """docs/json.md: removing or retyping a field bumps the major version, adding one the
    minor. schema/plan.shape.json records the shape of the current version."""
    record_path = SCHEMAS / "plan.shape.json"
    current = sorted(_shape(to_dict(compile_plan(MINI).plan)))
    if os.environ.get("PLANDOC_UPDATE_GOLDEN") == "1":
        record_path.write_text(json.dumps({"schema_version": SCHEMA_VERSION, "paths": current},
                                          ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    record = json.loads(record_path.read_text(encoding="utf-8"))
    removed = sorted(set(record["paths"]) - set(current))
    added = sorted(set(current) - set(record["paths"]))
    old = tuple(int(x) for x in record["schema_version"].split("."))
    new = tuple(int(x) for x in SCHEMA_VERSION.split("."))
    if removed:
        assert new[0] > old[0], f"fields removed or retyped, bump the major version: {removed[:10]}"
    elif added:
        assert new[:2] > old[:2], f"fields added, bump the minor version: {added[:10]}"
    assert (removed, added) == ([], []) or new > old
    schema = json.loads((SCHEMAS / "plan.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION


def test_xlsx_keeps_text_as_text_and_names_sheets_uniquely(mini_copy, tmp_path):
    from openpyxl import load_workbook

    ch = mini_copy / "chapters" / "ch01.xml"
    text = ch.read_text(encoding="utf-8")
    table = text[text.index("<indicator-table>"):text.index("</indicator-table>") + len("</indicator-table>")]
    ch.write_text(text.replace(table, table + table.replace("<v>7.3</v>", "<v>=1+1</v>")), encoding="utf-8")
    compiled = compile_plan(mini_copy)
    build(compiled.plan, tmp_path / "out", ["xlsx"])  # not tmp_path: it holds the plan (--out refuses it)
    wb = load_workbook(tmp_path / "out" / "indicators.xlsx")
    assert wb.sheetnames == ["指标", "专栏 1", "专栏 1 (2)"]
    cell = wb["专栏 1 (2)"]["F2"]
    assert cell.value == "=1+1" and cell.data_type == "s"
