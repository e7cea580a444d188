"""``python -m eval.ocr``: how much of a scanned notice OCR gives back, and whether it parses to the same items.

Each of N notices of ``../shared/corpus/wild`` is drawn as a scan (:mod:`eval.scans`: 200 dpi,
noise, a tilt of up to a degree, JPEG, page numbers and a scanner watermark), saved as an
image-only PDF and read by ``ingest`` as any PDF is. It reports, per notice and in all:

- **character recall**: the source's characters (spaces left out) found in the OCR text, counted
  as a multiset, and **bigram recall**, the same for adjacent pairs (order within a line counts);
- **items**: the share of the source's items (by section and number) the OCR text parses to;
- **departments**: the share of the source's (item, lead or support department) pairs found.

Example: ``python -m eval.ocr --notices 20 --max-pages 4``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path

from eval.scans import write_pdf
from ingest.api import parse_text
from ingest.model import Notice
from ingest.readers import read_file

WILD = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "wild"


def recall(source: str, got: str, n: int = 1) -> float:
    """The share of ``source``'s character n-grams (spaces left out) that ``got`` has, as multisets.

    Both sides are compared in NFKC form: a full-width "１" and a "1" look alike on paper.

    >>> recall("一、总体要求", "一、总体要来"), recall("１．（一）", "1.(一)")
    (0.8333333333333334, 1.0)
    """
    a, b = ("".join(unicodedata.normalize("NFKC", t).split()) for t in (source, got))
    grams_a = Counter(a[i : i + n] for i in range(len(a) - n + 1))
    grams_b = Counter(b[i : i + n] for i in range(len(b) - n + 1))
    return sum((grams_a & grams_b).values()) / max(1, sum(grams_a.values()))


def duties(notice: Notice) -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
    """A notice's items (section path and number) and its (item, role, department) pairs."""
    items, pairs = set(), set()
    for chunk in notice.chunks:
        if chunk.kind != "item":
            continue
        key = tuple(unicodedata.normalize("NFKC", k) for k in (*chunk.section, chunk.label or ""))  # "１" is "1"
        items.add(key)
        pairs.update((*key, "lead", d) for d in chunk.lead)
        pairs.update((*key, "support", d) for d in chunk.support)
    return items, pairs


def measure(path: Path, folder: Path, max_pages: int, seed: int) -> dict[str, object]:
    """Scan one notice (its first ``max_pages`` pages), read it back, and compare."""
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    kept, chars = [], 0
    for line in lines:  # a page holds ≈ 650 characters; the scan is cut to whole paragraphs
        if chars + len(line) > max_pages * 650 and kept:
            break
        kept.append(line)
        chars += len(line)
    lines = kept
    source = "\n".join(lines)
    scan = write_pdf(lines, folder / f"{path.stem}.pdf", seed)
    started = time.perf_counter()
    text = read_file(scan)[0].text  # as a folder load reads it: the text layer is empty, so every page is OCR'd
    seconds = time.perf_counter() - started
    want_items, want_pairs = duties(parse_text(source, path.stem))
    got_items, got_pairs = duties(parse_text(text, path.stem))
    from pypdf import PdfReader

    return {
        "notice": path.stem,
        "pages": len(PdfReader(str(scan)).pages),
        "seconds": round(seconds, 1),
        "chars": recall(source, text),
        "bigrams": recall(source, text, 2),
        "items": (len(want_items & got_items), len(want_items)),
        "departments": (len(want_pairs & got_pairs), len(want_pairs)),
    }


def main(argv: list[str] | None = None) -> int:
    """Measure OCR on scans of wild notices and print a table (``--json`` for the rows)."""
    parser = argparse.ArgumentParser(prog="python -m eval.ocr", description=__doc__.split("\n")[0])
    parser.add_argument("--notices", type=int, default=20, help="how many notices (default 20)")
    parser.add_argument("--max-pages", type=int, default=4, help="pages of each notice drawn (default 4)")
    parser.add_argument("--corpus", type=Path, default=WILD, help="folder of notices (.txt)")
    parser.add_argument("--json", type=Path, help="write the rows here")
    args = parser.parse_args(argv)
    paths = _with_duties(sorted(args.corpus.glob("*.txt")), args.notices)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for seed, path in enumerate(paths):
            rows.append(measure(path, Path(folder), args.max_pages, seed))
            row = rows[-1]
            items, pairs = row["items"], row["departments"]
            print(
                f"{row['notice']:<26} {row['pages']:>2} pages {row['seconds']:>6}s  "
                f"chars {row['chars']:.3f}  bigrams {row['bigrams']:.3f}  "
                f"items {items[0]}/{items[1]}  departments {pairs[0]}/{pairs[1]}",  # type: ignore[index]
                flush=True,
            )
    items = [sum(r["items"][i] for r in rows) for i in (0, 1)]  # type: ignore[index]
    pairs = [sum(r["departments"][i] for r in rows) for i in (0, 1)]  # type: ignore[index]
    chars = sum(r["chars"] for r in rows) / len(rows)  # type: ignore[misc]
    bigrams = sum(r["bigrams"] for r in rows) / len(rows)  # type: ignore[misc]
    seconds = sum(r["seconds"] for r in rows)  # type: ignore[misc]
    pages = sum(r["pages"] for r in rows)  # type: ignore[misc]
    print(
        f"{len(rows)} notices: character recall {chars:.3f}, bigram recall {bigrams:.3f}, "
        f"items {items[0]}/{items[1]} ({items[0] / max(1, items[1]):.3f}), "
        f"departments {pairs[0]}/{pairs[1]} ({pairs[0] / max(1, pairs[1]):.3f}); {pages} pages in {seconds:.0f} s "
        f"({seconds / max(1, pages):.1f} s a page)"
    )
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def _with_duties(paths: list[Path], count: int) -> list[Path]:
    """``count`` notices whose text has an item led by a department, evenly spread over those that have one."""
    led = [p for p in paths if any(c.lead for c in parse_text(p.read_text(encoding="utf-8"), p.stem).chunks)]
    step = max(1, len(led) // max(1, count))
    return led[::step][:count]


if __name__ == "__main__":
    sys.exit(main())
