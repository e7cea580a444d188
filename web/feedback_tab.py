"""The 反馈 tab of the chat: its callbacks (:class:`FeedbackTab`) and its layout (:func:`feedback_tab`).

What is listed, and how the log is read, is :mod:`web.feedback_view`; this is the page around it.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import gradio as gr

from ingest.bounds import MAX_QUERY_CHARS
from web.exports import export_folder
from web.feedback_view import COLUMNS as VOTE_COLUMNS
from web.feedback_view import VOTE_CHOICES, VoteFilter, feedback_rows, write_feedback_xlsx

#: How many exports are kept (the newest).
KEEP = 50


class FeedbackTab:
    """The 反馈 tab's callbacks over a library: the filtered list and its export under ``export_dir``."""

    def __init__(self, library: Any, export_dir: Path) -> None:
        self.library = library
        self.export_dir = Path(export_dir)

    def show(self, vote: str, words: str, since: str, until: str) -> tuple[str, list[list[str]]]:
        """The status line and the table for the filter as the tab's fields hold it."""
        wanted = VoteFilter(vote or "", (words or "").strip(), (since or "").strip(), (until or "").strip())
        return feedback_rows(self.library.feedback_log, self.library.clauses(), wanted)

    def export(self, vote: str, words: str, since: str, until: str) -> tuple[str, str | None]:
        """The listed votes as an .xlsx (反馈-<date>.xlsx, in a folder of its own) and the status line."""
        status, rows = self.show(vote, words, since, until)
        if not rows:
            return status, None
        folder = export_folder(self.export_dir, "feedback", KEEP)
        return status, str(write_feedback_xlsx(rows, status, folder / f"反馈-{time.strftime('%Y%m%d')}.xlsx"))


def feedback_tab(demo: Any, library: Any, export_dir: Path) -> None:
    """The tab's boxes and events, inside the ``gr.Tab`` being built; the list is shown on each page load."""
    reviews = FeedbackTab(library, export_dir)
    gr.Markdown(
        "问答中的每一次评价（有帮助、没有帮助、指出正确条款），最新的在前；可按评价、问题中的词语和日期筛选并导出。"
    )
    with gr.Row(elem_id="feedback-filters"):
        vote = gr.Dropdown(list(VOTE_CHOICES), value="", label="评价", elem_id="vote", scale=1)
        words = gr.Textbox(label="问题包含", elem_id="vote-words", scale=2, max_length=MAX_QUERY_CHARS)
        since = gr.Textbox(label="起始日期", placeholder="YYYY-MM-DD", elem_id="vote-since", scale=1, max_length=10)
        until = gr.Textbox(label="截止日期", placeholder="YYYY-MM-DD", elem_id="vote-until", scale=1, max_length=10)
    with gr.Row():
        show_votes = gr.Button("查看", variant="primary", elem_id="show-votes", scale=0, min_width=100)
        export_votes = gr.Button("导出 Excel", elem_id="export-votes", scale=0, min_width=120)
    votes_status = gr.Markdown(elem_id="votes-status")
    votes_file = gr.File(label="反馈（.xlsx）", interactive=False, elem_id="votes-file", visible=False)
    votes = gr.Dataframe(
        headers=list(VOTE_COLUMNS), interactive=False, wrap=True, elem_id="votes", label="评价",
        column_widths=["150px", "110px", "240px", "200px", "220px", "140px", "240px"],
    )  # fmt: skip
    asked_for = [vote, words, since, until]
    private = {"api_visibility": "private"}
    show_votes.click(reviews.show, asked_for, [votes_status, votes], **private)

    def votes_export(*asked: str) -> tuple[str, Any]:
        status, path = reviews.export(*asked)
        return status, gr.update(value=path, visible=path is not None)  # no empty file box

    export_votes.click(votes_export, asked_for, [votes_status, votes_file], **private)
    demo.load(reviews.show, asked_for, [votes_status, votes], **private)
