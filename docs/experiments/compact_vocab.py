"""The compact tokenizer against the full one on every text we have: ids must be equal, the figure is the count.

Run from the project root (≈ 1 min): tokenises the wild notices (whole and by line), MSGABench's
passages and questions (with the e5 prompts) and the lines of 800 regulations both ways.

    .venv/bin/python docs/experiments/compact_vocab.py ../shared
"""

from __future__ import annotations

import glob
import json
import sys
from pathlib import Path

from tokenizers import Tokenizer

from index.encoders.factory import make_embedder

shared = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared")
pair = make_embedder(None, "onnx-int8").session.tokenizer
full = Tokenizer.from_file(str(pair.source))
full.enable_truncation(pair.max_length)
texts: list[str] = []
for name in sorted(glob.glob(str(shared / "corpus/wild/*.txt"))):
    text = Path(name).read_text(encoding="utf-8")
    texts += [text, *text.split("\n")]
with (shared / "bench/msgabench/passages.jsonl").open(encoding="utf-8") as lines:
    texts += ["passage: " + json.loads(line).get("text", "") for line in lines]
with (shared / "bench/msgabench/queries.dev.jsonl").open(encoding="utf-8") as lines:
    texts += ["query: " + json.loads(line)["query"] for line in lines]
for name in sorted(glob.glob(str(shared / "corpus/laws/**/*.txt"), recursive=True))[:800]:
    texts += Path(name).read_text(encoding="utf-8").split("\n")
ours = pair.encode(texts)
theirs = [e.ids for e in full.encode_batch(texts)]
differ = sum(a != b for a, b in zip(ours, theirs, strict=True))
print(f"{len(texts):,} texts, {differ} differ; compact vocabulary {len(pair.ids):,} pieces")
