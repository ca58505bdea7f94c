"""The export contract: plan.json and check --format json validate against their
schemas; block texts round-trip to the sources; CSV and XLSX rows equal the JSON
facts; the golden snapshot and the versioned shape catch every change of shape."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from lxml import etree

from plandoc.pipeline import build, compile_plan
from plandoc.export.plan_json import SCHEMA_VERSION, findings, shape, to_dict

from plans import MINI, ROOT, overlay
import plans

SCHEMAS = ROOT / "schema"
GOLDEN = ROOT / "tests" / "golden"
PLAN = ROOT / "plan"
NO_PARTS = plans.NO_PARTS
"""A plan in other conventions: no parts, numbered levels, 专栏 2-1, a 单位 column."""


def _schema(name: str) -> dict:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


def strict(schema):
    """The published schema as our own outputs must meet it: no field and no enumeration
    value it does not list (the published one accepts both, for later minor versions)."""
    if isinstance(schema, list):
        return [strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: strict(v) for k, v in schema.items()}
    alts = schema.get("anyOf", [])
    if alts and "enum" in alts[0] and {"type": "string"} in alts[1:]:
        values = alts[0]["enum"] + ([None] if {"type": "null"} in alts else [])
        out.pop("anyOf")
        out["enum"] = values
    if schema.get("type") == "object" and "properties" in schema:
        out["unevaluatedProperties"] = False
    return out


def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(strict(_schema(name)))


def _errors(validator, instance) -> list[str]:
    return [f"{e.json_path}: {e.message[:200]}" for e in validator.iter_errors(instance)]


def _plans():
    return [MINI, PLAN, NO_PARTS]


@pytest.mark.parametrize("plan_dir", _plans(), ids=lambda p: p.name)
def test_plan_json_validates(plan_dir):
    compiled = compile_plan(plan_dir)
    assert compiled.ok
    assert _errors(_validator("plan.schema.json"), to_dict(compiled.plan)) == []


@pytest.mark.parametrize("code", ["PD301", "PD350", "PD360"])
def test_findings_json_validates(code, tmp_path):
    """Findings are editorial: they leave plan.json for the editor's view's findings.json
    (check's shape); the public outputs carry none."""
    plan_dir, _ = overlay(code, tmp_path)
    compiled = compile_plan(plan_dir)
    build(compiled.plan, tmp_path / "out", ["json", "editorial"], compiled.diagnostics)
    assert not (tmp_path / "out" / "findings.json").exists()
    out = json.loads((tmp_path / "out" / "editorial" / "findings.json").read_text(encoding="utf-8"))
    assert [f["code"] for f in out] == [code]
    assert not out[0]["file"].startswith("/")
    assert out == findings(compiled.plan, compiled.diagnostics)
    assert _errors(_validator("diagnostics.schema.json"), out) == []
    assert "findings" not in json.loads((tmp_path / "out" / "plan.json").read_text(encoding="utf-8"))


def test_strict_schema_rejects_a_broken_dump():
    d = to_dict(compile_plan(MINI).plan)
    d["blocks"][0]["spans"].append({"type": "ref", "start": 0, "end": 1})
    d["indicators"][0]["facts"][0]["role"] = "guess"
    d["blocks"][1]["colour"] = "red"
    errors = _errors(_validator("plan.schema.json"), d)
    assert len(errors) >= 3, errors
    published = _errors(Draft202012Validator(_schema("plan.schema.json")), d)
    assert published and all(e.startswith("$.blocks[0].spans[") for e in published), published
    assert any("'to' is a required property" in e for e in published)


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
    for part in root.findall("part") or [root]:   # a plan without parts lists its chapters
        for p in part.findall("p"):
            out.append("".join(p.itertext()))
        for ch in part.findall("chapter"):
            texts(etree.parse(str(plan_dir / ch.get("file")), parser).getroot())
    for p in root.iterfind("closing/p"):
        out.append("".join(p.itertext()))
    for appendix in root.iterfind("appendix"):
        texts(appendix)
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

    from_json = [without_refs(b) for b in d["blocks"] if b["type"] in ("paragraph", "item", "entry")
                 and b["area"] != "page"]  # companion pages are Markdown, not XML
    assert from_json == _source_texts(plan_dir)
    if plan_dir == MINI:  # the mini plan has references, so the label handling is exercised
        assert any(s["type"] == "ref" for b in d["blocks"] for s in b["spans"])


def _json_facts(d: dict) -> list[dict]:
    """Each fact of plan.json flattened as the spreadsheets name its fields."""
    out = []
    for i in d["indicators"]:
        for f in i["facts"]:
            w = f["stated_in"]
            out.append({"indicator": i["id"], "name": i["name"], "indicator_unit": i["unit"],
                        "category": i["category"], "nature": i["nature"], "parent": i["parent"],
                        **{k: v for k, v in f.items() if k != "stated_in"},
                        **{k: v for k, v in w.items() if k != "loc"},
                        "file": w["loc"]["file"], "line": w["loc"]["line"], "char": w["loc"]["char"]})
    return out


_TYPES = {"integer": int, "number": float, "boolean": lambda v: v == "true", "string": str}


@pytest.mark.parametrize("plan_dir", _plans(), ids=lambda p: p.name)
def test_csv_and_xlsx_rows_equal_the_json_facts(plan_dir, tmp_path):
    """Field for field, units included, typed as datapackage.json says; the Chinese-headed
    CSV holds the same rows."""
    from openpyxl import load_workbook

    compiled = compile_plan(plan_dir)
    build(compiled.plan, tmp_path / "out", ["json", "csv", "xlsx"])
    d = json.loads((tmp_path / "out" / "plan.json").read_text(encoding="utf-8"))
    facts = _json_facts(d)
    assert facts and {f["value_unit"] for f in facts if f["role"] == "rate"} >= {"%/年", "%"}
    package = json.loads((tmp_path / "out" / "datapackage.json").read_text(encoding="utf-8"))
    fields = package["resources"][0]["schema"]["fields"]
    types = {f["name"]: _TYPES[f["type"]] for f in fields}
    raw = (tmp_path / "out" / "indicators.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"))))
    assert list(rows[0]) == [f["name"] for f in fields]
    from_csv = [{k: (types[k](v) if v != "" else None) for k, v in r.items()} for r in rows]
    for got, want in zip(from_csv, facts, strict=True):
        for key, value in want.items():
            assert got[key] == (value if value != "" else None), (key, want)
    zh = (tmp_path / "out" / "indicators.zh.csv").read_bytes()
    zh_rows = list(csv.reader(io.StringIO(zh[3:].decode("utf-8"))))
    assert zh_rows[0] == [f["name"] for f in package["resources"][1]["schema"]["fields"]]
    assert zh_rows[0][:3] == ["指标标识", "指标名称", "指标单位"]
    assert zh_rows[1:] == list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))[1:]
    ws = load_workbook(tmp_path / "out" / "indicators.xlsx")["指标"]
    header = [c.value for c in ws[1]]
    assert header == [f["name"] for f in fields]
    from_xlsx = [dict(zip(header, row)) for row in ws.iter_rows(min_row=2, values_only=True)]
    for got, want in zip(from_xlsx, facts, strict=True):
        for key, value in want.items():
            assert got[key] == (value if value != "" else None), (key, want)


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


