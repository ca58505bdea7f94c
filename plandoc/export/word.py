"""The Word edition: dist/plan.docx, the plan as a Chinese office formats it for 征求意见.

Written with python-docx into templates/docx/reference.docx, whose styles and page hold
every typographic decision (restyle the edition there, not here). The order is the print
edition's: the issuing notice (版头, red rule), a title page, a contents field, the plan
(篇 Heading 1, 章 Heading 2, 节 Heading 3, 专栏 titles Heading 4, so Word's navigation pane
and TOC work), the 版记 at the foot of a last even page. Guarantees:

- Numbers are computed text (第八章, 专栏 2), never Word list numbering a reviewer could
  renumber by accident.
- Every block, heading and list item carries its plan id as a hidden bookmark
  (`word_parts.bookmark_name`); references are internal links to those bookmarks.
- The document's custom properties record the plan (id, content hash of its sources,
  git revision if any), so a returned copy can be matched with the plan it came from.
- Byte-identical for the same plan and date: fixed zip entry dates and document dates
  (SOURCE_DATE_EPOCH, else the plan's printing date), ids and part names in document order.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Twips

from . import word_parts as dp
from .. import model as m
from ..cells import grid as placed, short_kind
from ..pdf.view import chinese_date, column_widths, title_lines
from .. import resources

REFERENCE = resources.TEMPLATES / "docx" / "reference.docx"

STYLE = {
    "body": "Normal", "part": "Heading 1", "chapter": "Heading 2", "section": "Heading 3",
    "column-title": "Heading 4", "column-body": "专栏正文", "subhead": "专栏小标题",
    "title": "Title", "plan-title": "规划标题", "approved": "批准说明",
    "issuer-mark": "发文机关标志", "docno": "发文字号", "notice-title": "公文标题",
    "to": "主送机关", "signoff": "署名", "cell": "表格文字", "head-cell": "表头",
    "table-caption": "表题", "figure-caption": "Caption", "placeholder": "图片占位",
    "toc-title": "TOC Heading", "toc": ("toc 1", "toc 2", "toc 3"), "cc": "抄送",
    "imprint": "版记", "footer": "Footer", "table": "指标表", "column-box": "专栏框",
    "lead": "主题句", "entry-name": "项目名称", "xref": "交叉引用",
}
"""Role -> style name in reference.docx (the only place styles are named)."""

TEXT_WIDTH = 8844    # the 156 mm 版心, in twentieths of a point (twips)
COLUMN_WIDTH = 8432  # inside a 专栏's frame and padding
IMAGE_FORMATS = (".png", ".jpg", ".jpeg", ".gif", ".bmp")
"""What python-docx embeds; other images (SVG) print as a placeholder, as when missing."""


class DocxWriter:
    """Walks the plan in print order, writing into one python-docx Document."""

    def __init__(self, plan: m.Plan, document):
        self.plan = plan
        self.doc = document
        self.marks = 0
        self.named: set[str] = set()
        self.linkable = {t.id for t in plan.targets}
        self.in_column = False
        # role -> style id, looked up once: python-docx finds a style by name by scanning
        # every style, which made the whole build ten times slower
        names = {style.name: style.style_id for style in document.styles}
        self.ids = {role: names[name] for role, name in STYLE.items() if isinstance(name, str)}
        self.ids.update({f"toc{i}": names[name] for i, name in enumerate(STYLE["toc"])})

    # -------------------------------------------------------------- marks and runs

    def mark(self, first, last, plan_id: str) -> None:
        """Carry `plan_id` as a bookmark from the start of paragraph `first` to the end of
        paragraph `last`; a table's (a 专栏's) id marks the first paragraph of its first
        cell (LibreOffice drops a nested table with a bookmark beside it). An id met
        twice keeps its first place."""
        name = dp.bookmark_name(plan_id)
        if not plan_id or name in self.named:
            return
        self.named.add(name)
        self.marks += 1
        first, last = (_first_cell_paragraph(x) for x in (first, last))
        dp.bookmark(first, True, name, self.marks)
        dp.bookmark(last, False, name, self.marks)

    def runs(self, paragraph, nodes: tuple[m.Inline, ...], style: str | None = None,
             bold: bool = False) -> None:
        """Inline content as runs: emphasis bold, sub/superscripts, references as links."""
        for node in nodes:
            if isinstance(node, m.Text):
                self._run(paragraph, node.text, style, bold)
            elif isinstance(node, m.Emph):
                self.runs(paragraph, node.children, style, True)
            elif isinstance(node, m.Sub | m.Sup):
                run = self._run(paragraph, node.text, style, bold)
                run.font.subscript = isinstance(node, m.Sub)
                run.font.superscript = isinstance(node, m.Sup)
            elif isinstance(node, m.Ref):
                self._link(paragraph, node)
            elif isinstance(node, m.Sum | m.Count | m.Member):
                self.runs(paragraph, node.children, style, bold)
            else:  # Sic (the published reading), Fact, Total, Term, Num: their printed text
                self._run(paragraph, m.plain((node,)), style, bold)

    def _run(self, paragraph, text: str, style: str | None, bold: bool):
        run = paragraph.add_run(text)
        if style:
            run._r.style = self.ids[style]
        if bold:
            run.bold = True
        return run

    def _link(self, paragraph, ref: m.Ref) -> None:
        run = self._run(paragraph, ref.label or ref.to, "xref", False)
        if ref.kind and ref.to in self.linkable:
            link = OxmlElement("w:hyperlink")
            link.set(qn("w:anchor"), dp.bookmark_name(ref.to))
            link.set(qn("w:history"), "1")
            run._r.addprevious(link)
            link.append(run._r)

    def para(self, container, style_role: str, text: str = ""):
        p = container.add_paragraph(text)
        self.style(p, style_role)
        return p

    def style(self, block, role: str) -> None:
        """Give a paragraph or table the style of `role`, by id."""
        if hasattr(block, "_p"):
            block._p.style = self.ids[role]
        else:
            block._tbl.tblPr.style = self.ids[role]

    # -------------------------------------------------------------- blocks

    def blocks(self, container, blocks) -> None:
        for block in blocks:
            BLOCKS[type(block)](self, container, block)

    def paragraph(self, container, b: m.Paragraph, role: str = "body"):
        p = self.para(container, "column-body" if self.in_column and role == "body" else role)
        if b.lead:
            self.runs(p, b.lead, "lead")
        self.runs(p, b.content)
        self.mark(p, p, b.id)
        return p

    def listblock(self, container, b: m.ListBlock) -> None:
        role = "column-body" if self.in_column else "body"
        written = []
        for item in b.items:
            p = self.para(container, role, item.marker)
            if item.lead:
                self.runs(p, item.lead, "lead")
            self.runs(p, item.content)
            self.mark(p, p, item.id)
            written.append(p)
        if written:
            self.mark(written[0], written[-1], b.id)

    def subhead(self, container, b: m.Subhead) -> None:
        p = self.para(container, "subhead")
        self.runs(p, b.content)
        self.mark(p, p, b.id)

    def subsection(self, container, b: m.Subsection) -> None:
        """A numbered heading on its own line (一、…): its number and title, then its blocks."""
        p = self.para(container, "subhead", b.label)
        self.runs(p, b.title)
        self.mark(p, p, b.id)
        self.blocks(container, b.blocks)

    def entry(self, container, b: m.Entry) -> None:
        p = self.para(container, "column-body" if self.in_column else "body")
        self.runs(p, b.name, "entry-name")
        self.runs(p, b.content)
        self.mark(p, p, b.id)

    def figure(self, container, b: m.Figure) -> None:
        image = Path(self.plan.root or ".") / b.image if b.image else None
        if image is not None and image.suffix.lower() in IMAGE_FORMATS and image.is_file():
            first = self.para(container, "figure-caption")
            first.add_run().add_picture(str(image), width=Twips(COLUMN_WIDTH) if self.in_column else Mm(150))
        else:
            first = self.para(container, "placeholder", b.alt)
            first.add_run().add_break(WD_BREAK.LINE)
            first.add_run("（图片待补）").font.size = Twips(210)
        caption = self.para(container, "figure-caption", f"{b.label}　")
        self.runs(caption, b.caption)
        self.mark(first, caption, b.id)

    def column(self, container, b: m.Column) -> None:
        box = _add_table(container, 1, 1, Twips(TEXT_WIDTH))
        self.style(box, "column-box")
        dp.set_table_layout(box, [TEXT_WIDTH])
        cell = box.cell(0, 0)
        dp.cell_properties(cell, TEXT_WIDTH, False)
        title = cell.paragraphs[0]
        self.style(title, "column-title")
        title.add_run(f"{b.label}　")
        self.runs(title, b.title)
        outer, self.in_column = self.in_column, True
        self.blocks(cell, b.blocks)
        self.in_column = outer
        if cell._tc[-1].tag == qn("w:tbl"):  # a cell must end with a paragraph
            end = self.para(cell, "cell")
            end.paragraph_format.line_spacing = Twips(20)
        self.mark(title, title, b.id)
        self.para(container, "body").paragraph_format.line_spacing = Twips(120)

    def table(self, container, t: m.Table) -> None:
        if t.caption:
            caption = self.para(container, "table-caption")
            self.runs(caption, t.caption)
            if self.in_column:  # kept with a nested table, LibreOffice moves the whole 专栏
                caption.paragraph_format.keep_with_next = False
        grid = placed(t)
        rows = t.head + t.body
        ncols = max((col + cell.colspan for row in grid for cell, col in filter(None, row)), default=0)
        if not rows or not ncols:
            return
        width = COLUMN_WIDTH if self.in_column else TEXT_WIDTH
        widths = [int(width * pct / 100) for pct in column_widths(t)]
        widths[-1] = width - sum(widths[:-1])
        table = _add_table(container, len(rows), ncols, Twips(width))
        self.style(table, "table")
        dp.set_table_layout(table, widths)
        # every cell once, before merging (table.cell() rebuilds this list at each call);
        # merges only touch the cells of their own span, so the other entries stay valid
        cells = table._cells
        for r, slots in enumerate(grid):
            dp.row_properties(table.rows[r], header=r < len(t.head))
            for cell, col in filter(None, slots):
                target = cells[r * ncols + col]
                if cell.rowspan > 1 or cell.colspan > 1:
                    end = cells[(r + cell.rowspan - 1) * ncols + col + cell.colspan - 1]
                    target = target.merge(end)
                self._cell(target, cell, t, r < len(t.head), sum(widths[col:col + cell.colspan]))
        self.mark(table._tbl, table._tbl, t.id)

    def _cell(self, target, cell: m.Cell, t: m.Table, in_head: bool, width: int) -> None:
        dp.cell_properties(target, width, short_kind(cell) is not None)  # as the site and print
        for extra in target.paragraphs[1:]:  # what a merge left behind
            extra._element.getparent().remove(extra._element)
        p = target.paragraphs[0]
        self.style(p, "head-cell" if in_head else "cell")
        if not in_head and (not t.indicator or (cell.header and cell.rowspan == 1)):
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        self.runs(p, cell.content)

    # -------------------------------------------------------------- structure

    def notice(self, n: m.Notice) -> None:
        body, meta = self.doc, self.plan.meta
        self.para(body, "issuer-mark", f"{meta.issuer}文件")
        self.para(body, "docno", meta.docno or "")
        title = self.para(body, "notice-title")
        self.runs(title, n.title)
        if n.to:
            self.para(body, "to", n.to)
        for b in n.blocks:
            self.paragraph(body, b)
        if n.signature:
            self.para(body, "signoff", n.signature).paragraph_format.space_before = Twips(1158)
        if n.date:
            self.para(body, "signoff", n.date)

    def cover(self) -> None:
        p = self.para(self.doc, "title")
        for i, line in enumerate(title_lines(self.plan.meta.title)):
            if i:
                p.add_run().add_break(WD_BREAK.LINE)
            p.add_run(line)
        if self.plan.meta.approved:
            self.para(self.doc, "approved", self.plan.meta.approved)

    def contents(self) -> None:
        """The contents: every 篇, 章 and 节 in the TOC styles, linked to its heading, with
        its page as a PAGEREF field to the heading's bookmark. LibreOffice and WPS lay the
        page numbers out; Word refreshes the fields when the document opens. Not a TOC
        field: LibreOffice shows a TOC field's cached text only, with no page numbers.
        An office that wants Word's own TOC inserts one (the headings are Heading 1–3)."""
        self.para(self.doc, "toc-title", "目　录")
        entries: list = []
        for part in self.plan.parts:
            entries.append((0, part))
            for ch in part.chapters:
                entries.append((1, ch))
                entries += [(2, sec) for sec in ch.sections]
        for level, node in entries:
            p = self.para(self.doc, f"toc{level}")
            link = OxmlElement("w:hyperlink")
            link.set(qn("w:anchor"), dp.bookmark_name(node.id))
            link.set(qn("w:history"), "1")
            p._p.append(link)
            run = p.add_run(f"{node.label}　{m.plain(node.title)}\t")
            link.append(run._r)
            for r in dp.field_runs(f"PAGEREF {dp.bookmark_name(node.id)} \\h"):
                link.append(r)

    def body(self) -> None:
        plan = self.plan
        title = self.para(self.doc, "plan-title")
        for i, line in enumerate(title_lines(plan.meta.title)):
            if i:
                title.add_run().add_break(WD_BREAK.LINE)
            title.add_run(line)
        self.blocks(self.doc, plan.preamble)
        for part in plan.parts:
            self.heading("part", part)
            self.blocks(self.doc, part.blocks)
            for ch in part.chapters:
                self.heading("chapter", ch)
                self.blocks(self.doc, ch.blocks)
                for sec in ch.sections:
                    self.heading("section", sec)
                    self.blocks(self.doc, sec.blocks)
        self.blocks(self.doc, plan.closing)

    def heading(self, role: str, node) -> None:
        p = self.para(self.doc, role, f"{node.label}　")
        self.runs(p, node.title)
        self.mark(p, p, node.id)

    def imprint(self, imprint: m.Imprint) -> None:
        if imprint.cc:  # one paragraph, so its rules frame all lines; later lines hang after “抄送：”
            p = self.para(self.doc, "cc", "抄送：")
            for i, line in enumerate(imprint.cc):
                if i:
                    p.add_run().add_break(WD_BREAK.LINE)
                p.add_run(line)
        date = chinese_date(imprint.printed_date)
        self.para(self.doc, "imprint", f"{imprint.printed_by}\t{date}印发")


