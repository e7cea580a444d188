r"""``python -m eval.harness.corrupt``: damage every file of an index in every way and say what opening it does.

Each file of the index × (truncate to half, zero every byte, flip 4 bytes a third of the way in,
delete) is tried on a fresh copy: the copy is opened and asked the questions. Each case ends in
one of five outcomes:

- ``refused``: a domain error (``IndexMismatchError``/``IndexNotFoundError``) naming the file and
  ``python -m index repair`` — what the tool promises;
- ``refused-vague``: a domain error that does not name the file or the repair command;
- ``same``: opened and answered exactly as the undamaged index (the damage changed nothing that
  is read, e.g. an empty file zeroed);
- ``different``: opened and answered differently — a silent wrong answer, the worst outcome;
- ``crash``: any other exception (a raw traceback for the user).

Example (docs/reliability.md)::

    python -m eval.harness.corrupt --index build/index --out build/corrupt
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from index import IndexMismatchError, IndexNotFoundError, Searcher

#: The ways a file is damaged.
DAMAGES = ("truncate", "zero", "flip", "delete")
#: Questions asked of the bundled notices (any questions work: answers are compared, not judged).
QUESTIONS = ("哪些部门负责12345热线", "企业开办时限", "秦政通", "好差评机制", "审批人员培训", "周末不打烊")


@dataclass(frozen=True)
class Case:
    """One damaged file and what opening the index then did."""

    file: str
    damage: str
    outcome: str
    detail: str


def damage(path: Path, how: str) -> None:
    """Damage one file: ``truncate`` (to half), ``zero`` (every byte), ``flip`` (4 bytes) or ``delete``."""
    data = bytearray(path.read_bytes())
    if how == "truncate":
        path.write_bytes(bytes(data[: len(data) // 2]))
    elif how == "zero":
        path.write_bytes(bytes(len(data)))
    elif how == "flip":
        for at in range(len(data) // 3, min(len(data), len(data) // 3 + 4)):
            data[at] ^= 0xFF
        path.write_bytes(bytes(data))
    elif how == "delete":
        path.unlink()
    else:
        raise ValueError(f"unknown damage {how!r}; choose one of {', '.join(DAMAGES)}")


def answers(searcher: Searcher, questions: Sequence[str]) -> list[list[tuple[str, float]]]:
    """Each question's top 5 chunk ids and scores (rounded: what a user would see change)."""
    return [[(h.id, round(h.score, 4)) for h in hits] for hits in searcher.search_batch(list(questions), k=5)]


def sweep(
    index: Path,
    open_index: Callable[[Path], Searcher],
    questions: Sequence[str] = QUESTIONS,
    work: Path | None = None,
    damages: Sequence[str] = DAMAGES,
) -> list[Case]:
    """Every file of ``index`` × every damage, each on a fresh copy under ``work``; the cases in order."""
    expected = answers(open_index(index), questions)
    files = sorted(p.relative_to(index) for p in index.rglob("*") if p.is_file())
    cases = []
    with tempfile.TemporaryDirectory(dir=work) as scratch:
        for name in files:
            for how in damages:
                copy = Path(scratch) / "index"
                shutil.copytree(index, copy)
                empty = (copy / name).stat().st_size == 0
                damage(copy / name, how)
                case = _case(copy, name, how, open_index, questions, expected)
                if empty and case.outcome == "same":
                    case = Case(case.file, how, "same", "an empty file: the damage changes no byte")
                cases.append(case)
                shutil.rmtree(copy)
    return cases


def _case(
    copy: Path,
    name: Path,
    how: str,
    open_index: Callable[[Path], Searcher],
    questions: Sequence[str],
    expected: list[list[tuple[str, float]]],
) -> Case:
    try:
        got = answers(open_index(copy), questions)
    except (IndexMismatchError, IndexNotFoundError) as exc:
        message = str(exc)
        named = name.name in message or (isinstance(exc, IndexNotFoundError) and name.name == "manifest.json")
        advised = "python -m index repair" in message or "python -m index build" in message
        return Case(name.as_posix(), how, "refused" if named and advised else "refused-vague", message[:300])
    except Exception as exc:  # what the sweep is looking for: anything but a domain error
        return Case(name.as_posix(), how, "crash", f"{type(exc).__name__}: {exc}"[:300])
    return Case(name.as_posix(), how, "same" if got == expected else "different", "")


def summary(cases: Sequence[Case]) -> dict[str, int]:
    """How many cases ended in each outcome."""
    counts = Counter(c.outcome for c in cases)
    return {o: counts.get(o, 0) for o in ("refused", "refused-vague", "same", "different", "crash")}


def main(argv: list[str] | None = None) -> int:
    """Run the sweep on an index; exit 1 if any case answered differently or crashed."""
    parser = argparse.ArgumentParser(prog="python -m eval.harness.corrupt", description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="a local index directory (left untouched)")
    parser.add_argument("--out", type=Path, default=Path("build/corrupt"))
    args = parser.parse_args(argv)
    started = time.time()
    first = Searcher.open(args.index, build_if_missing=False)
    cases = sweep(args.index, lambda p: Searcher.open(p, embedder=first.embedder, build_if_missing=False))
    counts = summary(cases)
    args.out.mkdir(parents=True, exist_ok=True)
    seconds = round(time.time() - started)
    record = {"index": str(args.index), "cases": len(cases), "outcomes": counts, "seconds": seconds}
    (args.out / "corrupt.json").write_text(
        json.dumps({**record, "details": [asdict(c) for c in cases]}, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    print(json.dumps(record, ensure_ascii=False))
    for case in cases:
        if case.outcome in ("different", "crash", "refused-vague"):
            print(f"{case.outcome}: {case.file} {case.damage}: {case.detail}", file=sys.stderr)
    return 1 if counts["different"] or counts["crash"] else 0


if __name__ == "__main__":
    sys.exit(main())
