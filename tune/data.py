"""Training pairs for ``python -m tune``: gold questions and staff feedback, checked, merged and split.

A :class:`Pair` is a question with the chunk ids that answer it (positives) and chunk ids
known not to (negatives: the citations of a 👎, the citations shown above a picked clause).

- :func:`gold_pairs` reads the gold format ``python -m eval`` reads (``eval.relevance``): each
  answerable question's positives are the chunks that answer one of its entries.
- :func:`feedback_pairs` reads the chat's feedback log (``web.feedback``): a 👍 makes the top
  citation a positive, a pick makes the named clause a positive and the citations above it
  negatives, a 👎 makes the shown citations negatives; votes on one answer are merged.
- :func:`split` keeps every group of questions that share a relevant chunk on one side, so no
  validation question shares a relevant clause with a training one.

Bad input is refused with :class:`TuneDataError` naming the file, line or question: an empty
file, a doc id or chunk id the index does not hold, a quote no chunk contains, a repeated
question id, a feedback line without chunk ids.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest import Chunk

#: How many problems an error lists before "…".
SHOWN = 5


class TuneDataError(ValueError):
    """Training data that cannot be used; the message names the file and the lines or questions."""


@dataclass(frozen=True)
class Pair:
    """A question, the chunks that answer it and the chunks known not to.

    Attributes:
        id: The gold question's id, or the feedback answer's id.
        question: The question as asked.
        positives: Chunk ids that answer it (at least one).
        negatives: Chunk ids known not to answer it.
        source: "gold" or "feedback".
    """

    id: str
    question: str
    positives: tuple[str, ...]
    negatives: tuple[str, ...] = ()
    source: str = "gold"


def _listed(problems: Sequence[str]) -> str:
    return "; ".join(problems[:SHOWN]) + (f"; … ({len(problems)} in all)" if len(problems) > SHOWN else "")


def gold_pairs(
    path: str | Path, chunks: Sequence[Chunk], *, skip_unknown: bool = False
) -> tuple[list[Pair], list[str]]:
    """The answerable gold questions of a file as pairs over these chunks (unanswerable ones are left out).

    Questions asked twice with the same words become one pair (answered by either's chunks).
    With ``skip_unknown``, entries whose doc id is not among the chunks are skipped instead of
    refused (e.g. a passage with no text, which no index holds); the second value lists them.

    Raises:
        TuneDataError: for an empty or malformed file, a repeated id, a doc id not among the
            chunks (unless skipped), or an entry no chunk answers.
    """
    from eval.relevance import load_questions, norm

    try:
        questions = load_questions(path)
    except (OSError, ValueError) as exc:
        raise TuneDataError(str(exc)) from exc
    if not questions:
        raise TuneDataError(f"{path}: no questions (an empty file?)")
    seen: dict[str, int] = defaultdict(int)
    for question in questions:
        seen[question.id] += 1
    repeated = sorted(qid for qid, n in seen.items() if n > 1)
    if repeated:
        raise TuneDataError(f"{path}: question ids used more than once: {_listed(repeated)}")
    docs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for chunk in chunks:
        docs[chunk.doc_id].append((chunk.id, norm(chunk.text)))
    unknown, unanswered = [], []
    merged: dict[str, tuple[str, list[str]]] = {}
    for question in questions:
        positives: list[str] = []
        for entry in question.relevant:
            if entry.doc not in docs:
                unknown.append(f"{question.id}: {entry.doc}")
                continue
            found = [cid for cid, text in docs[entry.doc] if entry.answered_by(entry.doc, text)]
            if not found:
                unanswered.append(f"{question.id}: {entry.doc} {entry.quote!r}")
            positives += found
        if positives:
            key = norm(question.query)
            first, earlier = merged.get(key, (question.id, []))
            merged[key] = (first, list(dict.fromkeys(earlier + positives)))
    if unknown and not skip_unknown:
        raise TuneDataError(f"{path}: doc ids not in the index: {_listed(unknown)} (skip them with --skip-unknown)")
    if unanswered:
        raise TuneDataError(f"{path}: entries no chunk of their notice answers: {_listed(unanswered)}")
    if not merged:
        raise TuneDataError(f"{path}: no answerable question (every 'relevant' is empty)")
    texts = {norm(q.query): q.query for q in questions}
    return [Pair(qid, texts[key], tuple(positives)) for key, (qid, positives) in merged.items()], unknown


def feedback_pairs(path: str | Path, chunk_ids: Iterable[str]) -> tuple[list[Pair], int]:
    """The feedback log's votes as pairs, merged per answer; and how many votes name chunks no longer held.

    A vote that names a chunk the index no longer holds (the notice was replaced or removed
    since) is skipped and counted. Answers with only 👎 give no pair (no positive).

    Raises:
        TuneDataError: for a line that is not a vote (not JSON, no question, no or empty
            ``chunk_ids``, an unknown vote, a pick without ``right``), naming its line.
    """
    held = set(chunk_ids)
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise TuneDataError(f"{path}: cannot read the feedback log ({exc.strerror})") from exc
    answers: dict[str, dict[str, Any]] = {}
    problems, stale = [], 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            vote = json.loads(line)
            shown = vote["chunk_ids"]
            kind = vote["vote"]
            question = str(vote["question"]).strip()
            if not isinstance(shown, list) or not shown or not question:
                raise ValueError("no chunk ids" if not shown else "no question")
            if kind not in ("up", "down", "pick") or (kind == "pick" and not vote.get("right")):
                raise ValueError(f"vote {kind!r}")
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            problems.append(f"line {number} ({exc})")
            continue
        named = [str(c) for c in shown] + ([str(vote["right"])] if kind == "pick" else [])
        if not set(named) <= held:
            stale += 1
            continue
        answer = answers.setdefault(str(vote.get("answer_id") or f"line-{number}"), {"question": question})
        # one vote per answer and kind: a later 👍/👎 replaces an earlier one, a later pick an earlier pick
        answer["pick" if kind == "pick" else "thumb"] = (kind, [str(c) for c in shown], str(vote.get("right") or ""))
    if problems:
        raise TuneDataError(f"{path}: lines that are not votes: {_listed(problems)}")
    if not lines or not any(line.strip() for line in lines):
        raise TuneDataError(f"{path}: no votes (an empty file?)")
    pairs = []
    for answer_id, answer in answers.items():
        pos, neg = _judged([v for k, v in answer.items() if k != "question"])
        positives = tuple(dict.fromkeys(pos))
        negatives = tuple(c for c in dict.fromkeys(neg) if c not in positives)
        if positives:
            pairs.append(Pair(answer_id, str(answer["question"]), positives, negatives, "feedback"))
    return pairs, stale


def _judged(votes: list[Any]) -> tuple[list[str], list[str]]:
    """Positive and negative chunk ids from an answer's last 👍/👎 and last pick."""
    pos: list[str] = []
    neg: list[str] = []
    for kind, shown, right in votes:
        if kind == "up":
            pos.append(shown[0])
        elif kind == "down":
            neg.extend(shown)
        else:
            pos.append(right)
            neg.extend(shown[: shown.index(right)] if right in shown else shown)
    return pos, neg


def split(pairs: Sequence[Pair], validation: float = 0.2, seed: int = 13) -> tuple[list[Pair], list[Pair]]:
    """(train, validation): whole groups of pairs that share a positive chunk go to one side.

    Groups are shuffled with ``seed`` and moved to validation until it holds at least
    ``validation`` of the pairs; the order inside each side is the input order.

    Raises:
        TuneDataError: when the pairs cannot be split (fewer than two groups).
    """
    parent = list(range(len(pairs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, pair in enumerate(pairs):
        for chunk_id in pair.positives:
            if chunk_id in owner:
                parent[root(i)] = root(owner[chunk_id])
            else:
                owner[chunk_id] = i
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(pairs)):
        groups[root(i)].append(i)
    if len(groups) < 2:
        raise TuneDataError(f"{len(pairs)} pairs in {len(groups)} group(s) of shared clauses: nothing to validate on")
    order = sorted(groups)
    random.Random(seed).shuffle(order)
    held_out: set[int] = set()
    want = max(1, round(validation * len(pairs)))
    for key in order:
        if len(held_out) >= want or len(held_out) + len(groups[key]) >= len(pairs):
            break
        held_out.update(groups[key])
    train = [p for i, p in enumerate(pairs) if i not in held_out]
    return train, [p for i, p in enumerate(pairs) if i in held_out]
