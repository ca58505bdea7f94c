"""Diagnostics: the closed catalogue of codes and the one place they are formatted.

Stages yield `Diagnostic` values and never raise for a user's mistake; the driver
collects them and decides the exit code. Every code in `CATALOGUE` is documented the
ruff way (what, why, example, fix) and `docs/diagnostics.md` is generated from it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding, located in a source file."""

    file: str
    """Path of the file as the user named it (relative to the working directory when possible)."""
    line: int
    """1-based line; 0 when the finding concerns the whole file."""
    column: int
    """1-based column; 0 when unknown."""
    code: str
    """Stable code from `CATALOGUE`, e.g. PD201."""
    severity: Severity
    message: str
    """One sentence, Chinese first, naming the offending value."""
    hint: str
    """How to fix it."""
    data: tuple[tuple[str, object], ...] = ()
    """Machine-readable details (stated value, computed value, difference...)."""

    def as_dict(self) -> dict:
        d = asdict(self)
        d["severity"] = self.severity.value
        d["data"] = dict(self.data)
        return d


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    title: str
    what: str
    why: str
    example: str
    fix: str


def _c(code, severity, title, what, why, example, fix):
    return Code(code, Severity(severity), title, what, why, example, fix)


CATALOGUE: dict[str, Code] = {c.code: c for c in [
    # ---- files and loading: PD0xx
    _c("PD001", "error", "文件缺失 (missing file)",
       "plan.xml 或它列出的某个文件不存在或无法读取。",
       "缺少的章无法编号，后面所有章、专栏和图的编号都会错位。",
       '<chapter file="chapters/ch99.xml"/>，而该文件不存在',
       "恢复该文件，或从 plan.xml 中删除这一行。"),
    _c("PD002", "error", "文件在 plan/ 之外 (file outside the plan)",
       "plan.xml 列出的文件路径离开了 plan/ 目录（../、绝对路径或指向外部的符号链接）。",
       "源文件不得让构建读取规划目录以外的任何文件。",
       '<chapter file="../../etc/passwd"/>',
       "把文件移入 plan/，并使用相对 plan/ 的路径。"),
    _c("PD003", "warning", "未列出的章文件 (unlisted chapter file)",
       "plan/chapters/ 中有一个 .xml 文件没有被任何篇列出。",
       "编辑者常常新建了章却忘了在 plan.xml 中登记，这一章不会出现在输出中。",
       "chapters/ch39-new.xml 存在，但 plan.xml 中没有它",
       "在相应的 <part> 中加入 <chapter file=\"chapters/…\"/>，或删除该文件。"),
    _c("PD004", "error", "文件被列出两次 (file listed twice)",
       "同一个章文件在 plan.xml 中出现了不止一次。",
       "同一章会被编号两次，id 也会重复。",
       '两个 <chapter file="chapters/ch08.xml"/>',
       "删除多余的一行。"),
    _c("PD005", "error", "文件编码错误 (bad encoding)",
       "文件不是合法的 UTF-8，或含有 NUL 等不允许的字符。",
       "乱码会原样进入网站和 PDF。",
       "用 GBK 保存的 XML 文件",
       "以 UTF-8（无 BOM 亦可）重新保存文件。"),
    _c("PD006", "error", "编码声明不是 UTF-8 (encoding declaration other than UTF-8)",
       "XML 声明写了 UTF-8 以外的编码（如 encoding=\"ISO-8859-1\" 或 \"GBK\"）。",
       "解析器会按声明解码，标题变成乱码却只有警告；fmt 再把乱码写回源文件，损坏就无法挽回。",
       '<?xml version="1.0" encoding="ISO-8859-1"?>',
       '把声明改为 <?xml version="1.0" encoding="UTF-8"?>，并确认文件以 UTF-8 保存。'),
    # ---- XML and schema: PD1xx
    _c("PD100", "error", "XML 格式错误 (malformed XML)",
       "文件不是格式良好的 XML（标签未闭合、属性缺引号、非法字符等）。",
       "解析失败的文件无法校验和输出；其他文件照常检查。",
       "<p>经济实力大幅提升。</P>",
       "按提示的行列修正标签；可以用编辑器的 XML 模式定位。"),
    _c("PD101", "error", "禁止的 DTD 或实体 (DTD or entity refused)",
       "文件含 DOCTYPE 声明、实体声明或实体引用。",
       "外部实体可读取任意文件，实体嵌套可耗尽内存；规划源文件不需要它们。",
       '<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
       "删除 DOCTYPE，直接写出字符（XML 只需 &amp;lt; &amp;amp; 等预定义实体）。"),
    _c("PD102", "error", "根元素不符 (wrong root element)",
       "文件的根元素不是其位置要求的元素（plan.xml 应为 <plan>，章文件应为 <chapter>，指标文件应为 <indicators>）。",
       "放错位置的文件会让整篇结构错乱。",
       "chapters/ch08.xml 的根元素是 <section>",
       "把内容包进正确的根元素，或修改 plan.xml 中的文件名。"),
    _c("PD110", "error", "不符合模式 (schema violation)",
       "元素或属性不符合 schema/plan.rng 的规定。",
       "渲染器和检查只理解模式定义的结构。",
       '<p><bogus/></p> 或 <chapter id="Ch 8">',
       "按提示修改；每个元素的说明见 docs/reference.md。"),
    _c("PD111", "error", "处理指令被拒绝 (processing instruction refused)",
       "文件中含有处理指令（如 <?xml-stylesheet?> 或 <?include?>）。",
       "plandoc 不执行包含或样式表指令；它们可能引入 plan/ 之外的内容。",
       '<?include href="../secret.xml"?>',
       "删除该处理指令；章文件请在 plan.xml 中列出。"),
    _c("PD112", "error", "日期不存在 (impossible date)",
       "日期属性的格式正确（YYYY-MM-DD），但这一天不存在。",
       "印发日期、批准日期会印在公文页和版记上，也写进 PDF 和表格的元数据。",
       '<printed date="2021-02-30" …/>',
       "改成真实的日期。"),
    _c("PD120", "error", "嵌套过深 (nesting too deep)",
       "元素嵌套超过 48 层（load.MAX_DEPTH）。真实的规划约嵌套 12 层（篇、章、节、专栏、表格、段落、强调）。",
       "每个渲染器（网站、PDF、JSON、表格）都在这个深度上测试过；更深的嵌套会耗尽递归，构建失败。",
       "<p><em><em><em>…（几百层）…</em></em></em></p>",
       "去掉多余的嵌套：强调一层就够了。"),
    _c("PD121", "error", "数值不是有限数 (value is not a finite number)",
       "指标表或 <fact> 中的数值写成 NaN、inf、1e309 之类，不是有限的数。",
       "这样的值无法比较和计算，写进 JSON 和表格会得到无效的数字。",
       "<v>NaN</v>",
       "写出实际数值；没有数值时写 -。"),
    _c("PD122", "note", "数值列中的空单元格 (empty value cell)",
       "指标表数值列中的 <v/> 是空的。规划文本用 - 表示“无”。",
       "空单元格可能是漏填的数字，也可能本该是 -。此项仅供参考。",
       "<row ind=\"gdp\"><v>2107.7</v><v/><v>7.3</v></row>",
       "填上数值；确实没有数值时写 -。"),
    # ---- identity and references: PD2xx
    _c("PD200", "error", "id 重复 (duplicate id)",
       "两个元素使用了同一个 id（跨文件也算）。",
       "引用和网页锚点都依赖唯一的 id。",
       '两章都写了 id="ch-urbanisation"',
       "给其中一个改一个新的 id，并更新指向它的引用。"),
    _c("PD201", "error", "引用的目标不存在 (reference to a missing id)",
       "<ref to=\"…\"/> 指向的 id 在规划中不存在。",
       "交叉引用会变成死链接，文字也无法生成（专栏 N、第 N 章）。",
       '<ref to="col-xyz"/>',
       "改成已有的 id（见 plan.json 的 columns/figures），或删除该引用。"),
    _c("PD202", "error", "未定义的指标 (unknown indicator)",
       "<row ind>、<fact ind> 或 parent 指向的指标在 indicators.xml 中没有定义。",
       "事实无法归属于指标，一致性检查无从比较。",
       '<row ind="gdp-grwoth">',
       "在 indicators.xml 中定义该指标，或改正拼写。"),
    _c("PD203", "error", "指标层级成环 (indicator parent cycle)",
       "指标的 parent 链最终指回它自己。",
       "子指标行无法排版，分类汇总无法计算。",
       '<indicator id="a" parent="b"/> 与 <indicator id="b" parent="a"/>',
       "删除其中一个 parent。"),
    _c("PD210", "error", "指标表单元格数不符 (indicator row has the wrong number of cells)",
       "一行 <v> 单元格（计入 colspan）的数目与 <layout> 中 value 列的数目不一致。",
       "数值会落到错误的年份和角色上，后续检查全部失真。",
       "layout 有 5 个 value 列，这一行只有 4 个 <v>",
       "补上缺失的单元格（不适用写 -，空白写 <v/>）。"),
    _c("PD211", "error", "指标表列声明不完整 (value column without role or year)",
       "<col kind=\"value\"> 缺少 role 或 year；或非 value 列带有 role/year。",
       "没有角色和年份，单元格无法成为事实。",
       '<col kind="value" role="target"/>',
       "补上 year（增速列再加 from），或改正 kind。"),
    _c("PD212", "error", "表格行列不齐 (ragged table)",
       "计入 rowspan/colspan 后，表格各行的列数不一致，或跨行跨列超出表格范围。",
       "网页和 PDF 中的表格会错位。",
       "表头 4 列，某行 3 列",
       "补齐单元格或修正 colspan/rowspan。"),
    _c("PD213", "error", "上级指标名称位置不对 (parent-label where no parent cell starts)",
       "<parent-label> 写在了不开始上级指标单元格的行上：该指标没有 parent，表格不是两级名称列，或不是该上级指标的第一个子指标行。",
       "这个名称不会印出来，编辑以为改了却没有生效。",
       '<row ind="gdp"><parent-label>…</parent-label>…（gdp 没有上级指标）',
       "把 <parent-label> 移到该上级指标的第一个子指标行，或删去。"),
    _c("PD220", "warning", "图片缺失 (figure image missing)",
       "图没有可用的图片文件（src 指向的文件，或 figures/ID.png|jpg|svg）。",
       "输出中会画一个占位框。",
       '<figure id="fig-corridor"> 而 plan/figures/fig-corridor.png 不存在',
       "把图片放进 plan/figures/，文件名为图的 id，或用 src 指明。"),
    _c("PD221", "error", "图片路径非法 (figure path outside the plan)",
       "figure 的 src 离开了 plan/ 目录，或是 URL。",
       "构建不读取规划目录以外的文件，也不访问网络。",
       '<figure src="../../secret.png">',
       "把图片放进 plan/figures/，使用相对路径。"),
    _c("PD230", "error", "图片无法使用 (unusable image)",
       "图片文件不是它的扩展名所说的格式（PNG、JPEG、SVG），已损坏，或像素超过上限（4000 万像素，load 时只读文件头判断）。",
       "损坏或过大的图片会从 PDF 中悄然消失；一张 12000×12000 的 PNG 只有几百 KB，解码却要 1 GB 以上内存。",
       "figures/fig-map.png 实为 JPEG，或被截断，或宽高 12000×12000",
       "重新导出图片（PNG 或 JPEG，长边 4000 像素以内足够印刷），或改用 SVG。"),
    _c("PD231", "warning", "SVG 含有活动内容 (active content in an SVG)",
       "SVG 图片含有脚本、事件属性（onload 等）、<foreignObject> 或指向外部的链接。",
       "网站会原样发布图片文件；直接打开它时脚本会在网站的源下运行，外部链接会让阅读者的浏览器访问别处。输出中这些内容已被删除。",
       '<svg onload="alert(1)"><script>…</script><image href="http://example.com/x.png"/></svg>',
       "从源文件中删去这些内容（绘图软件导出时选“纯 SVG”）。"),
    # ---- numbers: PD3xx
    _c("PD301", "warning", "年均增速与基期、目标不符 (growth rate does not match)",
       "表中给出基期值、目标（或实现）值和年均增速时，按复利计算的增速与所列增速不一致（容差由所印位数决定）。",
       "增速、基期和目标是同一件事的三种说法，任何一个抄错都会误导读者。",
       "地区生产总值 2015 年 1417.89 → 2020 年 2107.7，年均增速 7.1（计算为 8.26）",
       "核对三个数；若增速按可比价计算而数值是现价，在 indicators.xml 中给该指标写 basis=\"可比价\"，此项降为提示。"),
    _c("PD302", "warning", "累计变化与基期、目标不符 (cumulative change does not match)",
       "方括号中的累计值与基期、目标值不一致（百分比指标按百分点，其他按百分比变化）。",
       "[累计] 常由人工计算，最容易抄错。",
       "户籍人口城镇化率 22 → 32，[累计] 应为 10",
       "改正累计值或基期、目标；口径不同请声明 basis。"),
    _c("PD310", "error", "同一指标数值不一致 (one fact, two values)",
       "同一指标、同一年份、同一角色在多处（专栏、正文）陈述了不同的数值。基期值与同年的实现值视为同一数值。",
       "读者无法判断哪个数是对的；这正是规划文本最常见的错误。",
       "专栏 2 常住人口城镇化率 2020 年 46.94，正文写 46.49",
       "统一为正确的数值。"),
    _c("PD311", "warning", "比较关系不一致 (comparators disagree)",
       "同一事实在两处的比较关系不同（如 ≥ 与 >，左右 与 精确值）。",
       "约束性指标的“以上”与“超过”意义不同。",
       "专栏 2 写 ≥90，正文写 超过 90%",
       "统一措辞（以上 ↔ ≥，左右 ↔ ≈）。"),
    _c("PD320", "error", "总数与各部分之和不符 (parts do not add up)",
       "标注的总数与“其中”各部分之和不一致（“左右”允许 10% 的出入）。",
       "总数和分项常在不同阶段修改，容易失去一致。",
       "<sum><total>200</total> 个，其中省级 <term>30</term> 个、市级 <term>70</term> 个、县级 <term>90</term> 个</sum>",
       "改正数字；若只列出部分，在 <sum> 上写 exhaustive=\"false\"。"),
    _c("PD321", "error", "部分大于总数 (part exceeds the whole)",
       "“其中”的某一部分大于总数。",
       "部分不可能大于整体，必有一处写错。",
       "充电桩 <total>1.66</total> 万个，其中公用充电桩 <term>3.7</term> 万个",
       "改正数字或单位。"),
    _c("PD322", "error", "总数标注不完整 (malformed total)",
       "<sum> 没有恰好一个 <total> 和至少一个 <term>，或其中不是数字。",
       "检查无法比较。",
       "<sum><term>30</term></sum>",
       "补全标注。"),
    _c("PD330", "error", "列举多于数目 (more items than the count)",
       "“N 个/条/项”之前列举的项数多于 N。",
       "列举不可能多于所述的数目，必有一处写错。",
       "新建衡永、永郴、永零、零道、道贺等 <num>4</num> 条高速公路（列了 5 条）",
       "改正数目或列举。"),
    _c("PD331", "warning", "列举少于数目 (fewer items than the count)",
       "“等 N 个/条/项”的列举少于 N，而 <count> 没有标 exhaustive=\"false\"。",
       "数目和名单常分别修改；也可能“等”本来就表示未列全。",
       "新建衡永、永郴、永零、零道等 <num>5</num> 条高速公路（只列 4 条）",
       "补全列举或改正数目；若“等”表示未列全，写 exhaustive=\"false\"。"),
    _c("PD332", "error", "计数标注不完整 (malformed count)",
       "<count> 没有恰好一个数字 <num>。",
       "检查无法比较。",
       "<count><member>甲</member></count>",
       "补上 <num>。"),
    _c("PD340", "warning", "单位不一致 (unit mismatch)",
       "指标在正文中所写单位与定义的单位不同（万/亿 的倍数换算自动处理）。",
       "单位错误会让数值差上万倍。",
       "粮食综合生产能力定义为 万吨，正文写 300 吨",
       "改正单位，或改正指标定义。"),
    _c("PD350", "note", "专栏或图未被引用 (unreferenced column or figure)",
       "没有任何 <ref> 指向该专栏或图。",
       "印刷版常不引用专栏；网站上加引用便于跳转。此项仅供参考。",
       "专栏 14 没有被正文引用",
       "在相关段落加 <ref to=\"该专栏或图的 id\"/>，或忽略。"),
    # ---- text lint: PD36x
    _c("PD360", "warning", "句子重复 (repeated sentence)",
       "同一段中同一句话出现两次（警告）；或与别处的句子完全相同（提示）。",
       "排版时复制粘贴常留下重复句。",
       "实现产业园区高质量发展。实现产业园区高质量发展。",
       "删去重复的一句。"),
    _c("PD361", "warning", "段末缺少标点 (no sentence-final punctuation)",
       "段落、条目不以句末标点（。！？；：…）结束。",
       "常是分页断段或删改留下的残句。",
       "<p>……加快推进协同创新平台建设</p>",
       "补上标点，或把被拆开的段落合并。"),
    _c("PD362", "warning", "括号或引号不成对 (unbalanced brackets or quotes)",
       "段落中的（）《》“”‘’【】不成对。",
       "多半是漏打或误删。",
       "实施“三高四新战略，",
       "补齐或删去多余的符号。"),
    _c("PD363", "warning", "繁体字 (traditional character)",
       "简体文本中出现繁体字（用 OpenCC t2s 判断）。",
       "公文应使用规范简体字。",
       "發展",
       "改为简体。"),
    _c("PD364", "warning", "专名疑似错字 (near-miss of a gazetteer name)",
       "一个词与专名表（plan/gazetteer.xml）中四个字以上的某个名称只差一个字（末字相同）；落在某个已知专名之内的不算。",
       "地名、水库、工程名写错一个字很难看出来。",
       "冷水摊区（应为 冷水滩区）",
       "改为专名表中的名称；若确为另一专名，把它加入 gazetteer.xml。"),
    _c("PD365", "warning", "全角数字 (full-width digits)",
       "文本中有全角数字（０１２…）。",
       "全角数字无法被检查识别，也与全文体例不一致。",
       "２０２５年",
       "改为半角数字。"),
    _c("PD366", "warning", "百分号混用 (mixed percent signs)",
       "全文同时使用 % 和 ％；少数一方的出现处被报告。",
       "体例不一致。",
       "全文用 %，此处用 ％",
       "统一为全文多用的一种。"),
    _c("PD367", "warning", "双向控制字符 (bidirectional control character)",
       "文本含有 Unicode 双向控制字符（U+202A–U+202E、U+2066–U+2069）。",
       "这些看不见的字符会让文字显示的顺序与存储的顺序不同（Trojan Source），审阅者看到的不是读者得到的；中文文本用不到它们。",
       "“2025年\u202e%01\u202c”显示为别的顺序",
       "删除这些字符。"),
]}


