"""Structure rules on small hand-written notices."""

from __future__ import annotations

import json
from pathlib import Path

from ingest import parse_text
from ingest.__main__ import main
from ingest.tree import split_long


def test_long_numbered_unit_with_item_children_is_a_heading() -> None:
    text = "\n".join(
        [
            "某区工作方案",
            "(一)聚焦服务项目建设，为经济发展提动能，这一行虽然很长但它的子项才是条目，所以它是标题而不是条目本身",
            "1.优化项目审批机制。建立协调机制。",
            "2.推行项目联审联批。优化审批流程。",
        ]
    )
    chunks = parse_text(text, "h").chunks
    items = [c for c in chunks if c.kind == "item"]
    assert [c.label for c in items] == ["1", "2"]
    assert items[0].section == [text.splitlines()[1]]


def test_item_with_body_in_first_line_is_an_item_even_if_short() -> None:
    chunks = parse_text("某市2024年工作要点\n一、总体要求\n（一）办好实事。以民生为本。\n（二）推进共享。", "s").chunks
    assert [(c.label, c.kind) for c in chunks] == [("（一）", "item"), ("（二）", "item")]


def test_title_line_followed_by_paragraphs_is_a_heading() -> None:
    para = "以习近平新时代中国特色社会主义思想为指导，坚持以人民为中心的发展思想，全面提升服务水平。"
    chunks = parse_text(
        f"某区政务服务工作方案\n一、总体要求\n{para}\n{para}\n二、主要任务\n（一）推进改革。按期完成。", "t"
    ).chunks
    assert [(c.id, c.kind, c.section) for c in chunks] == [
        ("t#一/p1", "paragraph", ["一、总体要求"]),
        ("t#一/p2", "paragraph", ["一、总体要求"]),
        ("t#二/(一)", "item", ["二、主要任务"]),
    ]


def test_short_paragraphs_merge_and_long_ones_split() -> None:
    long = "政务服务事项全部实现网上办理，群众满意度不断提升。" * 60
    closing = "结语：感谢大家的支持与参与。"  # short, and last: merged into the previous paragraph
    text = f"综述\n改革成效\n简短引语。\n{long}\n{closing}"
    chunks = parse_text(text, "p").chunks
    body = [c for c in chunks if c.section == ["改革成效"]]
    assert body[0].text.startswith("简短引语。\n政务服务")
    assert [c.id for c in body[:3]] == ["p#s1/p1.1", "p#s1/p1.2", "p#s1/p1.3"]
    assert all(len(c.text) <= 600 for c in body)
    assert len(body) == 3
    assert "".join(c.text for c in body) == f"简短引语。\n{long}\n{closing}"


def test_split_long_cuts_a_sentence_longer_than_the_limit() -> None:
    text = "甲" * 1300
    assert [len(p) for p in split_long(text)] == [600, 600, 100]


def test_law_articles_chapters_and_enumerations() -> None:
    text = "\n".join(
        [
            "# 某市测试条例",
            "",
            "2020年1月1日 某市人民代表大会常务委员会通过",
            "",
            "<!-- INFO END -->",
            "",
            "## 第一章 总则",
            "",
            "第一条 为了规范管理，制定本条例。",
            "",
            "第二条 理事会行使下列职权：",
            "(一)制定章程；",
            "(二)审议报告。",
            "理事会每年召开一次会议。",
            "## 第二章 附则",
            "第三条 本条例自公布之日起施行。",
        ]
    )
    notice = parse_text(text, "law")
    assert notice.titles == ["某市测试条例"]
    assert notice.date == "2020-01-01"
    assert [(c.id, c.section) for c in notice.chunks] == [
        ("law#第一章/第一条", ["第一章 总则"]),
        ("law#第一章/第二条", ["第一章 总则"]),
        ("law#第二章/第三条", ["第二章 附则"]),
    ]
    assert (
        notice.chunks[1].text == "第二条 理事会行使下列职权：\n(一)制定章程；\n(二)审议报告。\n理事会每年召开一次会议。"
    )


