"""Diagnostics: the closed catalogue of codes and the one place they are formatted.

Stages yield `Diagnostic` values and never raise for a user's mistake; the driver
collects them and decides the exit code. Every code in `CATALOGUE` is documented the
ruff way (what, why, example, fix) and `docs/diagnostics.md` is generated from it.
"""

from __future__ import annotations

import json
import os
import unicodedata
from dataclasses import asdict, dataclass, replace
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, order=True)
class Decision:
    """An editor's decision on a finding, recorded in plan/accepted.xml."""

    status: str
    """接受 (kept as printed) | 暂缓 (deferred, known) | 误报 (false positive)."""
    reason: str
    by: str
    date: str


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
    place: str = ""
    """Where an editor reads it: 第八章第二节 专栏 5 ('' outside the chapters' text)."""
    block: str = ""
    """Id (as written in the source) of the innermost element holding the finding: with
    the code and the finding's own data, the identity an acceptance is recorded under."""
    decision: Decision | None = None
    """The editor's decision from plan/accepted.xml; None while the finding is open."""

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


CATALOGUE: dict[str, Code] = {c.code: c for c in sorted([  # documented in code order
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
    _c("PD050", "error", "不是 Word 文档 (not a .docx)",
       "import 的输入以 zip 签名或 .docx 扩展名表明是 Word 文档，但它不是合法的 zip 包，或缺少 word/document.xml。",
       "只有 Word/WPS 保存的 .docx（Office Open XML）才能按其结构导入。",
       "把 .doc 或 .wps 改名为 .docx 后导入",
       "在 Word/WPS 中打开原文件，另存为“Word 文档（*.docx）”后再导入。"),
    _c("PD051", "error", "Word 文档中的 XML 不合格或含 DOCTYPE (bad XML in a .docx)",
       "document.xml 等部件不是合法的 XML，或含有 DOCTYPE（外部实体，XXE）。",
       "导入不解析实体、不读 DTD、不访问网络；含 DOCTYPE 的部件一律拒绝，以免读出本机文件。",
       "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]> 在 word/document.xml 中",
       "用 Word/WPS 重新保存该文件；来历不明的文件不要导入。"),
    _c("PD052", "error", "Word 文档过大或疑为压缩炸弹 (oversized .docx)",
       "包内文件过多、某部件解压后过大，或压缩比异常（疑为压缩炸弹）。",
       "解压前先按目录检查大小和压缩比，超过预算就拒绝，不占用内存和磁盘。",
       "42 KB 的 .docx 中 document.xml 解压后 4 GB",
       "确认文件来源；正常的规划文档远小于上限（单个部件 64 MB，合计 256 MB）。"),
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
    # ---- 征求意见 round trip (review DOCX): PD030–PD049
    _c("PD030", "error", "不是 Word 文档 (not a .docx)",
       "review 读到的文件不是 .docx：不是 zip 压缩包、缺少 word/document.xml、某个部件无法解压或不是格式良好的 XML。",
       "只有 Word/WPS 保存的 .docx 才带有修订、批注和 plandoc 书签。",
       "把 PDF 或 .doc（旧格式）当作返回稿交给 review",
       "请对方用 Word 或 WPS 另存为 .docx（Word 文档）后再处理。"),
    _c("PD031", "error", "可疑的压缩包 (suspicious package)",
       "压缩包条目过多，或某个部件解压后过大、压缩比异常（压缩炸弹）。",
       "解压炸弹会耗尽内存和磁盘；plandoc 按实际解压的字节数设限，不信任压缩包头。",
       "一个 40 KB 的 .docx，document.xml 解压后有 4 GB",
       "不要处理来源不明的文件；请对方重新保存后发送。"),
    _c("PD032", "error", "文档含 DTD 或实体 (DTD or entity in a .docx part)",
       "某个 XML 部件含 DOCTYPE、实体声明或实体引用（XXE）。",
       "外部实体可读取本机文件或访问网络；Word 从不写出它们。",
       '<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
       "不要处理该文件；请对方用 Word/WPS 重新保存。"),
    _c("PD033", "error", "不是本规划的征求意见稿 (not a copy of this plan)",
       "文档没有 plandoc 的属性和书签，或记录的是另一部规划。",
       "修订只能按导出时嵌入的 id 对应到规划；别的文档无从对应。",
       "把另一个市的规划稿，或自己新建的 Word 文档交给 review",
       "用 build --format docx 导出的稿子征求意见；确认 --plan 指向正确的规划。"),
    _c("PD034", "warning", "外部关系已忽略 (external relationship ignored)",
       "文档的某个部件引用外部资源（模板、图片、OLE 对象等的 TargetMode=External）。",
       "plandoc 从不访问外部资源；这类引用可能用于探测或泄露信息。网页超链接不在此列。",
       'attachedTemplate → "http://example.com/t.dotm"',
       "无需处理；如意见内容依赖外部文件，请对方把内容直接写进文档。"),
    _c("PD035", "note", "导出后规划已修改 (plan changed since export)",
       "返回稿记录的规划内容哈希与当前规划不同：征求意见期间规划又改过。",
       "意见针对的是旧文字；plandoc 按当前文字重新定位每条意见，文字已变的地方报告为冲突。",
       "导出后第八章改了一段，审阅人修改的是旧稿",
       "逐条查看报告中“已重新定位”和“冲突”的意见。"),
    _c("PD036", "warning", "意见与现行文字冲突 (proposal conflicts with the current text)",
       "审阅人修改或批注的文字在导出后已被改动，意见无法安全地套用。",
       "盲目套用会覆盖导出后的修改。",
       "审阅人把“面对”改为“面临”，而规划中这句已改写",
       "对照报告中的原文，在 XML 中人工处理，或重新导出后再征求意见。"),
    _c("PD037", "warning", "审阅人意见重叠 (reviewers changed the same words)",
       "两位审阅人（或两份返回稿）修改了同一段中重叠的文字。",
       "两条修改不能同时采纳，须由编辑决定。",
       "发改委把“2500”改为“2600”，统计局改为“2550”",
       "在意见汇总表中选择其一（--apply --only 意见编号），另一条标为不采纳。"),
    _c("PD038", "note", "书签丢失，按文字匹配 (bookmark lost, matched by text)",
       "返回稿中一段文字的 plandoc 书签被删除（如整段剪切粘贴），已按文字相似度对应到规划中的一段。",
       "按相似度对应可能出错，请确认位置。",
       "审阅人把一段剪切后粘贴回原处，书签丢失",
       "核对报告中该意见的位置；无误即可照常采纳。"),
    _c("PD039", "warning", "无法自动处理的修订 (change that cannot be placed or applied)",
       "修订无法对应到规划中的任何一段，或涉及自动编号（第八章、专栏 2）、段落拆分合并等结构变化。",
       "编号由结构生成，结构变化要在 XML 中完成；硬套会破坏编号。",
       "审阅人把“第八章”改成“第九章”，或在两段之间按回车拆段",
       "按意见在 XML 中调整结构（移动、拆分章节），编号会自动更新。"),
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
    _c("PD160", "error", "旧 id 重复 (former id in use)",
       "<section> 或表格的 former 列出的旧 id 又是某个元素现在的 id，或在别处也列为旧 id。",
       "网站为每个旧 id 保留一个锚点，让已发布的链接继续有效；重复的锚点会把旧链接引到错误的位置。",
       '<section id="sec-digital-economy" former="sec-digital-1">，而另一节 id="sec-digital-1"',
       "旧 id 一经发布就不再使用：给新元素另取 id，或删除重复的 former。"),
    _c("PD200", "error", "id 重复 (duplicate id)",
       "两个元素使用了同一个 id（跨文件也算）。",
       "引用和网页锚点都依赖唯一的 id。",
       '两章都写了 id="ch-urbanisation"',
       "给其中一个改一个新的 id，并更新指向它的引用。"),
    _c("PD150", "warning", "层次序号倒置 (numbered level not below its container)",
       "编号层级（<subsection> 或带 numbering 的 <p>）的样式不低于所在层级：如“（一）”之下又用“一、”，或“一、”之下又用“一、”。GB/T 9704 的层次依次为 一、（一）1.（1）。",
       "层次倒置时读者分不清从属关系，目录和引用（第三章一（二））也会错乱。",
       '<subsection numbering="（一）">…<p numbering="一、">…</p></subsection>',
       "改用下一级的样式（一、之下用（一），（一）之下用 1.），或把该段移出上一级。"),
    _c("PD151", "warning", "编号标题下没有内容 (numbered heading with nothing under it)",
       "<subsection> 只有标题，没有任何段落或其他内容。",
       "多半是把带编号的段首句（“（一）加快建设……。”）误作了独立标题，或内容被放到了别处。",
       '<subsection numbering="一、"><title>加快交通建设</title></subsection>',
       "把其后的段落移入该标题之下；若它其实是段首句，改为 <p numbering=\"…\"><lead>…</lead>…</p>。"),
    _c("PD201", "error", "引用的目标不存在 (reference to a missing id)",
       "<ref to=\"…\"/> 指向的 id 在规划中不存在。",
       "交叉引用会变成死链接，文字也无法生成（专栏 N、第 N 章）。",
       '<ref to="col-xyz"/>',
       "若目标已被删除，删去这处引用；若改了 id，改用新的 id（提示会给出最接近的已有 id）。"),
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
    _c("PD240", "warning", "单位列没有单位 (unit column, indicator without unit)",
       "指标表有单位列（<col kind=\"unit\"/>），但某行的指标在 indicators.xml 中没有定义 unit，单位单元格印成空白。",
       "单位列的表格中名称不带单位，读者只能从单位列知道数值的单位。",
       '<col kind="unit"/> 而 <indicator id="ind-x"> 没有 unit',
       "在 indicators.xml 中给该指标加 unit（如 %、亿元）；确无单位的指标可忽略。"),
    _c("PD220", "warning", "图片缺失 (figure image missing)",
       "图没有可用的图片文件（src 指向的文件，或 figures/ID.png|jpg|svg）。",
       "公开网站和 PDF 只印图题和“（图件另行印发）”，编辑稿中标出缺图；发布构建在它被接受之前拒绝构建。",
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
    # ---- print edition: PD25x
    _c("PD250", "warning", "通知缺少落款 (notice without issuer or date)",
       "印发通知没有署名（<signature>）或成文日期（<notice date=\"…\">），或两者都没有。",
       "GB/T 9704 7.3.5：公文正文之后印发文机关署名和成文日期；缺了它们，印刷版的通知没有落款。",
       '<notice><title>关于印发规划的通知</title>…<p>请认真组织实施。</p></notice>（无 signature，无 date）',
       "在 <notice> 加 date=\"YYYY-MM-DD\"（成文日期），在正文后加 <signature>发文机关</signature>；原文确未印落款的可忽略。"),
    # ---- publishing: PD26x
    _c("PD260", "error", "不能发布 (release refused)",
       "`build --release` 时规划还有错误，或有未被接受的警告（例如缺图而未确认图件另行印发）。",
       "发布版就是政府对外公开的文本：不能带着错误、占位内容或没人看过的警告出门。",
       "plan/plan.xml: error[PD260] 不能发布：还有 0 个错误、8 个未接受的警告（PD220 图片缺失 ×8）",
       "逐条处理上面列出的错误和警告：改正规划，或把确属有意的警告记录为已接受的决定；"
       "只想预览时去掉 --release（编辑稿用 --drafts，写到 editorial/）。"),
    _c("PD261", "warning", "占位文字 (placeholder text)",
       "正文、标题、图题或表格中有留待以后补写的文字：（待补）、图片待补、占位符、TODO、导入时生成的（无题）。",
       "占位文字一旦发布就是政府文件里的“待补”；发布构建（build --release）在它被处理之前拒绝构建。",
       "<p>全市森林覆盖率达到（待补）%。</p>",
       "补上真实内容，或删去占位文字。"),
    # ---- numbers: PD3xx
    _c("PD280", "error", "页面链接的目标不存在 (page link to a missing id)",
       "配套页面（plan/pages/*.md）中 [](plan:…) 链接的 id 在规划中不存在。",
       "解读页面会出现死链接，读者无法从解读跳到规划原文。",
       "[](plan:col-main-indicatos)",
       "改成规划中已有的 id（章、节、专栏、图、表、指标的 id），或删除该链接。"),
    _c("PD281", "error", "引用事实的写法有误或指标未定义 (bad fact quote)",
       "配套页面中 {{指标 年份 角色}} 的写法不对，或指标 id 在 indicators.xml 中没有定义。",
       "引用的数值无法从规划取得，页面只能手写数字，与规划脱节。",
       "{{gdp-growth 2025}}（缺角色）、{{gpd 2025 target}}（指标 id 拼错）",
       "写成 {{指标id 年份 角色}}，角色为 target/目标、base/基期、actual/实现、rate/增速、actual-rate/实现增速；指标 id 见 indicators.xml。"),
    _c("PD282", "error", "规划没有这项数值 (quoted fact not stated)",
       "配套页面引用的事实（指标、年份、角色）在规划中没有写明的数值。",
       "页面无法印出规划的数值；多半是年份或角色写错。",
       "{{gdp 2024 target}}（规划只有 2025 年目标）",
       "改正年份或角色，使之与规划中表格或正文写明的数值一致。"),
    _c("PD283", "error", "页首有误 (bad page front matter)",
       "配套页面开头 +++ 之间的 TOML 页首缺失、无法解析，或 title、kind、date、order 不合要求。",
       "页面的标题、类别（解读/编制说明/说明）和顺序决定它是否公开、放在哪里。",
       "kind = \"政策解读\"（应为 解读）",
       "按提示改正页首：title 必填；kind 为 解读、编制说明 或 说明；date 写作 2021-06-24；order 为整数。"),
    _c("PD284", "error", "页面文件无法读取 (unreadable page file)",
       "plan/pages/ 下的 .md 文件不是 UTF-8、过大、文件名不能作 id，或是指向规划目录之外的符号链接。",
       "页面 id 由文件名而来，必须稳定、可作网址；规划目录之外的文件一律不读。",
       "plan/pages/政策解读.md",
       "文件名只用小写字母、数字和连字符（如 jiedu.md），以 UTF-8 保存，放在 plan/pages/ 之内。"),
    _c("PD285", "warning", "页面数字与规划不一致 (a page contradicts the plan)",
       "配套页面（解读、编制说明）中手写的数字，经识别是某个指标某年的数值，与规划所载不同。",
       "解读与规划说法不一，读者不知以谁为准；页面的数字应当来自规划本身。",
       "到2025年，常住人口城镇化率达到58%（规划为 54）",
       "改用引用 {{指标 年份 角色}}，让页面印出规划所载的数值；或照规划改正。识别不确定时只作提示。"),
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
       "在相关段落加 <ref to=\"该专栏或图的 id\"/>；印刷版本就不引用的，在 plan/accepted.xml 中记录决定。"),
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
       "一个词与专名表（plan/gazetteer.xml）中的某个名称只差一个字（末字相同）：四个字以上的名称差任何一个字都算；三个字的名称只在差的那个字同音同调时才算（拼音输入法选错字，如 岑天河 之于 涔天河）。落在某个已知专名之内的不算。",
       "地名、水库、工程名写错一个字很难看出来。",
       "冷水摊区（应为 冷水滩区）；岑天河（应为 涔天河）",
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
    _c("PD373", "warning", "标题标点 (punctuation in a title)",
       "章、节、专栏或图的标题以句末标点结束，或含有连续的标点、首尾空白。",
       "标题印在目录、书签和页眉里，多余的标点最显眼。",
       "<title>加快建设现代化基础设施。</title>",
       "删去标题末尾的句号等标点。"),
    _c("PD374", "warning", "折行留下的空格 (stray space from a wrapped line)",
       "中文文字之间出现了空格：通常是在段落中间换行后，下一行的缩进被当成了空格。",
       "网页和 PDF 上会印出一个可见的空格（“城镇化， 增强”）。",
       "<p>……推进以人为核心的新型城镇化，\n      增强……</p>",
       "把两行接起来（python build.py fmt 会自动合并这种折行），或删去空格。"),
    # ---- editorial decisions: PD37x (plan/accepted.xml)
    _c("PD370", "warning", "决定已失效 (stale decision)",
       "accepted.xml 中记录的某个发现已不再出现（问题已改正，或发现的数据变了）。",
       "过期的记录会在将来误盖住另一个问题；像 ruff 的 RUF100 一样，记录本身也要保持干净。",
       '<finding code="PD302" block="col-13th-plan-results" indicator="pm25" year="2020" value="5.7"/>，而该处已改为 [13]',
       "删去这条 <finding>；若发现只是数据变了，用 python build.py check --format accept 取得新的元素并重新决定。"),
    _c("PD371", "error", "错误不能被接受 (an error cannot be accepted)",
       "accepted.xml 记录了一个严重程度为错误的诊断代码，或一个不存在的代码。",
       "错误使构建中止，必须改正；只有警告和提示可以记录决定。",
       '<finding code="PD310" block="col-main-indicators" indicator="gdp" year="2020"/>',
       "改正规划中的错误，并删去这条 <finding>。"),
], key=lambda c: c.code)}


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


