"""Figure images: checked when the plan is loaded, SVG cleaned before the site publishes it.

`problem(path)` says why an image cannot be used (PD230): not the format its extension
names, damaged, or more pixels than `MAX_PIXELS`; a raster image is measured from its
header before anything is decoded, then decoded once to prove it is whole (cached per
file version, so the editor's loop pays once). `svg_clean(data)` returns an SVG without
active content (scripts, event handlers, <foreignObject>, links and style URLs leaving
the file) and what it removed (PD231): the site serves the clean copy, so opening the
image by its URL runs nothing and fetches nothing.
"""

from __future__ import annotations

import functools
import re
import warnings
from pathlib import Path

MAX_PIXELS = 40_000_000
"""Pixel budget of one raster image (width × height): 40 million, e.g. 8000 × 5000, enough
for a full-page map at print resolution; decoding one costs about 4 bytes per pixel."""
MAX_BYTES = 20 * 1024 * 1024

FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}
SVG_NS = "{http://www.w3.org/2000/svg}"
ACTIVE_ELEMENTS = {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener"}
_SAFE_REF = re.compile(r"\s*(#|data:image/(png|jpeg|gif|webp)[;,])", re.I)
_STYLE_URL = re.compile(r"url\s*\(\s*['\"]?\s*(?!#|data:image/(png|jpeg|gif|webp)[;,])|@import|expression\s*\(", re.I)


def problem(path: Path) -> str | None:
    """Why the image at `path` cannot be used, or None."""
    stat = path.stat()
    return _problem(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _problem(path: str, _mtime: int, size: int) -> str | None:
    suffix = Path(path).suffix.lower()
    if size > MAX_BYTES:
        return f"文件过大：{size // 1024 // 1024} MB，上限 {MAX_BYTES // 1024 // 1024} MB"
    if suffix == ".svg":
        clean, _ = svg_clean(Path(path).read_bytes())
        return None if clean is not None else "不是可用的 SVG（XML 格式错误、含 DOCTYPE 实体，或根元素不是 <svg>）"
    if suffix not in FORMATS:
        return f"不支持的图片格式 {suffix or '（无扩展名）'}：可用 PNG、JPEG、WEBP 或 SVG"
    from PIL import Image  # only plans with raster images pay for it

    try:
        with warnings.catch_warnings():  # the size is checked below, against a smaller budget
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                width, height = im.size
                if im.format != FORMATS.get(suffix):
                    return f"扩展名是 {suffix}，内容却是 {im.format or '未知格式'}"
                if width * height > MAX_PIXELS:
                    return f"像素过多：{width}×{height}，上限 {MAX_PIXELS // 1_000_000} 百万像素"
                if _truncated(Path(path), im.format):
                    return "图片已损坏：文件被截断"
                im.load()  # a corrupt file fails here, not silently in the PDF
    except Image.DecompressionBombError as exc:  # past Pillow's own limit: refused on open
        return f"像素过多，上限 {MAX_PIXELS // 1_000_000} 百万像素（{exc}）"
    except (OSError, SyntaxError, ValueError) as exc:
        return f"图片已损坏或格式无法识别：{exc}"
    return None


def _truncated(path: Path, fmt: str) -> bool:
    """Whether the file ends before its format says it does. Checked by hand because
    WeasyPrint, once imported, sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process,
    and a truncated image then decodes padded with grey."""
    data = path.read_bytes()
    if fmt == "PNG":  # walk the chunks to IEND
        pos = 8
        while pos + 8 <= len(data):
            length, kind = int.from_bytes(data[pos: pos + 4], "big"), data[pos + 4: pos + 8]
            pos += 12 + length
            if kind == b"IEND":
                return pos > len(data)
        return True
    if fmt == "JPEG":
        return data.rfind(b"\xff\xd9") < data.find(b"\xff\xda")  # no end of image after the scan
    if fmt == "WEBP":
        return len(data) < int.from_bytes(data[4:8], "little") + 8
    return False


def svg_clean(data: bytes) -> tuple[bytes | None, list[str]]:
    """The SVG without active content, and what was removed; (None, []) when `data` is
    not a well-formed SVG free of DTD entities."""
    from lxml import etree  # here: a build from the compile cache of a plan without SVG never loads lxml

    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True,
                             huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None, []
    if root.tag != f"{SVG_NS}svg" and root.tag != "svg":
        return None, []
    if any(True for _ in root.iter(etree.Entity)):
        return None, []
    removed: list[str] = []
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            if isinstance(el, etree._ProcessingInstruction) and el.getparent() is not None:
                removed.append(f"<?{el.target}?>")
                el.getparent().remove(el)
            continue
        name = etree.QName(el).localname
        if name in ACTIVE_ELEMENTS or (name == "style" and _STYLE_URL.search(el.text or "")):
            removed.append(f"<{name}>")
            if el.getparent() is not None:
                el.getparent().remove(el)
            continue
        for attr, value in list(el.attrib.items()):
            local = etree.QName(attr).localname
            if (local.lower().startswith("on")
                    or (local == "href" and not _SAFE_REF.match(value))
                    or (local == "style" and _STYLE_URL.search(value))
                    or "javascript:" in re.sub(r"\s", "", value).lower()):
                removed.append(f"{local}=\"{value[:40]}\"")
                del el.attrib[attr]
    body = etree.tostring(root, encoding="UTF-8", xml_declaration=True)
    return body, removed


def check(path: Path, rel: str, display: str, line: int, column: int) -> list:
    """PD230 for an unusable image, PD231 for active content in an SVG (removed from the site)."""
    from . import diagnostics as dg

    why = problem(path)
    if why is not None:
        return [dg.make("PD230", display, line, column, f"图片 {rel} 无法使用：{why}")]
    if path.suffix.lower() != ".svg":
        return []
    _, removed = svg_clean(path.read_bytes())
    if not removed:
        return []
    shown = "、".join(sorted(set(removed))[:4]) + (" …" if len(set(removed)) > 4 else "")
    return [dg.make("PD231", display, line, column,
                    f"SVG 图片 {rel} 含有活动内容，网站发布时已删除：{shown}")]