def test_doc_number_and_signature() -> None:
    text = "\n".join(
        [
            "某县人民政府办公室关于印发某方案的通知",
            "包府办发〔2022〕43号",
            "各乡镇人民政府:",
            "现将方案印发给你们，请遵照执行。",
            "某县人民政府办公室",
            "2022年6月1日",
            "某方案",
            "一、任务",
            "1.推进改革。按期完成。（县发改局牵头）",
        ]
    )
    notice = parse_text(text, "n")
    assert (notice.doc_number, notice.issuer, notice.date) == (
        "包府办发〔2022〕43号",
        "某县人民政府办公室",
        "2022-06-01",
    )
    assert notice.chunks[-1].doc_number == "包府办发〔2022〕43号"
    assert (
        parse_text("汉中市人民政府办公室关于印发方案的通知\n汉政办函〔2022〕61号\n一、任务\n1.推进。", "m").doc_number
        == "汉政办函〔2022〕61号"
    )


def test_closing_signature_after_items_is_metadata() -> None:
    text = "关于做好某工作的通知\n各单位：\n一、任务\n1.推进改革。按期完成。\n某市数据局\n2024年3月1日"
    notice = parse_text(text, "c")
    assert [c.id for c in notice.chunks] == ["c#一/1"]
    assert (notice.issuer, notice.date, notice.addressees) == ("某市数据局", "2024-03-01", "各单位：")


def test_cli_writes_jsonl_and_prints_summary(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out" / "chunks.jsonl"
    assert main(["data/notices", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "000_4339a6bb93f327d8" in printed
    assert "5 documents" in printed
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == int(printed.split(" documents, ")[1].split(" chunks")[0])
    fields = {
        "id",
        "doc_id",
        "notice_title",
        "title",
        "issuer",
        "date",
        "doc_number",
        "section",
        "label",
        "text",
        "lead",
        "support",
        "kind",
    }
    assert all(fields <= set(r) for r in records)
    assert "汉中市" in out.read_text(encoding="utf-8")  # not ASCII-escaped


def test_cli_missing_path_is_a_clear_error(tmp_path: Path, capsys) -> None:
    assert main([str(tmp_path / "missing")]) == 2
    assert "no such file or directory" in capsys.readouterr().err


def test_a_record_with_only_a_signature_or_date_is_still_one_chunk() -> None:
    for text in ("丰台区人民政府", "2018年5月11日", "下一步工作计划"):
        chunks = parse_text(text, "p").chunks
        assert [(c.id, c.kind, c.text) for c in chunks] == [("p#p1", "paragraph", text)]
    assert parse_text("   \n", "e").chunks == []


def test_a_lists_lead_in_is_the_context_of_its_items_in_search_and_on_screen() -> None:
    """Real lines of ../shared/corpus/laws (农村土地经营权流转) and of a notice: the items under "…：" carry it."""
    from index.views import context_text, dense_text
    from web.render import citation_html

    text = (
        "一、加强流转管理\n承包方不得单方解除土地经营权流转合同，但受让方有下列情形之一的除外：\n"
        "（一）擅自改变土地的农业用途；\n（二）弃耕抛荒连续两年以上；\n二、保障措施\n（一）加强组织领导。"
    )
    chunks = [c for c in parse_text(text, "law").chunks if c.kind == "item"]
    lead_in = "承包方不得单方解除土地经营权流转合同，但受让方有下列情形之一的除外："
    assert [c.metadata.get("lead_in") for c in chunks] == [lead_in, lead_in, None]  # not past its section
    assert lead_in in dense_text(chunks[0]) and lead_in in context_text(chunks[0])
    from index.answer import Hit

    shown = citation_html(Hit(**chunks[1].to_dict(), rank=1))
    assert "上文：承包方不得单方解除土地经营权流转合同" in shown
