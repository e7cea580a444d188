r"""``python -m eval.passages LAWS OUT``: the laws benchmark as passages (``{"id","text"}``: title line, body).

Passage benchmarks (MSGABench, the competition sets evaluators bring) hand the index short records
whose text is a title line and a piece of the body, often opening with a heading (``第一章 总则``,
``一、``) — a form in which a parser can lose the title, or make a chunk of it alone. This turns
the laws sample (``python -m eval.laws_sample``) and its questions into that form, cut on line
boundaries with no help from the parser: each law's body lines (after its header) are grouped in
reading order into passages of at least :data:`MIN_CHARS` characters (a line is never split), each
passage prefixed with the law's title line. A question's relevant passage is the one holding its
quote; it is judged by passage id alone, as passage benchmarks are.

    python -m eval.laws_sample build/laws300
    python -m eval.passages build/laws300 build/laws-passages
    python -m eval --queries build/laws-passages/queries.jsonl --corpus build/laws-passages/passages.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from eval.relevance import load_questions, norm
from index.paths import ROOT

#: A passage gathers body lines until it holds at least this many characters.
MIN_CHARS = 300
_MD = re.compile(r"^#+\s*")
_INFO_END = "<!-- INFO END -->"


def law_passages(path: Path, min_chars: int = MIN_CHARS) -> list[tuple[str, str]]:
    r"""(passage id, text) of one law file: title line, then groups of whole body lines.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> text = "# 某条例\n通过日期\n<!-- INFO END -->\n## 第一章 总则\n第一条 甲。\n第二条 乙。\n"
    >>> _ = (folder / "某条例.txt").write_text(text, encoding="utf-8")
    >>> law_passages(folder / "某条例.txt", min_chars=8)
    [('某条例-p1', '某条例\n第一章 总则\n第一条 甲。'), ('某条例-p2', '某条例\n第二条 乙。')]
    """
    lines = [_MD.sub("", ln).strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    title = next((ln for ln in lines if ln), path.stem)
    body = lines[lines.index(_INFO_END) + 1 :] if _INFO_END in lines else lines[1:]
    out: list[tuple[str, str]] = []
    group: list[str] = []
    for line in [ln for ln in body if ln]:
        group.append(line)
        if sum(map(len, group)) >= min_chars:
            out.append((f"{path.stem}-p{len(out) + 1}", "\n".join([title, *group])))
            group = []
    if group:
        out.append((f"{path.stem}-p{len(out) + 1}", "\n".join([title, *group])))
    return out


def convert(laws: Path, questions: Path, out: Path, min_chars: int = MIN_CHARS) -> tuple[int, int]:
    """Write ``out/passages.jsonl`` and ``out/queries.jsonl``; return (passages, questions) written.

    A question is kept when its quote lies in exactly one passage of its law (a quote cut by a
    passage boundary, or repeated in two passages, is dropped: a passage judge could not be fair to it).
    """
    passages: dict[str, list[tuple[str, str]]] = {
        f.stem: law_passages(f, min_chars) for f in sorted(laws.glob("*.txt"))
    }
    out.mkdir(parents=True, exist_ok=True)
    with (out / "passages.jsonl").open("w", encoding="utf-8") as handle:
        for records in passages.values():
            for pid, text in records:
                handle.write(json.dumps({"id": pid, "text": text}, ensure_ascii=False) + "\n")
    kept = 0
    with (out / "queries.jsonl").open("w", encoding="utf-8") as handle:
        for question in load_questions(questions):
            relevant = []
            for entry in question.relevant:
                holders = [
                    pid for pid, text in passages.get(entry.doc, []) if entry.quote and norm(entry.quote) in norm(text)
                ]
                if len(holders) == 1:
                    relevant.append({"doc": holders[0]})
            if relevant and len(relevant) == len(question.relevant):
                record = {"id": question.id, "query": question.query, "kind": question.kind, "relevant": relevant}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                kept += 1
    return sum(map(len, passages.values())), kept


def main(argv: list[str] | None = None) -> int:
    """Convert the laws sample and its questions to passage form."""
    parser = argparse.ArgumentParser(prog="python -m eval.passages", description=__doc__.splitlines()[0])
    parser.add_argument("laws", type=Path, help="the laws sample folder (python -m eval.laws_sample)")
    parser.add_argument("out", type=Path, help="folder for passages.jsonl and queries.jsonl")
    parser.add_argument("--questions", type=Path, default=ROOT / "eval" / "queries" / "laws.jsonl")
    parser.add_argument("--min-chars", type=int, default=MIN_CHARS, help="a passage's least length in characters")
    args = parser.parse_args(argv)
    if not args.laws.is_dir():
        print(f"error: {args.laws} is not a folder (make it with python -m eval.laws_sample)", file=sys.stderr)
        return 2
    count, kept = convert(args.laws, args.questions, args.out, args.min_chars)
    print(f"wrote {count} passages and {kept} questions to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
