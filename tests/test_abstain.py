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


def test_the_rule_refuses_unseen_subjects_and_weak_support_but_not_latin_questions_for_unseen_words() -> None:
    rule = AbstainRule(min_dense=0.88, min_coverage=0.6, max_unseen=0.34, unseen_dense=0.9, min_dense_latin=0.78)
    assert rule.abstains("普通护照怎么申请", Evidence(0.89, 0.9, ("护照",), 2))  # half the subject is unseen
    assert not rule.abstains("普通护照怎么申请", Evidence(0.91, 0.9, ("护照",), 2))  # the dense match is strong
    assert not rule.abstains("政务公开培训每年组织几次", Evidence(0.89, 0.7, ("每年",), 4))  # one paraphrased word
    assert rule.abstains("今天天气", Evidence(0.85, 0.3))
    assert not rule.abstains("今天天气", Evidence(0.85, 0.6))  # enough lexical support
    assert not rule.abstains("How long does registration take?", Evidence(0.80, 0.0, ("long", "take"), 2))
    assert rule.abstains("How do I bake bread?", Evidence(0.75, 0.0))
    assert Evidence(0.9, 1.0).unseen_share == 0.0


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


def test_a_refusal_names_what_is_missing_and_shows_the_closest_clauses_without_a_lead_line(tmp_path: Path) -> None:
    notice = parse_text("某市数据工作方案\n一、任务\n1.规范12345热线运行。（市数据局牵头）", "x")
    searcher = Searcher.build(notice.chunks, embedder=KeywordEmbedder(), cache_dir=tmp_path)
    (result,) = searcher.run(["哪个部门负责护照"], k=3, with_abstain=True)
    answer = make_answer("哪个部门负责护照", result.hits, True, True, evidence=result.evidence)
    assert answer.abstained and answer.hits == [] and answer.leads == {} and answer.lead_line() == ""
    assert answer.message == "没有找到匹配的条款：这些通知中没有关于“护照”的条款。"
    assert [h.id for h in answer.nearest] == [h.id for h in result.hits][:3]
    as_json = answer.to_dict()
    assert as_json["hits"] == [] and as_json["nearest"] and as_json["message"] == answer.message
    assert refusal_message("What is the weather?", Evidence(0.7, 0.0, ("weather",), 1)) == REFUSAL
