"""The one walk over the model (plandoc/walk.py) and the memo owned by whoever compiles.

The walk is checked against an independent reading of the XML (XPath over plan.xml and
the chapter files it includes, in document order); the consumers are checked to see every
block type the walk knows; the memo is checked to be per owner, and reused by serve.
"""

from __future__ import annotations

import typing
from pathlib import Path

import pytest
from lxml import etree

from plandoc import model as m
from plandoc import walk
from plandoc.pipeline import Memo, compile_plan

from plans import FIXTURES, ROOT

TAGS = {"p": m.Paragraph, "subhead": m.Subhead, "entry": m.Entry, "list": m.ListBlock,
        "item": m.Item, "table": m.Table, "indicator-table": m.Table, "figure": m.Figure,
        "column": m.Column, "subsection": m.Subsection}
XPATH = " | ".join(f"//{tag}" for tag in TAGS) + " | //chapter[@file]"


def _xml_blocks(plan_dir: Path, rel: str = "plan.xml") -> list[tuple[type, str, int]]:
    """(model type, file name, line) of every block element, chapters spliced in where
    plan.xml includes them: document order as the XML has it."""
    doc = etree.parse(str(plan_dir / rel), etree.XMLParser(resolve_entities=False, no_network=True))
    out = []
    for el in doc.xpath(XPATH):
        if el.tag == "chapter":
            out += _xml_blocks(plan_dir, el.get("file"))
        else:
            out.append((TAGS[el.tag], Path(rel).name, el.sourceline))
    return out


def _compiled(plan_dir: Path) -> m.Plan:
    compiled = compile_plan(plan_dir)
    assert compiled.plan is not None, compiled.diagnostics
    return compiled.plan


@pytest.fixture(scope="module")
def bundled() -> m.Plan:
    return _compiled(ROOT / "plan")


@pytest.fixture(scope="module")
def numbered() -> m.Plan:
    """A plan with numbered headings (<subsection>), which the bundled plan has none of."""
    return _compiled(FIXTURES / "no-parts")


@pytest.mark.parametrize("where", ["plan", "tests/fixtures/no-parts", "tests/fixtures/mini"])
def test_the_walk_yields_every_block_once_in_document_order(where):
    plan_dir = ROOT / where
    plan = _compiled(plan_dir)
    steps = list(walk.blocks(plan, walk.PLAN))
    walked = [(type(s.node), Path(s.node.loc.file).name, s.node.loc.line) for s in steps]
    expected = _xml_blocks(plan_dir)
    assert len(expected) > 10
    assert walked == expected
    assert len({id(s.node) for s in steps}) == len(steps)  # no block twice


def test_every_heading_comes_before_what_it_holds(bundled):
    """Headings in reading order, each followed by its own blocks: a block's place names
    the last part, chapter and section the walk passed."""
    last: dict[type, object] = {}
    for step in walk.steps(bundled):
        if isinstance(step.node, m.Part | m.Chapter | m.Section):
            last[type(step.node)] = step.node
            if isinstance(step.node, m.Chapter):
                last.pop(m.Section, None)
        elif step.place.area == "chapter":
            assert step.place.chapter is last[m.Chapter]
            assert step.place.section is last.get(m.Section)
            assert step.place.page == step.place.chapter.id
    assert sum(isinstance(s.node, m.Chapter) for s in walk.steps(bundled)) == len(bundled.chapters)


def test_the_walk_knows_every_block_type_and_so_does_every_output():
    """Adding a block type: the model's Block union, the walk's KINDS, and one handler per
    output (site and print templates, Word) must all name it."""
    blocks = set(typing.get_args(m.Block))
    assert set(walk.KINDS.values()) == blocks
    from plandoc.export.word import BLOCKS
    assert set(BLOCKS) == blocks
    for template in ("site/_blocks.html.j2", "pdf/blocks.html.j2"):
        text = (ROOT / "templates" / template).read_text(encoding="utf-8")
        missing = [name for name in walk.KINDS if f"b is {name} %}}" not in text]
        assert missing == [], template


