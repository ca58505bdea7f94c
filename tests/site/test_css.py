"""The inline markup of the plan (facts, totals, counts…) renders as plain text: no rule
of the site's stylesheet may restyle those class names (a report-page rule named
.count once set counted lists in another font and pushed the full stop away)."""

import re

from plans import ROOT

INLINE = ("fact", "total", "term", "num", "sum", "count", "member")


def test_no_rule_restyles_inline_markup():
    css = (ROOT / "templates" / "site" / "static" / "site.css").read_text(encoding="utf-8")
    selectors = re.findall(r"([^{}]+)\{[^}]*\}", css)
    hits = [s.strip() for s in selectors for name in INLINE
            if re.search(rf"\.{name}(?![\w-])", s)]
    assert hits == []
