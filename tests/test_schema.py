"""The grammar compiles in lxml, a second validator (jing) agrees on the fixtures,
and the generated reference docs are up to date."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from plandoc.docgen import diagnostics_markdown, reference_markdown
from plandoc.validate import SCHEMA_PATH, schema

from plans import FIXTURES, ROOT

JING = shutil.which("jing")


def _xml_files():
    return sorted(p for p in FIXTURES.rglob("*.xml") if "diagnostics" not in p.parts)


def test_schema_compiles():
    assert schema() is not None


def test_jing_accepts_what_lxml_accepts():
    assert JING, "jing is not installed (scripts/setup.sh installs it)"
    files = [str(p) for p in _xml_files()]
    r = subprocess.run([JING, str(SCHEMA_PATH), *files], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout


@pytest.mark.parametrize("code", ["PD110"])
def test_jing_rejects_what_lxml_rejects(code):
    assert JING
    bad = FIXTURES / "diagnostics" / code / "chapters" / "ch01.xml"
    r = subprocess.run([JING, str(SCHEMA_PATH), str(bad)], capture_output=True, text=True)
    assert r.returncode != 0 and "bogus" in r.stdout


def test_reference_docs_are_current():
    assert (ROOT / "docs" / "reference.md").read_text(encoding="utf-8") == reference_markdown(), \
        "run: python build.py docs"
    assert (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8") == diagnostics_markdown(), \
        "run: python build.py docs"


def test_every_element_is_documented():
    text = reference_markdown()
    assert "（无说明）" not in text


def test_title_breaks_only_in_the_plan_and_notice_titles():
    """<br/> marks line breaks in meta/title and notice/title (GB/T 9704 7.3.1), nowhere else."""
    from lxml import etree

    tree = etree.parse(str(ROOT / "plan" / "plan.xml"),
                       etree.XMLParser(resolve_entities=False, no_network=True))
    assert tree.find("meta/title/br") is not None and tree.find("notice/title/br") is not None
    assert schema().validate(tree), schema().error_log
    part_title = tree.find("part/title")
    part_title.append(etree.Element("br"))
    assert not schema().validate(tree)
