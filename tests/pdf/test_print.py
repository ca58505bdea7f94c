"""The print edition, read back as a person would read it: every paragraph present and
in order, every character drawn, the contents' page numbers right, the outline
complete, the 公文 furniture in place, and builds reproducible byte for byte.

Assertions are on structure (order, pages, counts, presence), not on wording.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter


from plandoc import model as m
from plandoc.pipeline import compile_plan

from .conftest import ROOT, PLANS, strip


# ------------------------------------------------------------------ the model, in reading order

def _blocks(blocks):
    """(kind, text) of every text block in reading order, descending into 专栏 and lists."""
    for b in blocks:
        if isinstance(b, m.Paragraph):
            yield "p", b.text
        elif isinstance(b, m.ListBlock):
            for it in b.items:
                yield "item", it.marker + it.text
        elif isinstance(b, m.Entry):
            yield "entry", b.text
        elif isinstance(b, m.Figure):
            yield "caption", b.label + m.plain(b.caption)
        elif isinstance(b, m.Column):
            yield "heading", b.label + m.plain(b.title)
            yield from _blocks(b.blocks)
        # tables: cells are checked for their characters, not their order (cells wrap
        # side by side, and pdftotext interleaves their lines)


def reading_order(plan: m.Plan):
    if plan.notice:
        yield "heading", m.plain(plan.notice.title)
        yield from _blocks(plan.notice.blocks)
    yield from _blocks(plan.preamble)
    for part in plan.parts:
        yield "heading", part.label + m.plain(part.title)
        yield from _blocks(part.blocks)
        for ch in part.chapters:
            yield "heading", ch.label + m.plain(ch.title)
            yield from _blocks(ch.blocks)
            for sec in ch.sections:
                yield "heading", sec.label + m.plain(sec.title)
                yield from _blocks(sec.blocks)
    yield from _blocks(plan.closing)


def headings(plan: m.Plan):
    """(level, label+title) of the headings the contents list."""
    for part in plan.parts:
        yield 1, part.label + m.plain(part.title)
        for ch in part.chapters:
            yield 2, ch.label + m.plain(ch.title)
            for sec in ch.sections:
                yield 3, sec.label + m.plain(sec.title)


def all_text(plan: m.Plan) -> str:
    parts = [text for _, text in reading_order(plan)]
    for t in plan.tables:
        parts += [m.plain(c.content) for r in t.head + t.body for c in r.cells]
    return "".join(parts)


# ------------------------------------------------------------------ text

def test_every_paragraph_is_printed_in_order(printed):
    text = strip("".join(printed.body))
    pos = 0
    for kind, block in reading_order(printed.plan):
        want = strip(block)
        if not want:
            continue
        found = text.find(want, pos)
        assert found >= 0, f"{kind} missing or out of order after offset {pos}: {want[:40]}"
        pos = found + len(want)


def test_every_character_has_a_glyph(printed):
    printed_chars = set(strip("".join(printed.pages)))
    assert "\ufffd" not in printed_chars
    wanted = set(strip(all_text(printed.plan)))
    missing = sorted(wanted - printed_chars)
    assert not missing, f"characters not in the PDF's text (tofu?): {''.join(missing[:40])}"


def test_fonts_are_named_embedded_subsets(printed):
    assert printed.fonts
    for row in printed.fonts:
        name, emb, sub = row[0], row[-5], row[-4]
        assert re.fullmatch(r"[A-Z]{6}\+.+", name), name
        assert (emb, sub) == ("yes", "yes"), row
    families = {row[0].split("+", 1)[1] for row in printed.fonts}
    # 仿宋 (body, 版记), 小标宋 substitute (titles), 黑体, 楷体
    for face in ("FandolFang", "Noto-Serif-CJK-SC-Bold", "Noto-Sans-CJK-SC", "LXGW-WenKai"):
        assert face in families, families


def test_metadata(printed):
    meta = printed.plan.meta
    assert printed.info["Title"] == meta.title
    assert printed.info["Author"] == meta.issuer
    assert meta.title in printed.info["Subject"]
    assert printed.info["Tagged"] == "yes"
    assert printed.info["Page size"].startswith("595.276 x 841.89")


# ------------------------------------------------------------------ pages

def _toc_and_body(printed):
    """(TOC text, index of the first page after the TOC)."""
    pages = [strip(p) for p in printed.body]
    first = next(i for i, p in enumerate(pages) if p.startswith("目录"))
    last = first
    while last + 1 < len(pages) and "...." in pages[last + 1]:
        last += 1
    return "".join(pages[first:last + 1]), last + 1


def _plan_start(printed) -> int:
    """Index of the 纲要's first page (numbered 1): the first non-blank page after the TOC."""
    _, start = _toc_and_body(printed)
    pages = [strip(p) for p in printed.body]
    return next(i for i in range(start, len(pages)) if pages[i])


