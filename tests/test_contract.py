"""The data contract as a downstream developer meets it (issue #18): the schema validates
with one call and accepts later minor versions; facts and table cells name each other;
indicators know their printed rows; ids survive a fixed cell; the site keeps former ids
as anchors; the workbook keeps printed text; every worked example of docs/json.md runs."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from plandoc.pipeline import build, compile_plan
from plandoc.export.plan_json import SCHEMA_VERSION, to_dict

from plans import BUNDLED as PLAN
from plans import ROOT
SCHEMA = json.loads((ROOT / "schema" / "plan.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """The bundled plan built as `make build` does (data formats, and the editor's view
    for its findings.json)."""
    out = tmp_path_factory.mktemp("contract") / "dist"
    compiled = compile_plan(PLAN)
    assert compiled.ok
    build(compiled.plan, out, ["json", "csv", "xlsx", "editorial"], compiled.diagnostics)
    return out


@pytest.fixture(scope="module")
def plan_json(dist) -> dict:
    return json.loads((dist / "plan.json").read_text(encoding="utf-8"))


def test_dist_plan_json_validates_with_one_plain_call(dist):
    instance = json.loads((dist / "plan.json").read_text(encoding="utf-8"))
    jsonschema.validate(instance, SCHEMA)  # no registry, no network
    assert instance["schema_version"] == SCHEMA_VERSION == "2.1.0"
    findings = json.loads((dist / "editorial" / "findings.json").read_text(encoding="utf-8"))
    diagnostics = json.loads((ROOT / "schema" / "diagnostics.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(findings, diagnostics)
    assert findings and all(not f["file"].startswith("/") for f in findings)
    assert "findings" not in instance


def test_a_later_minor_version_validates_against_the_published_schema(plan_json):
    """2.(n+1).0 with one added field and one added enumeration value: still valid; a
    3.0.0 document is not."""
    major, minor, _ = (int(x) for x in SCHEMA_VERSION.split("."))
    later = copy.deepcopy(plan_json)
    later["schema_version"] = f"{major}.{minor + 1}.0"
    later["blocks"][0]["companion"] = {"page": "x.html"}          # an added field
    later["blocks"][1]["type"] = "run-in"                         # an added block type
    later["indicators"][0]["facts"][0]["role"] = "forecast"       # an added role
    jsonschema.validate(later, SCHEMA)
    later["schema_version"] = f"{major + 1}.0.0"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(later, SCHEMA)


def test_table_cells_and_facts_name_each_other(plan_json):
    tables = {b["id"]: b for b in plan_json["blocks"] if b["type"] == "table"}
    named = 0
    for ind in plan_json["indicators"]:
        for f in ind["facts"]:
            where = f["stated_in"]
            if where["source"] != "table":
                assert where["row"] is None and where["cell"] is None
                continue
            cell = tables[where["block"]]["rows"][where["row"]][where["cell"]]
            assert (cell["indicator"], cell["role"], cell["year"], cell["from"], cell["text"]) == \
                (ind["id"], f["role"], f["year"], f["from"], f["text"])
            named += 1
    stating = [c for t in tables.values() for r in t["rows"] for c in r if c["indicator"]]
    assert named == len(stating) > 100
    assert not any(c["role"] for t in tables.values() for r in t["rows"] for c in r
                   if not c["indicator"])
    assert not any(f["kind"] == "empty" for i in plan_json["indicators"] for f in i["facts"]
                   if f["stated_in"]["source"] == "table"), "a blank cell states nothing"


def test_indicators_know_their_printed_rows(plan_json):
    """专栏 2 prints rows 19–23 under 绿色生态; 专栏 1 prints the same air quality row
    under 生态文明; the definition's category stays what indicators.xml says."""
    by_id = {i["id"]: i for i in plan_json["indicators"]}
    main = {r["seq"]: (i["id"], r["category"]) for i in plan_json["indicators"]
            for r in i["tables"] if r["table"] == "tbl-main-indicators"}
    assert [main[str(n)][1] for n in range(19, 24)] == ["绿色生态"] * 5
    assert len(main) == 26 and main["26"] == ("work-safety-deaths", "安全保障")
    air = by_id["air-good-days"]
    assert {r["table"]: (r["seq"], r["category"]) for r in air["tables"]} == {
        "tbl-13th-plan-results": (None, "生态文明"), "tbl-main-indicators": ("21", "绿色生态")}
    assert air["category"] == "生态文明"
    prose_only = [i for i in plan_json["indicators"] if i["facts"] and not i["tables"]]
    assert prose_only and all(f["stated_in"]["source"] == "prose"
                              for i in prose_only for f in i["facts"])


