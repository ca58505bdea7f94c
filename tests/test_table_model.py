"""Indicator-table rows carry their category group and value cells their parsed quantity
in the model (read by the indicators page and the workbook, never rebuilt there):
checked against the XML of the bundled plan, read here without plandoc."""

from __future__ import annotations

import re
import shutil

import pytest
from lxml import etree

from plandoc import model as m
from plandoc.cells import grid, layout_by_column
from plandoc.pipeline import compile_plan
from plandoc.site.indicators import UNSET, rows as indicator_rows
from plandoc.site.view import SiteView
from plans import FIXTURES, ROOT

PLAN = ROOT / "plan"


@pytest.fixture(scope="module")
def plan() -> m.Plan:
    return compile_plan(PLAN).plan


def _xml_tables() -> list[etree._Element]:
    """Every <indicator-table> of the bundled plan, in document order."""
    root = etree.parse(str(PLAN / "plan.xml")).getroot()
    out = []
    for chapter in root.iter("chapter"):
        out += etree.parse(str(PLAN / chapter.get("file"))).getroot().iter("indicator-table")
    return out


def _expected_number(text: str) -> tuple[float, int, str | None, bool] | None:
    """(value, decimals, comparator, cumulative) of the plain printed forms, read here
    independently: 46.94, ≥90, >12, <5.5, [9.34], [-33%]; None for anything else."""
    found = re.fullmatch(r"(\[)?([≥≤><])?(-?\d+)(?:\.(\d+))?%?(\])?", text)
    if not found or bool(found[1]) != bool(found[5]):
        return None
    decimals = len(found[4] or "")
    value = float(found[3] + ("." + found[4] if found[4] else ""))
    return value, decimals, found[2], bool(found[1])


def test_rows_carry_their_category_group(plan):
    tables = [t for t in plan.tables if t.indicator]
    xml = _xml_tables()
    assert len(tables) == len(xml) >= 2
    for t, el in zip(tables, xml):
        expected = [(row.get("ind"), group.get("category"))
                    for group in el.iter("group") for row in group.iter("row")]
        got = [(row.indicator, row.category) for row in t.body if row.indicator is not None]
        assert got == expected, t.id
        assert len({c for _, c in expected}) > 1, "the table has several groups"


def test_value_cells_carry_their_parsed_quantity(plan):
    tables = [t for t in plan.tables if t.indicator]
    checked = 0
    for t, el in zip(tables, _xml_tables()):
        printed = ["".join(v.itertext()) for v in el.iter("v")]
        placed, specs = grid(t)[len(t.head):], layout_by_column(t)
        cells = [c for slots in placed for c, col in slots if specs[col].kind == "value"]
        assert [c.quantity.text for c in cells] == printed, t.id
        for cell, text in zip(cells, printed):
            number = _expected_number(text.strip())
            if text.strip() in ("-", ""):
                assert cell.quantity.kind == ("na" if text.strip() else "empty")
            elif number is not None:
                q = cell.quantity
                assert (q.kind, q.value, q.decimals, q.comparator, q.cumulative) == \
                    ("number", *number), text
                checked += 1
    assert checked > 100


def test_a_cell_states_what_its_statement_says(plan):
    """The statement a table cell makes points at that cell, and both hold one quantity."""
    by_id = {t.id: t for t in plan.tables}
    stated = [s for s in plan.statements if s.source == "table"]
    assert stated
    for s in stated:
        cell = (by_id[s.block].head + by_id[s.block].body)[s.row].cells[s.cell]
        assert cell.quantity == s.quantity and cell.fact_indicator == s.indicator


def test_the_indicators_page_takes_an_undefined_category_from_the_row(tmp_path):
    """An indicator whose definition names no category is listed under the group its
    table prints it in: a 类别 column (bundled plan) or a row across the table (the plan
    without parts, whose table has no 类别 column)."""
    cases = []
    for name, src, ind in (("bundled", PLAN, "gdp"), ("no-parts", FIXTURES / "no-parts", "ind-bus-villages")):
        plan_dir = tmp_path / name
        shutil.copytree(src, plan_dir)
        path = plan_dir / "indicators.xml"
        xml = path.read_text(encoding="utf-8")
        definition = re.search(rf'<indicator id="{ind}"[^>]*>', xml)[0]
        assert "category=" in definition
        path.write_text(xml.replace(definition, re.sub(r' category="[^"]*"', "", definition)),
                        encoding="utf-8")
        plan = compile_plan(plan_dir).plan
        rows = {r.id: r for r in indicator_rows(plan, SiteView(plan))}
        first = next(s for s in plan.statements if s.indicator == ind and s.source == "table")
        table = next(t for t in plan.tables if t.id == first.block)
        group = (table.head + table.body)[first.row].category
        cases.append((rows[ind].category, group))
    assert all(category == group and group not in (None, UNSET) for category, group in cases), cases
