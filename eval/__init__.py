"""Recall benchmarks: gold questions, the relevance rule, metrics and reports.

Example:
    >>> from eval import evaluate, load_questions
    >>> from index import Searcher
    >>> report = evaluate(Searcher.open(), load_questions("eval/queries/dev.jsonl"), modes=["bm25"])
    >>> sorted(report["modes"]["bm25"]["summary"])[:3]
    ['abstain_right', 'abstain_wrong', 'answerable']
"""

from eval.metrics import hit_at, ndcg_at, recall_at, rr_at
from eval.relevance import Entry, Question, answered_ranks, load_questions, norm
from eval.runner import evaluate

__all__ = [
    "Entry",
    "Question",
    "answered_ranks",
    "evaluate",
    "hit_at",
    "load_questions",
    "ndcg_at",
    "norm",
    "recall_at",
    "rr_at",
]
