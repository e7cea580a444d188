"""Duty-note forms of real notices (fixtures are real lines of ../shared/corpus/wild), deadlines,
department names, and a notice in these forms uploaded to the library."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import Searcher
from ingest import extract_duties, parse_text
from ingest.deadlines import due_date, is_deadline
from ingest.departments import canonical, is_generic
from tests.conftest import ROOT
from tests.fakes import KeywordEmbedder, filter_mask
from web.library import Library

# (file it comes from, the line's tail as written, lead, support)
WILD = [
    (
        "sd_046",
        "力争到2025年，全省集成电路产业规模过千亿。（牵头单位：省工业和信息化厅；责任单位：省发展改革委、省科技厅）",
        ["省工业和信息化厅"],
        ["省发展改革委", "省科技厅"],
    ),
    (
        "sd_019",
        "支持实体医疗机构从业医务人员在互联网医院多点执业。（牵头单位：省卫生健康委，参加单位：省大数据局）",
        ["省卫生健康委"],
        ["省大数据局"],
    ),
    (
        "sd_051",
        "打造一批国内领先的数字化转型解决方案。（牵头单位：省工业和信息化厅；配合单位：省统计局）",
        ["省工业和信息化厅"],
        ["省统计局"],
    ),
    (
        "sd_041",
        "推动产业链上下游协同创新。（牵头单位：省工业和信息化厅、省市场监管局）",
        ["省工业和信息化厅", "省市场监管局"],
        [],
    ),
    (
        "sd_038",
        "培育一批工业互联网平台。（责任单位：省工业和信息化厅、省发展和改革委、省财政厅）",
        ["省工业和信息化厅", "省发展和改革委", "省财政厅"],
        [],
    ),
    (
        "sd_044",
        "完善人才引育政策。（责任单位：市委组织部、市人力资源社会保障局、各区市）",
        ["市委组织部", "市人力资源社会保障局"],
        ["各区市"],
    ),
    (
        "sd_042",
        "设立专项基金。（责任单位：崂山区政府，市贸促会、市财政局）",
        ["崂山区政府", "市贸促会", "市财政局"],
        [],
    ),
    (
        "sd_050",
        "加快建设科技领军企业。（省科技厅牵头，省发展改革委、省工业和信息化厅配合）",
        ["省科技厅"],
        ["省发展改革委", "省工业和信息化厅"],
    ),
    (
        "sd_050",
        "深化产教融合。（省委组织部、省教育厅、省科技厅、省工业和信息化厅、省人力资源社会保障厅按职责分工负责）",
        ["省委组织部", "省教育厅", "省科技厅", "省工业和信息化厅", "省人力资源社会保障厅"],
        [],
    ),
    (
        "cn_082",
        "优化老年人就医服务。（交通运输部、国家铁路局、中国民航局、中国国家铁路集团有限公司及各地区按职责分工负责）",
        ["交通运输部", "国家铁路局", "中国民航局", "中国国家铁路集团有限公司"],
        ["各地区"],
    ),
    ("cn_077", "推进数据共享。（各地区、各部门按职责分别负责）", [], ["各地区", "各部门"]),
    (
        "cn_077",
        "加强统筹协调。（中央网信办、发展改革委牵头，各地区、各部门按职能分工负责）",
        ["中央网信办", "发展改革委"],
        ["各地区", "各部门"],
    ),
    (
        "pool_anhui",
        "提升通关效率。（合肥海关牵头，省贸促会、省商务厅按职责分工配合）",
        ["合肥海关"],
        ["省贸促会", "省商务厅"],
    ),
    ("pool_anhui", "扩大进口。（省商务厅负责）", ["省商务厅"], []),
    (
        "sd_019",
        "推进普惠金融。（牵头单位：省地方金融监管局、人民银行济南分行，参加单位：济南、青岛、烟台市政府）",
        ["省地方金融监管局", "人民银行济南分行"],
        ["济南市政府", "青岛市政府", "烟台市政府"],
    ),
    (
        "sd_016",
        "1.制定课程纲要。组建人工智能教育课程团队。（装备信息中心、教科院）",
        ["装备信息中心", "教科院"],
        [],
    ),
]


@pytest.mark.parametrize(("source", "text", "lead", "support"), WILD, ids=[f"{w[0]}-{i}" for i, w in enumerate(WILD)])
def test_wild_duty_forms(source: str, text: str, lead: list[str], support: list[str]) -> None:
    duties = extract_duties(text)
    assert (duties.lead, duties.support) == (lead, support), source


def test_convention_first_named_leads_from_the_note_on() -> None:
    # sd_018: the first note states the convention ("列第一位者为牵头部门，下同") for the notice
    text = "\n".join(
        [
            "山东省“十四五”教育事业发展规划",
            "一、主要任务",
            "（一）落实立德树人。全面推进课程思政建设。（省委教育工委、省委宣传部、团省委负责，列第一位者为牵头部门，下同）",
            "（二）弘扬核心价值观。深化德育课程一体化。（省教育厅、省卫生健康委负责）",
        ]
    )
    items = [c for c in parse_text(text, "sd018").chunks if c.kind == "item"]
    assert [(c.lead, c.support) for c in items] == [
        (["省委教育工委"], ["省委宣传部", "团省委"]),
        (["省教育厅"], ["省卫生健康委"]),
    ]


def test_without_the_convention_everyone_named_responsible_leads() -> None:
    chunk = parse_text("一、任务\n（一）弘扬核心价值观。深化德育。（省教育厅、省卫生健康委负责）", "x").chunks[0]
    assert (chunk.lead, chunk.support) == (["省教育厅", "省卫生健康委"], [])


def test_deadline_in_the_note_and_the_year_of_the_title() -> None:
    text = (
        "2024年某市数字政府工作要点\n一、任务\n"
        "1.推进一网通办。（5月底前取得明显成效并持续推进，牵头考核单位：市行政审批服务局）\n"
        "2.建设数据平台。（2024年6月底前完成，市数据局牵头，市财政局配合）\n"
        "3.完善制度。（长期坚持）\n"
        "4.加强培训。（市人社局牵头）"
    )
    items = [c for c in parse_text(text, "dl").chunks if c.kind == "item"]
    got = [(c.lead, c.support, c.deadline, c.due) for c in items]
    assert got == [
        (["市行政审批服务局"], [], "5月底前取得明显成效并持续推进", "2024-05-31"),
        (["市数据局"], ["市财政局"], "2024年6月底前完成", "2024-06-30"),
        ([], [], "长期坚持", None),
        (["市人社局"], [], None, None),
    ]


def test_unbracketed_labelled_tail_and_unrelated_brackets() -> None:
    duties = extract_duties("推进政务服务标准化。责任单位：市行政审批服务局、市数据局。")
    assert duties.lead == ["市行政审批服务局", "市数据局"]
    for text in (
        "（以联合体形式申报时，牵头单位填写）",
        "（2015年12月）",
        "（不含任务或课题负责人）",
        "（2023-2025年）",
    ):
        assert extract_duties(f"某项工作{text}。").notes == [], text


def test_unnumbered_measures_under_a_heading_each_keep_their_own_note() -> None:
    text = "\n".join(
        [
            "某省数字经济实施方案",
            "一、重点任务",
            "加快5G网络建设，推动千兆城市建设，2023年底前建成开通5G基站20万个以上。（责任单位：省通信管理局、省工业和信息化厅）",
            "推进数据中心绿色化改造，优化算力布局，提升算力支撑能力。（牵头单位：省发展改革委；配合单位：省能源局）",
        ]
    )
    chunks = [c for c in parse_text(text, "m").chunks if c.section == ["一、重点任务"]]
    assert [(c.lead, c.support) for c in chunks] == [
        (["省通信管理局", "省工业和信息化厅"], []),
        (["省发展改革委"], ["省能源局"]),
    ]


def test_full_width_item_numbers_give_half_width_ids_and_untitled_notices_get_a_title() -> None:
    text = "各市人民政府，省政府各部门：\n为加快发展，现提出如下意见。\n一、重点任务\n１９．推进平台建设。（牵头单位：省大数据局）"
    notice = parse_text(text, "sd_046_2023-12-26")
    item = next(c for c in notice.chunks if c.kind == "item")
    assert (item.id, item.label, item.lead) == ("sd_046_2023-12-26#一/19", "１９", ["省大数据局"])
    assert notice.notice_title == "sd_046_2023-12-26"


@pytest.mark.parametrize(
    ("text", "year", "iso"),
    [
        ("2024年6月底前", None, "2024-06-30"),
        ("6月底前", 2024, "2024-06-30"),
        ("6月底前", None, None),
        ("2024年第三季度", None, "2024-09-30"),
        ("2024年上半年", None, "2024-06-30"),
        ("2024年6月15日前", None, "2024-06-15"),
        ("2023年底前完成试点；2025年底前全面推开", None, "2025-12-31"),
        ("2025年", None, "2025-12-31"),
        ("长期坚持", 2024, None),
        ("持续推进", 2024, None),
    ],
)
def test_due_dates(text: str, year: int | None, iso: str | None) -> None:
    assert due_date(text, year) == iso
    assert is_deadline(text) or "；" in text  # one limit reads as a deadline note on its own


def test_department_aliases_and_generic_units() -> None:
    assert {canonical(n) for n in ("市发改委", "市发展改革委", "市发展和改革委员会")} == {"市发展改革委"}
    assert {canonical(n) for n in ("省工信厅", "省工业和信息化厅")} == {"省工业和信息化厅"}
    assert all(is_generic(n) for n in ("各有关部门", "市直相关单位", "各县（区）政府", "各园区", "省有关部门"))
    assert not any(is_generic(n) for n in ("市数据局", "崂山区政府", "团省委"))
    from index.query import QueryAnalyzer

    analyzer = QueryAnalyzer(["市发展和改革委员会", "省工信厅", "各有关部门"], {})
    assert analyzer("发改委牵头负责哪些工作").departments == ["市发展改革委"]
    assert analyzer("省工业和信息化厅负责什么").departments == ["省工业和信息化厅"]
    assert analyzer("各有关部门负责什么").departments == []


def test_lead_filter_and_due_before_use_every_name_and_iso_dates() -> None:
    text = (
        "2024年某市工作要点\n一、任务\n1.推进。（2024年6月底前完成，市发展和改革委员会牵头）\n"
        "2.落实。（2024年底前完成，市财政局牵头）\n3.巩固。（长期坚持，市发改委牵头）"
    )
    chunks = parse_text(text, "f").chunks
    assert filter_mask(chunks, {"lead": "市发改委"}).tolist() == [True, False, True]
    assert filter_mask(chunks, {"due_before": "2024-06-30"}).tolist() == [True, False, False]
    with pytest.raises(ValueError, match="ISO date"):
        filter_mask(chunks, {"due_before": "6月底"})


WILD_NOTICE = "\n".join(
    [
        "各市人民政府，各县（市、区）人民政府，省政府各部门：",
        "新一代信息技术产业是数字经济的关键支撑和核心引擎，现提出如下意见。",
        "一、重点领域",
        "（一）实施集成电路“强芯”工程。加快“芯机联动”。（牵头单位：省工业和信息化厅；责任单位：省发展改革委、省科技厅）",
        "（二）实施高端软件“铸魂”工程。培育壮大一批本地企业。（牵头单位：省工信厅；责任单位：省委组织部、各市政府）",
    ]
)


def test_an_uploaded_wild_notice_gets_a_lead_line_and_canonical_filter_names(tmp_path: Path) -> None:
    corpus = tmp_path / "notices"
    corpus.mkdir()
    (corpus / "a.txt").write_text("某市工作要点\n一、任务\n1.开展试点。（市数据局牵头）", encoding="utf-8")
    searcher = Searcher.build(corpus, tmp_path / "index", embedder=KeywordEmbedder(), cache_dir=tmp_path / "cache")
    library = Library(searcher, tmp_path / "data")
    upload = tmp_path / "强芯意见.txt"
    upload.write_text(WILD_NOTICE, encoding="utf-8")
    library.upload(upload, "强芯意见.txt")
    departments = library.lead_departments()
    assert "省工业和信息化厅" in departments and "省工信厅" not in departments
    assert not any(is_generic(d) for d in departments)
    answer = library.answer("哪些部门负责集成电路强芯工程", k=3)
    assert "省工业和信息化厅牵头" in answer.lead_line()
    hits = library.searcher.search("软件", k=5, filters={"lead": "省工业和信息化厅"})
    assert {h.label for h in hits} == {"（一）", "（二）"}


WILD_DIR = ROOT.parent / "shared" / "corpus" / "wild"
needs_wild = pytest.mark.skipif(not WILD_DIR.is_dir(), reason="../shared/corpus/wild is not beside the project")


@needs_wild
def test_the_wild_corpus_parses_without_losing_a_line() -> None:
    from ingest import load_notices
    from ingest.readers import read_file
    from tests.audit import unaccounted

    notices = load_notices(WILD_DIR)
    assert len(notices) == 217
    for notice in notices:
        assert unaccounted(read_file(notice.source)[0].text, notice) == [], notice.doc_id


@needs_wild
def test_duty_benchmark_meets_its_targets() -> None:
    from eval.duties import SEEDS, load_gold, score_notes, score_tables
    from ingest import load_notices

    forms = score_notes(load_gold(), load_notices([WILD_DIR, SEEDS])) | score_tables()
    lead = [f.lead for f in forms.values()]
    support = [f.support for f in forms.values()]
    tp, fp, fn = (sum(getattr(s, a) for s in lead) for a in ("tp", "fp", "fn"))
    assert tp / (tp + fp) >= 0.97 and tp / (tp + fn) >= 0.97
    tp, fp, fn = (sum(getattr(s, a) for s in support) for a in ("tp", "fp", "fn"))
    assert tp / (tp + fp) >= 0.95 and tp / (tp + fn) >= 0.95
