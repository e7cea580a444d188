r"""BEIR/MTEB-layout benchmarks: read one for ``python -m eval --beir DIR``; write one from a gold set.

The layout (BEIR's ``GenericDataLoader``, MTEB's retrieval tasks)::

    DIR/corpus.jsonl      {"_id": "p1", "title": "…", "text": "…"}       one passage a line
    DIR/queries.jsonl     {"_id": "q1", "text": "…"}                     one question a line
    DIR/qrels/test.tsv    query-id <TAB> corpus-id <TAB> score           header line, graded scores

Scoring is passage-level: any chunk of a relevant passage answers it, one chunk per passage is
ranked, and nDCG uses the scores as gains. As in BEIR, only the queries named in the split's qrels
are asked; a score of 0 or less is a judged non-relevant passage; a query judged with no relevant
passage at all is an unanswerable question here (the abstention rates count it).

``python -m eval.beir QUERIES CORPUS OUT`` writes a passage-level gold set (e.g. MSGABench) in
this layout; ``python -m eval --beir OUT`` then measures the same figures as the gold-format run::

    python -m eval.beir ../shared/bench/msgabench/queries.dev.jsonl \
        ../shared/bench/msgabench/passages.jsonl build/beir-msga
    python -m eval --beir build/beir-msga
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from eval.relevance import Entry, Question, load_questions
from eval.runs import read_qrels

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BeirSet:
    """A BEIR folder read: its corpus file and the questions of one split."""

    corpus: Path
    questions: list[Question]
    missing_passages: int = 0


def _records(path: Path) -> Iterable[tuple[int, dict]]:
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not a JSON object ({exc})") from exc
            if not isinstance(record, dict) or "_id" not in record:
                raise ValueError(f"{path}:{number}: a BEIR record needs an '_id'")
            yield number, record


def load_beir(folder: str | Path, split: str = "test") -> BeirSet:
    """Read ``folder``'s queries and ``qrels/<split>.tsv`` into questions with graded entries.

    Raises:
        ValueError: naming the missing file, the malformed line, or a qrels query id with no query.
    """
    folder = Path(folder)
    corpus, queries, qrels_path = folder / "corpus.jsonl", folder / "queries.jsonl", folder / "qrels" / f"{split}.tsv"
    for need in (corpus, queries, qrels_path):
        if not need.is_file():
            raise ValueError(f"{folder}: no {need.relative_to(folder)} (a BEIR folder holds corpus.jsonl, "
                             f"queries.jsonl and qrels/<split>.tsv)")  # fmt: skip
    texts: dict[str, tuple[str, str]] = {}
    for number, record in _records(queries):
        if not isinstance(record.get("text"), str):
            raise ValueError(f"{queries}:{number}: a query needs a string 'text'")
        metadata = record.get("metadata") if isinstance(record.get("metadata"), dict) else {}
        texts[str(record["_id"])] = (record["text"], str(metadata.get("kind", "")))
    qrels = read_qrels(qrels_path)
    unknown = [qid for qid in qrels if qid not in texts]
    if unknown:
        raise ValueError(f"{qrels_path}: {len(unknown)} query ids not in {queries.name}, e.g. {unknown[:3]}")
    passages = {str(record["_id"]) for _, record in _records(corpus)}
    missing = sum(1 for docs in qrels.values() for doc, grade in docs.items() if grade > 0 and doc not in passages)
    if missing:
        logger.warning("%s: %d relevant passages are not in %s; they count as never found", qrels_path, missing,
                       corpus.name)  # fmt: skip
    questions = []
    for qid, docs in qrels.items():
        entries = [Entry(doc, None, grade) for doc, grade in docs.items() if grade > 0]
        questions.append(Question(qid, texts[qid][0], texts[qid][1], entries))
    return BeirSet(corpus, questions, missing)


def write_beir(questions: Iterable[Question], corpus: Path, out: Path, split: str = "test") -> tuple[int, int]:
    """Write a passage-level gold set (``{"id","text","title"?}`` corpus) in the BEIR layout.

    Returns (passages, queries) written.

    Raises:
        ValueError: if an entry carries a quote (BEIR judges whole passages; a quote cannot be said).
    """
    questions = list(questions)
    quoted = [q.id for q in questions if any(e.quote for e in q.relevant)]
    if quoted:
        raise ValueError(f"{len(quoted)} questions judge by quote (e.g. {quoted[:3]}); the BEIR layout judges "
                         "whole passages: convert a passage-level set (python -m eval.passages makes one)")  # fmt: skip
    (out / "qrels").mkdir(parents=True, exist_ok=True)
    passages = 0
    with corpus.open(encoding="utf-8-sig") as source, (out / "corpus.jsonl").open("w", encoding="utf-8") as sink:
        for line in source:
            if not line.strip():
                continue
            record = json.loads(line)
            title = record.get("title") if isinstance(record.get("title"), str) else ""
            sink.write(json.dumps({"_id": str(record["id"]), "title": title, "text": record["text"]},
                                  ensure_ascii=False) + "\n")  # fmt: skip
            passages += 1
    with (out / "queries.jsonl").open("w", encoding="utf-8") as handle:
        for q in questions:
            record = {"_id": q.id, "text": q.query, "metadata": {"kind": q.kind} if q.kind else {}}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    with (out / "qrels" / f"{split}.tsv").open("w", encoding="utf-8") as handle:
        handle.write("query-id\tcorpus-id\tscore\n")
        for q in questions:
            # an unanswerable question is said by a judged non-relevant passage: a score of 0
            rows = [(e.doc, e.grade) for e in q.relevant] or [("-", 0)]
            handle.writelines(f"{q.id}\t{doc}\t{grade}\n" for doc, grade in rows)
    return passages, len(questions)


def main(argv: list[str] | None = None) -> int:
    """Convert a passage-level gold set (questions + passages.jsonl) into a BEIR folder."""
    parser = argparse.ArgumentParser(prog="python -m eval.beir", description=main.__doc__)
    parser.add_argument("queries", type=Path, help="gold questions (JSON Lines; entries name passages, no quotes)")
    parser.add_argument("corpus", type=Path, help='the passages, {"id", "text", "title"?} a line')
    parser.add_argument("out", type=Path, help="the BEIR folder to write")
    parser.add_argument("--split", default="test", help="the qrels file's name (default: test)")
    args = parser.parse_args(argv)
    try:
        passages, queries = write_beir(load_questions(args.queries), args.corpus, args.out, args.split)
    except (ValueError, OSError, KeyError, json.JSONDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {passages} passages, {queries} queries and qrels/{args.split}.tsv to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