def test_contents_page_numbers_match_the_pages(printed):
    toc, start = _toc_and_body(printed)
    first = _plan_start(printed)
    pages = [strip(p) for p in printed.body]
    toc_pos, page = 0, start
    for level, heading in headings(printed.plan):
        key = strip(heading)
        found = re.compile(re.escape(key) + r"\.*(\d+)").search(toc, toc_pos)
        assert found, f"not in the contents: {heading}"
        toc_pos = found.end()
        while page < len(pages) and key not in pages[page]:
            page += 1
        assert page < len(pages), f"heading never printed: {heading}"
        # the 纲要 numbers its own pages from 1, as the printed plans do
        assert int(found.group(1)) == page - first + 1, (heading, found.group(1), page - first + 1)


def test_page_numbers_alternate_and_skip_blank_pages(printed):
    n = len(printed.pages)
    assert len(printed.foot_left) == len(printed.foot_right) == n
    numbered = 0
    _, toc_end = _toc_and_body(printed)
    first = _plan_start(printed)
    for i in range(n):
        left, right = strip(printed.foot_left[i]), strip(printed.foot_right[i])
        if toc_end - 1 >= i >= 1 and not (printed.plan.notice and _in_notice(printed, i)):
            assert not left and not right, f"title or contents page {i + 1} has a number"
            continue
        # the notice counts its own pages; the 纲要 starts again at 1
        number = f"—{i + 1}—" if i < first else f"—{i - first + 1}—"
        if not strip(printed.pages[i]):
            assert not left and not right, f"blank page {i + 1} has a number"
            continue
        if (i + 1) % 2:
            assert left == "" and right in ("", number), (i + 1, left, right)
        else:
            assert right == "" and left in ("", number), (i + 1, left, right)
        numbered += bool(left or right)
    assert numbered >= (n - first) // 2


def _in_notice(printed, i: int) -> bool:
    """Page i belongs to the notice: it comes before the title page."""
    title = strip(printed.plan.meta.title)
    cover = next(j for j, p in enumerate(printed.body) if strip(p).startswith(title[:8]))
    return i < cover


def test_notice_first_and_imprint_last(printed):
    plan = printed.plan
    first, last = strip(printed.body[0]), strip(printed.body[-1])
    if plan.notice:
        assert first.startswith(strip(plan.meta.issuer) + "文件")
        if plan.meta.docno:
            assert strip(plan.meta.docno) in first
        assert strip(m.plain(plan.notice.title)) in first
    if plan.imprint:
        for line in plan.imprint.cc:
            assert strip(line) in last
        assert strip(plan.imprint.printed_by) in last and "印发" in last
        assert len(printed.pages) % 2 == 0, "the 版记 belongs on an even page"
        assert not strip(printed.foot_left[-1] + printed.foot_right[-1])


def test_each_part_starts_a_page(printed):
    pages = [strip(p) for p in printed.body]
    _, start = _toc_and_body(printed)
    page = start
    for part in printed.plan.parts:
        key = strip(part.label + m.plain(part.title))
        while key not in pages[page]:
            page += 1
        assert pages[page].startswith(key), f"{part.label} does not open its page"


def test_lines_fill_the_measure(printed):
    """28 characters a line: no line of plain body text is longer, and full lines are the rule."""
    lengths = Counter()
    _, start = _toc_and_body(printed)
    for page in printed.body[start:]:
        for line in page.splitlines():
            line = line.strip()
            if line and re.fullmatch(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’—…·]+", line):
                lengths[len(line)] += 1
    assert lengths and max(lengths) <= 30, lengths   # 专栏 text: 30 characters of 14 pt
    if sum(lengths.values()) > 200:
        assert lengths.most_common(1)[0][0] in (28, 30), lengths.most_common(5)


# ------------------------------------------------------------------ outline

def _tree(bookmarks):
    return [(label, _tree(children)) for label, _target, children, _state in bookmarks]


