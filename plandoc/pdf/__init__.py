"""The print edition (dist/plan.pdf), typeset by WeasyPrint.

`render` is the entry; `view` gives the print templates their finished values;
`assembly` lays the edition out 篇 by 篇 and puts it together; every use of
WeasyPrint's and pydyf's internals is in `patches` and `justify` (pinned versions);
`worker` is serve's PDF process; `measure` reads a PDF's justification back.
"""