def document_order(diags, files: list[str]) -> list[Diagnostic]:
    """Findings in the order an editor reads the plan: files in the order the plan lists
    them (plan.xml, the chapters, then the indicator and other files), then by position."""
    rank = {f: n for n, f in enumerate(files)}
    return sorted(diags, key=lambda d: (rank.get(d.file, len(rank)),) + sort_key(d))


SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOTE: 2}


def at_least(d: Diagnostic, minimum: Severity) -> bool:
    return SEVERITY_RANK[d.severity] <= SEVERITY_RANK[minimum]


def escalate(diags: list[Diagnostic], strict: bool) -> list[Diagnostic]:
    """With --strict, open warnings count as errors (notes stay notes; a warning an
    editor has decided on stays a warning)."""
    if not strict:
        return diags
    return [replace(d, severity=Severity.ERROR)
            if d.severity is Severity.WARNING and d.decision is None else d for d in diags]


# ------------------------------------------------------------------ text

SEVERITY_NAMES = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.NOTE: "提示"}
EXCERPT_WIDTH = 72
"""Display columns of a source excerpt (a CJK character counts two)."""


def format_text(d: Diagnostic, excerpt: bool = True) -> str:
    """`file:line:col: severity[code] [place] message`, the source line with a caret
    under the column, the hint, and the decision when there is one."""
    loc = f"{d.file}:{d.line}:{d.column}" if d.line else d.file
    place = f"[{d.place}] " if d.place else ""
    out = [f"{loc}: {d.severity.value}[{d.code}] {place}{d.message}"]
    if excerpt:
        out += source_excerpt(d.file, d.line, d.column)
    out.append(f"    提示：{d.hint}")
    if d.decision is not None:
        dec = d.decision
        out.append(f"    已决定：{dec.status}（{dec.by}，{dec.date}）{dec.reason}")
    return "\n".join(out)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


