"""``python -m tune``: a whole run on a tiny model (fast) and on the bundled model (``model``).

The fast tests train a tiny random BERT for real on the dev questions and a feedback log the
test writes; the refusal of a worse model is checked with the bundled model as the base.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

import tune.card
from index import Searcher, SentenceTransformerEmbedder
from index.__main__ import main
from index.encoders.base import weights_fingerprint
from tests.conftest import NOTICE_A, NOTICE_B, NOTICES, ROOT
from tests.fakes import KeywordEmbedder
from tests.tinymodels import tiny_cross_encoder, tiny_encoder
from tune.__main__ import main as tune_main
from web.feedback import FeedbackLog

DEV = ROOT / "eval" / "queries" / "dev.jsonl"
FAST = ["--epochs", "1", "--batch-size", "8", "--negatives", "1", "--max-seq-length", "64", "--save-steps", "2"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    texts = [p.read_text(encoding="utf-8") for p in NOTICES.iterdir()] + [DEV.read_text(encoding="utf-8")]
    return tiny_encoder(tmp_path_factory.mktemp("tiny") / "enc", texts)


def _feedback(path: Path) -> Path:
    """Votes on answers of the bundled notices: a 👍, a pick, a 👎 and a vote on a clause no longer held."""
    searcher = Searcher.build(NOTICES, None, embedder=KeywordEmbedder())
    ids = [c.id for c in searcher.all_chunks()]
    log = FeedbackLog(path)
    log.record("热线由谁牵头", ids[:3], "up", answer_id="a1")
    log.record("数据共享怎么做", ids[3:6], "pick", answer_id="a2", right=ids[5])
    log.record("明天放假吗", ids[6:9], "down", answer_id="a3")
    log.record("旧通知", ["gone#1/2"], "up", answer_id="a4")
    return path


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = tune_main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_tune_trains_writes_a_model_with_its_card_and_an_index_uses_it(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tuned"
    feedback = _feedback(tmp_path / "feedback.jsonl")
    args = ["--queries", str(DEV), "--corpus", str(NOTICES), "--feedback", str(feedback), "--out", str(out)]
    code, printed, err = _run([*args, "--model", str(tiny), *FAST, "--force"], capsys)
    assert code == 0, err
    assert "validation (" in printed and "MRR@10" in printed
    record = json.loads((out / "tune.json").read_text(encoding="utf-8"))
    data = record["data"]
    assert data["feedback"]["stale_votes"] == 1 and data["feedback"]["sha256"]
    assert data["pairs"] == data["split"]["train"] + data["split"]["validation"] == 50 + 2  # 50 gold + 👍 + pick
    assert record["base"]["fingerprint"] == weights_fingerprint(tiny)
    assert record["plan"]["settings"]["freeze_embeddings"] is True
    for name in ("before", "after"):
        assert 0 <= record["metrics"][name]["mrr@10"] <= 1 and record["metrics"][name]["questions"] > 0
    card = (out / "README.md").read_text(encoding="utf-8")
    assert weights_fingerprint(tiny) in card and "| tuned |" in card and data["queries"]["sha256"] in card
    validation = [
        json.loads(line)["id"] for line in (out / "validation.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert set(validation) <= set(data["split"]["validation_ids"]) and validation
    assert not Path(f"{out}.work").exists()  # checkpoints are removed once the model is written
    tuned = SentenceTransformerEmbedder(out)
    assert tuned.fingerprint != weights_fingerprint(tiny) and tuned.model.max_seq_length == 128  # served as the base

    index = tmp_path / "index"
    assert main(["build", str(NOTICES), "--index", str(index), "--model", str(out)]) == 0
    capsys.readouterr()
    assert main(["search", "哪些部门负责12345热线", "--index", str(index), "--json"]) == 0  # the recorded model
    answer = json.loads(capsys.readouterr().out)
    assert answer["hits"]
    assert Searcher.open(index).embedder.fingerprint == tuned.fingerprint

    code, _, err = _run([*args, "--model", str(tiny), *FAST], capsys)
    assert code == 2 and "is not empty" in err  # a tuned model is never overwritten


def test_an_interrupted_run_resumes_from_its_checkpoints(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    out = tmp_path / "tuned"
    args = ["--queries", str(DEV), "--corpus", str(NOTICES), "--out", str(out), "--model", str(tiny), *FAST]

    def crash(folder: Path, record: dict) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tune.card, "write_card", crash)
    with pytest.raises(OSError, match="No space left"):
        tune_main([*args, "--force"])
    work = Path(f"{out}.work")
    assert sorted(p.name for p in (work / "encoder").glob("checkpoint-*")) and not out.exists()
    monkeypatch.undo()

    code, _, err = _run([*args, "--seed", "14", "--force"], capsys)
    assert code == 2 and "another tuning plan" in err and "--restart" in err
    with caplog.at_level(logging.INFO, logger="tune.run"):
        code, _, err = _run([*args, "--force"], capsys)
    assert code == 0, err
    assert any("resuming from" in r.getMessage() for r in caplog.records)
    assert (out / "model.safetensors").is_file()


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], "no questions"),
        ([{"id": "q1", "query": "热线", "relevant": [{"doc": "no-such-notice"}]}], "doc ids not in the index"),
        (
            [
                {"id": "q1", "query": "热线", "relevant": [{"doc": "no-such-notice"}]},
                {"id": "q1", "query": "数据", "relevant": [{"doc": "no-such-notice"}]},
            ],
            "used more than once: q1",
        ),
    ],
    ids=["empty", "unknown-doc", "repeated-id"],
)
def test_bad_questions_are_refused_naming_the_problem(
    lines: list[dict], message: str, tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    queries = tmp_path / "q.jsonl"
    queries.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    out = tmp_path / "tuned"
    code, _, err = _run(
        ["--queries", str(queries), "--corpus", str(NOTICES), "--out", str(out), "--model", str(tiny)], capsys
    )
    assert code == 2 and message in err and str(queries) in err
    assert not out.exists() and not Path(f"{out}.work").exists()


def test_a_feedback_line_without_chunk_ids_is_refused(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feedback = tmp_path / "feedback.jsonl"
    feedback.write_text(json.dumps({"question": "热线", "vote": "up", "chunk_ids": []}) + "\n", encoding="utf-8")
    args = ["--queries", str(DEV), "--corpus", str(NOTICES), "--feedback", str(feedback), "--out", str(tmp_path / "t")]
    code, _, err = _run([*args, "--model", str(tiny)], capsys)
    assert code == 2 and "feedback.jsonl" in err and "no chunk ids" in err


def test_mined_negatives_leave_out_positives_skip_the_top_and_near_duplicates(corpus: Path, tmp_path: Path) -> None:
    from tune.data import Pair
    from tune.mine import mine

    searcher = Searcher.build(corpus, None, embedder=KeywordEmbedder(), cache_dir=tmp_path / "cache")
    ranked = [h.id for h in searcher.search("政务服务中心企业开办审批", k=10)]
    positive, given = ranked[1], ranked[-1]
    pair = Pair("q", "政务服务中心企业开办审批", (positive,), (given,))
    (loose,) = mine(searcher, [pair], count=10, margin=1.0)
    assert loose.negatives[0] == given and positive not in loose.negatives  # a staff 👎 first, positives never
    others = [c for c in ranked if c not in (positive, given)]
    assert list(loose.negatives[1:]) == [c for c in others if c in loose.negatives[1:]]  # in the pipeline's order
    (skipped,) = mine(searcher, [pair], count=10, skip=1, margin=1.0)
    assert skipped.negatives == (given, *[c for c in loose.negatives[1:] if c != others[0]])
    texts = {c.id: c.text for c in searcher.all_chunks()}
    query = KeywordEmbedder().encode([pair.question], query=True)[0]
    cosine = {c: float(KeywordEmbedder().encode([texts[c]])[0] @ query) for c in [positive, *others]}
    closest = max(loose.negatives[1:], key=cosine.__getitem__)
    margin = 0.999 * cosine[closest] / cosine[positive]  # the closest kept candidate now counts as a likely positive
    (strict,) = mine(searcher, [pair], count=10, margin=margin)
    assert closest not in strict.negatives
    assert strict.negatives == (given, *[c for c in loose.negatives[1:] if cosine[c] < margin * cosine[positive]])
    with pytest.raises(ValueError, match="bad mining settings"):
        mine(searcher, [pair], margin=1.5)


SMALL_GOLD = [
    ("热线谁负责", "a", "规范12345热线运行"),
    ("接诉即办归谁管", "a", "健全接诉即办机制"),
    ("数据共享怎么推进", "a", "推进数据共享"),
    ("守信激励和失信惩戒", "a", "加强信用体系建设"),
    ("跨部门联合监管", "a", "深化综合监管"),
    ("审批人员每年培训几次", "a", "加强审批人员培训"),
    ("企业开办要几天", "b", "压缩企业开办时限"),
    ("周末能去政务大厅办事吗", "b", "推行周末延时服务"),
]


def _small_gold(path: Path) -> Path:
    lines = [
        json.dumps({"id": f"q{i}", "query": q, "relevant": [{"doc": d, "quote": t}]}, ensure_ascii=False) + "\n"
        for i, (q, d, t) in enumerate(SMALL_GOLD)
    ]
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.mark.model
def test_a_model_worse_than_its_base_is_not_written_unless_forced(
    model_dir: Path, tiny: Path, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """The bundled model as the base; "training" swapped for a random tiny model, which ranks far worse."""
    from sentence_transformers import SentenceTransformer

    import tune.train

    monkeypatch.setattr(tune.train, "train_encoder", lambda *a, **k: SentenceTransformer(str(tiny), device="cpu"))
    out = tmp_path / "tuned"
    gold = _small_gold(tmp_path / "gold.jsonl")
    args = ["--queries", str(gold), "--corpus", str(corpus), "--out", str(out), "--model", str(model_dir), *FAST]
    code, _, err = _run([*args, "--validation", "0.3"], capsys)
    assert code == 3 and "worse than its base" in err and "--force" in err
    assert not out.exists()
    refused = json.loads((Path(f"{out}.work") / "refused.json").read_text(encoding="utf-8"))
    assert refused["metrics"]["after"]["mrr@10"] < refused["metrics"]["before"]["mrr@10"]

    code, _, err = _run([*args, "--validation", "0.3", "--restart", "--force"], capsys)
    assert code == 0, err
    assert "written only because the run was forced" in (out / "README.md").read_text(encoding="utf-8")

    # With --reranker: a reranker that does not pay either → still nothing; one that pays → the base encoder + it.
    monkeypatch.setattr(tune.train, "train_reranker", lambda *a, **k: _GoldReranker(tmp_path, right=False))
    again = tmp_path / "again"
    args = ["--queries", str(gold), "--corpus", str(corpus), "--out", str(again), "--model", str(model_dir), *FAST]
    args += ["--validation", "0.3"]
    code, _, err = _run([*args, "--reranker"], capsys)
    assert code == 3 and "is worse than not reranking" in err and not again.exists()
    monkeypatch.setattr(tune.train, "train_reranker", lambda *a, **k: _GoldReranker(tmp_path, right=True))
    code, printed, err = _run([*args, "--reranker", "--restart"], capsys)
    assert code == 0, err
    assert "reranker (kept)" in printed and (again / "reranker" / "config.json").is_file()
    record = json.loads((again / "tune.json").read_text(encoding="utf-8"))
    assert record["accepted"] is False and record["reranker"]["accepted"] is True
    assert SentenceTransformerEmbedder(again).fingerprint == SentenceTransformerEmbedder(model_dir).fingerprint
    assert "base encoder's" in (again / "README.md").read_text(encoding="utf-8")

    only = tmp_path / "only"
    args[args.index(str(again))] = str(only)
    code, printed, err = _run([*args, "--reranker-only"], capsys)
    assert code == 0, err
    assert "encoder (not trained)" in printed and (only / "reranker" / "config.json").is_file()
    assert "Only a reranker was trained" in (only / "README.md").read_text(encoding="utf-8")


class _GoldReranker:
    """A stand-in cross-encoder that knows the gold answers: ranks them first (right) or last (not right)."""

    def __init__(self, folder: Path, right: bool) -> None:
        self.folder, self.right = folder, right

    def predict(self, pairs: list[tuple[str, str]], **_: object) -> list[float]:
        quotes = {q: t for q, _, t in SMALL_GOLD}
        return [float((quotes.get(q, "\0") in p) == self.right) for q, p in pairs]

    def save(self, path: str) -> None:
        tiny_cross_encoder(Path(path), [NOTICE_A, NOTICE_B])


@pytest.mark.model
def test_a_reranker_trained_from_the_bundled_model_serves_an_index(
    model_dir: Path, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The real cross-encoder path on two small notices: trained by tune --reranker, recorded by build, used."""
    gold = _small_gold(tmp_path / "gold.jsonl")
    out = tmp_path / "tuned"
    args = ["--queries", str(gold), "--corpus", str(corpus), "--out", str(out), "--model", str(model_dir), *FAST]
    code, printed, err = _run([*args, "--validation", "0.3", "--reranker", "--force"], capsys)
    assert code == 0, err
    assert "reranker (kept)" in printed and (out / "reranker" / "config.json").is_file()
    rerank = json.loads((out / "tune.json").read_text(encoding="utf-8"))["reranker"]
    assert rerank["depth"] == 20 and rerank["ms_per_question"]["p50"] > 0 and 0 <= rerank["with"]["mrr@10"] <= 1
    index = tmp_path / "index"
    assert main(["build", str(corpus), "--index", str(index), "--model", str(out)]) == 0
    assert "reranking the top 20" in capsys.readouterr().out
    searcher = Searcher.open(index)
    (result,) = searcher.run(["哪些部门负责12345热线"], k=5)
    assert searcher.reranker is not None and "rerank" in result.timings and len(result.hits) == 5


def test_rank_metrics_rank_every_chunk_by_cosine() -> None:
    import numpy as np

    from tune.data import Pair
    from tune.validate import rank_metrics

    chunks = np.eye(12, dtype=np.float32)
    ids = [f"c{i}" for i in range(12)]
    queries = np.stack([chunks[0] * 0.9 + chunks[1] * 0.1, np.arange(12, dtype=np.float32)[::-1] / 11])
    pairs = [Pair("q1", "?", ("c0",)), Pair("q2", "?", ("c11", "c10"))]  # q2: c10 ranks 11th, c11 12th
    metrics = rank_metrics(queries, chunks, ids, pairs)
    assert metrics == {"hit@1": 0.5, "hit@10": 0.5, "mrr@10": 0.5, "questions": 2}
