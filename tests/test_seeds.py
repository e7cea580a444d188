"""The bundled notices parse into exactly the items a reader sees (issue #2's pins)."""

from __future__ import annotations

import pytest

from ingest import Notice
from ingest.clean import is_boilerplate
from tests.audit import unaccounted
from tests.conftest import NOTICES

CN = "一二三四五六七八九十"


def cn(n: int) -> str:
    """1 → 一, 10 → 十, 19 → 十九 (enough for these notices)."""
    return CN[n - 1] if n <= 10 else "十" + CN[n - 11]


def items(notice: Notice, prefix: str = "") -> list[tuple[list[str], str]]:
    return [(c.section, c.label) for c in notice.chunks if c.kind == "item" and c.id.split("#")[1].startswith(prefix)]


def test_000_items_1_to_16_under_their_sections(seeds: dict[str, Notice]) -> None:
    heads = {
        1: "一、持续深化行政审批制度改革",
        6: "二、不断完善高效协同监管体系",
        9: "三、加快推进政府数字化转型",
        12: "四、深入推动政务服务迭代升级",
        14: "五、聚力推动营商环境优化提升",
    }
    expected, head = [], ""
    for n in range(1, 17):
        head = heads.get(n, head)
        expected.append(([head], str(n)))
    assert items(seeds["000"]) == expected
    assert seeds["000"].titles == ["2024年汉中市推进政府职能转变工作要点"]


def test_001_two_documents_each_numbered_from_one(seeds: dict[str, Notice]) -> None:
    notice = seeds["001"]
    assert notice.titles == ["湘潭市2023年行政审批服务工作要点", "湘潭市2023年政务公开工作要点"]
    first = [label for _, label in items(notice, "d1/")]
    second = [label for _, label in items(notice, "d2/")]
    assert first == [f"({cn(n)})" for n in range(1, 20)]
    assert second == [f"({cn(n)})" for n in range(1, 19)]
    by_doc = {c.title for c in notice.chunks if c.id.split("#")[1].startswith("d2/")}
    assert by_doc == {"湘潭市2023年政务公开工作要点"}
    ten = [c for c in notice.chunks if c.label == "(十)"]
    assert [c.section[0][:2] for c in ten] == ["三、", "三、"]
    assert len({c.id for c in notice.chunks}) == len(notice.chunks)


def test_002_items_under_main_tasks_and_safeguards(seeds: dict[str, Notice]) -> None:
    got = items(seeds["002"])
    groups = {
        "(一)": range(1, 4),
        "(二)": range(4, 7),
        "(三)": range(7, 10),
        "(四)": range(10, 12),
        "(五)": range(12, 14),
        "(六)": range(14, 18),
    }
    numbered = [(s, label) for s, label in got if label.isdigit()]
    expected = [(group, str(n)) for group, ns in groups.items() for n in ns]
    assert [(s[1][:3], label) for s, label in numbered] == expected
    assert all(s[0] == "二、主要任务" for s, _ in numbered)
    safeguards = [label for s, label in got if s == ["三、保障措施"]]
    assert safeguards == ["(一)", "(二)", "(三)", "(四)"]


def test_003_items_of_sections_two_to_four(seeds: dict[str, Notice]) -> None:
    got = items(seeds["003"])
    for head, count in (("二、主要任务", 5), ("三、任务分工", 3), ("四、工作要求", 4)):
        assert [label for s, label in got if s == [head]] == [f"({cn(n)})" for n in range(1, count + 1)]
    notice = seeds["003"]
    assert notice.date == "2023-02-24" and notice.date_raw == "2023224"  # separators lost: the one reading
    assert notice.attachments == ["附件:汉中市汉台区“一件事一次办”事项基础清单"]


