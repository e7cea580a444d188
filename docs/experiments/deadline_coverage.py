"""How many items whose text states a time limit carry a deadline (docs/ingestion.md, "Deadlines").

An item counts when its text holds X月底前 / X月X日前, 年底前, 年内完成, 上半年/下半年 or 每季度.
Run from the project root:

    .venv/bin/python docs/experiments/deadline_coverage.py data/notices ../shared/corpus/wild
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ingest import load_notices

PHRASE = re.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,2})月(底|末|\d{1,2}日)?前|年底前|年内完成|上半年|下半年|每季度")

if __name__ == "__main__":
    items = [c for n in load_notices(sys.argv[1:]) for c in n.chunks if c.kind == "item" and PHRASE.search(c.text)]
    read = [c for c in items if c.deadline]
    print(f"{len(read)} of {len(items)} items with a time phrase carry a deadline")
    for chunk in items:
        if not chunk.deadline:
            print("  without:", chunk.id, chunk.text[:80])
