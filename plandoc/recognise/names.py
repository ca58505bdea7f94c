"""The names recognition binds numbers to: every indicator's name, its aliases from
`indicators.xml` (`<alias>`), the labels printed for it in indicator tables, and a few
regular variants (without a parenthesis, GDP ↔ 地区生产总值, 城乡… for a 城镇…/农村…
pair). Matching is leftmost-longest over one prefix-tree regular expression.

Priority when one string names several indicators: alias > name > table label >
variant; a tie at the same priority leaves the string ambiguous (its bindings are
notes at most). An indicator that only groups others (it has children and no unit)
carries no values and is not a binding target.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from lxml import etree

ALIAS, NAME, LABEL, VARIANT = 0, 1, 2, 3
_PAREN = re.compile(r"[（(][^）)]*[）)]")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Entry:
    inds: tuple[str, ...]
    """One indicator, or (for 城乡… pairs and ties) several."""
    pair: bool = False
    """城乡X: inds are (城镇X, 农村X), bound in turn by 分别."""

    @property
    def ambiguous(self) -> bool:
        return len(self.inds) > 1 and not self.pair


@dataclass
class Names:
    entries: dict[str, Entry]
    units: dict[str, str | None]
    pattern: re.Pattern | None
    full: dict[str, str]
    """Indicator id -> its name with every alias (for words such as 新建 in a name)."""
    key: int = 0
    """A serial number: one per registry content (`build` memoises), what a memoised
    reading of a block depends on."""

    def find(self, text: str) -> list[tuple[int, int, Entry]]:
        if self.pattern is None:
            return []
        return [(m.start(), m.end(), self.entries[m.group()]) for m in self.pattern.finditer(text)]


def _plain(el: etree._Element | None) -> str:
    return _SPACE.sub("", "".join(el.itertext())) if el is not None else ""


_BUILT: dict[tuple, Names] = {}
_SERIAL = itertools.count(1)


def build(indicators: etree._Element | None, labels: list[tuple[str, str]]) -> Names:
    """From the root of indicators.xml and (indicator id, printed label) of table rows
    (memoised on their content: every compile of an unchanged registry shares one)."""
    key = (etree.tostring(indicators) if indicators is not None else b"", tuple(labels))
    names = _BUILT.get(key)
    if names is None:
        if len(_BUILT) > 8:
            _BUILT.clear()
        names = _BUILT[key] = _build(indicators, labels)
    return names


def _build(indicators: etree._Element | None, labels: list[tuple[str, str]]) -> Names:
    found: dict[str, dict[int, set[str]]] = {}
    units: dict[str, str | None] = {}
    full: dict[str, str] = {}

    def add(text: str, ind: str, prio: int) -> None:
        text = _SPACE.sub("", text)
        if len(text) >= 2 and not text.isdigit():
            found.setdefault(text, {}).setdefault(prio, set()).add(ind)

    if indicators is not None:
        all_ = [el for el in indicators.findall("indicator") if el.get("id")]
        parents = {el.get("parent") for el in all_}
        for el in all_:
            iid = el.get("id")
            if iid in parents and not el.get("unit"):
                continue
            units[iid] = el.get("unit")
            name = _plain(el.find("name"))
            add(name, iid, NAME)
            full[iid] = name
            for alias in el.findall("alias"):
                add(_plain(alias), iid, ALIAS)
                full[iid] += "|" + _plain(alias)
            for variant in _variants(name):
                add(variant, iid, VARIANT)
    for iid, label in labels:
        if iid in units:
            label = _SPACE.sub("", label)
            add(label, iid, LABEL)
            stripped = _PAREN.sub("", label)
            add(stripped, iid, LABEL)
            for variant in _variants(stripped):
                add(variant, iid, VARIANT)
    entries = {}
    for text, by_prio in found.items():
        best = by_prio[min(by_prio)]
        entries[text] = Entry(tuple(sorted(best)))
    _pairs(entries)
    return Names(entries, units, _trie_regex(list(entries)) if entries else None, full, next(_SERIAL))


def _variants(name: str) -> list[str]:
    out = []
    bare = _PAREN.sub("", name)
    if bare != name:
        out.append(bare)
    for end in ("下降", "降低", "减少"):  # 能耗较 2020 年下降 14%: the name without its verb
        if bare.endswith(end) and len(bare) > len(end) + 2:
            out.append(bare[: -len(end)])
    for a, b in (("GDP", "地区生产总值"), ("地区生产总值", "GDP")):
        for n in (name, bare):
            if a in n:
                out.append(n.replace(a, b))
    return out


def _pairs(entries: dict[str, Entry]) -> None:
    """城乡X names the pair (城镇X, 农村X) when both are single indicators."""
    for text, entry in list(entries.items()):
        if text.startswith("城镇") and not entry.ambiguous:
            rural = entries.get("农村" + text[2:])
            joint = "城乡" + text[2:]
            if rural is not None and not rural.ambiguous and joint not in entries:
                entries[joint] = Entry(entry.inds + rural.inds, pair=True)


def _trie_regex(words: list[str]) -> re.Pattern:
    """One regular expression matching any of `words`, longest first at each position,
    built as a prefix tree so each position tries only the branches of its character."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def emit(node: dict) -> str:
        end = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end else body

    return re.compile(emit(trie))
