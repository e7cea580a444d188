"""Passage inputs stay whole: a record's title joins every chunk of it; boilerplate drops only whole furniture lines.

The body lines are real lines of ``../shared/corpus/wild`` (sd_046_2023-12-26, cn_087_2020-07-28);
the titles are of the shapes passage benchmarks give (news headlines, notice titles).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.passages import convert, law_passages
from ingest import parse_document
from ingest.clean import is_boilerplate
from ingest.readers import read_file

WILD_ITEM = (
    "（一）实施集成电路“强芯”工程。加快“芯机联动”，支持整机龙头企业联合省内外集成电路设计企业，"
    "开发适配一批配套芯片。（牵头单位：省工业和信息化厅；责任单位：省发展改革委、省科技厅）"
)
WILD_PROSE = (
    "新一代信息技术产业是数字经济的关键支撑和核心引擎，为加快培育壮大新一代信息技术产业、"
    "全面塑强数字经济竞争新优势，更好支撑新时代社会主义现代化强省建设，现提出如下意见。"
)


def _records(tmp_path: Path, *texts: str) -> list:
    path = tmp_path / "passages.jsonl"
    lines = [json.dumps({"id": f"p{n}", "text": t}, ensure_ascii=False) for n, t in enumerate(texts, 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [parse_document(raw) for raw in read_file(path)]


@pytest.mark.parametrize(
    "title",
    [
        "山东省加快新一代信息技术产业发展",
        "关于加快培育壮大新一代信息技术产业的意见",
        "我省信息技术产业营收将突破2.2万亿元",
    ],
)
def test_a_passage_title_joins_every_chunk_and_is_no_chunk_of_its_own(tmp_path: Path, title: str) -> None:
    (notice,) = _records(tmp_path, f"{title}\n{WILD_ITEM}\n（二）实施高端软件“铸魂”工程。培育壮大一批本地企业。")
    assert notice.notice_title == title
    assert len(notice.chunks) == 2
    assert all(c.title == title for c in notice.chunks)
    assert all(c.text != title for c in notice.chunks)  # no title-only chunk
    assert notice.chunks[0].lead == ["省工业和信息化厅"]


def test_an_unnumbered_passage_is_one_chunk_with_its_title(tmp_path: Path) -> None:
    (notice,) = _records(tmp_path, f"新一代信息技术产业发展意见\n{WILD_PROSE}")
    assert [(c.title, c.text) for c in notice.chunks] == [("新一代信息技术产业发展意见", WILD_PROSE)]


def test_a_passage_that_opens_with_a_sentence_keeps_it_as_text(tmp_path: Path) -> None:
    """A first line that is a sentence is body text, not a title: nothing is lost."""
    (notice,) = _records(tmp_path, f"{WILD_PROSE}\n{WILD_ITEM}")
    text = "".join(c.text for c in notice.chunks)
    assert WILD_PROSE in text and "实施集成电路“强芯”工程" in text


def test_a_content_line_that_mentions_a_boilerplate_cue_survives(tmp_path: Path) -> None:
    opens = "来源：" + WILD_PROSE  # a 100-character content line that opens with 来源：
    inside = WILD_PROSE[:40] + "扫一扫在手机打开当前页，" + WILD_PROSE[40:]
    assert not is_boilerplate(opens) and not is_boilerplate(inside)
    assert is_boilerplate("来源：山东省人民政府办公厅") and is_boilerplate("上一篇：关于印发某某方案的通知")
    (notice,) = _records(tmp_path, f"新一代信息技术产业发展意见\n{opens}\n{inside}\n来源：省政府办公厅")
    text = "\n".join(c.text for c in notice.chunks)
    assert opens in text and inside in text
    assert "来源：省政府办公厅" in notice.boilerplate


def test_law_passages_keep_the_title_and_whole_lines(tmp_path: Path) -> None:
    law = tmp_path / "某市条例.txt"
    body = "\n".join(f"第{n}条 本市{'各级政府' * 10}应当依法履行职责。" for n in "一二三四五六")
    law.write_text(f"# 某市条例\n2020年1月1日通过\n<!-- INFO END -->\n## 第一章 总则\n{body}\n", encoding="utf-8")
    passages = law_passages(law, min_chars=120)
    assert len(passages) > 1
    assert all(text.startswith("某市条例\n") for _, text in passages)
    lines = [ln for _, text in passages for ln in text.split("\n")[1:]]
    assert lines == ["第一章 总则", *body.split("\n")]  # every body line once, in order, none cut


def test_convert_judges_a_question_by_the_passage_holding_its_quote(tmp_path: Path) -> None:
    laws = tmp_path / "laws"
    laws.mkdir()
    body = "\n".join(f"第{n}条 第{n}条的内容{'甲乙丙丁' * 20}。" for n in "一二三")
    (laws / "某法.txt").write_text(f"# 某法\n<!-- INFO END -->\n{body}\n", encoding="utf-8")
    questions = tmp_path / "q.jsonl"
    records = [
        {"id": "q1", "query": "第三条说什么", "relevant": [{"doc": "某法", "quote": "第三条的内容"}]},
        {"id": "q2", "query": "没有的", "relevant": [{"doc": "某法", "quote": "不在任何一段"}]},
    ]
    questions.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    count, kept = convert(laws, questions, tmp_path / "out", min_chars=50)
    assert (count, kept) == (3, 1)
    (written,) = [json.loads(x) for x in (tmp_path / "out" / "queries.jsonl").read_text(encoding="utf-8").splitlines()]
    assert written["relevant"] == [{"doc": "某法-p3"}]