def make(code: str, file: str, line: int, column: int, message: str, hint: str | None = None,
         severity: Severity | None = None, **data: object) -> Diagnostic:
    """Build a diagnostic for a catalogued code; the hint defaults to the catalogue's fix,
    the severity to the catalogue's (a check may lower it, e.g. a declared basis)."""
    entry = CATALOGUE[code]
    return Diagnostic(file=file, line=line, column=column, code=code,
                      severity=severity or entry.severity,
                      message=message, hint=hint or entry.fix,
                      data=tuple(sorted(data.items())))


def where(loc_file: str, line: int, root: str) -> str:
    """`file:line` for a message, relative to the plan directory, so that what a
    diagnostic says does not depend on where the plan was built from."""
    from .model import plan_relative

    return f"{plan_relative(loc_file, root)}:{line}"


def sort_key(d: Diagnostic) -> tuple:
    return (d.file, d.line, d.column, d.code, d.message)


def escalate(diags: list[Diagnostic], strict: bool) -> list[Diagnostic]:
    """With --strict, warnings count as errors (notes stay notes)."""
    if not strict:
        return diags
    return [replace(d, severity=Severity.ERROR) if d.severity is Severity.WARNING else d
            for d in diags]


def format_text(d: Diagnostic) -> str:
    loc = f"{d.file}:{d.line}:{d.column}" if d.line else d.file
    return f"{loc}: {d.severity.value}[{d.code}] {d.message}\n    提示：{d.hint}"


def format_json(diags: list[Diagnostic]) -> str:
    return json.dumps([d.as_dict() for d in diags], ensure_ascii=False, indent=2)


def summary(diags: list[Diagnostic]) -> str:
    counts = {s: sum(1 for d in diags if d.severity is s) for s in Severity}
    return (f"{counts[Severity.ERROR]} 个错误，{counts[Severity.WARNING]} 个警告，"
            f"{counts[Severity.NOTE]} 个提示 "
            f"({counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings, "
            f"{counts[Severity.NOTE]} notes)")
