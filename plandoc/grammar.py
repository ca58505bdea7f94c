"""The grammar (schema/plan.rng) read as tables an error message can quote: for each
element, its attributes (required or not, the values they allow, the form they must
have) and the elements allowed inside it.

libxml2's RELAX NG errors do not say which attribute is wrong or what it may be;
`validate` asks these tables instead, so an editor reads "<sum> 的属性 exhaustive 不能取
“否”；可选值：true、false" rather than "failed to validate attributes".
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from lxml import etree

RNG = "{http://relaxng.org/ns/structure/1.0}"
DOC = "{http://relaxng.org/ns/compatibility/annotations/1.0}documentation"
XML_NS = "{http://www.w3.org/XML/1998/namespace}"

FORMS = {
    "[a-z][a-z0-9]*(-[a-z0-9]+)*": "小写 ASCII 字母、数字和连字符，以字母开头（如 ch-urbanisation、col-main-indicators）",
    "[12][0-9]{3}": "四位数的年份（如 2025）",
    "[12][0-9]{3}-[01][0-9]-[0-3][0-9]": "年-月-日，如 2021-01-12",
}
"""The grammar's patterns in words."""


@dataclass
class Attribute:
    required: bool
    values: list[str] = field(default_factory=list)
    pattern: str | None = None
    datatype: str | None = None
    maximum: int | None = None


@dataclass
class Element:
    attributes: dict[str, Attribute] = field(default_factory=dict)
    children: set[str] = field(default_factory=set)


class Grammar:
    def __init__(self, tree: etree._ElementTree):
        root = tree.getroot()
        self.defines = {d.get("name"): d for d in root.iter(f"{RNG}define")}
        self.elements: dict[str, Element] = {}
        for el in root.iter(f"{RNG}element"):
            name = el.get("name")
            if not name:
                continue
            found = Element()
            self._collect(el, True, found, set())
            known = self.elements.get(name)
            if known is None:
                self.elements[name] = found
                continue
            for attr, spec in found.attributes.items():  # an element defined in two places
                old = known.attributes.setdefault(attr, spec)
                old.required = old.required and spec.required
                old.values = sorted(set(old.values) | set(spec.values))
            for attr in set(known.attributes) - set(found.attributes):
                known.attributes[attr].required = False
            known.children |= found.children

    def _collect(self, node, required: bool, out: Element, seen: set[str]) -> None:
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == f"{RNG}attribute":
                out.attributes[child.get("name")] = self._attribute(child, required)
            elif tag == f"{RNG}element":
                out.children.add(child.get("name"))
            elif tag == f"{RNG}ref":
                name = child.get("name")
                if name not in seen:
                    self._collect(self.defines[name], required, out, seen | {name})
            elif tag in (f"{RNG}optional", f"{RNG}zeroOrMore", f"{RNG}choice"):
                self._collect(child, False, out, seen)
            elif tag in (f"{RNG}oneOrMore", f"{RNG}group", f"{RNG}interleave", f"{RNG}mixed"):
                self._collect(child, required, out, seen)

    def _attribute(self, node, required: bool) -> Attribute:
        spec = Attribute(required)
        stack, seen = [node], set()
        while stack:
            for child in stack.pop():
                tag = child.tag if isinstance(child.tag, str) else ""
                if tag == f"{RNG}value":
                    spec.values.append((child.text or "").strip())
                elif tag == f"{RNG}data":
                    spec.datatype = child.get("type")
                    for param in child.iter(f"{RNG}param"):
                        if param.get("name") == "pattern":
                            spec.pattern = param.text
                        elif param.get("name") == "maxInclusive":
                            spec.maximum = int(param.text)
                elif tag == f"{RNG}ref" and child.get("name") not in seen:
                    seen.add(child.get("name"))
                    stack.append(self.defines[child.get("name")])
                elif tag == f"{RNG}choice":
                    stack.append(child)
        return spec

    def children(self, name: str) -> list[str]:
        found = self.elements.get(name)
        return sorted(found.children) if found else []

    def attribute_problem(self, el: etree._Element) -> dict | None:
        """The first thing wrong with an element's attributes, in an editor's words (and
        as data: kind, attribute, value, allowed)."""
        spec = self.elements.get(el.tag)
        if spec is None:
            return None
        for raw, value in el.attrib.items():
            name = raw.replace(XML_NS, "xml:")
            attr = spec.attributes.get(name)
            if attr is None:
                return _unknown(el.tag, name, sorted(spec.attributes))
            problem = _bad_value(el.tag, name, value, attr)
            if problem:
                return problem
        for name, attr in sorted(spec.attributes.items()):
            if attr.required and el.get(name.replace("xml:", XML_NS)) is None:
                what = ("可选值：" + "、".join(attr.values)) if attr.values else \
                    FORMS.get(attr.pattern or "", "见 docs/reference.md")
                return {"kind": "missing-attribute", "attribute": name,
                        "message": f"<{el.tag}> 缺少必需的属性 {name}",
                        "hint": f"补上 {name}=\"…\"（{what}）。"}
        return None


def _unknown(tag: str, name: str, known: list[str]) -> dict:
    close = difflib.get_close_matches(name, known, n=1)
    hint = (f"是不是 {close[0]}？" if close else "") + \
        (f"<{tag}> 可用的属性：{'、'.join(known)}。" if known else f"<{tag}> 没有任何属性。")
    return {"kind": "unknown-attribute", "attribute": name, "allowed": ", ".join(known),
            "message": f"<{tag}> 没有属性 {name}", "hint": hint + "拼写有误就改正，否则删去。"}


def _bad_value(tag: str, name: str, value: str, attr: Attribute) -> dict | None:
    token = " ".join(value.split())
    if attr.values and token not in attr.values:
        return {"kind": "bad-value", "attribute": name, "value": value,
                "allowed": ", ".join(attr.values),
                "message": f"<{tag}> 的属性 {name} 不能取“{value}”",
                "hint": f"可选值：{'、'.join(attr.values)}（照写英文）。"}
    if attr.pattern and not re.fullmatch(attr.pattern, token):
        form = FORMS.get(attr.pattern, f"须符合 {attr.pattern}")
        return {"kind": "bad-form", "attribute": name, "value": value, "pattern": attr.pattern,
                "message": f"<{tag}> 的属性 {name} 取值“{value}”不合格式",
                "hint": f"{name} 应为{form}。"}
    if attr.datatype == "positiveInteger":
        ok = token.isdigit() and int(token) > 0 and (attr.maximum is None or int(token) <= attr.maximum)
        if not ok:
            limit = f"，最大 {attr.maximum}" if attr.maximum else ""
            return {"kind": "bad-form", "attribute": name, "value": value, "pattern": "positiveInteger",
                    "message": f"<{tag}> 的属性 {name} 取值“{value}”不合格式",
                    "hint": f"{name} 应为正整数{limit}。"}
    return None
