"""Fidelity of plan/ to the published text, character by character.

The reader below renders the text of plan/ in reading order, with the numbers the
compiler generates put back (第X篇/第X章/第X节, 专栏 N：, 图 N：, —— and 1. on list items,
序号 in indicator tables, the printed name of each indicator row) and compares it with
the seed's body: the seed without its printed table of contents, with the inline markup
of the extraction (``**``, ``_{}``) removed and the colon after 专栏 N / 图 N written
full-width. Whitespace is ignored; everything else must match, except the differences
listed in tests/fidelity-expected.txt (repairs and hand corrections). The test fails on
any difference not listed there, and on any listed one that no longer occurs.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from lxml import etree
import plans

ROOT = Path(__file__).resolve().parent.parent
SEED = plans.SEED
EXPECTED = ROOT / "tests" / "fidelity-expected.txt"
PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
DIGITS = "〇一二三四五六七八九"


def cn(n: int) -> str:
    """Heading numeral: 1 -> 一, 10 -> 十, 38 -> 三十八."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else DIGITS[tens]) + "十" if tens else "") + (DIGITS[ones] if ones else "")


def inline(el: etree._Element | None, labels: dict[str, str]) -> str:
    """Printed text of an inline element: sic keeps the published reading, ref its label."""
    if el is None:
        return ""
    out = [el.text or ""]
    for child in el:
        if child.tag == "ref":
            out.append(labels.get(child.get("to"), ""))
        elif child.tag == "sic":
            out.append(child.text or "")
        else:
            out.append(inline(child, labels))
        out.append(child.tail or "")
    return "".join(out)


class PlanReader:
    """Reads plan/ into a list of printed strings, in reading order."""

    def __init__(self, plan_dir: Path):
        self.dir = plan_dir
        self.plan = etree.parse(str(plan_dir / "plan.xml"), PARSER).getroot()
        self.chapters = [etree.parse(str(plan_dir / c.get("file")), PARSER).getroot()
                         for c in self.plan.iter("chapter")]
        ind_file = self.plan.find("indicators")
        self.inds = {}
        if ind_file is not None:
            for ind in etree.parse(str(plan_dir / ind_file.get("file")), PARSER).getroot():
                self.inds[ind.get("id")] = ind
        self.labels = self._labels()
        self.out: list[str] = []

    def _labels(self) -> dict[str, str]:
        labels: dict[str, str] = {}
        for n, part in enumerate(self.plan.iterfind("part"), 1):
            labels[part.get("id")] = f"第{cn(n)}篇"
        for n, ch in enumerate(self.chapters, 1):
            labels[ch.get("id")] = f"第{cn(n)}章"
            for k, sec in enumerate(ch.iterfind("section"), 1):
                labels[sec.get("id")] = f"第{cn(k)}节"
        cols = [c for ch in self.chapters for c in ch.iter("column")]
        figs = [f for ch in self.chapters for f in ch.iter("figure")]
        labels |= {c.get("id"): f"专栏 {n}：" for n, c in enumerate(cols, 1)}
        labels |= {f.get("id"): f"图 {n}：" for n, f in enumerate(figs, 1)}
        return labels

    def emit(self, *texts: str) -> None:
        self.out.extend(t for t in texts if t)

    def ind_name(self, ind_id: str) -> str:
        ind = self.inds[ind_id]
        unit = ind.get("unit")
        return inline(ind.find("name"), self.labels) + (f"（{unit}）" if unit else "")

    def indicator_table(self, table: etree._Element) -> None:
        for th in table.find("thead").iter("th"):
            self.emit(inline(th, self.labels))
        layout = [c.get("kind") for c in table.find("layout")]
        # parent and sub-indicator names are printed in two columns under 指标名称 (colspan 2)
        two_level = any("指标" in (th.text or "") and th.get("colspan") == "2"
                        for th in table.iter("th"))
        seq, prev_parent = 0, None
        for group in table.iterfind("group"):
            for r, row in enumerate(group.iterfind("row")):
                seq += 1
                ind = self.inds[row.get("ind")]
                parent = ind.get("parent") if two_level else None
                printed = row.find("parent-label")
                names = ([inline(printed, self.labels) if printed is not None else self.ind_name(parent)]
                         if parent and parent != prev_parent else [])
                prev_parent = parent
                label = row.find("label")
                names.append(inline(label, self.labels) if label is not None
                             else self.ind_name(row.get("ind")))
                values = iter(row.iterfind("v"))
                for kind in layout:
                    if kind == "category" and r == 0:
                        self.emit(group.get("category"))
                    elif kind == "seq":
                        self.emit(str(seq))
                    elif kind == "name":
                        self.emit(*names)
                    elif kind == "value":
                        self.emit(inline(next(values, None), self.labels))
                    elif kind == "nature":
                        self.emit(ind.get("nature", ""))

    def block(self, el: etree._Element) -> None:
        tag = el.tag
        if tag in ("p", "subhead"):
            self.emit(inline(el.find("lead"), self.labels), self.rest(el))
        elif tag == "list":
            for n, item in enumerate(el.iterfind("item"), 1):
                mark = "——" if el.get("type") == "dash" else f"{n}."
                self.emit(mark, inline(item.find("lead"), self.labels), self.rest(item))
        elif tag == "entry":
            self.emit(inline(el.find("name"), self.labels), self.rest(el))
        elif tag in ("column", "figure"):
            self.emit(self.labels[el.get("id")])
            self.emit(inline(el.find("title" if tag == "column" else "caption"), self.labels))
            for child in el:
                if child.tag not in ("title", "caption", "alt"):
                    self.block(child)
        elif tag == "table":
            for cell in el.iter("th", "td"):
                self.emit(inline(cell, self.labels))
        elif tag == "indicator-table":
            self.indicator_table(el)

    def rest(self, el: etree._Element) -> str:
        """Text of a p/item/entry without its lead or name."""
        copy = etree.fromstring(etree.tostring(el))
        for child in list(copy):
            if child.tag in ("lead", "name"):
                copy.text = (copy.text or "") + (child.tail or "")
                copy.remove(child)
        return inline(copy, self.labels)

    def read(self) -> list[str]:
        meta, notice = self.plan.find("meta"), self.plan.find("notice")
        self.emit(meta.findtext("docno", ""))
        if notice is not None:
            self.emit(inline(notice.find("title"), self.labels), notice.findtext("to", ""))
            for p in notice.iterfind("p"):
                self.block(p)
            self.emit(notice.findtext("signature", ""))
        self.emit(inline(meta.find("title"), self.labels), meta.findtext("approved", ""))  # <br/> marks only
        for p in self.plan.iterfind("preamble/p"):
            self.block(p)
        chapters = iter(self.chapters)
        for part in self.plan.iterfind("part"):
            self.emit(self.labels[part.get("id")], inline(part.find("title"), self.labels))
            for el in part:
                if el.tag == "p":
                    self.block(el)
                elif el.tag == "chapter":
                    self.chapter(next(chapters))
        for p in self.plan.iterfind("closing/p"):
            self.block(p)
        imprint = self.plan.find("imprint")
        if imprint is not None:
            lines = [line.text for line in imprint.iterfind("cc/line")]
            self.emit("抄送：" if lines else "", *lines)
            printed = imprint.find("printed")
            y, m, d = (int(x) for x in printed.get("date").split("-"))
            self.emit(printed.get("by"), f"{y}年{m}月{d}日印发")
        return self.out

    def chapter(self, ch: etree._Element) -> None:
        self.emit(self.labels[ch.get("id")], inline(ch.find("title"), self.labels))
        for el in ch:
            if el.tag == "section":
                self.emit(self.labels[el.get("id")], inline(el.find("title"), self.labels))
                for child in el:
                    if child.tag != "title":
                        self.block(child)
            elif el.tag != "title":
                self.block(el)