def test_a_category_is_printed_on_every_page_its_rows_reach(printed):
    """An indicator table's category (经济发展, 生态文明) stands on every page that holds
    one of its rows: where a page break cuts a group, the category is printed again."""
    pages = [strip(p) for p in printed.body]
    rows = 0
    for table in printed.plan.tables:
        if not table.indicator or not table.layout or table.layout[0].kind != "category":
            continue
        category, left = "", 0
        for row in table.body:
            if left == 0:  # this row opens a group: its first cell is the category
                category, left = m.plain(row.cells[0].content), row.cells[0].rowspan
            left -= 1
            name = strip(m.plain([c for c in row.cells if c.header][-1].content))
            holding = [p for p in pages if name in p]
            assert holding, (table.label, name)
            assert any(category in p for p in holding), (table.label, category, name)
            rows += 1
    assert rows or not any(t.indicator for t in printed.plan.tables)


def test_outline_has_parts_chapters_sections_and_columns(printed):
    tree = _tree(printed.document.make_bookmark_tree())
    plan = printed.plan
    parts = [b for b in tree if b[0].startswith(tuple(p.label for p in plan.parts))]
    assert [strip(b[0]) for b in parts] == [strip(p.label + m.plain(p.title)) for p in plan.parts]
    columns = 0
    for (_, chapters), part in zip(parts, plan.parts):
        assert [strip(c[0]) for c in chapters] == [
            strip(c.label + m.plain(c.title)) for c in part.chapters]
        for (_, below), ch in zip(chapters, part.chapters):
            expected = [b.label + m.plain(b.title) for b in ch.blocks if isinstance(b, m.Column)]
            expected += [s.label + m.plain(s.title) for s in ch.sections]
            assert [strip(b[0]) for b in below] == [strip(e) for e in expected]
            for (_, cols), sec in zip(below[len(below) - len(ch.sections):], ch.sections):
                want = [b.label + m.plain(b.title) for b in sec.blocks if isinstance(b, m.Column)]
                assert [strip(c[0]) for c in cols] == [strip(w) for w in want]
                columns += len(cols)
            columns += len(below) - len(ch.sections)
    assert columns == len(plan.columns)


def test_full_plan_outline_counts(full_plan):
    tree = _tree(full_plan.document.make_bookmark_tree())
    labels = Counter()

    def walk(nodes, depth):
        for label, children in nodes:
            kind = ("column" if label.startswith("专栏") else
                    "part" if re.match(r"第.+篇", label) else
                    "chapter" if re.match(r"第.+章", label) else
                    "section" if re.match(r"第.+节", label) else "other")
            labels[kind] += 1
            walk(children, depth + 1)

    walk(tree, 1)
    assert (labels["part"], labels["chapter"], labels["section"], labels["column"]) == (11, 38, 109, 37)


# ------------------------------------------------------------------ the command, reproducibility