def test_004_paragraph_chunks_under_four_subheadings(seeds: dict[str, Notice]) -> None:
    notice = seeds["004"]
    sections = [c.section for c in notice.chunks if c.kind == "paragraph"]
    heads = ["强基固本 精简前行", "流程再造 创新改革", "数字赋能 全民共享", "做优环境 做好服务"]
    assert sorted({s[0] for s in sections}, key=heads.index) == heads
    assert all(len(s) == 1 for s in sections)
    assert [c.kind for c in notice.chunks].count("preamble") == 1
    assert all(40 <= len(c.text) <= 600 for c in notice.chunks)
    assert not any(c.kind == "item" for c in notice.chunks)


BOILERPLATE = {
    "001": [
        "湘潭县人民政府门户网站 www.xtx.gov.cn 发布时间:2023-03-27 10:21",
        "(此件主动公开)",
        "扫一扫在手机打开当前页",
        "相关解读",
    ],
    "003": ["首 页 走进汉台 新闻中心 政府信息公开 政务服务 互动交流 专题专栏", "相关稿件"],
    "004": ["展开全文", "来源:渭南日报记者 王军江", "总编|杨青山", "责编|王倩倩", "责编|陈冰娟", "评论"],
}
FURNITURE = ["首 页", "扫一扫", "相关解读", "相关稿件", "展开全文", "总编|", "责编|", "来源:", "www.", "发布时间"]


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_no_boilerplate_chunk_and_nothing_lost(seeds: dict[str, Notice], key: str) -> None:
    notice = seeds[key]
    assert notice.boilerplate == BOILERPLATE.get(key, [])
    for chunk in notice.chunks:
        assert not is_boilerplate(chunk.text)
        assert not any(f in chunk.text for f in FURNITURE), chunk.id
        assert chunk.text not in ("评论",)
    text = next(NOTICES.glob(f"{key}_*.txt")).read_text(encoding="utf-8")
    assert unaccounted(text, notice) == []


@pytest.mark.parametrize(
    ("key", "issuer", "date", "addressees"),
    [
        ("000", "汉中市人民政府办公室", "2024-05-28", "各县(区)人民政府,"),
        ("001", "湘潭市推进政府职能转变和“放管服”改革行政审批制度改革领导小组", "2023-03-20", "各县市区人民政府,"),
        ("002", "汉中经济技术开发区管理委员会", "2023-04-28", "各局办,"),
        ("003", "汉中市汉台区人民政府办公室", "2023-02-24", "各镇人民政府,"),
    ],
)
def test_notice_metadata(seeds: dict[str, Notice], key: str, issuer: str, date: str, addressees: str) -> None:
    notice = seeds[key]
    assert notice.issuer == issuer
    assert notice.date == date
    assert notice.addressees is not None
    assert notice.addressees.startswith(addressees)
    assert notice.notice_title.endswith("的通知")
    assert all(c.issuer == issuer and c.date == date for c in notice.chunks)


def test_preamble_kept_as_chunks(seeds: dict[str, Notice]) -> None:
    pre = [c.text for c in seeds["000"].chunks if c.kind == "preamble"]
    assert pre[0].startswith("现将《2024年汉中市推进政府职能转变工作要点》印发你们")
    assert pre[1].startswith("2024年,全市坚持以习近平新时代中国特色社会主义思想为指导")
    closing = seeds["000"].chunks[-1]
    assert closing.kind == "paragraph"
    assert closing.text.startswith("各县(区)、各部门要全面落实")


def test_ids_are_stable_and_documented_form(seeds: dict[str, Notice]) -> None:
    ids = [c.id for n in seeds.values() for c in n.chunks]
    assert len(ids) == len(set(ids))
    assert "000_4339a6bb93f327d8#四/13" in ids
    assert "001_5f454b59c5b739ff#d1/三/(十)" in ids
    assert "001_5f454b59c5b739ff#d2/三/(十)" in ids
    assert "002_366274f742edf2fa#二/(一)/1" in ids
    assert "004_aa86904b000f6775#s1/p1" in ids
