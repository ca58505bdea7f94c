"""Inter-character justification for Chinese lines: a patch to WeasyPrint's line layout.

WeasyPrint (v70) justifies a line by widening its spaces only (`justify_line` counts
U+0020 and U+00A0), so a Chinese line, which has no spaces, stays ragged, and a line
with a few spaces around a number piles all the slack into them ("实施   210   项").
clreq §3.2 (line adjustment) and CSS Text 3 `text-justify: inter-character` ask for the
opposite: the slack is shared by the gaps between ideographs (and CJK punctuation), and
a space between Chinese and Latin text stays a fixed small gap.

How: every CJK character of a line is an *expansion opportunity*. With J the slack per
opportunity, each such character gets J of extra Pango letter-spacing, which Pango
puts half before and half after the glyph. So the gap between two CJK characters grows
by J, the gap between a CJK character and a digit by J/2, and the gap inside a number
or a Latin word, or at a space, by nothing. Pango drops the outer halves at the edges
of each text box (each box is its own one-line PangoLayout); where a box edge is inside
the line (a <strong> lead, a cross-reference) the half is given back by moving the
following boxes, and at the two ends of the line it is left out, so the line ends
flush on both sides:

    slack = J × (opportunities − ½·[first character is CJK] − ½·[last character is CJK])

A line without any CJK character is left to WeasyPrint's own (space) justification.
The per-character spacing is kept on the box's Layout, so that it survives WeasyPrint
re-creating the PangoLayout when drawing.

Pinned: the patch replaces `weasyprint.layout.inline.justify_line` and wraps
`weasyprint.text.line_break.Layout.set_text`; it is tested on the versions in
TESTED_WEASYPRINT (tests/pdf/test_justify.py fails, naming this patch, on any other),
and `apply` refuses to patch an untested version. Nothing is patched on import: the
benchmark's raw WeasyPrint side imports pdf.render without getting the patch.
"""

from __future__ import annotations

import re

TESTED_WEASYPRINT = (70,)
"""Major versions of WeasyPrint this patch is tested on (pyproject.toml pins the same)."""

_CJK = re.compile(
    "[\u2010-\u2027\u2030-\u2033\u2E80-\u2FFF\u3000-\u30FF\u3100-\u9FFF\uF900-\uFAFF"
    "\uFE30-\uFE4F\uFF01-\uFF60\uFFE0-\uFFE6\U00020000-\U0003FFFF]")
"""Ideographs, kana, CJK and full-width punctuation, and the general punctuation
(“”‘’…—) a Chinese font sets full width: the characters whose gaps may widen."""


class UntestedWeasyPrint(OSError):
    """The installed WeasyPrint is not one the justification patch was tested on: an
    environment problem, so `build` ends with this message and exit code 2 (cli._Group)."""


def opportunities(text: str) -> list[int]:
    """Indexes of the characters of `text` that take a share of a line's slack."""
    return [m.start() for m in _CJK.finditer(text)]


def check_version(version: str) -> None:
    """Raise UntestedWeasyPrint unless `version`'s major number is in TESTED_WEASYPRINT."""
    major = version.split(".")[0]
    if not major.isdigit() or int(major) not in TESTED_WEASYPRINT:
        tested = ", ".join(f"{v}.x" for v in TESTED_WEASYPRINT)
        raise UntestedWeasyPrint(
            f"plandoc.pdf.justify (inter-character justification patch for Chinese lines) is "
            f"tested on WeasyPrint {tested} only, found {version}: re-check "
            f"weasyprint/layout/inline.py justify_line and text/line_break.py Layout.set_text, "
            f"run tests/pdf/test_justify.py, then add the version to TESTED_WEASYPRINT")


def apply() -> None:
    """Install the patch (idempotent). Raises UntestedWeasyPrint on an untested version."""
    import weasyprint
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    check_version(weasyprint.__version__)
    if getattr(inline.justify_line, "plandoc", False):
        return
    original_justify = inline.justify_line
    original_set_text = line_break.Layout.set_text

    def justify_line(context, line, extra_width):
        if not _justify_inter_character(context, line, extra_width):
            original_justify(context, line, extra_width)

    def set_text(self, text, justify=False):
        original_set_text(self, text, justify)
        spacing = getattr(self, "inter_character", None)
        if justify and spacing:
            _letter_space(self, spacing)

    justify_line.plandoc = True
    inline.justify_line = justify_line
    line_break.Layout.set_text = set_text