BLOCKS = {
    m.Paragraph: DocxWriter.paragraph,
    m.ListBlock: DocxWriter.listblock,
    m.Subhead: DocxWriter.subhead,
    m.Entry: DocxWriter.entry,
    m.Table: DocxWriter.table,
    m.Figure: DocxWriter.figure,
    m.Column: DocxWriter.column,
    m.Subsection: DocxWriter.subsection,
}
"""Block type -> how it is written: a new block type is one line here."""


def _first_cell_paragraph(block):
    """The w:p of a python-docx Paragraph, or the first paragraph of a table's first cell."""
    el = getattr(block, "_element", block)
    while el.tag == qn("w:tbl"):
        el = el.find(qn("w:tr")).find(qn("w:tc")).find(qn("w:p"))
    return el


def _add_table(container, rows: int, cols: int, width):
    from docx.blkcntnr import BlockItemContainer

    body = container._body if hasattr(container, "_body") else container
    return BlockItemContainer.add_table(body, rows, cols, width)


def _footer(section, numbered: bool) -> None:
    """Page numbers “— n —” on the outer side, one 字 in (odd pages right, even left);
    none where `numbered` is False."""
    for footer, outer in ((section.footer, "right"), (section.even_page_footer, "left")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = STYLE["footer"]
        if not numbered:
            continue
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if outer == "right" else WD_ALIGN_PARAGRAPH.LEFT
        setattr(p.paragraph_format, f"{outer}_indent", Twips(280))
        p.add_run("— ")
        for r in dp.field_runs("PAGE", "1"):
            p._p.append(r)
        p.add_run(" —")


def _new_section(document, start, numbered: bool):
    section = document.add_section(start)
    _footer(section, numbered)
    return section


def document(plan: m.Plan, reference: Path = REFERENCE):
    """The Word edition of `plan` as a python-docx Document (not yet saved)."""
    doc = docx.Document(str(reference))
    for p in list(doc.paragraphs):  # the reference's body is a sample, never content
        p._element.getparent().remove(p._element)
    w = DocxWriter(plan, doc)
    _footer(doc.sections[0], True)
    if plan.notice:
        w.notice(plan.notice)
        _new_section(doc, WD_SECTION.ODD_PAGE, False)
    w.cover()
    _new_section(doc, WD_SECTION.ODD_PAGE, True)
    w.contents()
    _new_section(doc, WD_SECTION.ODD_PAGE, True)
    w.body()
    if plan.imprint:
        dp.section_valign_bottom(_new_section(doc, WD_SECTION.EVEN_PAGE, False))
        w.imprint(plan.imprint)
    settings = doc.settings.element
    settings.append(OxmlElement("w:updateFields"))  # Word refreshes the contents on opening
    settings[-1].set(qn("w:val"), "true")
    _order_settings(settings)
    return doc


def _order_settings(settings) -> None:
    """w:updateFields belongs after w:hdrShapeDefaults/… and before w:compat: move it
    just before the first element that follows it in the schema."""
    node = settings.find(qn("w:updateFields"))
    later = ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids",
             "mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping",
             "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade",
             "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary",
             "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")
    anchor = next((c for c in settings if c.tag in {qn(f"w:{n}") for n in later}), None)
    if anchor is not None and node is not None:
        anchor.addprevious(node)


