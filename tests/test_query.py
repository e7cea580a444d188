"""Question checks and query analysis: odd, empty, over-long and marked-up questions, bad k and filters, normalisation."""

from __future__ import annotations

import pytest

from index import Searcher
from index.query import QueryAnalyzer, normalize_query, place_names
from ingest.bounds import MAX_QUERY_CHARS

HOTLINE = "12345热线由哪个部门负责"


@pytest.mark.parametrize("query", ["", "   \t\n ", "\u200b\u200d\ufeff", "\x00\x07\x1b", "😀🎉👍", "？？！……"])
def test_questions_without_words_are_refused_clearly(backend: Searcher, query: str) -> None:
    with pytest.raises(ValueError, match=r"query 1 is empty"):
        backend.search(query)


def test_overlong_questions_are_refused_and_a_pasted_paragraph_is_answered(backend: Searcher) -> None:
    with pytest.raises(ValueError, match=rf"10,000 characters long; ask in at most {MAX_QUERY_CHARS:,}"):
        backend.search("热" * 10_000)
    paragraph = (HOTLINE + "，") * (MAX_QUERY_CHARS // (len(HOTLINE) + 1))
    assert len(paragraph) <= MAX_QUERY_CHARS
    assert backend.search(paragraph, k=1)[0].id == "a#一/1"


@pytest.mark.parametrize(
    "noisy",
    [
        "12345\u200b热线由哪个\u200d部门负责",  # zero-width characters from a web page
        "\ufeff12345热线由哪个部门负责\x07",  # BOM and a control character
        "12345热线由哪个部门负责？🙏🙏",  # emoji
        "12345\u202e热线由哪个部门负责",  # a bidi override
        "１２３４５熱線由哪個部門負責",  # full-width digits, traditional characters
        "12345热线 hotline 由哪个部门负责 (which department)",  # mixed scripts
    ],
)
def test_invisible_characters_emoji_and_mixed_scripts_do_not_change_the_answer(backend: Searcher, noisy: str) -> None:
    assert backend.search(noisy, k=1)[0].id == backend.search(HOTLINE, k=1)[0].id == "a#一/1"


@pytest.mark.parametrize(
    "markup", ["<script>alert(1)</script>热线", '<img src=x onerror="alert(1)">热线', "javascript:alert(1) 热线"]
)
def test_markup_in_questions_is_just_text(backend: Searcher, markup: str) -> None:
    answer = backend.answer(markup)
    assert answer.query == markup
    assert all("<script" not in h.text for h in answer.hits)  # clauses come from the corpus only


@pytest.mark.parametrize(("k", "message"), [(0, "at least one"), (-5, "at least one"), ("5", "at least one")])
def test_bad_k_is_refused(backend: Searcher, k: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        backend.search(HOTLINE, k=k)  # type: ignore[arg-type]


def test_huge_k_returns_what_there_is(backend: Searcher) -> None:
    hits = backend.search(HOTLINE, k=10**9)
    assert 0 < len(hits) <= len(backend) and len({h.id for h in hits}) == len(hits)


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"colour": "red"}, r"unknown filter \['colour'\]"),
        ({"doc_id": "nope"}, r"doc_id \['nope'\] is not in the index"),
        ({"lead": "市气象局"}, r"lead \['市气象局'\]: no item in the index is led by it"),
        ({"issuer": "火星政府"}, r"issuer \['火星政府'\] matches no notice"),
        ({"year": "24"}, "four digits"),
        ({"date_from": "yesterday"}, "not an ISO date"),
        ({"lead": 7}, "must be a string or a list of strings"),
    ],
)
def test_unknown_filters_are_named(backend: Searcher, filters: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        backend.search(HOTLINE, filters=filters)


def test_a_batch_names_the_bad_question(backend: Searcher) -> None:
    with pytest.raises(ValueError, match="query 2 is empty"):
        backend.search_batch([HOTLINE, " "])
    with pytest.raises(TypeError, match="query 2 is a NoneType"):
        backend.search_batch([HOTLINE, None])  # type: ignore[list-item]


def test_query_normalisation_and_analysis() -> None:
    assert normalize_query("哪些部門負責社會信用體系建設") == "哪些部门负责社会信用体系建设"
    assert normalize_query("ＡＢＣ　１２３４５") == "ABC 12345"
    assert place_names("汉中经济技术开发区管理委员会") == ["汉中经济技术开发区", "汉中经开区", "经开区"]
    analyzer = QueryAnalyzer(
        ["市数据局", "市行政审批服务局"], {"汉台区": {"003"}, "汉台": {"003"}}, all_docs=["000", "003"]
    )
    info = analyzer("汉台区数据局由谁牵头")
    assert info.departments == ["市数据局"] and info.doc_scope == {"003"} and info.asks_responsibility
    assert analyzer("Which department leads the hotline?").asks_responsibility
    assert analyzer("各地是如何推进改革的").cross_doc
    assert not analyzer("企业开办时限").asks_responsibility
