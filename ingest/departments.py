"""Department names: splitting lists, generic units, and one canonical form per department.

Notices write the same department several ways: 市发改委 / 市发展改革委 / 市发展和改革委员会,
省工信厅 / 省工业和信息化厅, 市人社局 / 市人力资源和社会保障局. :func:`canonical` maps each
to one form by two documented steps:

1. The alias table :data:`ALIASES`: the colloquial abbreviations (发改委, 工信厅, 人社局, 住建局,
   卫健委 …) and full names (发展和改革委员会 …) of the common departments, each mapped to the
   *规范简称* the State Council uses in its own documents (发展改革委, 工业和信息化部/厅,
   人力资源社会保障部/厅, 住房城乡建设部/厅, 卫生健康委 …). Applied to the part of the name
   after its level prefix (省/市/区/县 or a place name), so 汉中市发改委 → 汉中市发展改革委.
2. Two abbreviation rules of that naming scheme: 委员会 at the end becomes 委 (市卫生健康委员会
   → 市卫生健康委), and 人民政府 becomes 政府 (济南市人民政府 → 济南市政府).

The canonical form does not depend on which notices are in the corpus, so a filter value stays
valid when notices come and go. Names the rules do not know are kept as written (half-width
brackets folded to full-width).

Generic units (各有关部门, 市直相关单位, 各县（区）政府, 各园区 …) name a class of bodies, not one
department: :func:`is_generic` marks them. They stay on the chunk, but filters and "X负责哪些"
answers do not offer them as departments.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Abbreviations and full names → the 规范简称 (the State Council's standard short form).
#: Keys are matched at the end of a name, after its level prefix; longest key first.
ALIASES: dict[str, str] = {
    # 发展改革
    "发展和改革委员会": "发展改革委",
    "发展和改革委": "发展改革委",
    "发展改革委员会": "发展改革委",
    "发改委": "发展改革委",
    "发展和改革局": "发展改革局",
    "发改局": "发展改革局",
    # 工业和信息化
    "工信厅": "工业和信息化厅",
    "工信局": "工业和信息化局",
    "工信委": "工业和信息化委",
    "工信部": "工业和信息化部",
    "经信委": "经济和信息化委",
    "经信厅": "经济和信息化厅",
    "经信局": "经济和信息化局",
    # 人力资源社会保障
    "人力资源和社会保障厅": "人力资源社会保障厅",
    "人力资源和社会保障局": "人力资源社会保障局",
    "人力资源和社会保障部": "人力资源社会保障部",
    "人社厅": "人力资源社会保障厅",
    "人社局": "人力资源社会保障局",
    "人社部": "人力资源社会保障部",
    # 住房城乡建设
    "住房和城乡建设厅": "住房城乡建设厅",
    "住房和城乡建设局": "住房城乡建设局",
    "住房和城乡建设部": "住房城乡建设部",
    "住建厅": "住房城乡建设厅",
    "住建局": "住房城乡建设局",
    "住建部": "住房城乡建设部",
    # 卫生健康
    "卫生和健康委员会": "卫生健康委",
    "卫生健康委员会": "卫生健康委",
    "卫健委": "卫生健康委",
    # 市场监管
    "市场监督管理局": "市场监管局",
    "市场监督管理总局": "市场监管总局",
    # 科技
    "科学技术厅": "科技厅",
    "科学技术局": "科技局",
    "科学技术部": "科技部",
    # 文化和旅游
    "文旅厅": "文化和旅游厅",
    "文旅局": "文化和旅游局",
    "文化旅游厅": "文化和旅游厅",
    "文化旅游局": "文化和旅游局",
    # 农业农村
    "农业和农村厅": "农业农村厅",
    "农业和农村局": "农业农村局",
    "农业和农村部": "农业农村部",
    # 医疗保障, 应急管理, 国资, 大数据
    "医疗保障局": "医保局",
    "应急管理厅": "应急厅",
    "应急管理局": "应急局",
    "国有资产监督管理委员会": "国资委",
    "大数据管理局": "大数据局",
    # 生态环境
    "生态环境保护局": "生态环境局",
    # 办公机构
    "政府办": "政府办公室",
    "政府办公厅": "政府办公厅",
}
_ALIAS_KEYS = sorted(ALIASES, key=len, reverse=True)
#: Brackets duty notes and department names use (all kinds nest together).
OPEN_BRACKETS = "〔[(（【"
CLOSE_BRACKETS = "〕])）】"

_GENERIC = re.compile(
    r"^(各|其他|其它|地方各级|县级以上|市级以上|省级以上)"  # 各有关部门, 各县（区）政府, 各园区, 其他有关单位
    r"|有关|相关"  # 市级有关部门, 市直相关单位, 相关行业监管部门
    r"|^(市直|省直|县直|区直|市级|省级|县级|区级)(各|有关|相关)?(部门|单位|机关)"  # 市直部门, 省直单位
    r"|^(部门|单位|机关|牵头部门|牵头单位|责任单位|责任部门|成员单位)$"
    # a class named by kind or place, not by name: 园区管委会, 公共企事业单位, 入驻…的窗口部门, 进驻单位
    r"|^(园区|乡镇|镇街|街道|社区|村|公共|入驻|进驻)|企事业单位|窗口(部门|单位)|的"
)
_HALF_BRACKETS = str.maketrans({"(": "（", ")": "）"})


def is_generic(name: str) -> bool:
    """True for a unit that names a class of bodies rather than one department.

    >>> [is_generic(n) for n in ("各县（区）政府", "市直相关单位", "市级有关部门", "各园区", "市数据局")]
    [True, True, True, True, False]
    >>> is_generic("相关行业监管部门"), is_generic("省委宣传部")
    (True, False)
    >>> [is_generic(n) for n in ("园区管委会", "公共企事业单位", "入驻政务服务大厅的窗口部门", "汉中经开区管委会")]
    [True, True, True, False]
    """
    return _GENERIC.search(name) is not None


@lru_cache(maxsize=65536)  # a corpus has a few thousand names; filters ask for each chunk's
def canonical(name: str) -> str:
    """The one form of a department name used in filters and answers.

    >>> canonical("市发改委"), canonical("市发展和改革委员会"), canonical("汉中市发改委")
    ('市发展改革委', '市发展改革委', '汉中市发展改革委')
    >>> canonical("省工信厅"), canonical("市人力资源和社会保障局"), canonical("市卫生健康委员会")
    ('省工业和信息化厅', '市人力资源社会保障局', '市卫生健康委')
    >>> canonical("济南市人民政府"), canonical("各县(区)政府"), canonical("市数据局")
    ('济南市政府', '各县（区）政府', '市数据局')
    """
    name = name.strip().translate(_HALF_BRACKETS)
    name = name.replace("人民政府", "政府")
    for key in _ALIAS_KEYS:
        if name.endswith(key):
            return name[: -len(key)] + ALIASES[key]
    if name.endswith("委员会") and len(name) > 4:
        return name[: -len("委员会")] + "委"
    return name


def variants(name: str) -> list[str]:
    """A department's canonical form and every form the alias table maps to it.

    >>> variants("市发展和改革委员会")
    ['市发展改革委', '市发展和改革委员会', '市发展和改革委', '市发展改革委员会', '市发改委']
    """
    main = canonical(name)
    out = [main]
    for key, value in ALIASES.items():
        if main.endswith(value) and key != value:
            out.append(main[: -len(value)] + key)
    return out


def lead_names(lead: list[str]) -> list[str]:
    """The departments of a lead list as filters and answers show them: canonical, no generic units, once each.

    >>> lead_names(["市发改委", "各有关部门", "市发展和改革委员会", "市数据局"])
    ['市发展改革委', '市数据局']
    """
    return list(dict.fromkeys(canonical(d) for d in specific(lead)))


def specific(names: list[str]) -> list[str]:
    """The names that are departments, not generic units, in order.

    >>> specific(["市数据局", "各县（区）政府", "市财政局"])
    ['市数据局', '市财政局']
    """
    return [n for n in names if not is_generic(n)]


# Split department lists on 、 ， ; and 等 (outside brackets); split on 和/及/以及/与 only between two
# names (so 市人力资源和社会保障局 and 市自然资源和规划局 stay whole).
ORG_END = (
    "部门",
    "单位",
    "局",
    "委",
    "办",
    "政府",
    "中心",
    "室",
    "厅",
    "院",
    "会",
    "所",
    "队",
    "站",
    "处",
    "部",
    "组",
    "区",
    "企业",
    "公司",
    "集团",
    "银行",
    "分行",
    "海关",
)
_AND = re.compile(r"(以及|和|及|与)(?=[各市区县省国相有其进入公])")
_LIST_SEP = re.compile(r"[、/，,；;]|(?<![高平同中初对均])等")
_DROP = {"部门", "单位", "有关部门", "相关部门", "其他部门", "等部门", "等单位"}


def split_departments(who: str) -> list[str]:
    """Split a list of departments: "市发改委、市司法局等市级有关部门和各园区" → names.

    Separators inside brackets do not split: 各县（市、区）政府 is one name.

    >>> split_departments("市行政审批服务局等市级有关部门和各县(区)政府、各园区")
    ['市行政审批服务局', '市级有关部门', '各县(区)政府', '各园区']
    >>> split_departments("市人力资源和社会保障局、自然资源分局等部门")
    ['市人力资源和社会保障局', '自然资源分局']
    >>> split_departments("崂山区政府，市财政局、各县（市、区）政府")
    ['崂山区政府', '市财政局', '各县（市、区）政府']
    """
    names = []
    for part in _split_outside_brackets(who):
        for name in _split_and(part):
            name = name.strip(" 　:：")
            if name and name not in _DROP:
                names.append(name)
    return _share_suffix(names)


_PLACE_UNIT = re.compile(r"^(?P<place>[\u4e00-\u9fff]{2,4}?)(?P<unit>[市县区](?:人民)?政府|市|县|区)$")


def _share_suffix(names: list[str]) -> list[str]:
    """Bare place names before "…市政府" take its unit: "济南、青岛、烟台市政府" → three 市政府.

    >>> _share_suffix(["济南", "青岛", "烟台市政府", "省财政厅"])
    ['济南市政府', '青岛市政府', '烟台市政府', '省财政厅']
    """
    out = list(names)
    for i, name in enumerate(out):
        m = _PLACE_UNIT.match(name)
        if not m:
            continue
        j = i - 1
        while j >= 0 and 2 <= len(out[j]) <= 4 and not out[j].endswith(ORG_END) and not out[j].startswith("各"):
            out[j] += m["unit"]
            j -= 1
    return out


def _split_outside_brackets(text: str) -> list[str]:
    parts, depth, last = [], 0, 0
    for m in re.finditer(rf"[{re.escape(OPEN_BRACKETS + CLOSE_BRACKETS)}]|{_LIST_SEP.pattern}", text):
        ch = m.group(0)
        if ch in OPEN_BRACKETS:
            depth += 1
        elif ch in CLOSE_BRACKETS:
            depth = max(depth - 1, 0)
        elif depth == 0:
            parts.append(text[last : m.start()])
            last = m.end()
    parts.append(text[last:])
    return parts


def _split_and(part: str) -> list[str]:
    """Split on 和/及/以及/与 where the left side ends like a department name."""
    pieces, last = [], 0
    for m in _AND.finditer(part):
        if part[last : m.start()].endswith(ORG_END):
            pieces.append(part[last : m.start()])
            last = m.end()
    pieces.append(part[last:])
    return pieces
