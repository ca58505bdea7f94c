"""The importer as a whole: validity against schema/plan.rng (lxml and jing), unique
ids, deterministic output, and no CJK character of the input lost, on the sample plans
and on the seed text (the Yongzhou plan) when it is present."""

from __future__ import annotations

from pathlib import Path

import pytest

from importer.plan_samples import SAMPLE, Imported, lost_cjk, sample, validate  # noqa: F401
import plans

ROOT = Path(__file__).resolve().parents[2]
SEED = plans.SEED
IDS = ROOT / "plandoc" / "importer" / "ids-yongzhou.toml"


def test_sample_validates(sample: Imported):
    assert validate(sample.out) == []


def test_sample_loses_no_cjk_character(sample: Imported):
    assert lost_cjk(SAMPLE, sample.out) == {}


def test_output_is_deterministic(tmp_path: Path):
    a = Imported(SAMPLE, tmp_path / "a")
    b = Imported(SAMPLE, tmp_path / "b")
    assert [f.read_bytes() for f in a.files] == [f.read_bytes() for f in b.files]


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> Imported:
    tmp = tmp_path_factory.mktemp("seed")
    return Imported(SEED.read_text(encoding="utf-8"), tmp, IDS.read_text(encoding="utf-8"))


def test_seed_counts(seed: Imported):
    assert seed.result.counts | {"indicators": 0, "facts": 0} == {
        "parts": 11, "chapters": 38, "sections": 109, "columns": 37, "figures": 8,
        "indicators": 0, "facts": 0}
    assert seed.x("count(//column/indicator-table)") == 2
    assert seed.x("count(//column[@id='col-transport-corridors']/table/tbody/tr/th[@colspan='2'])") == 2


def test_seed_validates(seed: Imported):
    assert validate(seed.out) == []


def test_seed_import_is_in_the_formatters_canonical_form(seed: Imported):
    """One layout for plan files: `fmt --check` passes on a fresh import."""
    from plandoc.fmt import canonical_xml

    assert seed.files
    for f in seed.files:
        assert canonical_xml(f.read_bytes()) == f.read_text(encoding="utf-8"), f.name


def test_seed_loses_no_cjk_character(seed: Imported):
    assert lost_cjk(SEED.read_text(encoding="utf-8"), seed.out) == {}


def test_seed_parent_cell_printed_unlike_its_definition_is_kept(seed: Imported):
    """The one parent cell of the seed printed otherwise than name（unit）: 主要污染物排放减少 (%)
    with ASCII brackets, kept as <parent-label> on the first of its sub-rows."""
    labels = seed.x("//row[parent-label]")
    assert [(r.findtext("parent-label"), r.findtext("label")) for r in labels] == [
        ("主要污染物排放减少 (%)", "化学需氧量")]


def test_seed_column_subheads(seed: Imported):
    """专栏 18's four sub-headings, and nothing else, come out as <subhead>."""
    assert [(el.getparent().findtext("title"), el.text) for el in seed.x("//subhead")] == [
        ("物流配送网络空间布局", t) for t in (
            "“一核”：冷水滩-零陵现代物流发展核心区", "“两区”：北部、南部物流功能区",
            "“四通道”：两纵两横物流大通道", "“三节点”：祁阳、道县、宁远物流节点")]


def test_seed_toc_difference_and_repairs(seed: Imported):
    diffs = seed.findings("toc-diff")
    assert [(f.lines, f.text) for f in diffs] == [((23, 198), "砥砺奋进 → 砥砺前行")]
    assert sorted(f.lines for f in seed.findings("repeated-char")) == [(376, 378), (1945, 1947)]
    assert sorted(f.lines[0] for f in seed.findings("table-shift")) == [246, 254, 263]
    assert not seed.findings("numbering") and not seed.findings("toc-count")


def test_coverage_check_notices_a_lost_paragraph(sample: Imported):
    chapter = sample.out / "chapters" / "ch01-01.xml"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("创新能力明显提升，新建研发平台二十个。", ""), encoding="utf-8")
    assert lost_cjk(SAMPLE, sample.out)


def test_seed_gives_the_plans_readable_section_and_table_ids(seed: Imported):
    """The importer writes the ids plan/ carries: sections from [sections] of the mapping,
    tables from the column that holds them (never from their cells)."""
    import re

    plan = ROOT / "plan" / "chapters"
    pattern = re.compile(r'<(?:section|table|indicator-table) id="([^"]+)"')
    compared = 0
    for f in seed.files:
        if f.parent.name != "chapters":
            continue
        compared += 1
        ours = pattern.findall((plan / f.name).read_text(encoding="utf-8"))
        assert pattern.findall(f.read_text(encoding="utf-8")) == ours, f.name
    assert compared == 38
    assert seed.x("count(//section[starts-with(@id, 'sec-') and string-length(@id) > 4])") == 109
    assert seed.x("string(//column[@id='col-main-indicators']/indicator-table/@id)") == "tbl-main-indicators"