def _text_boxes(box) -> list:
    """The line's text boxes in visual order (left to right; plan text is LTR)."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        return [box]
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        return [t for child in box.children if child.is_in_normal_flow()
                for t in _text_boxes(child)]
    return []


def _justify_inter_character(context, line, extra_width: float) -> bool:
    """Share `extra_width` between the CJK characters of `line`; False if it has none."""
    texts = [t for t in _text_boxes(line) if t.text]
    if not texts or line.style["direction"] == "rtl":
        return False
    counts = [len(opportunities(t.text)) for t in texts]
    total = sum(counts)
    first_cjk = bool(_CJK.match(texts[0].text))
    last_cjk = bool(_CJK.match(texts[-1].text[-1]))
    effective = total - 0.5 * first_cjk - 0.5 * last_cjk
    if effective <= 0:
        return False
    per_gap = extra_width / effective
    edges = {id(texts[0]): "first", id(texts[-1]): "last"}
    if len(texts) == 1:
        edges[id(texts[0])] = "only"
    _spread(context, line, per_gap, 0.0, edges)
    return True


def _spread(context, box, per_gap: float, x_advance: float, edges: dict) -> float:
    """Widen every text box below `box` by its share, moving later boxes along; returns
    the accumulated shift (WeasyPrint's add_word_spacing, per character)."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.line_break import create_layout

    if isinstance(box, boxes.TextBox):
        where = opportunities(box.text)
        edge = edges.get(id(box))
        if not where:
            box.position_x += x_advance
            return x_advance
        starts = where[0] == 0
        ends = where[-1] == len(box.text) - 1
        if starts and edge not in ("first", "only"):
            x_advance += per_gap / 2      # the half Pango drops at the box's left edge
        box.position_x += x_advance
        layout = create_layout(box.text, box.style, context, max_width=None,
                               justification_spacing=0)
        layout.inter_character = (per_gap, tuple(where))   # applied when drawn
        layout.deactivate()
        grown = per_gap * (len(where) - 0.5 * starts - 0.5 * ends)
        box.width += grown
        box.pango_layout = layout
        box.justification_spacing = 0
        x_advance += grown
        if ends and edge not in ("last", "only"):
            x_advance += per_gap / 2      # and at its right edge
        return x_advance
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += x_advance
        before = x_advance
        for child in box.children:
            if child.is_in_normal_flow():
                x_advance = _spread(context, child, per_gap, x_advance, edges)
        box.width += x_advance - before
        return x_advance
    box.translate(x_advance, 0)   # an atomic inline (image, inline-block)
    return x_advance


def _letter_space(layout, spacing: tuple[float, tuple[int, ...]]) -> None:
    """Give the layout a fresh attribute list: the style's letter-spacing everywhere, the
    style's word-spacing on spaces (as WeasyPrint does) and, on each opportunity, the
    letter-spacing plus the line's share of the slack."""
    from weasyprint.text.ffi import TO_UNITS, ffi, pango

    per_gap, where = spacing
    style, text = layout.style, layout.text
    letter = layout.style["letter_spacing"]
    letter = 0 if letter == "normal" else letter
    offsets, position = [], 0          # UTF-8 byte offset of every character
    for ch in text:
        offsets.append(position)
        position += len(ch.encode())
    offsets.append(position)
    attrs = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)

    def add(start: int, end: int, value: float) -> None:
        attr = pango.pango_attr_letter_spacing_new(int(value * TO_UNITS))
        attr.start_index, attr.end_index = start, end
        pango.pango_attr_list_change(attrs, attr)

    if letter:
        add(0, position, letter)
    word = style["word_spacing"]
    if word:
        for i, ch in enumerate(text):
            if ch in " \u00a0":
                boundary = 2 if i in (0, len(text) - 1) else 1   # Pango halves it at the ends
                add(offsets[i], offsets[i + 1], boundary * (word + letter))
    for first, last in _runs(i for i in where if i < len(text)):
        add(offsets[first], offsets[last + 1], letter + per_gap)
    pango.pango_layout_set_attributes(layout.layout, attrs)


def _runs(indexes) -> list[tuple[int, int]]:
    """Consecutive indexes as (first, last) runs: one attribute a run of ideographs
    instead of one a character (Pango merges equal neighbours: the same list, drawn
    alike, for a fraction of the calls)."""
    runs: list[list[int]] = []
    for i in indexes:
        if runs and runs[-1][1] == i - 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return [(a, b) for a, b in runs]
