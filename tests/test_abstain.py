"""The abstain rule's evidence: content words, unseen words, coverage, and the rule per script."""

from __future__ import annotations

from pathlib import Path

from index import Searcher
from index.abstain import AbstainRule, Evidence, content_words, gather, seen_words
from index.answer import REFUSAL, make_answer, refusal_message
from ingest import parse_text
from tests.fakes import KeywordEmbedder


def test_content_words_drop_question_words_and_tokens_inside_longer_ones() -> None:
    assert content_words(["哪个", "部门", "牵头", "港航", "物流", "服务", "服务中心", "中心"]) == [
        "港航",
        "物流",
        "服务中心",
    ]
    assert content_words(["怎么办", "由谁", "负责"]) == []


def test_the_rule_weighs_the_cosine_over_the_corpus_null_not_the_raw_cosine() -> None:
    rule = AbstainRule()
    lay = {"dense_gap": 0.035, "likeness": 0.82}
    strong = Evidence(0.87, 0.2, ("洗白",), 3, null=0.83, **lay)  # a lay paraphrase in a small corpus
    assert not rule.abstains("政府失信了还能修复吗", strong)
    same_cosine_bigger_corpus = Evidence(0.87, 0.2, ("洗白",), 3, null=0.88, **lay)
    assert rule.abstains("政府失信了还能修复吗", same_cosine_bigger_corpus)  # the null makes 0.87 weak there
    flat = Evidence(0.85, 0.0, ("红烧肉",), 1, dense_gap=0.015, null=0.83, likeness=0.85)  # no lead over the crowd
    assert rule.abstains("红烧肉怎么做", flat)
    covered = Evidence(0.85, 1.0, (), 2, dense_gap=0.03, null=0.83, likeness=0.8)  # every word in the best BM25 hit
    assert not rule.abstains("12345热线", covered)
    latin = Evidence(0.79, 0.0, ("long",), 2, dense_gap=0.03, null=0.83)  # e5's cosines across languages are lower
    assert rule.score("How long does registration take?", latin) > rule.score("注册要多久", latin)
    assert Evidence(0.9, 1.0).unseen_share == 0.0 and Evidence(0.9, 1.0, null=0.8).over_null == 0.9 - 0.8
    assert Evidence(0.9, 1.0, likeness=0.85).over_likeness == 0.9 - 0.85


def test_an_old_index_gets_todays_rule_and_a_recorded_one_is_kept() -> None:
    assert AbstainRule.from_settings({"min_dense": 0.8775}) == AbstainRule()  # the fields of the rule before
    recorded = {**AbstainRule().__dict__, "bias": -1.0}
    assert AbstainRule.from_settings(recorded).bias == -1.0


def test_evidence_reads_the_corpus_not_the_normalised_scores(tmp_path: Path) -> None:
    notice = parse_text("某市数据工作方案\n一、任务\n1.规范12345热线运行。（市数据局牵头）", "x")
    searcher = Searcher.build(notice.chunks, embedder=KeywordEmbedder(), cache_dir=tmp_path)
    store = searcher.store
    words = content_words(store.tokenizer("12345热线护照"))
    assert seen_words(store, words, None) == {"12345", "热线"}
    (result,) = searcher.run(["12345热线护照"], k=3, with_abstain=True)
    assert result.evidence is not None and result.evidence.unseen == ("护照",)
    assert result.evidence.coverage == 2 / 3
    lexical = store.lexical_search([words], 1, None)[0]
    assert gather([], lexical, words, store.facts({lexical[0][0]}), {"12345"}).unseen == ("热线", "护照")


def test_a_refusal_names_the_words_no_notice_uses_and_shows_the_closest_clauses_without_a_lead_line(
    tmp_path: Path,
) -> None:
    notice = parse_text("某市数据工作方案\n一、任务\n1.规范12345热线运行。（市数据局牵头）", "x")
    searcher = Searcher.build(notice.chunks, embedder=KeywordEmbedder(), cache_dir=tmp_path)
    (result,) = searcher.run(["哪个部门负责护照"], k=3, with_abstain=True)
    answer = make_answer("哪个部门负责护照", result.hits, True, True, evidence=result.evidence)
    assert answer.abstained and answer.hits == [] and answer.leads == {} and answer.lead_line() == ""
    assert answer.message == "没有找到足够相关的条款。通知中没有出现这些词：“护照”，可以换成通知里的说法再问。"
    assert [h.id for h in answer.nearest] == [h.id for h in result.hits][:3]
    as_json = answer.to_dict()
    assert as_json["hits"] == [] and as_json["nearest"] and as_json["message"] == answer.message
    assert refusal_message("What is the weather?", Evidence(0.7, 0.0, ("weather",), 1)) == REFUSAL
