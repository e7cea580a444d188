"""Issue 42's addressee measurement: lines ending in "：" that the 主送 rule takes, before and after, per corpus.

    python docs/experiments/addressees.py [BEFORE_COMMIT]

Reads every line of the bundled notices, the wild corpus and the laws corpus (../shared), and
counts the lines each version of ``ingest.header.is_addressee_line`` takes as an addressee (a line
so taken is kept only as metadata, never searched). BEFORE_COMMIT's version is loaded with
``git show``; the default is the commit before the change.
"""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ingest.header import is_addressee_line  # noqa: E402

CORPORA = {
    "bundled": ROOT / "data" / "notices",
    "wild": ROOT.parent / "shared" / "corpus" / "wild",
    "laws": ROOT.parent / "shared" / "corpus" / "laws",
}


def before(commit: str) -> types.ModuleType:
    """``ingest.header`` as it was at ``commit``."""
    source = subprocess.run(
        ["git", "show", f"{commit}:ingest/header.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    module = types.ModuleType("header_before")
    exec(compile(source, "header_before", "exec"), module.__dict__)
    return module


def main(commit: str = "HEAD~1") -> None:
    """Print, per corpus, the colon-ended lines and how many each rule takes as addressees, with examples."""
    old = before(commit).is_addressee_line
    for name, folder in CORPORA.items():
        colon = took_old = took_new = 0
        examples: list[str] = []
        for path in sorted(folder.rglob("*.txt")):
            for line in (ln.strip() for ln in path.read_text(encoding="utf-8", errors="replace").splitlines()):
                if not line.endswith((":", "：")):
                    continue
                colon += 1
                was, now = old(line), is_addressee_line(line)
                took_old += was
                took_new += now
                if was and not now and len(examples) < 3:
                    examples.append(line[:60])
        print(f"{name}: {colon} lines end in a colon; addressees before {took_old}, now {took_new}")
        for line in examples:
            print(f"    now text: {line}")


if __name__ == "__main__":
    main(*sys.argv[1:])