_LINES: dict[str, tuple[int, list[str]]] = {}


def _source_lines(file: str) -> list[str]:
    try:
        stamp = os.stat(file).st_mtime_ns
        cached = _LINES.get(file)
        if cached is None or cached[0] != stamp:
            with open(file, encoding="utf-8", errors="replace") as handle:
                cached = (stamp, handle.read().splitlines())
            _LINES[file] = cached
        return cached[1]
    except OSError:
        return []


def source_excerpt(file: str, line: int, column: int) -> list[str]:
    """The source line (a window around the column on a long line) and a caret under the
    column, both indented; [] when the file or line cannot be read."""
    lines = _source_lines(file) if line else []
    if not 0 < line <= len(lines):
        return []
    text = lines[line - 1].replace("\t", " ")
    indent = len(text) - len(text.lstrip())
    col = min(column - 1, len(text)) if column > 0 else indent
    widths = [_width(c) for c in text]
    start = min(indent, col)
    if sum(widths[start:]) > EXCERPT_WIDTH:  # a long line: a window around the column
        before = sum(widths[start:col])
        while start < col and before > EXCERPT_WIDTH // 2:
            before -= widths[start]
            start += 1
    end, room = start, EXCERPT_WIDTH
    while end < len(text) and room >= widths[end]:
        room -= widths[end]
        end += 1
    lead = "..." if start > indent else ""
    shown = lead + text[start:end] + ("..." if end < len(text) else "")
    gutter = f"{line:>5} | "
    caret = " " * (_width(lead + text[start:col])) + "^"
    return [gutter + shown, " " * (len(gutter) - 2) + "| " + caret]


