"""Writing the plan directory: plan.xml, indicators.xml and chapters/*.xml.

Role: map the tree to the plandoc vocabulary (schema/plan.rng) and serialise it.
Guarantees: deterministic bytes for the same input (no timestamps); the formatter's
canonical form (`fmt.canonical_xml`: attribute order, indentation of structural elements
only, so that no whitespace is ever added inside mixed content), so `fmt --check`
passes on an import; chapter files are named chapters/chNN-<slug>.xml by print order.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from ..fmt import canonical_xml
from . import indicators, inline, structure as st
from .inline import Em, Node, Ref, Sic, Sub
from .report import Findings
from .source import Back, Front, InputError, Unit

XML_NS = "http://www.w3.org/XML/1998/namespace"


def _fill(el: etree._Element, nodes: list[Node]) -> None:
    """Append `nodes` to `el`. Linear: runs of text are joined once, and the last child is
    tracked (lxml's len() and el[-1] walk all children: quadratic on a long paragraph)."""
    last = el[-1] if len(el) else None
    texts: list[str] = []
    for node in [*nodes, None]:
        if isinstance(node, str):
            texts.append(node)
            continue
        if texts:
            if last is not None:
                last.tail = (last.tail or "") + "".join(texts)
            else:
                el.text = (el.text or "") + "".join(texts)
            texts = []
        if isinstance(node, Em):
            last = etree.SubElement(el, "em")
            _fill(last, list(node.children))
        elif isinstance(node, (Sub, Sic)):
            last = etree.SubElement(el, "sub") if isinstance(node, Sub) else \
                etree.SubElement(el, "sic", corr=node.corr)
            last.text = node.text
        elif isinstance(node, Ref):
            last = etree.SubElement(el, "ref", to=node.to)


def _text(parent: etree._Element, tag: str, text: str, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag, **attrs)
    el.text = text
    return el


class Writer:
    def __init__(self, findings: Findings, refs: dict[str, str]):
        self.findings, self.refs = findings, refs

    def _inline(self, parent: etree._Element, tag: str, nodes: list[Node],
                lines: tuple[int, ...] = (), **attrs: str) -> etree._Element:
        el = etree.SubElement(parent, tag, **attrs)
        if self.refs and lines:
            nodes = inline.link(nodes, self.refs, lines, self.findings)
        _fill(el, nodes)
        return el

    def para(self, parent: etree._Element, para: st.Para, tag: str = "p") -> None:
        el = etree.SubElement(parent, tag)
        if para.numbering:
            el.set("numbering", para.numbering)
        if para.lead:
            _fill(etree.SubElement(el, "lead"), para.lead)
        _fill(el, inline.link(para.nodes, self.refs, para.lines, self.findings)
              if self.refs else para.nodes)

    def block(self, parent: etree._Element, block: object) -> None:
        if isinstance(block, st.Para):
            self.para(parent, block)
        elif isinstance(block, st.Subhead):
            self.para(parent, st.Para(block.nodes, [], block.lines), "subhead")
        elif isinstance(block, st.ListBlock):
            el = etree.SubElement(parent, "list", type=block.type)
            for item in block.items:
                self.para(el, item, "item")
        elif isinstance(block, st.Entry):
            el = etree.SubElement(parent, "entry")
            _fill(etree.SubElement(el, "name"), block.name)
            _fill(el, block.nodes)
        elif isinstance(block, st.Level):
            el = etree.SubElement(parent, "subsection", numbering=block.style)
            self._inline(el, "title", block.title, block.lines)
            for b in block.blocks:
                self.block(el, b)
        elif isinstance(block, st.Column):
            el = etree.SubElement(parent, "column", id=block.id)
            self._inline(el, "title", block.title)
            for b in block.blocks:
                self.block(el, b)
        elif isinstance(block, st.Figure):
            el = etree.SubElement(parent, "figure", id=block.id)
            self._inline(el, "caption", block.caption)
        elif isinstance(block, st.Table):
            self.table(parent, block)
        elif isinstance(block, st.IndTable):
            self.indicator_table(parent, block.table, block.id, block.caption)

    def _rows(self, parent: etree._Element, rows: list[list], origin_rows: list[list]) -> None:
        for r, line in enumerate(rows):
            tr = etree.SubElement(parent, "tr")
            for c, cell in enumerate(line):
                if cell.col != c or (r and origin_rows[r - 1][c] is cell):
                    continue
                attrs = {}
                if cell.colspan > 1:
                    attrs["colspan"] = str(cell.colspan)
                if cell.rowspan > 1:
                    attrs["rowspan"] = str(cell.rowspan)
                self._inline(tr, "th" if cell.header else "td",
                             inline.parse(cell.text, (), self.findings), **attrs)

    def table(self, parent: etree._Element, table: st.Table) -> None:
        el = etree.SubElement(parent, "table", **({"id": table.id} if table.id else {}))
        if table.caption:
            self._inline(el, "caption", table.caption)
        grid = table.grid
        if grid.head:
            self._rows(etree.SubElement(el, "thead"), grid.head, grid.head)
        self._rows(etree.SubElement(el, "tbody"), grid.body, grid.body)

    def indicator_table(self, parent: etree._Element, t: indicators.IndicatorTable,
                        tid: str = "", caption: list[Node] | None = None) -> None:
        el = etree.SubElement(parent, "indicator-table", **({"id": tid} if tid else {}))
        if caption:
            self._inline(el, "caption", caption)
        self._rows(etree.SubElement(el, "thead"), t.head, t.head)
        layout = etree.SubElement(el, "layout")
        for k, (kind, role, year, start) in enumerate(t.layout):
            if kind == "name" and k and t.layout[k - 1][0] == "name":
                continue   # one name column; parent and sub-name share it (header colspan 2)
            col = etree.SubElement(layout, "col", kind=kind)
            for key, value in (("role", role), ("year", year), ("from", start)):
                if value:
                    col.set(key, value)
        for category, rows in t.groups:
            group = etree.SubElement(el, "group", category=category)
            for row in rows:
                r = etree.SubElement(group, "row", ind=row.slug)
                if row.parent_label is not None:
                    self._inline(r, "parent-label", inline.parse(row.parent_label, (row.line,), Findings()))
                if row.label is not None:
                    self._inline(r, "label", inline.parse(row.label, (row.line,), Findings()))
                for text, span in row.values:
                    v = self._inline(r, "v", inline.parse(text, (row.line,), Findings()))
                    if span > 1:
                        v.set("colspan", str(span))

    def chapter(self, chapter: st.Chapter) -> etree._Element:
        root = etree.Element("chapter", id=chapter.id)
        self._inline(root, "title", chapter.title)
        for b in chapter.blocks:
            self.block(root, b)
        for section in chapter.sections:
            el = etree.SubElement(root, "section", id=section.id)
            self._inline(el, "title", section.title)
            for b in section.blocks:
                self.block(el, b)
        return root


def _plain_paras(parent: etree._Element, units: list[Unit], findings: Findings) -> None:
    for unit in units:
        _fill(etree.SubElement(parent, "p"), inline.parse(unit.text, unit.lines, findings))


def plan_root(plan_id: str, front: Front, period: tuple[int, int, int | None], w: Writer,
              body: st.Body, files: list[str], closing: list[Unit], back: Back,
              has_indicators: bool) -> etree._Element:
    root = etree.Element("plan", id=plan_id)
    root.set(f"{{{XML_NS}}}lang", "zh-CN")
    meta = etree.SubElement(root, "meta")
    _text(meta, "title", front.title)
    _text(meta, "issuer", front.issuer)
    if front.docno:
        _text(meta, "docno", front.docno)
    if front.approved:
        _text(meta, "approved", front.approved, date=front.approved_date, by=front.approved_by)
    p = etree.SubElement(meta, "period", {"from": str(period[0]), "to": str(period[1])})
    if period[2]:
        p.set("vision", str(period[2]))
    schemes = {k: v for k, v in body.numbering.items() if v != {"table": "none"}.get(k, "1")}
    if schemes:
        etree.SubElement(meta, "numbering", dict(sorted(schemes.items())))
    if front.notice_title:
        notice = etree.SubElement(root, "notice")
        if front.notice_date:
            notice.set("date", front.notice_date)
        _fill(etree.SubElement(notice, "title"), inline.parse(front.notice_title, (), w.findings))
        if front.notice_to:
            _text(notice, "to", front.notice_to)
        _plain_paras(notice, front.notice_paras, w.findings)
        if front.notice_signature:
            _text(notice, "signature", front.notice_signature)
    if has_indicators:
        etree.SubElement(root, "indicators", file="indicators.xml")
    if body.preamble:
        pre = etree.SubElement(root, "preamble")
        for para in body.preamble:
            w.para(pre, para)
    k = 0
    if [p.implicit for p in body.parts] == [True]:   # chapters directly under the plan
        for _ in body.parts[0].chapters:
            etree.SubElement(root, "chapter", file=files[k])
            k += 1
    for part in body.parts if k == 0 else ():
        if part.implicit:   # chapters before the first 篇 of a plan that has them
            w.findings.add("structure", part.lines, "chapters before the first part: "
                           "placed in a part of their own", "（无题）")
            part.id = part.id or "pt-untitled"
            part.title = ["（无题）"]
        el = etree.SubElement(root, "part", id=part.id)
        w._inline(el, "title", part.title)
        for para in part.intro:
            w.para(el, para)
        for _ in part.chapters:
            etree.SubElement(el, "chapter", file=files[k])
            k += 1
    if closing:
        _plain_paras(etree.SubElement(root, "closing"), closing, w.findings)
    for appendix in body.appendices:
        el = etree.SubElement(root, "appendix", id=appendix.id, kind=appendix.kind)
        w._inline(el, "title", appendix.title)
        for b in appendix.blocks:
            w.block(el, b)
    if back.printed_date:
        imprint = etree.SubElement(root, "imprint")
        if back.cc:
            cc = etree.SubElement(imprint, "cc")
            for unit in back.cc:
                _text(cc, "line", unit.text)
        etree.SubElement(imprint, "printed", date=back.printed_date, by=back.printed_by)
    return root


def indicators_root(registry: indicators.Registry) -> etree._Element:
    root = etree.Element("indicators")
    for ind in registry.items.values():
        el = etree.SubElement(root, "indicator", id=ind.slug)
        for key in ("unit", "category", "nature", "parent", "basis"):
            if getattr(ind, key):
                el.set(key, getattr(ind, key))
        _fill(etree.SubElement(el, "name"), inline.parse(ind.name, (), Findings()))
    return root


def serialise(root: etree._Element, path: Path) -> None:
    """Write `root` in the formatter's canonical form (one layout for plan files)."""
    try:
        text = canonical_xml(etree.tostring(root, encoding="UTF-8"))
    except etree.XMLSyntaxError as exc:  # a paragraph past libxml2's 10 MB text limit
        raise InputError(f"无法写出 {path.name}：{exc.msg}；输入中有过长的段落，不是规划正文") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
