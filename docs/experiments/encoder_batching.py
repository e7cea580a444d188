"""How much can batching speed up query encoding on this machine (issue 3's closing note)?

    python docs/experiments/encoder_batching.py

Times the raw BertModel forward pass of the converted e5-small on MSGABench questions at batch
sizes 1, 8 and 32 (real tokenisation, so padding is included), then sentence-transformers'
encode with torch's default threads, one thread, and torch's dynamic int8 quantisation, with
the smallest cosine between int8 and fp32 vectors.
"""

from __future__ import annotations

import time

import numpy as np
import torch

from eval.relevance import load_questions
from index.encoders.sentence import SentenceTransformerEmbedder

QUESTIONS = "../shared/bench/msgabench/queries.dev.jsonl"


def main() -> None:
    """Print the timings."""
    questions = [q.query for q in load_questions(QUESTIONS)][:400]
    embedder = SentenceTransformerEmbedder()
    bert = embedder.model[0].auto_model
    embedder.encode(questions[:32], query=True)
    for size in (1, 8, 32):
        features = embedder.model.tokenize(["query: " + q for q in questions[:size]])
        with torch.inference_mode():
            started = time.perf_counter()
            for _ in range(3):
                bert(input_ids=features["input_ids"], attention_mask=features["attention_mask"])
        per = (time.perf_counter() - started) / 3 / size * 1000
        print(f"forward pass, batch {size:2d} ({features['input_ids'].shape[1]} tokens): {per:.2f} ms per question")

    def encode_timings(tag: str) -> np.ndarray:
        embedder.query_batch_size = 8
        started = time.perf_counter()
        vectors = embedder.encode(questions, query=True)
        batched = (time.perf_counter() - started) / len(questions) * 1000
        started = time.perf_counter()
        for question in questions[:150]:
            embedder.encode([question], query=True)
        single = (time.perf_counter() - started) / 150 * 1000
        print(f"{tag}: batches of 8 {batched:.2f} ms per question, single {single:.2f} ms")
        return vectors

    fp32 = encode_timings(f"fp32, {torch.get_num_threads()} threads")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    encode_timings("fp32, 1 thread")
    torch.set_num_threads(threads)
    embedder.model = torch.ao.quantization.quantize_dynamic(embedder.model, {torch.nn.Linear}, dtype=torch.qint8)
    int8 = encode_timings(f"int8 dynamic, {threads} threads")
    print(f"cosine int8 vs fp32: min {float(np.min(np.sum(fp32 * int8, 1))):.3f}")


if __name__ == "__main__":
    main()