def test_units_mean_what_they_say(plan_json):
    by_id = {i["id"]: i for i in plan_json["indicators"]}
    pm = by_id["pm25"]
    assert (pm["name"], pm["unit"]) == ("城市细颗粒物（PM2.5）平均浓度", "微克/立方米")
    units = {(f["role"], f["text"]): f["value_unit"] for f in pm["facts"]}
    assert units[("actual", "35 微克/立方米")] == units[("base", "53")] == "微克/立方米"
    assert units[("rate", "[5.7]")] == "%"
    gdp = {(f["role"], f["text"]): f["value_unit"] for f in by_id["gdp"]["facts"]}
    assert gdp[("rate", "9")] == "%/年" and gdp[("base", "1417.89")] == "亿元"
    deaths = [(f["value"], f["comparator"], f["cumulative"], f["value_unit"])
              for f in by_id["work-safety-deaths"]["facts"] if f["kind"] == "number"]
    assert deaths == [(-33.0, None, True, "%"), (-33.0, "≤", True, "%")]


def test_words_and_spans(plan_json):
    """`column` is a 专栏 only; lead and name spans stop before their closing 。/：;
    `chapter` is a chapter id or null, `area` says where a block stands."""
    assert all(set(b["loc"]) == {"file", "line", "char"} for b in plan_json["blocks"])
    column_ids = {c["id"] for c in plan_json["columns"]}
    assert {b["column"] for b in plan_json["blocks"]} - {None} <= column_ids
    chapters = {c["id"] for p in plan_json["parts"] for c in p["chapters"]}
    leads = 0
    for b in plan_json["blocks"]:
        assert (b["chapter"] in chapters) == (b["area"] == "chapter")
        assert b["chapter"] is None or b["chapter"] in chapters
        for s in b["spans"]:
            if s["type"] in ("lead", "name"):
                leads += 1
                assert b["text"][s["end"] - 1] not in "。：:", b["text"][:s["end"] + 1]
    assert leads > 300
    assert {b["area"] for b in plan_json["blocks"]} == {"notice", "preamble", "chapter", "closing"} | (
        {"part"} if any(p["blocks"] for p in plan_json["parts"]) else set()) | (
        {"page"} if plan_json["pages"] else set())
    for page in plan_json["pages"]:  # a page's blocks say which page holds them, and only they
        assert all(b["page"] == page["id"] for b in plan_json["blocks"] if b["id"] in page["blocks"])
    assert all(("page" in b) == (b["area"] == "page") for b in plan_json["blocks"])


def _ids(obj, out: list) -> list:
    """Every id-valued field of a plan.json, wherever it stands."""
    keys = {"id", "block", "blocks", "table", "list", "section", "chapter", "column", "part",
            "parent", "indicator", "former", "url", "to", "from_block"}
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in keys and (not isinstance(v, dict | list) or all(isinstance(x, str) for x in v)):
                out.append((k, json.dumps(v)))
            else:
                _ids(v, out)
    elif isinstance(obj, list):
        for v in obj:
            _ids(v, out)
    return out


def test_changing_one_cell_of_column_2_changes_no_id(tmp_path):
    plan = tmp_path / "plan"
    shutil.copytree(PLAN, plan)
    ch = plan / "chapters" / "ch04-goals.xml"
    text = ch.read_text(encoding="utf-8")
    assert text.count("<v>7.5</v>") == 1
    ch.write_text(text.replace("<v>7.5</v>", "<v>7.6</v>"), encoding="utf-8")
    before, after = to_dict(compile_plan(PLAN).plan), to_dict(compile_plan(plan).plan)
    assert before != after
    ids = _ids(before, [])
    assert len(ids) > 5000 and ("id", '"tbl-main-indicators"') in ids
    assert sorted(ids) == sorted(_ids(after, []))


