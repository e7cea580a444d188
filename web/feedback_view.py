"""The 反馈 tab: every vote staff gave (👍, 👎, "the right clause is …"), with its question, clause and time.

Votes were written to ``feedback.jsonl`` and nowhere to be read. Here they are listed newest
first, filtered by vote, by words of the question and by date, and exported as an .xlsx
(:mod:`web.sheets`). The clause column names the clause a vote is about: the one picked as
right, else the first one the answer showed; a clause no longer in the library says so.

The log is read bounded: at most its last :data:`MAX_BYTES`, and :data:`MAX_ROWS` rows are
shown. A line that is not a vote is counted and reported, never silently dropped.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.views import clause_label
from ingest import Chunk
from web.sheets import PrintedTable, write_table_xlsx
from web.tails import tail_records

#: How much of the log's end is read (older votes are in the file, for ``python -m tune``).
MAX_BYTES = 16 * 1024 * 1024
#: The most rows the table shows (the newest); the export holds the same rows.
MAX_ROWS = 2000
#: The vote filter's choices (label, vote); "" = every vote.
VOTE_CHOICES = (("全部", ""), ("有帮助", "up"), ("没有帮助", "down"), ("指出正确条款", "pick"))
VOTE_NAMES = {vote: label for label, vote in VOTE_CHOICES if vote}
#: The table's columns.
COLUMNS = ("时间", "评价", "问题", "条款", "通知", "回答编号", "条款编号")
WIDTHS = (18, 12, 40, 40, 36, 18, 30)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class VoteFilter:
    """Which votes to list: one kind ("" = all), words the question holds, a first and last day (YYYY-MM-DD)."""

    vote: str = ""
    words: str = ""
    since: str = ""
    until: str = ""

    def problem(self) -> str | None:
        """What is wrong with the filter, in the words staff read, or None."""
        if self.vote not in VOTE_NAMES and self.vote:
            return f"评价“{self.vote}”无法识别"
        for name, day in (("起始日期", self.since), ("截止日期", self.until)):
            if day and not _DAY.fullmatch(day.strip()):
                return f"{name}应写作 YYYY-MM-DD，如 2026-12-01，收到“{day}”"
        return None

    def keeps(self, vote: dict[str, Any]) -> bool:
        """Whether a vote passes the filter."""
        day = str(vote.get("time", ""))[:10]
        return (
            (not self.vote or vote.get("vote") == self.vote)
            and all(w in str(vote.get("question", "")) for w in self.words.split())
            and (not self.since or day >= self.since.strip())
            and (not self.until or day <= self.until.strip())
        )


def read_votes(path: Path, max_bytes: int = MAX_BYTES) -> tuple[list[dict[str, Any]], int]:
    """The votes in the last ``max_bytes`` of the log, oldest first, and how many lines were not votes."""
    records, bad = tail_records(path, max_bytes)
    votes = [
        r
        for r in records
        if isinstance(r, dict) and r.get("vote") in VOTE_NAMES and isinstance(r.get("chunk_ids"), list)
    ]
    return votes, bad + len(records) - len(votes)


def vote_row(vote: dict[str, Any], clauses: dict[str, Chunk]) -> list[str]:
    """A vote as a row of :data:`COLUMNS`; its clause named from ``clauses`` (chunk id → chunk)."""
    about = vote.get("right") or (vote["chunk_ids"][0] if vote["chunk_ids"] else "")
    chunk = clauses.get(str(about))
    if chunk is not None:
        clause = f"{' › '.join(chunk.section[-1:])} {clause_label(chunk.label, chunk.kind)}".strip()
        notice = chunk.title or chunk.notice_title
    else:
        clause, notice = ("（已不在库中）" if about else "（回答没有条款）"), ""
    when = str(vote.get("time", "")).replace("T", " ")[:19]
    return [when, VOTE_NAMES[vote["vote"]], str(vote.get("question", "")), clause, notice,
            str(vote.get("answer_id") or ""), str(about)]  # fmt: skip


def feedback_rows(
    path: Path, clauses: dict[str, Chunk], wanted: VoteFilter, limit: int = MAX_ROWS
) -> tuple[str, list[list[str]]]:
    """The status line and the rows of the votes ``wanted`` lets through, newest first (at most ``limit``)."""
    if problem := wanted.problem():
        return f"❌ {problem}", []
    votes, bad = read_votes(path)
    kept = [v for v in reversed(votes) if wanted.keeps(v)]
    counts = "，".join(f"{VOTE_NAMES[k]} {sum(v['vote'] == k for v in kept)}" for k in VOTE_NAMES)
    status = f"共 {len(kept)} 条（{counts}）" if votes else "还没有人评价过回答。"
    if len(kept) > limit:
        status += f"；只列出最新的 {limit} 条"
    if bad:
        status += f"；日志中有 {bad} 行无法读取，未列出"
    return status, [vote_row(v, clauses) for v in kept[:limit]]


def write_feedback_xlsx(rows: list[list[str]], status: str, path: Path) -> Path:
    """The listed votes as an .xlsx (title, what the list holds and when it was exported, the rows)."""
    under = f"{status}　导出时间 {time.strftime('%Y-%m-%d %H:%M')}"
    return write_table_xlsx(PrintedTable("问答反馈", under, COLUMNS, rows, WIDTHS, sheet="反馈"), path)
