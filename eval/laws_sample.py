"""``python -m eval.laws_sample OUT``: the laws benchmark corpus, as links in a folder OUT.

Every law that ``eval/queries/laws.jsonl`` names, plus distractors drawn with a fixed seed from
``../shared/corpus/laws``, 300 files in all (docs/evaluation.md). Then:
``python -m eval --queries eval/queries/laws.jsonl --corpus OUT``.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from eval.relevance import load_questions
from index.paths import ROOT

SIZE = 300
SEED = 7


def sample(laws: Path, questions: Path, size: int = SIZE, seed: int = SEED) -> list[Path]:
    """The named laws, then seeded distractors up to ``size`` files.

    Raises:
        FileNotFoundError: naming the laws a question points to that are not in ``laws``.
    """
    files = sorted(laws.rglob("*.txt"))
    wanted = {e.doc for q in load_questions(questions) for e in q.relevant}
    named = [f for f in files if f.stem in wanted]
    missing = wanted - {f.stem for f in named}
    if missing:
        raise FileNotFoundError(f"{laws}: no file for {sorted(missing)[:3]} …")
    rest = [f for f in files if f.stem not in wanted]
    return named + random.Random(seed).sample(rest, max(0, size - len(named)))


def main(argv: list[str] | None = None) -> int:
    """Write the links; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m eval.laws_sample", description=__doc__)
    parser.add_argument("out", type=Path, help="folder for the links (created)")
    parser.add_argument("--laws", type=Path, default=ROOT.parent / "shared" / "corpus" / "laws")
    parser.add_argument("--queries", type=Path, default=ROOT / "eval" / "queries" / "laws.jsonl")
    args = parser.parse_args(argv)
    try:
        files = sample(args.laws, args.queries)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for path in files:
        link = args.out / path.name
        link.unlink(missing_ok=True)
        link.symlink_to(path.resolve())
    print(f"linked {len(files)} laws into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