def format_json(diags: list[Diagnostic]) -> str:
    return json.dumps([d.as_dict() for d in diags], ensure_ascii=False, indent=2)


def counts(diags) -> dict[Severity, int]:
    return {s: sum(1 for d in diags if d.severity is s) for s in Severity}


def summary(diags: list[Diagnostic]) -> str:
    c = counts(diags)
    return (f"{c[Severity.ERROR]} 个错误，{c[Severity.WARNING]} 个警告，"
            f"{c[Severity.NOTE]} 个提示 "
            f"({c[Severity.ERROR]} errors, {c[Severity.WARNING]} warnings, "
            f"{c[Severity.NOTE]} notes)")


def check_summary(diags: list[Diagnostic], minimum: Severity, show_accepted: bool) -> str:
    """One line that fits a terminal (80 columns): the open findings listed, then what is
    not listed (open findings under the minimum severity, decided ones) and the option
    that lists it: `错误 0，警告 5 | 未列出：提示 54 (--severity note) | 已决定 67 (--show-accepted)`."""
    open_ = [d for d in diags if d.decision is None]
    c = counts(open_)
    shown = [s for s in Severity if at_least(Diagnostic("", 0, 0, "", s, "", ""), minimum)]
    parts = ["，".join(f"{SEVERITY_NAMES[s]} {c[s]}" for s in shown)]
    hidden = [s for s in Severity if s not in shown and c[s]]
    if hidden:
        parts.append("未列出：" + "、".join(f"{SEVERITY_NAMES[s]} {c[s]}" for s in hidden) +
                     f" (--severity {hidden[-1].value})")
    decided = len(diags) - len(open_)
    if decided:
        parts.append(f"已决定 {decided}" + ("" if show_accepted else " (--show-accepted)"))
    return " | ".join(parts)