def _cli_build(plan_dir, out_dir, epoch):
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch} if epoch else {
        k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    done = subprocess.run([sys.executable, "build.py", "build", "--format", "pdf",
                           "--plan", str(plan_dir), "--out", str(out_dir)],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return (out_dir / "plan.pdf").read_bytes()


def test_two_builds_are_byte_identical(tmp_path):
    one = _cli_build(PLANS["mini"], tmp_path / "a", "1700000000")
    two = _cli_build(PLANS["mini"], tmp_path / "b", "1700000000")
    assert one == two
    info = subprocess.run(["pdfinfo", "-isodates", str(tmp_path / "a" / "plan.pdf")],
                          capture_output=True, text=True, check=True).stdout
    assert "2023-11-14T22:13:20" in info


def test_without_epoch_the_printing_date_is_used(tmp_path):
    _cli_build(PLANS["mini"], tmp_path / "c", None)
    info = subprocess.run(["pdfinfo", "-isodates", str(tmp_path / "c" / "plan.pdf")],
                          capture_output=True, text=True, check=True).stdout
    printed_date = compile_plan(PLANS["mini"]).plan.imprint.printed_date
    assert printed_date + "T00:00:00" in info


def test_check_does_not_import_the_pdf_renderer():
    code = ("import sys; from plandoc.cli import main\n"
            "try:\n    main(['check', '--plan', 'tests/fixtures/mini'])\n"
            "except SystemExit:\n    pass\n"
            "print('weasyprint' in sys.modules, 'plandoc.pdf.render' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.splitlines()[-1].split()  # after check's summary
    assert out == ["False", "False"]


def test_no_heading_is_stranded_at_the_foot_of_a_page(printed):
    keys = {strip(h) for _, h in headings(printed.plan)}
    keys |= {strip(c.label + m.plain(c.title)) for c in printed.plan.columns}
    _, start = _toc_and_body(printed)
    for number, page in enumerate(printed.body[start:], start + 1):
        lines = [strip(line) for line in page.splitlines() if strip(line)]
        if len(lines) > 1:
            assert lines[-1] not in keys, f"heading alone at the foot of page {number}: {lines[-1]}"


# ------------------------------------------------------------------ tables over pages, page fill

def _table_pages(printed) -> dict[str, list[int]]:
    """Table id -> the (0-based) pages its boxes reach, from the laid-out document."""
    from weasyprint.formatting_structure import boxes

    reach: dict[str, list[int]] = {}
    for number, page in enumerate(printed.document.pages):
        for box in page._page_box.descendants():
            if isinstance(box, boxes.TableBox) and box.element is not None:
                pages = reach.setdefault(box.element.get("id"), [])
                if number not in pages:
                    pages.append(number)
    return reach


def test_a_continued_table_repeats_its_caption_with_continued(printed):
    """The caption row (a 专栏's title where the table opens the 专栏) heads every page
    of the table: plain on the first, with "（续）" on each later one."""
    reach = _table_pages(printed)
    checked = 0
    for column in printed.plan.columns:
        if not column.blocks or not isinstance(column.blocks[0], m.Table):
            continue
        title = strip(column.label + m.plain(column.title))
        first, *later = reach[column.blocks[0].id]
        assert title in strip(printed.body[first])
        assert title + "（续）" not in strip(printed.body[first])
        for page in later:
            assert title + "（续）" in strip(printed.body[page]), (column.label, page + 1)
            checked += 1
    if printed.name == "plan":
        assert checked >= 2   # 专栏 1 and 专栏 2 run over pages


def test_the_closing_words_never_stand_alone_on_a_page(printed):
    if not printed.plan.closing:
        assert printed.name != "plan", "the bundled plan has closing words"
        return  # a fixture with no closing words has nothing to keep together
    closing = strip(printed.plan.closing[-1].text)
    pages = [strip(p) for p in printed.body]
    end = closing[-10:]
    last = next(i for i in range(len(pages) - 1, -1, -1) if end in pages[i])
    on_page = pages[last][:pages[last].index(end) + len(end)]
    # something other than (the end of) the closing words stands on that page
    assert not closing.endswith(on_page), f"page {last + 1} holds only the closing words"


def test_no_page_of_the_plan_ends_more_than_four_lines_short(printed):
    """Page fill: a page of the 纲要 ends at most 4.5 lines short of the 版心's foot (a
    专栏's title and frame with a three-line entry, which orphans and widows keep whole,
    need 4.3), unless the next page opens a 篇 or a figure (kept whole), or is the 版记."""
    import subprocess
    from lxml import etree

    out = subprocess.run(["pdftotext", "-bbox-layout", str(printed.pdf), "-"],
                         check=True, capture_output=True).stdout
    root = etree.fromstring(out, etree.XMLParser(recover=True, huge_tree=True, no_network=True))
    ns = "{http://www.w3.org/1999/xhtml}"
    bottoms = []
    for page in root.iter(f"{ns}page"):
        ys = [float(ln.get("yMax")) for ln in page.iter(f"{ns}line") if 96 < float(ln.get("yMin")) < 745]
        bottoms.append(max(ys, default=None))
    pages = [strip(p) for p in printed.body]
    figures = [strip(f.alt)[:6] for f in printed.plan.figures] + \
              [strip(f.label + m.plain(f.caption))[:6] for f in printed.plan.figures]
    parts = [strip(p.label + m.plain(p.title)) for p in printed.plan.parts]
    first = _plan_start(printed)
    short = []
    for i in range(first, len(pages) - 2):
        if bottoms[i] is None or 742.7 - bottoms[i] <= 4.5 * 28.95:
            continue
        after = pages[i + 1] or pages[i + 2]
        if any(after.startswith(p) for p in parts) or any(f and f in after[:40] for f in figures):
            continue
        if printed.plan.imprint and strip(printed.plan.imprint.printed_by) in after:
            continue   # the 纲要's last page
        short.append((i + 1, round((742.7 - bottoms[i]) / 28.95, 1), after[:12]))
    assert not short, short