def test_golden_snapshot_of_the_mini_plan():
    current = json.dumps(to_dict(compile_plan(MINI).plan), ensure_ascii=False, indent=1) + "\n"
    golden = GOLDEN / "mini.plan.json"
    if os.environ.get("PLANDOC_UPDATE_GOLDEN") == "1":
        golden.write_text(current, encoding="utf-8")
    assert current == golden.read_text(encoding="utf-8"), \
        "plan.json changed; review, then PLANDOC_UPDATE_GOLDEN=1 pytest tests/test_exports.py"


def test_shape_changes_bump_the_schema_version():
    """docs/json.md: removing or retyping a field bumps the major version, adding one the
    minor. schema/plan.shape.json records the shape of the current version, over the mini
    plan and the bundled one; `make contract-shape` rewrites it (on purpose, with the
    version bump: PLANDOC_UPDATE_GOLDEN does not touch it)."""
    record = json.loads((SCHEMAS / "plan.shape.json").read_text(encoding="utf-8"))
    current = shape(to_dict(compile_plan(MINI).plan)) | shape(to_dict(compile_plan(PLAN).plan)) \
        | shape(to_dict(compile_plan(NO_PARTS).plan))
    removed = sorted(set(record["paths"]) - current)
    added = sorted(current - set(record["paths"]))
    old = tuple(int(x) for x in record["schema_version"].split("."))
    new = tuple(int(x) for x in SCHEMA_VERSION.split("."))
    if removed:
        assert new[0] > old[0], f"fields removed or retyped, bump the major version: {removed[:10]}"
    elif added:
        assert new[:2] > old[:2], f"fields added, bump the minor version: {added[:10]}"
    assert (removed, added) == ([], []) or new > old, "then run: make contract-shape"
    assert record["schema_version"] == SCHEMA_VERSION, "run: make contract-shape"
    pattern = _schema("plan.schema.json")["properties"]["schema_version"]["pattern"]
    assert re.fullmatch(pattern, SCHEMA_VERSION) and pattern.startswith(f"^{new[0]}\\.")


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


def test_every_fixture_finding_validates_against_the_diagnostics_schema(tmp_path):
    """Every catalogued code's findings (the diagnostics fixtures laid over the mini plan)
    fit the strict reading of the diagnostics schema, data keys included."""
    from plans import DIAG_FIXTURES

    validator = _validator("diagnostics.schema.json")
    checked = 0
    for fixture in sorted(DIAG_FIXTURES.iterdir()):
        meta = json.loads((fixture / "fixture.json").read_text(encoding="utf-8"))
        if "import" in meta or "review" in meta:
            continue  # not a compile: the importer's and the review's own tests cover them
        plan_dir, _ = overlay(fixture.name, tmp_path / fixture.name)
        compiled = compile_plan(plan_dir)
        out = json.loads(json.dumps([d.as_dict() for d in compiled.diagnostics], ensure_ascii=False))
        assert _errors(validator, out) == [], fixture.name
        checked += 1
    assert checked > 50