# ---------------------------------------------------------------- the seed's body

TOC = re.compile(r"^第[一二三四五六七八九十]+[篇章节]\s*.+?\s*(?:[.．…·]{2,})?\s*\d+$")


def seed_body(path: Path) -> tuple[str, list[int]]:
    """The seed without its TOC and markup, whitespace removed; and each char's line."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = next(i for i, t in enumerate(lines) if re.sub(r"\s", "", t) == "目录")
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or TOC.match(lines[end].strip())):
        end += 1
    chars, where = [], []
    for no, line in enumerate(lines, 1):
        if start < no <= end:
            continue
        line = re.sub(r"^(专栏|图)\s*(\d+)\s*[:：]", r"\1\2：", line.strip())
        line = re.sub(r"_\{([^{}]*)\}", r"\1", line.replace("**", ""))
        for ch in re.sub(r"\s", "", line):
            chars.append(ch)
            where.append(no)
    return "".join(chars), where


# ---------------------------------------------------------------- comparison

def _chunks(text: str) -> list[str]:
    return re.findall(r"[^。]*。|[^。]+$", text)


def differences(seed: str, where: list[int], plan: str) -> list[tuple[int, str, str, str, str]]:
    """(seed line, op, seed text, plan text, context) for every difference."""
    a, b = _chunks(seed), _chunks(plan)
    out = []
    pos_a = [0]
    for c in a:
        pos_a.append(pos_a[-1] + len(c))
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        ra, rb = "".join(a[i1:i2]), "".join(b[j1:j2])
        base = pos_a[i1]
        for op2, k1, k2, l1, l2 in difflib.SequenceMatcher(None, ra, rb, autojunk=False).get_opcodes():
            if op2 == "equal":
                continue
            at = min(base + k1, len(where) - 1)
            context = seed[max(0, base + k1 - 12):base + k1] + "[" + ra[k1:k2] + "]" \
                + seed[base + k2:base + k2 + 12]
            out.append((where[at], op2, ra[k1:k2], rb[l1:l2], context))
    return out


def expected(path: Path) -> set[tuple[int, str, str, str]]:
    out = set()
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        line, op, old, new = (raw.split("\t") + ["", "", ""])[:4]
        out.add((int(line), op, old, new))
    return out


def test_plan_is_faithful_to_the_seed():
    plan = re.sub(r"\s", "", "".join(PlanReader(ROOT / "plan").read()))
    seed, where = seed_body(SEED)
    found = differences(seed, where, plan)
    keys = {(n, op, old, new) for n, op, old, new, _ in found}
    wanted = expected(EXPECTED)
    unexpected = [f"{n}\t{op}\t{old}\t{new}    ← {ctx}" for n, op, old, new, ctx in found
                  if (n, op, old, new) not in wanted]
    gone = [f"{n}\t{op}\t{old}\t{new}" for n, op, old, new in sorted(wanted - keys)]
    assert not unexpected and not gone, (
        "differences not in tests/fidelity-expected.txt:\n" + "\n".join(unexpected)
        + "\nlisted differences that no longer occur:\n" + "\n".join(gone))
