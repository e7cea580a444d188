"""Deadlines an item's own words set, and schedule-led duty notes.

Body lines are real lines of ``../shared/corpus/wild`` (cn_*) and of the bundled 湘潭 notice; the
schedule-led notes are the 包头 notes quoted in issue 26.
"""

from __future__ import annotations

import pytest

from ingest import parse_text
from ingest.deadlines import body_deadline, due_date, is_deadline
from ingest.duties import extract_duties

WILD_LINE = "力争年底前建成省级平台和智能粮库项目，并互通共享汇集数据。"
WILD_NOT_A_LIMIT = "到期后3年内不得再次申报遴选。"
SEED_LINE = "（十三）2023年8月底前，全面完成12345热线与110报警服务平台对接联动工作。"


@pytest.mark.parametrize(
    ("note", "lead", "deadline"),
    [
        ("（按进度推进，牵头考核单位：市发改委）", ["市发改委"], "按进度推进"),
        ("（按进度推进，牵头考核单位：市工信局）", ["市工信局"], "按进度推进"),
        ("（长期坚持，牵头单位：市工信局；配合单位：市财政局）", ["市工信局"], "长期坚持"),
        ("（6月底前完成，责任单位：市数据局）", ["市数据局"], "6月底前完成"),
        # the user's 停车治理 note (issue 44): a year-long limit lost the whole note, lead and all
        ("（市公安局牵头，市住建局配合，全年持续推进）", ["市公安局"], "全年持续推进"),
        ("（市数据局牵头，年内完成）", ["市数据局"], "年内完成"),
    ],
)
def test_a_duty_note_that_opens_with_a_schedule_or_status_is_read(note: str, lead: list[str], deadline: str) -> None:
    duties = extract_duties(WILD_LINE + note)
    assert duties.lead == lead and duties.deadline == deadline


def test_an_instruction_before_a_label_is_still_no_duty_note() -> None:
    assert extract_duties("申报材料。（以联合体形式申报时，牵头单位：甲公司）").lead == []
    assert is_deadline("按进度推进") and not is_deadline("以联合体形式申报时")


def test_limits_written_in_the_body_become_the_deadline_with_a_due_date() -> None:
    assert body_deadline(WILD_LINE) == "年底前"
    assert body_deadline(WILD_NOT_A_LIMIT) is None  # 3年内 is a span, not this year
    assert body_deadline("到2025年，基本建成全省一体化平台。") is None  # a milestone, not a limit
    notice = parse_text(
        f"2023年政务服务工作要点\n一、任务\n{SEED_LINE}\n（十四）{WILD_LINE}\n（十五）每季度通报一次。", "t"
    )
    got = {c.label: (c.deadline, c.due) for c in notice.chunks}
    assert got["（十三）"] == ("2023年8月底前", "2023-08-31")
    assert got["（十四）"] == ("年底前", "2023-12-31")  # the year from the title
    assert got["（十五）"] == ("每季度", None)  # recurring: no single date


def test_a_note_deadline_wins_over_the_body() -> None:
    (chunk,) = parse_text(f"一、任务\n1.{WILD_LINE}（2024年6月底前完成，牵头单位：省粮食局）", "t").chunks
    assert (chunk.deadline, chunk.due, chunk.lead) == ("2024年6月底前完成", "2024-06-30", ["省粮食局"])


def test_the_year_of_a_yearless_deadline_comes_from_the_notice_date() -> None:
    text = f"关于印发某项工作方案的通知\n一、任务\n1.{WILD_LINE}\n某市人民政府办公室\n2022年6月14日"
    (chunk,) = [c for c in parse_text(text, "t").chunks if c.kind == "item"]
    assert chunk.date == "2022-06-14" and chunk.due == "2022-12-31" and due_date("年内", 2022) == "2022-12-31"
