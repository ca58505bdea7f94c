"""Reference documentation generated from its sources of truth.

docs/reference.md: every element and attribute of schema/plan.rng with its
a:documentation annotation, where it may appear and what it may contain.
docs/diagnostics.md: every code of the diagnostics catalogue (what, why, example, fix).
A test regenerates both and fails when the committed files are stale.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from lxml import etree

from .diagnostics import CATALOGUE
from .load import secure_parser
from .validate import SCHEMA_PATH

RNG = "{http://relaxng.org/ns/structure/1.0}"
ANN = "{http://relaxng.org/ns/compatibility/annotations/1.0}documentation"


def _doc(el: etree._Element) -> str:
    node = el.find(ANN)
    return " ".join((node.text or "").split()) if node is not None else ""


def _element_children(el: etree._Element, defines: dict, seen: set | None = None) -> list[str]:
    """Names of elements (and text) that may appear directly inside the pattern `el`."""
    seen = seen if seen is not None else set()
    out: list[str] = []
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == f"{RNG}element":
            out.append(child)
        elif tag == f"{RNG}text":
            out.append("#text")
        elif tag == f"{RNG}ref":
            name = child.get("name")
            if name not in seen:
                seen.add(name)
                out += _element_children(defines[name], defines, seen)
        elif tag in (f"{RNG}attribute", ANN):
            continue
        else:
            out += _element_children(child, defines, seen)
    return out


def _attributes(el: etree._Element, defines: dict, seen: set | None = None) -> list[tuple]:
    seen = seen if seen is not None else set()
    out = []
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == f"{RNG}attribute":
            required = child.getparent().tag != f"{RNG}optional"
            out.append((child.get("name"), required, _doc(child)))
        elif tag == f"{RNG}ref":
            name = child.get("name")
            if name not in seen and name.endswith((".attr", ".attrs", ".id")):
                seen.add(name)
                for a in _attributes(defines[name], defines, seen):
                    required = a[1] and child.getparent().tag != f"{RNG}optional"
                    out.append((a[0], required, a[2]))
        elif tag in (f"{RNG}optional", f"{RNG}group"):
            out += _attributes(child, defines, seen)
    return out


def reference_markdown() -> str:
    grammar = etree.parse(str(SCHEMA_PATH), secure_parser()).getroot()
    defines = {d.get("name"): d for d in grammar.iter(f"{RNG}define")}
    elements: dict[str, list[etree._Element]] = defaultdict(list)
    for el in grammar.iter(f"{RNG}element"):
        elements[el.get("name")].append(el)
    parents: dict[etree._Element, set[str]] = defaultdict(set)
    for name, defs in elements.items():
        for d in defs:
            for child in _element_children(d, defines):
                if child != "#text":
                    parents[child].add(name)
    start = {e for e in _element_children(grammar.find(f"{RNG}start"), defines) if e != "#text"}
    lines = [
        "# plandoc 源文件词汇参考 (source vocabulary reference)",
        "",
        "由 `schema/plan.rng` 生成（`python build.py docs`），请勿手改。",
        "Generated from `schema/plan.rng` by `python build.py docs`; do not edit by hand.",
        "",
        "一个规划是一个目录：`plan.xml`（元数据、通知、各篇及章文件顺序）、`indicators.xml`"
        "（指标定义）和 `chapters/*.xml`（每章一个文件）。编号（第一章、专栏 1、图 1）一律自动生成，"
        "源文件中不写编号；引用只用 id。",
        "",
    ]
    for name in sorted(elements):
        for i, d in enumerate(elements[name]):
            heading = f"## `<{name}>`" + (f" ({i + 1})" if len(elements[name]) > 1 else "")
            lines += [heading, "", _doc(d) or "（无说明）", ""]
            within = sorted(parents.get(d, ()))
            if d in start:
                within.append("(根元素 root)")
            lines.append("- 出现在 (inside): " + ", ".join(f"`<{p}>`" if not p.startswith("(") else p
                                                         for p in within))
            content = sorted({c if c == "#text" else c.get("name")
                              for c in _element_children(d, defines)})
            if content:
                lines.append("- 内容 (content): " + ", ".join(
                    "文字 (text)" if c == "#text" else f"`<{c}>`" for c in content))
            else:
                lines.append("- 内容 (content): 空 (empty)")
            for attr, required, doc in _attributes(d, defines):
                flag = "必需 required" if required else "可选 optional"
                lines.append(f"- `@{attr}` ({flag}): {doc}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def diagnostics_markdown() -> str:
    lines = [
        "# 诊断代码 (diagnostic codes)",
        "",
        "由 `plandoc/diagnostics.py` 的目录生成（`python build.py docs`），请勿手改。",
        "Generated from the catalogue in `plandoc/diagnostics.py`; do not edit by hand.",
        "",
        "输出格式 (text)：`plan/chapters/ch08.xml:12:5: error[PD201] 引用的目标不存在：col-xyz`，"
        "下一行缩进给出修改提示。`--format json` 输出对象数组，字段 code、severity、file、line、"
        "column、message、hint、data。",
        "",
        "| 代码 | 严重性 | 名称 |",
        "|---|---|---|",
    ]
    for c in CATALOGUE.values():
        lines.append(f"| [{c.code}](#{c.code.lower()}) | {c.severity.value} | {c.title} |")
    lines.append("")
    for c in CATALOGUE.values():
        lines += [
            f"## {c.code}", "", f"**{c.title}** — 严重性 (severity): `{c.severity.value}`", "",
            f"- 检查什么 (what): {c.what}",
            f"- 为什么 (why): {c.why}",
            f"- 例子 (example): `{c.example}`",
            f"- 怎么改 (fix): {c.fix}", "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def write_docs(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (("reference.md", reference_markdown()),
                       ("diagnostics.md", diagnostics_markdown())):
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