@pytest.mark.parametrize("which", ["bundled", "numbered"])
def test_consumers_see_every_block_the_walk_yields(which, request):
    plan = request.getfixturevalue(which)
    from plandoc import review
    from plandoc.export import plan_json as render_json
    from plandoc.site import search as site_search
    from plandoc.site import view as site_view
    from plandoc.checks import text

    public = [s.node for s in walk.blocks(plan)
              if s.place.companion is None or s.place.companion.public]
    records = render_json.to_dict(plan)["blocks"]  # a list is its items
    assert [r["id"] for r in records] == [b.id for b in public if not isinstance(b, m.ListBlock)]
    kinds = {type(b) for b in public}
    assert {r["type"] for r in records} == {
        t.__name__.lower() for t in kinds if t is not m.ListBlock}
    in_plan = [s.node for s in walk.blocks(plan, walk.PLAN)]
    view = site_view.SiteView(plan)
    anchored = {a.href.partition("#")[2] for a in view.anchors()}
    assert {b.id for b in in_plan} <= anchored
    searched = {r[1] for r in site_search.records(plan, view)["records"]}
    assert {b.id for b in public if not isinstance(b, m.ListBlock)} <= searched
    prose = text._prose(plan)
    assert sum(1 for kind, _, _ in prose if kind in ("p", "item", "entry", "subhead")) == sum(
        isinstance(b, m.Paragraph | m.Item | m.Entry | m.Subhead | m.Subsection)
        for b in in_plan)
    printed = {s.node.id for s in walk.blocks(plan, review.DOCX_AREAS)
               if not isinstance(s.node, m.ListBlock | m.Figure)}
    assert printed <= set(review.targets(plan))


def test_the_word_edition_prints_numbered_headings(numbered):
    """render_docx had no handler for <subsection>: a plan with numbered headings raised
    KeyError. The heading and the blocks it holds are printed, each bookmarked."""
    from plandoc.export.word import document

    doc = document(numbered)
    texts = [p.text for p in doc.paragraphs]
    subsections = [s.node for s in walk.blocks(numbered) if isinstance(s.node, m.Subsection)]
    assert subsections
    for sub in subsections:
        assert sub.label + m.plain(sub.title) in texts
        inner = [b for b in sub.blocks if isinstance(b, m.Paragraph)]
        assert all(b.text in texts for b in inner)
    from plandoc.export.word_parts import bookmark_name
    body = doc.element.body.xml
    missing = [sub.id for sub in subsections if f'w:name="{bookmark_name(sub.id)}"' not in body]
    assert missing == []


# ------------------------------------------------------------------ the memo


def test_separate_memos_share_nothing(mini_copy):
    first, second = Memo(), Memo()
    compile_plan(mini_copy, first)
    seen = (first.text.hits, first.text.misses, first.scans.hits, first.scans.misses)
    assert first.text.misses and first.scans.misses
    compile_plan(mini_copy)  # a memo of its own, thrown away
    compile_plan(mini_copy, second)
    assert (first.text.hits, first.text.misses, first.scans.hits, first.scans.misses) == seen
    # the second owner worked everything out again: nothing came from the first's memo,
    # and each memo holds only what its owner worked out
    assert (second.text.misses, second.scans.misses) == (first.text.misses, first.scans.misses)
    for memo in (first, second):
        assert sum(memo.text.sizes().values()) == memo.text.misses
        assert len(memo.scans.scans) == memo.scans.misses
    compile_plan(mini_copy, first)
    assert first.text.misses == seen[1] and first.text.hits >= seen[0] + seen[1]
    assert first.scans.misses == seen[3] and first.scans.hits >= seen[2] + seen[3]


def test_serve_keeps_its_memo_across_rebuilds(mini_copy, tmp_path):
    """The editors' loop pays only for what an edit changed: the second rebuild finds the
    work of the first in the preview's memo."""
    from plandoc.serve import Hub, Preview

    hub = Hub()
    try:
        preview = Preview(mini_copy, tmp_path / "out", hub, False, lambda _: None)
        assert preview.rebuild()
        memo = preview.memo
        misses, scans = memo.text.misses, memo.scans.misses
        assert misses and scans
        ch = mini_copy / "chapters" / "ch01.xml"
        ch.write_text(ch.read_text(encoding="utf-8").replace("坚持。", "坚持不懈。", 1),
                      encoding="utf-8")
        assert preview.rebuild()
        assert preview.memo is memo
        assert 0 < memo.text.misses - misses < misses  # only the edited paragraph is new
        assert 0 < memo.scans.misses - scans < scans
        assert memo.text.hits >= misses - 10
    finally:
        hub.close()
