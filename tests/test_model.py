"""Numbering, labels, references and the JSON dump on the mini fixture."""

from __future__ import annotations

import json
import shutil

from plandoc import model as m
from plandoc.pipeline import compile_plan
from plandoc.export.plan_json import SCHEMA_VERSION, dumps, to_dict

from plans import MINI


def _plan(path=MINI):
    compiled = compile_plan(path)
    assert compiled.ok, compiled.diagnostics
    return compiled.plan


def test_labels_are_computed_from_order():
    plan = _plan()
    assert [p.label for p in plan.parts] == ["第一篇"]
    (ch,) = plan.chapters
    assert ch.label == "第一章" and [s.label for s in ch.sections] == ["第一节", "第二节"]
    assert [c.label for c in plan.columns] == ["专栏 1"]
    assert [f.label for f in plan.figures] == ["图 1"]


def test_references_carry_the_target_label(tmp_path):
    plan = _plan()
    refs = [n for n in plan.chapters[0].blocks[0].content if isinstance(n, m.Ref)]
    assert [(r.to, r.label, r.kind, r.page) for r in refs] == [
        ("col-main", "专栏 1", "column", "ch-review"),
        ("sec-review-2", "第一章第二节", "section", "ch-review")]


def test_inserting_a_chapter_renumbers_everything(mini_copy):
    ch = (mini_copy / "chapters" / "ch01.xml").read_text(encoding="utf-8")
    new = ch.replace('id="ch-review"', 'id="ch-new"').replace('"sec-review-', '"sec-new-') \
        .replace('id="col-main"', 'id="col-new"').replace('id="fig-map"', 'id="fig-new"') \
        .replace('to="col-main"', 'to="col-new"').replace('to="sec-review-2"', 'to="sec-new-2"')
    (mini_copy / "chapters" / "ch00.xml").write_text(new, encoding="utf-8")
    shutil.copy(mini_copy / "figures" / "fig-map.svg", mini_copy / "figures" / "fig-new.svg")
    plan_xml = mini_copy / "plan.xml"
    plan_xml.write_text(plan_xml.read_text(encoding="utf-8").replace(
        '<chapter file="chapters/ch01.xml"/>',
        '<chapter file="chapters/ch00.xml"/>\n    <chapter file="chapters/ch01.xml"/>'), encoding="utf-8")
    plan = _plan(mini_copy)
    assert [c.label for c in plan.chapters] == ["第一章", "第二章"]
    assert [(c.id, c.label) for c in plan.columns] == [("col-new", "专栏 1"), ("col-main", "专栏 2")]
    refs = [n for n in plan.chapters[1].blocks[0].content if isinstance(n, m.Ref)]
    assert [r.label for r in refs] == ["专栏 2", "第二章第二节"]


def test_indicator_table_becomes_statements_and_rows():
    plan = _plan()
    gdp = next(i for i in plan.indicators if i.id == "gdp")
    assert [(s.source, s.year, s.role, s.quantity.value, s.quantity.comparator) for s in gdp.facts] == [
        ("prose", 2020, "actual", 2107.7, None),
        ("table", 2020, "base", 2107.7, None),
        ("table", 2025, "target", 3000.0, None),
        ("table", 2025, "rate", 7.3, None)]
    (table,) = plan.tables
    assert table.indicator
    first, second = table.body
    assert [m.plain(c.content) for c in first.cells] == ["经济发展", "地区生产总值（亿元）", "2107.7", "3000", "7.3", "预期性"]
    assert first.cells[0].rowspan == 2 and first.cells[1].colspan == 2
    assert [m.plain(c.content) for c in second.cells] == ["城镇化率", "常住人口城镇化率（%）", "46.94", "54", "[7.06]", "预期性"]
    rate = next(s for s in plan.statements if s.indicator == "urban-resident" and s.role == "rate")
    assert (rate.from_year, rate.year, rate.quantity.cumulative) == (2020, 2025, True)


def test_paragraph_ids_are_stable_when_another_paragraph_changes(mini_copy):
    before = {b["text"]: b["id"] for b in to_dict(_plan(mini_copy))["blocks"]}
    ch = mini_copy / "chapters" / "ch01.xml"
    ch.write_text(ch.read_text(encoding="utf-8").replace("PM<sub>2.5</sub> 浓度下降 10%", "PM<sub>2.5</sub> 浓度明显下降 10%"),
                  encoding="utf-8")
    after = {b["text"]: b["id"] for b in to_dict(_plan(mini_copy))["blocks"]}
    unchanged = set(before) & set(after)
    assert len(unchanged) == len(before) - 1
    assert all(before[t] == after[t] for t in unchanged)


def test_json_dump_is_deterministic_and_independent_of_the_path(tmp_path):
    a = dumps(_plan())
    shutil.copytree(MINI, tmp_path / "elsewhere")
    b = dumps(_plan(tmp_path / "elsewhere"))
    assert a == b
    d = json.loads(a)
    assert d["schema_version"] == SCHEMA_VERSION
    assert [b["type"] for b in d["blocks"]][:3] == ["paragraph", "paragraph", "paragraph"]
    assert d["parts"][0]["chapters"][0]["sections"][1]["label"] == "第二节"
    assert d["indicators"][0]["facts"][0]["stated_in"]["loc"]["file"] == "chapters/ch01.xml"


def test_renumbering_changes_no_paragraph_id(mini_copy):
    """A paragraph that refers to 专栏 1 keeps its id when a new column before it makes
    that 专栏 2: ids are hashed from reference targets, not labels."""
    before = {b["id"] for b in to_dict(_plan(mini_copy))["blocks"] if b["type"] == "paragraph"}
    ch = mini_copy / "chapters" / "ch01.xml"
    ch.write_text(ch.read_text(encoding="utf-8").replace(
        '<section id="sec-review-1">',
        '<column id="col-first"><title>新专栏</title><p>内容。</p></column>\n  <section id="sec-review-1">'),
        encoding="utf-8")
    plan = _plan(mini_copy)
    assert [c.label for c in plan.columns] == ["专栏 1", "专栏 2"]
    after = {b["id"] for b in to_dict(plan)["blocks"] if b["type"] == "paragraph"}
    assert before <= after


def test_model_classes_behave_as_frozen_dataclasses():
    """model.frozen builds equality, hash and repr without compiling them per class: each
    class must still compare, hash and print exactly as @dataclass(frozen=True) would."""
    import dataclasses
    import inspect

    classes = [c for _, c in inspect.getmembers(m, inspect.isclass)
               if c.__module__ == m.__name__ and dataclasses.is_dataclass(c)]
    assert len(classes) > 30
    for cls in classes:
        names = [f.name for f in dataclasses.fields(cls)]
        twin = dataclasses.make_dataclass(cls.__name__, names, frozen=True)
        values = {n: (f"{n}值", i) for i, n in enumerate(names)}
        obj, same, ref = cls(**values), cls(**values), twin(**values)
        assert repr(obj) == repr(ref) and hash(obj) == hash(ref), cls
        assert obj == same and not obj != same and obj is not same, cls
        assert obj != ref and obj.__eq__(ref) is NotImplemented, cls  # another class never equals
        if names:
            other = dataclasses.replace(obj, **{names[-1]: "changed"})
            assert other != obj and repr(other).endswith(f"{names[-1]}='changed')"), cls
            try:
                setattr(obj, names[0], None)
            except dataclasses.FrozenInstanceError:
                pass
            else:
                raise AssertionError(f"{cls.__name__} is not frozen")
