"""The rerank stage: reordering the top fused candidates, and an index that records its reranker and model."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from index import Searcher
from index.encoders.sentence import SentenceTransformerEmbedder
from index.errors import IndexMismatchError
from index.rerank import Reranker, rerank
from tests.conftest import NOTICE_A, NOTICE_B
from tests.fakes import KeywordEmbedder
from tests.tinymodels import tiny_cross_encoder, tiny_encoder


class WordScorer:
    """Relevance 0.9 for passages holding ``word``, 0.1 for the others; counts its calls."""

    depth = 3

    def __init__(self, word: str) -> None:
        self.word = word
        self.seen: list[int] = []

    def score(self, question: str, passages: Sequence[str]) -> np.ndarray:
        self.seen.append(len(passages))
        return np.array([0.9 if self.word in p else 0.1 for p in passages], dtype=np.float32)


def test_rerank_reorders_the_head_and_keeps_the_tail_below_it_in_order() -> None:
    candidates = [("a", 0.9), ("b", 0.8), ("c", 0.7), ("d", 0.6), ("e", 0.5)]
    texts = {"a": "甲", "b": "乙 周末", "c": "丙", "d": "丁 周末", "e": "戊"}
    out = rerank(WordScorer("周末"), "q", candidates, texts, depth=3)
    assert [k for k, _ in out] == ["b", "a", "c", "d", "e"]  # d holds the word but is below the depth
    scores = [s for _, s in out]
    assert scores == sorted(scores, reverse=True) and scores[0] == pytest.approx(0.9)
    assert max(scores[3:]) < min(scores[:3])
    assert rerank(WordScorer("x"), "q", [], texts, depth=3) == []


def test_the_fused_modes_rerank_and_the_single_retrievers_stay_pure(backend: Searcher) -> None:
    question = "企业开办时限"
    before = {mode: [h.id for h in backend.search(question, k=4, mode=mode)] for mode in ("convex", "dense", "bm25")}
    weekend = next(cid for cid in before["convex"] if "(二)" in cid and cid.startswith("b#"))  # 周末不打烊
    place = before["convex"].index(weekend)
    assert place > 0
    scorer = WordScorer("周末")
    scorer.depth = place + 1
    backend.reranker = scorer
    (result,) = backend.run([question], k=4, mode="convex")
    assert result.hits[0].id == weekend and "rerank" in result.timings
    assert scorer.seen == [place + 1]
    scorer.depth = place  # just outside the depth: the order stays
    assert [h.id for h in backend.search(question, k=4, mode="convex")] == before["convex"]
    for mode in ("dense", "bm25"):
        assert [h.id for h in backend.search(question, k=4, mode=mode)] == before[mode]
    assert scorer.seen == [place + 1, place]


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[Path, Path]:
    texts = [NOTICE_A, NOTICE_B, "企业开办时限 热线"]
    return tiny_encoder(tmp_path / "enc", texts), tiny_cross_encoder(tmp_path / "ce", texts)


def test_an_index_records_its_model_and_reranker_and_opens_with_them(
    tiny: tuple[Path, Path], corpus: Path, tmp_path: Path
) -> None:
    encoder, cross = tiny
    folder = tmp_path / "index"
    built = Searcher.build(
        corpus, folder, embedder=SentenceTransformerEmbedder(encoder), reranker=Reranker(cross, depth=4),
        cache_dir=tmp_path / "cache",
    )  # fmt: skip
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"]["path"] == str(encoder.resolve())
    assert manifest["settings"]["reranker"] == {
        "path": str(cross.resolve()), "fingerprint": Reranker(cross).fingerprint, "depth": 4,
    }  # fmt: skip

    opened = Searcher.open(folder, cache_dir=tmp_path / "cache")  # no model named: the recorded ones
    assert opened.embedder.fingerprint == built.embedder.fingerprint
    assert isinstance(opened.reranker, Reranker) and opened.rerank_depth == 4
    (result,) = opened.run(["企业开办时限"], k=3, mode="convex")
    assert "rerank" in result.timings
    assert [h.id for h in result.hits] == [h.id for h in built.search("企业开办时限", k=3, mode="convex")]
    assert opened.remove(["b"]).reranker is opened.reranker  # an update keeps the rerank stage

    moved = tmp_path / "ce-moved"
    shutil.move(str(cross), str(moved))
    with pytest.raises(IndexMismatchError, match="reranks with the model in .*not there"):
        Searcher.open(folder, cache_dir=tmp_path / "cache")
    tiny_cross_encoder(cross, [NOTICE_A, "别的字"], seed=1)  # other weights under the recorded name
    with pytest.raises(IndexMismatchError, match="now holds other weights"):
        Searcher.open(folder, cache_dir=tmp_path / "cache")
    shutil.rmtree(encoder)
    with pytest.raises(IndexMismatchError, match="built with the model in .*not there any more"):
        Searcher.open(folder, cache_dir=tmp_path / "cache")


def test_an_index_of_the_bundled_model_records_no_folder(corpus: Path, tmp_path: Path) -> None:
    Searcher.build(corpus, tmp_path / "index", embedder=KeywordEmbedder(), cache_dir=tmp_path / "cache")
    manifest = json.loads((tmp_path / "index" / "manifest.json").read_text(encoding="utf-8"))
    assert "path" not in manifest["model"] and "reranker" not in manifest["settings"]


def test_a_bad_reranker_folder_or_depth_is_refused(tmp_path: Path, tiny: tuple[Path, Path]) -> None:
    with pytest.raises(FileNotFoundError, match="not a cross-encoder folder"):
        Reranker(tmp_path)
    with pytest.raises(ValueError, match="depth must be at least 1"):
        Reranker(tiny[1], depth=0)
