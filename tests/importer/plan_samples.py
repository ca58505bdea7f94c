"""Sample plan texts for the importer tests, and how to run and check an import.

The sample texts are invented plans with the shape of a real one (notice, TOC, parts,
chapters, sections, columns, tables, figures, back matter); they are not cut from the
seed. ``T`` stands for a tab in them, so that the tables stay readable here.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from plandoc.importer import ImportResult, run

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "schema" / "plan.rng"
PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)

SAMPLE = """

临江市人民政府文件

临政发〔2024〕3号

临江市人民政府 关于印发《临江市国民经济和社会发展第十五个 五年规划纲要》的通知

各区县人民政府，市直各单位：

《临江市国民经济和社会发展第十五个五年规划纲要》已经市人大审议通过，现印发给你们，请认真贯彻执行。

临江市国民经济和社会发展第十五个五年规划纲要

(2026年1月20日临江市第九届人民代表大会第三次会议批准)

目 录

第一篇 总体要求T1
第一章 发展回顾T1
第二章 主要目标T3
第二篇 建设现代产业体系.....T5
第三章 推进工业提质T5
第一节 壮大先进制造T5
第二节 发展数字经济T6
第四章 完善基础设施T8
第一节 畅通交通网络T8

临江市国民经济和社会发展第十五个五年规划纲要

(2026年1月20日临江市第九届人民代表大会第三次会议批准)

本纲要明确未来五年全市发展的主要目标和重点任务，是全市人民共同的行动纲领。

第一篇 总体要求

五年来，全市上下团结奋斗，经济社会发展取得新成就。

第一章 发展成就

经济实力稳步增强。全市地区生产总值年均增长百分之六，财政收入持续增

长，民生投入不断加大。

**坚持创新驱动。**创新能力明显提升，新建研发平台二十个。

——**坚持改革开放**。营商环境持续优化，市场主体明显增加。

——坚持绿色发展。生态环境质量明显改善。

专栏 1：“十四五”主要指标完成情况

类别T指标名称TT2020 年T规划目标TT实现情况T
TTTT2025 年T年均增速 [累计]T2025 年T年均增速 [累计]
经济发展T地区生产总值（亿元）TT800T1100T7T1050T6.5
T城镇化率T常住人口城镇化率（%）T55T62T-T61T-
TT户籍人口城镇化率（%）T40T48T[8]T47T[7]
人均地区生产总值（元）TT50000T>70000T7T68000T6.4T

经济发展T空气质量T细颗粒物（PM _{2.5} ）浓度（微克/立方米）T38T35T-T33T-

第二章 主要目标

1.远景目标。到二〇三五年，基本实现现代化。

2. 五年目标。今后五年努力实现以下目标。

——经济发展取得新成效。经济总量再上新台阶。

——生态环境实现新改善。PM_{2.5} 平均浓度持续下降。

专栏 2: 主要指标

类别T序号T指标名称T2025年T2030年T年均增速 [累计]T属性
经济发展T1T地区生产总值增长(%)T6T-T6.5T预期性
T2T常住人口城镇化率(%)T61T66T-T预期性
绿色生态T3T单位地区生产总值能源消耗降低（%）T-T完成省定目标TT约束性

第二篇 建设现代产业体系

坚持把发展经济的着力点放在实体经济上。

第三章 推进工业提质

第一节 壮大先进制造

推动制造业高端化发展。支持骨干企业做大做强，详见专栏 3。

专栏 3：制造业重点工程

以重点项目为抓手，推动制造业转型升级。

先进制造提升工程。建设智能制造示范工厂十个。

产业链强链工程。围绕主导产业补链延链强链。

推动产业集群发展。培育千亿级产业集群一个。

第二节 发展数字经济

建设数字基础设施。新建 5G 基站三千个，推进交通基

基础设施数字化改造。

加快数字产业化。推动软件 and 信息服务业发展。

“一核”：数字经济核心区

依托高新区建设数字经济产业园。

第四章 完善基础

设施

第一节 畅通交通网络

构建综合运输通道。完善铁路和公路网络。

专栏 4：对外运输通道布局
北部通道T
公路T京港澳高速
铁路T京广高铁
南部通道T
公路T二广高速

图 1：综合交通网络图

图 2: 机场布局图

专栏 5：重点项目投资表

项目类别T项目名称T投资（亿元）T
TT总投资T十五五期间
交通T临江机场迁建T120T80
T沿江高速T90T60
能源T抽水蓄能电站T70T50
城市燃气管网T12T8T

