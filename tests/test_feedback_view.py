"""The 反馈 tab's list: every vote with its question, clause and time; filters; a bounded read; an export."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from ingest import parse_text
from tests.conftest import NOTICE_A
from web.feedback import FeedbackLog
from web.feedback_view import COLUMNS, VoteFilter, feedback_rows, read_votes, write_feedback_xlsx


def _log(tmp_path: Path) -> tuple[Path, dict]:
    chunks = parse_text(NOTICE_A, "a").chunks
    clauses = {c.id: c for c in chunks}
    log = FeedbackLog(tmp_path / "feedback.jsonl")
    ids = [c.id for c in chunks[:3]]
    log.record("企业开办要多久", ids, "up", answer_id="q1")
    log.record("企业开办要多久", ids, "pick", answer_id="q1", right=ids[2])
    log.record("热线谁负责", ids, "down", answer_id="q2")
    log.record("已删除的条款", ["gone#1"], "down", answer_id="q3")
    return log.path, clauses


def test_votes_are_listed_newest_first_with_their_clause_and_filtered(tmp_path: Path) -> None:
    path, clauses = _log(tmp_path)
    status, rows = feedback_rows(path, clauses, VoteFilter())
    assert status.startswith("共 4 条")
    assert [r[2] for r in rows] == ["已删除的条款", "热线谁负责", "企业开办要多久", "企业开办要多久"]
    table = [dict(zip(COLUMNS, r, strict=True)) for r in rows]
    picked = next(r for r in table if r["评价"] == "指出正确条款")
    ids = list(clauses)
    assert picked["条款编号"] == ids[2] and picked["条款"] and picked["通知"]  # the clause picked, named
    assert table[0]["条款"] == "（已不在库中）"  # a clause deleted since
    assert [r[2] for r in feedback_rows(path, clauses, VoteFilter(vote="down"))[1]] == ["已删除的条款", "热线谁负责"]
    assert [r[1] for r in feedback_rows(path, clauses, VoteFilter(words="企业 开办"))[1]] == [
        "指出正确条款",
        "有帮助",
    ]
    today = rows[0][0][:10]
    assert len(feedback_rows(path, clauses, VoteFilter(since=today, until=today))[1]) == 4
    assert feedback_rows(path, clauses, VoteFilter(since="2999-01-01"))[1] == []
    status, rows = feedback_rows(path, clauses, VoteFilter(since="12/01"))
    assert "起始日期应写作 YYYY-MM-DD" in status and rows == []


def test_the_log_is_read_bounded_and_lines_that_are_not_votes_are_counted(tmp_path: Path) -> None:
    path, clauses = _log(tmp_path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write('not json\n{"vote": "maybe", "chunk_ids": []}\n')
    votes, bad = read_votes(path)
    assert len(votes) == 4 and bad == 2
    assert "2 行无法读取" in feedback_rows(path, clauses, VoteFilter())[0]
    tail, _ = read_votes(path, max_bytes=path.stat().st_size // 2)  # only the end is read, its cut line dropped
    assert 0 < len(tail) < 4
    assert read_votes(tmp_path / "none.jsonl") == ([], 0)


def test_the_export_holds_the_listed_rows(tmp_path: Path) -> None:
    path, clauses = _log(tmp_path)
    status, rows = feedback_rows(path, clauses, VoteFilter())
    sheet = load_workbook(write_feedback_xlsx(rows, status, tmp_path / "f.xlsx")).active
    assert sheet["A1"].value == "问答反馈" and status in sheet["A2"].value
    assert [c.value for c in sheet[3]] == list(COLUMNS)
    assert [list(r) for r in sheet.iter_rows(min_row=4, values_only=True)] == [[v or None for v in r] for r in rows]
