"""Convert: validated trees to the frozen `Plan` model.

Numbers and labels (第一篇, 第一章, 第一节, 专栏 N, 图 N, 表 N, numbered levels, every
id's label) come from `labels`, which numbers the whole plan once before conversion
starts: convert stores them in the model and counts nothing itself. Indicator tables are
laid out into plain rows and cells and their values become statements about indicators. Files that failed to parse or validate are
skipped. The only diagnostics raised here are about shapes this stage interprets
(indicator-table layouts, figure images); cross-file rules live in `checks`. The
context and inline content are in `convert_inline`, tables in `convert_tables`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from lxml import etree

from . import diagnostics as dg
from . import images
from . import model as m
from . import numerals
from .labels import number, numbered_chapters, part_elements, scheme
from .load import SourceFile, Sources, resolve_inside
from .convert_inline import Context, inline, lead_and_content, register, title_lines
from .convert_tables import table
from .recognise import Memo, Recogniser

IMAGE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".webp")


# ------------------------------------------------------------------ blocks

def _paragraph(ctx: Context, el: etree._Element) -> m.Paragraph:
    facts: list[m.Fact] = []
    lead, content = lead_and_content(ctx, el, facts)
    pid = ctx.block_id(el, "p", m.id_text(lead + content))
    register(ctx, facts, pid, el)
    num = ctx.numbering.at.get(el)   # a numbered paragraph: （一）, 1.
    if num is None:
        return m.Paragraph(pid, lead, content, ctx.loc(el))
    return m.Paragraph(pid, lead, content, ctx.loc(el), num.label, num.number, num.style)


def _subsection(ctx: Context, el: etree._Element) -> m.Subsection:
    """A numbered heading and its blocks."""
    num = ctx.numbering.at[el]
    title = inline(ctx, el.find("title"))
    sid = ctx.block_id(el, "ss", m.id_text(title))
    blocks = _blocks(ctx, [c for c in el if c.tag != "title"])
    return m.Subsection(sid, num.number, num.label, num.style, title, blocks, ctx.loc(el))


def _subhead(ctx: Context, el: etree._Element) -> m.Subhead:
    facts: list[m.Fact] = []
    content = inline(ctx, el, facts)
    sid = ctx.block_id(el, "sh", m.id_text(content))
    register(ctx, facts, sid, el)
    return m.Subhead(sid, content, ctx.loc(el))


def _list(ctx: Context, el: etree._Element) -> m.ListBlock:
    kind = el.get("type", "dash")
    items = []
    for it in el.findall("item"):
        facts: list[m.Fact] = []
        lead, content = lead_and_content(ctx, it, facts)
        iid = ctx.block_id(it, "li", m.id_text(lead + content))
        register(ctx, facts, iid, it)
        items.append(m.Item(iid, ctx.numbering.at[it].label, lead, content, ctx.loc(it)))
    lid = ctx.block_id(el, "ls", "".join(i.id for i in items))
    return m.ListBlock(lid, kind, tuple(items), ctx.loc(el))


def _entry(ctx: Context, el: etree._Element) -> m.Entry:
    facts: list[m.Fact] = []
    name, content = lead_and_content(ctx, el, facts, skip="name")
    eid = ctx.block_id(el, "en", m.id_text(name + content))
    register(ctx, facts, eid, el)
    return m.Entry(eid, name, content, ctx.loc(el))


def _figure(ctx: Context, el: etree._Element) -> m.Figure:
    num = ctx.numbering.at[el]
    fid = el.get("id", "")
    src = el.get("src")
    image = None
    if src is not None:
        path = resolve_inside(ctx.sources.root, src)
        if path is None:
            line, c = ctx.src.locate(el, "src")
            ctx.diags.append(dg.make("PD221", ctx.src.display, line, c, f"图片路径离开了规划目录：{src}"))
        elif path.is_file():
            image = src
    else:
        for suffix in IMAGE_SUFFIXES:
            rel = f"figures/{fid}{suffix}"
            path = resolve_inside(ctx.sources.root, rel)
            if path is not None and path.is_file():
                image = rel
                break
    label = num.label
    if image is None and not (src is not None and resolve_inside(ctx.sources.root, src) is None):
        line, c = ctx.src.locate(el)
        wanted = src or f"figures/{fid}.png"
        ctx.diags.append(dg.make("PD220", ctx.src.display, line, c,
                                 f"{label} 缺少图片：{wanted}",
                                 f"把图片放到规划目录下的 {wanted}（也可用 .svg/.jpg）；图件确实另行印发时，"
                                 "记为已接受，公开输出只印图题和“（图件另行印发）”。"))
    if image is not None:
        line, c = ctx.src.locate(el)
        ctx.diags += images.check(ctx.sources.root / image, image, ctx.src.display, line, c)
    caption = inline(ctx, el.find("caption"))
    alt_el = el.find("alt")
    alt = alt_el.text or "" if alt_el is not None else m.plain(caption)
    fig = m.Figure(fid, num.number, label, caption, alt, src, image, ctx.column, ctx.chapter,
                   ctx.loc(el))
    ctx.figures.append(fig)
    return fig


def _column(ctx: Context, el: etree._Element) -> m.Column:
    num, cid = ctx.numbering.at[el], el.get("id", "")
    ctx.column = cid
    blocks = _blocks(ctx, [c for c in el if c.tag != "title"])
    ctx.column = None
    col = m.Column(cid, num.number, num.label, inline(ctx, el.find("title")), blocks, ctx.chapter,
                   ctx.section, ctx.loc(el))
    ctx.columns.append(col)
    return col


_BLOCKS = {"p": _paragraph, "subhead": _subhead, "list": _list, "entry": _entry, "table": table,
           "indicator-table": table, "figure": _figure, "column": _column,
           "subsection": _subsection}


def _blocks(ctx: Context, elements) -> tuple[m.Block, ...]:
    return tuple(_BLOCKS[el.tag](ctx, el) for el in elements
                 if isinstance(el.tag, str) and el.tag in _BLOCKS)


# ------------------------------------------------------------------ structure

def _chapter(ctx: Context, src: SourceFile, part: str) -> m.Chapter:
    ctx.src = src
    el = src.tree.getroot()
    cid, num = el.get("id", ""), ctx.numbering.at[el]
    ctx.chapter, ctx.section = cid, None
    if ctx.recogniser is not None:
        ctx.recogniser.chapter()
    intro = _blocks(ctx, [c for c in el if c.tag not in ("title", "section")])
    sections = []
    for sec in el.findall("section"):
        ctx.section, sec_num = sec.get("id", ""), ctx.numbering.at[sec]
        blocks = _blocks(ctx, [c for c in sec if c.tag != "title"])
        sections.append(m.Section(sec.get("id", ""), sec_num.number, sec_num.label,
                                  inline(ctx, sec.find("title")), blocks, ctx.loc(sec),
                                  tuple(sec.get("former", "").split())))
    ctx.section = None
    return m.Chapter(cid, num.number, num.label, inline(ctx, el.find("title")), part, src.rel,
                     intro, tuple(sections), ctx.loc(el))


def _date(ctx: Context, el: etree._Element, attr: str) -> str | None:
    """A YYYY-MM-DD attribute that is a real calendar date; PD112 otherwise."""
    value = el.get(attr)
    if value is None:
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        line, col = ctx.src.locate(el, attr)
        ctx.diags.append(dg.make("PD112", ctx.src.display, line, col, f"日期不存在：{value}"))
        return None
    return value


def _meta(root: etree._Element) -> m.Meta:
    meta = root.find("meta")
    approved = meta.find("approved")
    period = meta.find("period")
    vision = period.get("vision")
    frm, to = int(period.get("from")), int(period.get("to"))
    short = meta.findtext("short-title")
    title_el = meta.find("title")
    title = "".join(title_el.itertext())
    lines = [title_el.text or ""] + [br.tail or "" for br in title_el.findall("br")]
    return m.Meta(
        id=root.get("id", ""), title=title, short_title=short or title,
        title_lines=tuple(line for line in lines if line),
        issuer=meta.findtext("issuer", ""), docno=meta.findtext("docno"),
        approved=approved.text if approved is not None else None,
        approved_date=approved.get("date") if approved is not None else None,
        approved_by=approved.get("by") if approved is not None else None,
        period_from=frm, period_to=to, vision=int(vision) if vision else None,
        period_label=f"{frm}—{to}年",
        vision_label=f"{numerals.year_cn(vision)}年" if vision else None,
        numbering=scheme(root).pairs())


def _indicators(ctx: Context) -> tuple[m.Indicator, ...]:
    src = ctx.sources.indicators
    if src is None or src.tree is None:
        return ()
    ctx.src = src
    by_ind: dict[str, list[m.Statement]] = defaultdict(list)
    for s in ctx.statements:
        by_ind[s.indicator].append(s)
    out = []
    for el in src.tree.getroot().findall("indicator"):
        iid = el.get("id", "")
        out.append(m.Indicator(iid, inline(ctx, el.find("name")), el.get("unit"),
                               el.get("category"), el.get("nature"), el.get("parent"),
                               el.get("basis"), tuple(by_ind.get(iid, ())), ctx.loc(el)))
    return tuple(out)


def convert(sources: Sources, memo: Memo | None = None) -> tuple[m.Plan | None, list[dg.Diagnostic]]:
    """Build the model from every file that parsed and validated (`memo`: the caller's
    memo of recognition, see `pipeline.Memo`)."""
    if sources.plan is None or sources.plan.tree is None:
        return None, []
    ctx = Context(sources, number(sources))
    if sources.indicators is not None and sources.indicators.tree is not None:
        ctx.indicators = {el.get("id"): el for el in
                          sources.indicators.tree.getroot().findall("indicator")}
    root = sources.plan.tree.getroot()
    plan_src = sources.plan
    ctx.recogniser = Recogniser.for_sources(sources, memo)

    ctx.src, ctx.chapter = plan_src, "notice"
    notice = None
    nel = root.find("notice")
    if nel is not None:
        notice = m.Notice(inline(ctx, nel.find("title")), nel.findtext("to"),
                          _blocks(ctx, nel.findall("p")),
                          nel.findtext("signature"), _date(ctx, nel, "date"), ctx.loc(nel),
                          title_lines=title_lines(ctx, nel.find("title")))
    ctx.chapter = "preamble"
    preamble = _blocks(ctx, root.findall("preamble/p"))
    parts = []
    for n_part, pel in enumerate(part_elements(root), 1):
        implicit = pel is None   # a plan without parts: one unprinted part holds its chapters
        pel = root if implicit else pel
        pid = "" if implicit else pel.get("id", "")
        ctx.src, ctx.chapter = plan_src, pid
        num = None if implicit else ctx.numbering.at[pel]
        intro = () if implicit else _blocks(ctx, pel.findall("p"))
        chapters = tuple(_chapter(ctx, src, pid) for src in numbered_chapters(sources, n_part - 1)
                         if src.tree is not None)   # a broken chapter is numbered, not built
        ctx.src = plan_src
        title = () if implicit else inline(ctx, pel.find("title"))
        parts.append(m.Part(pid, num.number if num else 0, num.label if num else "", title,
                            intro, chapters, ctx.loc(pel)))
    ctx.src, ctx.chapter = plan_src, "closing"
    closing = _blocks(ctx, root.findall("closing/p"))
    appendices = []
    for el in root.findall("appendix"):   # pages of their own: ids as chapters
        ctx.chapter, num = el.get("id", ""), ctx.numbering.at[el]
        appendices.append(m.Appendix(el.get("id", ""), el.get("kind", ""), num.number, num.label,
                                     inline(ctx, el.find("title")),
                                     _blocks(ctx, [c for c in el if c.tag != "title"]), ctx.loc(el)))
    imprint = None
    iel = root.find("imprint")
    if iel is not None:
        printed = iel.find("printed")
        imprint = m.Imprint(tuple(line.text or "" for line in iel.iterfind("cc/line")),
                            _date(ctx, printed, "date") or "", printed.get("by", ""), ctx.loc(iel))
    meta_el = root.find("meta")
    if meta_el is not None and meta_el.find("approved") is not None:
        _date(ctx, meta_el.find("approved"), "date")
    indicators = _indicators(ctx)
    gazetteer = ()
    if sources.gazetteer is not None and sources.gazetteer.tree is not None:
        ctx.src = sources.gazetteer
        gazetteer = tuple(m.Name((el.text or "").strip(), el.get("kind", ""), ctx.loc(el))
                          for el in sources.gazetteer.tree.getroot().findall("name"))
    plan = m.Plan(meta=_meta(root), notice=notice, preamble=preamble, parts=tuple(parts),
                  closing=closing, imprint=imprint, indicators=indicators,
                  columns=tuple(ctx.columns), figures=tuple(ctx.figures),
                  tables=tuple(ctx.tables), targets=tuple(ctx.numbering.targets),
                  gazetteer=gazetteer, statements=tuple(ctx.statements), root=str(sources.root),
                  appendices=tuple(appendices), recognised=tuple(ctx.recognised))
    return plan, ctx.diags

