"""Lead and support departments of every item of notices 000, 001 and 002."""

from __future__ import annotations

from ingest import Notice

DEFAULT_000 = ["市级有关部门", "各县(区)政府", "各园区"]
LEAD_000 = {
    "1": ["市行政审批服务局"],
    "2": ["市行政审批服务局"],
    "3": ["市行政审批服务局"],
    "4": ["市住房城乡建设局"],
    "5": ["市行政审批服务局"],
    "6": ["市市场监督管理局"],
    "7": ["市发展改革委"],
    "8": ["市市场监督管理局", "市司法局"],
    "9": ["市数据局"],
    "10": ["市数据局"],
    "11": ["市数据局", "市行政审批服务局"],
    "12": ["市行政审批服务局"],
    "13": ["市行政审批服务局", "市数据局"],
    "14": ["市发展改革委"],
    "15": ["市工业和信息化局"],
    "16": ["市政府办公室"],
}
SUPPORT_000_4 = [
    "市发展改革委",
    "市自然资源局",
    "市生态环境局",
    "市城市管理局",
    "市交通运输局",
    "市水利局",
    "市行政审批服务局",
    *DEFAULT_000,
]

# 001: "各县市区人民政府、园区管委会均为责任单位，以下不再列出" is inherited within each document.
INHERITED = ["各县市区人民政府", "园区管委会"]
SP = "市直相关单位"
APPROVAL = "市行政审批局"
LEAD_001_D1 = {
    1: [APPROVAL, "市大数据中心"],
    2: [APPROVAL, "市大数据中心"],
    3: [APPROVAL],
    4: [APPROVAL, "各事项主管单位"],
    5: [APPROVAL],
    6: [APPROVAL],
    7: [APPROVAL],
    8: [APPROVAL, "市优化营商环境中心"],
    9: [APPROVAL],
    10: [APPROVAL],
    11: [APPROVAL, "市市场监管局"],
    12: [APPROVAL],
    13: [APPROVAL],
    14: [APPROVAL],
    15: ["市发改委", "市司法局", "市自然资源和规划局", "市生态环境局", "市住建局", APPROVAL],
    16: [APPROVAL, "市司法局", "市市场监管局"],
    17: [APPROVAL, "市发改委", "市商务局", "市司法局"],
    18: [APPROVAL],
    19: [APPROVAL],
}
LEAD_001_D2 = {
    1: ["市发改委", "市科技局", "市财政局", "市人力资源社会保障局", "市应急局", "市优化营商环境中心"],
    2: [APPROVAL, SP],
    3: ["市工信局", "市发改委", "市财政局", "市税务局", APPROVAL, "市优化营商环境中心"],
    4: ["市政府办", "市发改委", "市自然资源和规划局", "市司法局", APPROVAL],
    5: [],
    6: ["市财政局", "市发改委"],
    7: ["市政府办", "市司法局", APPROVAL],
    8: ["市教育局", "市卫生健康委", "市住房城乡建设局", "市发改委", "市城管执法局", "市生态环境局", "市交通运输局"],
    9: ["市政府办", "市司法局", "市发改委", "市工信局", APPROVAL],
    10: [APPROVAL],
    11: [],
    12: [APPROVAL],
    13: [APPROVAL],
    14: [APPROVAL],
    15: [APPROVAL],
    16: [APPROVAL],
    17: [APPROVAL],
    18: [],
}
SUPPORT_001 = {
    ("d1", 4): [SP, "各县市区人民政府", "园区管委会"],
    ("d2", 2): INHERITED,
    ("d2", 8): ["公共企事业单位", *INHERITED],
}

CENTER, WINDOWS = "政务服务中心", "进驻政务服务大厅的窗口部门"
ECON, BUILD, ENV, LAND = "经济发展改革局", "建设管理局", "生态环境局(应急管理局)", "自然资源分局"
DUTIES_002 = {
    "1": ([CENTER], [ECON, BUILD, ENV, LAND]),
    "2": ([BUILD], [ECON, ENV, CENTER, LAND]),
    "3": ([CENTER], [ECON, BUILD, ENV, LAND]),
    "4": ([CENTER], ["税务局", "市场监管分局"]),
    "5": ([CENTER], ["公安分局", "税务局"]),
    "6": ([CENTER], [ECON, "财政局", "市场监管分局"]),
    "7": ([CENTER], ["入驻政务服务大厅的窗口部门"]),
    "8": ([CENTER], [WINDOWS]),
    "9": ([CENTER], [WINDOWS]),
    "10": ([CENTER], [WINDOWS]),
    "11": ([CENTER], [WINDOWS]),
    "12": ([CENTER], [WINDOWS]),
    "13": ([CENTER], [WINDOWS]),
    "14": ([CENTER], ["相关行业监管部门"]),
    "15": (["市场监管分局"], [ECON]),
    "16": ([ECON], ["各行业监管部门单位"]),
    "17": ([ECON], [BUILD, ENV, "税务局", "市场监管分局", "消防大队"]),
    "(一)": ([], []),
    "(二)": ([], []),
    "(三)": ([], []),
    "(四)": ([], []),
}


def _item_duties(notice: Notice) -> dict[str, tuple[list[str], list[str]]]:
    return {c.id.split("#")[1]: (c.lead, c.support) for c in notice.chunks if c.kind == "item"}


def test_000_every_item(seeds: dict[str, Notice]) -> None:
    got = {c.label: (c.lead, c.support) for c in seeds["000"].chunks if c.kind == "item"}
    expected = {n: (lead, SUPPORT_000_4 if n == "4" else DEFAULT_000) for n, lead in LEAD_000.items()}
    assert got == expected


def test_001_every_item_with_inheritance(seeds: dict[str, Notice]) -> None:
    cn = "一二三四五六七八九十"
    got = {}
    for chunk in seeds["001"].chunks:
        if chunk.kind == "item":
            n = cn.index(chunk.label[1:-1][-1]) + 1 + (10 if len(chunk.label) > 3 else 0)
            got[(chunk.id.split("#")[1][:2], n)] = (chunk.lead, chunk.support)
    expected = {}
    for doc, leads in (("d1", LEAD_001_D1), ("d2", LEAD_001_D2)):
        for n, lead in leads.items():
            expected[(doc, n)] = (lead, SUPPORT_001.get((doc, n), [SP, *INHERITED]))
    assert got == expected


def test_002_every_item(seeds: dict[str, Notice]) -> None:
    got = {c.label: (c.lead, c.support) for c in seeds["002"].chunks if c.kind == "item" and c.label != "一"}
    assert got == DUTIES_002
