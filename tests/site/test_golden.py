"""Golden pages of the mini plan's site: any change to the markup of the home page, a
chapter page or the indicators page fails until reviewed and the snapshot rewritten
(PLANDOC_UPDATE_GOLDEN=1 pytest tests/site/test_golden.py)."""

import os

import pytest

from plandoc.pipeline import build, compile_plan

from plans import MINI, ROOT

GOLDEN = ROOT / "tests" / "golden" / "mini-site"
PAGES = ["index.html", "chapters/ch-review.html", "indicators.html", "columns.html"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("golden")
    compiled = compile_plan(MINI)
    build(compiled.plan, out, ["html"], compiled.diagnostics)
    return out / "site"


@pytest.mark.parametrize("page", PAGES)
def test_page_matches_its_golden_copy(site, page):
    current = (site / page).read_text(encoding="utf-8")
    golden = GOLDEN / page
    if os.environ.get("PLANDOC_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(current, encoding="utf-8")
    assert current == golden.read_text(encoding="utf-8"), f"{page} changed; review the diff, then update"