项目类别T项目名称T投资（亿元）T
TT总投资T十五五期间
水利T城区防洪工程T30T20

全市人民要团结一心，为实现规划目标而努力奋斗！

抄送：市委各部门。

市人大常委会办公室，市政协办公室。

临江市人民政府办公室

2026年2月1日 印发
""".replace("T", "\t")


def line_of(text: str, needle: str, exact: bool = False) -> int:
    """1-based number of the first line of ``text`` containing (or equal to) ``needle``."""
    for no, line in enumerate(text.split("\n"), 1):
        if (line == needle) if exact else (needle in line):
            return no
    raise AssertionError(f"{needle!r} not in text")


class Imported:
    """An import run on a text: the result, the output dir, one tree of all its files."""

    def __init__(self, text: str, tmp: Path, ids: str | None = None):
        self.text = text
        tmp.mkdir(parents=True, exist_ok=True)
        src = tmp / "plan.txt"
        src.write_text(text, encoding="utf-8")
        ids_path = None
        if ids is not None:
            ids_path = tmp / "ids.toml"
            ids_path.write_text(ids, encoding="utf-8")
        self.out = tmp / "out"
        self.result: ImportResult = run(src, self.out, ids_path)
        self.files = sorted(self.out.rglob("*.xml"))
        self.all = etree.Element("all")
        for f in self.files:
            self.all.append(copy.deepcopy(etree.parse(str(f), PARSER).getroot()))

    def x(self, path: str) -> list:
        return self.all.xpath(path)

    def text_of(self, path: str) -> str:
        return "".join(self.x(path)[0].itertext())

    def findings(self, kind: str) -> list:
        return [f for f in self.result.findings if f.kind == kind]

    def line(self, needle: str, exact: bool = False) -> int:
        return line_of(self.text, needle, exact)


@pytest.fixture
def sample(tmp_path: Path) -> Imported:
    return Imported(SAMPLE, tmp_path)


def validate(out: Path) -> list[str]:
    """Validation errors of every XML file in out (lxml RelaxNG, then jing); [] if valid."""
    rng = etree.RelaxNG(etree.parse(str(SCHEMA), PARSER))
    files = sorted(out.rglob("*.xml"))
    errors = []
    for f in files:
        if not rng.validate(etree.parse(str(f), PARSER)):
            errors.append(f"{f}: {rng.error_log.last_error}")
    jing = shutil.which("jing")
    assert jing, "jing is not installed (apt-get install jing); the grammar must be checked with it"
    proc = subprocess.run([jing, str(SCHEMA), *map(str, files)], capture_output=True, text=True)
    if proc.returncode:
        errors.append(proc.stdout + proc.stderr)
    ids = Counter(el.get("id") for f in files for el in etree.parse(str(f), PARSER).iter()
                  if el.get("id"))
    errors += [f"duplicate id {i}" for i, n in ids.items() if n > 1]
    return errors


CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’]")
NUMBERING = re.compile(r"^(第[一二三四五六七八九十百]+[篇章节]|专栏\s*(?:\d+(?:-\d+)?|[一二三四五六七八九十]+)"
                       r"\s*[：:]?|附?图\s*[\d-]*\s*[：:]?|附件\s*\d*\s*[：:]?|表\s*\d+|[一二三四五六七八九十]+[、是]"
                       r"|[（(][一二三四五六七八九十\d]+[）)])", re.M)


def lost_cjk(text: str, out: Path) -> Counter:
    """CJK characters of the input that reach neither the XML nor the report.

    Heading numbers (第X章, 专栏 N：, 图 N：) are stripped from the input first: the
    compiler generates them (tests/test_fidelity.py checks that they come out the same).
    """
    wanted = Counter(CJK.findall(NUMBERING.sub("", text)))
    have: Counter = Counter()
    trees = [etree.parse(str(f), PARSER) for f in out.rglob("*.xml")]
    units = {i.get("id"): i.get("unit") for t in trees for i in t.iter("indicator")}
    for t in trees:   # the name column is rendered as name（unit）, parents included
        for el in t.iter("row", "indicator"):
            key = el.get("ind") if el.tag == "row" else el.get("id")
            if units.get(key) and (el.tag == "indicator" or el.find("label") is None):
                have.update("（）")
    for tree in trees:
        for el in tree.iter():
            have.update(CJK.findall(el.text or ""))
            have.update(CJK.findall(el.tail or ""))
            for value in el.attrib.values():
                have.update(CJK.findall(value))
    have.update(CJK.findall((out / "import-report.md").read_text(encoding="utf-8")))
    return wanted - have