def test_former_ids_stay_anchors_on_the_site(mini_copy, tmp_path, plan_json):
    sections = [s for p in plan_json["parts"] for c in p["chapters"] for s in c["sections"]]
    assert len(sections) == 109 and all(re.fullmatch(r"sec-[a-z0-9-]+-\d", s["former"][0])
                                        for s in sections)
    assert {t["id"]: t["former"] for t in plan_json["tables"]}["tbl-main-indicators"] == ["tbl-e029e23e"]
    ch = mini_copy / "chapters" / "ch01.xml"
    text = ch.read_text(encoding="utf-8")
    text = text.replace('<section id="sec-review-1">', '<section id="sec-review-1" former="sec-old-1 sec-older">', 1)
    text = text.replace("<indicator-table>", '<indicator-table id="tbl-goals" former="tbl-0123abcd">', 1)
    ch.write_text(text, encoding="utf-8")
    compiled = compile_plan(mini_copy)
    assert compiled.ok
    build(compiled.plan, tmp_path / "out", ["html", "json"])
    d = json.loads((tmp_path / "out" / "plan.json").read_text(encoding="utf-8"))
    page = (tmp_path / "out" / "site" / "chapters" / "ch-review.html").read_text(encoding="utf-8")
    for old in ("sec-old-1", "sec-older", "tbl-0123abcd"):
        assert f'id="{old}"' in page
    section = d["parts"][0]["chapters"][0]["sections"][0]
    assert section["former"] == ["sec-old-1", "sec-older"]
    # every url of the dump is a page of the site holding its anchor
    for b in d["blocks"] + d["tables"] + d["columns"] + d["figures"]:
        url, _, anchor = b["url"].partition("#")
        html = (tmp_path / "out" / "site" / url).read_text(encoding="utf-8")
        assert f'id="{anchor}"' in html, b["url"]


def test_workbook_value_cells_keep_the_printed_text(dist, plan_json):
    """Where a number would be misread (54%, [10], ≥90, 6.0 without its format), the
    cell holds the printed text; a number cell reads as printed with its format."""
    from openpyxl import load_workbook

    wb = load_workbook(dist / "indicators.xlsx")
    tables = [b for b in plan_json["blocks"] if b["type"] == "table" and b["indicator"]]
    assert wb.sheetnames[1:] == ["专栏 1", "专栏 2"] and len(tables) == 2
    numbers = texts = 0
    for ws, table in zip(wb.worksheets[1:], tables):
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate(table["rows"], 1):
            c = 1
            for cell in row:
                while (r, c) in taken:
                    c += 1
                got = ws.cell(row=r, column=c)
                taken |= {(r + i, c + j) for i in range(cell["rowspan"]) for j in range(cell["colspan"])}
                c += cell["colspan"]
                if not cell["indicator"]:
                    continue
                if isinstance(got.value, str):
                    assert got.value == cell["text"] and got.data_type == "s"
                    texts += 1
                else:
                    decimals = len(got.number_format.partition(".")[2])
                    assert f"{got.value:.{decimals}f}" == cell["text"], (got.value, cell["text"])
                    numbers += 1
    assert numbers > 50 and texts > 50
    sheet = wb["指标"]
    header = [c.value for c in sheet[1]]
    text_col = header.index("text")
    printed = [row[text_col] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in printed if c.value is not None)
    assert {"6.0", "[-33%]", "≥90", "94.5%"} <= {c.value for c in printed}


def test_datapackage_describes_the_csv_files(dist):
    package = json.loads((dist / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package"
    for resource in package["resources"]:
        raw = (dist / resource["path"]).read_bytes()
        header = raw[3:].decode("utf-8").split("\r\n", 1)[0].split(",")
        assert header == [f["name"] for f in resource["schema"]["fields"]]
        assert {f["type"] for f in resource["schema"]["fields"]} <= {"string", "integer", "number", "boolean"}
        assert all(f["title"] and f["description"] for f in resource["schema"]["fields"])


def _examples() -> list[tuple[str, str]]:
    doc = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
    doc = doc[doc.index("## Worked examples"):]
    return re.findall(r"```python\n(.*?)```\s*```text\n(.*?)```", doc, re.S)


def test_docs_have_a_worked_example_per_consumer_task():
    assert len(_examples()) >= 5


@pytest.mark.parametrize("n", range(5))
def test_worked_example_runs_against_the_bundled_plan(n, dist):
    code, expected = _examples()[n]
    r = subprocess.run([sys.executable, "-c", code], cwd=dist.parent, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    lines = expected.rstrip("\n").split("\n")
    assert r.stdout.split("\n")[:len(lines)] == lines


def test_prose_fact_spans_are_the_prose_facts(plan_json):
    """A <fact> in the text is one span of its block and one fact of its indicator, with
    the same reading (value_unit included)."""
    def key(ind, f, text):
        return (ind, f["year"], f["role"], text, f["value"], f["value_unit"])

    spans = sorted(key(s["indicator"], s, b["text"][s["start"]:s["end"]])
                   for b in plan_json["blocks"] for s in b["spans"] if s["type"] == "fact")
    facts = sorted(key(i["id"], f, f["text"]) for i in plan_json["indicators"] for f in i["facts"]
                   if f["stated_in"]["source"] == "prose")
    assert spans == facts and len(spans) > 20