def provenance(plan: m.Plan) -> dict[str, str]:
    """What the custom properties record (read back by `word_parts.read_custom_properties`)."""
    root = Path(plan.root or ".")
    values = {"plan_id": plan.meta.id, "content_sha256": dp.content_hash(root),
              "bookmark_scheme": dp.BOOKMARK_SCHEME, "generator": "plandoc"}
    values.update(dp.git_revision(root))
    return values


def render(plan: m.Plan, out_dir: Path, findings: tuple = ()) -> list[Path]:
    from ..pdf.view import fixed_date
    from .tables import _deterministic_zip

    when = fixed_date(plan)
    doc = document(plan)
    props = doc.core_properties
    props.title = plan.meta.title
    props.subject = f"{plan.meta.issuer}：{plan.meta.title}（{plan.meta.period_label}）"
    props.author = plan.meta.issuer
    props.last_modified_by = "plandoc"
    props.keywords = f"规划纲要, {plan.meta.period_label}, 征求意见稿"
    props.comments = "由 plandoc 生成；书签 _pd_… 标识规划各部分，请勿删除。"
    props.language = "zh-CN"
    props.revision = 1
    props.created = props.modified = when
    dp.add_custom_properties(doc, provenance(plan))
    buf = io.BytesIO()
    doc.save(buf)
    path = out_dir / "plan.docx"
    path.write_bytes(_deterministic_zip(buf.getvalue(), when))
    return [path]
